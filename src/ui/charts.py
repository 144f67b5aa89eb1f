"""Charts drawn with QPainter: PySide6-Essentials has no QtCharts, and these three are simple
enough that PySide6-Addons' extra 200 MB on every field laptop would buy nothing.

- HorizontalBars: one bar per item with its value label (deprivation shares, progress).
- StackedBars: one stacked bar per village, split by class, with a legend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_HEIGHT = 18
GAP = 7
LABEL_GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..1 of the full width
    text: str  # what is written after the bar
    colour: QColor


class HorizontalBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, max(1, len(self.bars)) * (BAR_HEIGHT + GAP) + GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        label_width = min(
            max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0),
            int(self.width() * 0.5),
        )
        text_width = max((metrics.horizontalAdvance(b.text) for b in self.bars), default=0)
        bar_room = max(10, self.width() - label_width - text_width - 3 * LABEL_GAP)
        for i, bar in enumerate(self.bars):
            y = GAP + i * (BAR_HEIGHT + GAP)
            label_box = QRectF(0, y, label_width, BAR_HEIGHT)
            painter.setPen(self.palette().text().color())
            painter.drawText(
                label_box,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width),
            )
            x = label_width + LABEL_GAP
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
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        legend_rows = 2  # the legend wraps onto a second line in a narrow window
        return QSize(400, (len(self.stacks) + legend_rows) * (BAR_HEIGHT + GAP) + GAP * 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        text = self.palette().text().color()
        label_width = min(
            max((metrics.horizontalAdvance(s.label) for s in self.stacks), default=0),
            int(self.width() * 0.35),
        )
        totals = [self.total_text(sum(s.parts)) for s in self.stacks]
        text_width = max((metrics.horizontalAdvance(t) for t in totals), default=0)
        room = max(10, self.width() - label_width - text_width - 3 * LABEL_GAP)
        x0 = label_width + LABEL_GAP
        for i, stack in enumerate(self.stacks):
            y = GAP + i * (BAR_HEIGHT + GAP)
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y, label_width, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(stack.label, Qt.TextElideMode.ElideRight, label_width),
            )
            total = sum(stack.parts) or 1
            x = float(x0)
            for count, (_name, colour) in zip(stack.parts, self.legend, strict=False):
                width = room * count / total
                painter.fillRect(QRectF(x, y, width, BAR_HEIGHT), colour)
                x += width
            painter.drawText(
                QRectF(x0 + room + LABEL_GAP, y, text_width + 2, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                totals[i],
            )
        self._draw_legend(painter, metrics, x0, GAP + len(self.stacks) * (BAR_HEIGHT + GAP))
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
