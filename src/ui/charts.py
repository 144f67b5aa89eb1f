"""Charts drawn with QPainter: PySide6-Essentials has no QtCharts, and these three are simple
enough that PySide6-Addons' extra 200 MB on every field laptop would buy nothing.

- HorizontalBars: one bar per item with its value label (deprivation shares, progress).
- StackedBars: one stacked bar per village, split by class, with a legend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_HEIGHT = 18
GAP = 7
LABEL_GAP = 10
# A label wider than its share of the chart wraps onto more lines (never elided: "Cảnh báo chưa
# xác nh…" told the officer nothing). A little slack keeps a label that fits exactly on one line,
# as the text's bounding box can be a pixel wider than its advance.
LABEL_SLACK = 4
WRAP = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap


def label_column(metrics: QFontMetrics, labels: Sequence[str], share_of: int) -> int:
    """The width of the labels' column: the longest label, at most `share_of` pixels."""
    longest = max((metrics.horizontalAdvance(t) for t in labels), default=0)
    return max(1, min(longest + LABEL_SLACK, share_of))


def label_height(metrics: QFontMetrics, text: str, width: int) -> int:
    """How tall `text` is when wrapped to `width`, and never less than a bar."""
    box = metrics.boundingRect(QRect(0, 0, width, 10_000), int(WRAP), text)
    return max(BAR_HEIGHT, box.height())


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..1 of the full width
    text: str  # what is written after the bar
    colour: QColor


class HorizontalBars(QWidget):
    """Rows of (label, bar, value); labels wrap, and the chart grows to fit them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.setFixedHeight(self.height_for(self.width()))
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.height_for(event.size().width())
        if height != self.height():
            self.setFixedHeight(height)

    def label_width(self, width: int) -> int:
        return label_column(QFontMetrics(self.font()), [b.label for b in self.bars], width // 2)

    def rows(self, width: int) -> list[QRect]:
        """Each bar's label box at chart width `width`, top to bottom."""
        metrics = QFontMetrics(self.font())
        label_width = self.label_width(width)
        boxes, y = [], GAP
        for bar in self.bars:
            height = label_height(metrics, bar.label, label_width)
            boxes.append(QRect(0, y, label_width, height))
            y += height + GAP
        return boxes

    def height_for(self, width: int) -> int:
        boxes = self.rows(max(width, 200))
        return boxes[-1].bottom() + 1 + GAP if boxes else BAR_HEIGHT + 2 * GAP

    def sizeHint(self) -> QSize:
        return QSize(400, self.height_for(max(self.width(), 400)))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.height_for(max(self.width(), 200)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        boxes = self.rows(self.width())
        label_width = boxes[0].width() if boxes else 0
        text_width = max((metrics.horizontalAdvance(b.text) for b in self.bars), default=0)
        bar_room = max(10, self.width() - label_width - text_width - 3 * LABEL_GAP)
        x = label_width + LABEL_GAP
        for bar, box in zip(self.bars, boxes, strict=True):
            painter.setPen(self.palette().text().color())
            painter.drawText(box, int(WRAP), bar.label)
            y = box.center().y() - BAR_HEIGHT / 2 + 0.5
            painter.fillRect(QRectF(x, y, bar_room, BAR_HEIGHT), QColor("#eeeeee"))
            width = bar_room * max(0.0, min(1.0, bar.value))
            painter.fillRect(QRectF(x, y, width, BAR_HEIGHT), bar.colour)
            painter.drawText(
                QRectF(x + bar_room + LABEL_GAP, y, text_width + 2, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
        painter.end()


@dataclass(frozen=True)
class Stack:
    label: str
    parts: tuple[int, ...]  # counts, in the order of the legend


class StackedBars(QWidget):
    """Bars of equal length (100% of each village), split by class, total written after."""

    def __init__(
        self,
        legend: Sequence[tuple[str, QColor]],
        total_text: Callable[[int], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.legend = list(legend)
        self.total_text = total_text
        self.stacks: list[Stack] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_stacks(self, stacks: Sequence[Stack]) -> None:
        self.stacks = list(stacks)
        self.setFixedHeight(self.height_for(self.width()))
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.height_for(event.size().width())
        if height != self.height():
            self.setFixedHeight(height)

    def rows(self, width: int) -> list[QRect]:
        """Each stack's label box at chart width `width` (labels wrap at 35% of it)."""
        metrics = QFontMetrics(self.font())
        labels = [s.label for s in self.stacks]
        label_width = label_column(metrics, labels, int(width * 0.35))
        boxes, y = [], GAP
        for text in labels:
            height = label_height(metrics, text, label_width)
            boxes.append(QRect(0, y, label_width, height))
            y += height + GAP
        return boxes

    def height_for(self, width: int) -> int:
        boxes = self.rows(max(width, 200))
        top = boxes[-1].bottom() + 1 + GAP if boxes else GAP
        legend_rows = 2  # the legend wraps onto a second line in a narrow window
        return top + legend_rows * (BAR_HEIGHT + GAP) + GAP

    def sizeHint(self) -> QSize:
        return QSize(400, self.height_for(max(self.width(), 400)))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.height_for(max(self.width(), 200)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        text = self.palette().text().color()
        boxes = self.rows(self.width())
        label_width = boxes[0].width() if boxes else 0
        totals = [self.total_text(sum(s.parts)) for s in self.stacks]
        text_width = max((metrics.horizontalAdvance(t) for t in totals), default=0)
        room = max(10, self.width() - label_width - text_width - 3 * LABEL_GAP)
        x0 = label_width + LABEL_GAP
        for stack, box, total_text in zip(self.stacks, boxes, totals, strict=True):
            painter.setPen(text)
            painter.drawText(box, int(WRAP), stack.label)
            y = box.center().y() - BAR_HEIGHT / 2 + 0.5
            total = sum(stack.parts) or 1
            x = float(x0)
            for count, (_name, colour) in zip(stack.parts, self.legend, strict=False):
                width = room * count / total
                painter.fillRect(QRectF(x, y, width, BAR_HEIGHT), colour)
                x += width
            painter.drawText(
                QRectF(x0 + room + LABEL_GAP, y, text_width + 2, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                total_text,
            )
        legend_top = boxes[-1].bottom() + 1 + GAP if boxes else GAP
        self._draw_legend(painter, metrics, x0, legend_top)
        painter.end()

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics, x: float, y: float) -> None:
        start = x
        for name, colour in self.legend:
            if x + 16 + metrics.horizontalAdvance(name) > self.width() and x > start:
                x, y = start, y + BAR_HEIGHT + GAP
            painter.fillRect(QRectF(x, y + 4, 12, 12), colour)
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(x + 16, y, metrics.horizontalAdvance(name) + 4, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x += 16 + metrics.horizontalAdvance(name) + 18
