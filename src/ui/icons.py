"""Small state icons drawn once with QPainter, so they look the same on every platform theme."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

COLOURS = {
    "error": "#c62828",
    "warning": "#e09100",
    "ok": "#2e7d32",
    "confirmed": "#2e7d32",
    "pending": "#1565c0",
}
SIZE = 16


def state_icon(kind: str, size: int = SIZE) -> QIcon:
    """ "error": a red disc with "!", "warning": an amber triangle with "!", "ok": a green tick,
    "pending" (not surveyed yet): a blue clock face."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(COLOURS.get(kind, "#777777"))
    box = QRectF(1, 1, size - 2, size - 2)
    if kind == "pending":
        painter.setPen(QPen(colour, size / 9))
        painter.drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5))
        centre = box.center()
        painter.drawLine(centre, QPointF(centre.x(), size * 0.25))
        painter.drawLine(centre, QPointF(size * 0.72, centre.y()))
    elif kind == "ok" or kind == "confirmed":
        pen = QPen(colour, size / 7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawPolyline(
            [
                QPointF(size * 0.2, size * 0.55),
                QPointF(size * 0.42, size * 0.78),
                QPointF(size * 0.82, size * 0.25),
            ]
        )
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        if kind == "warning":
            path = QPainterPath()
            path.moveTo(size / 2, 1)
            path.lineTo(size - 1, size - 1)
            path.lineTo(1, size - 1)
            path.closeSubpath()
            painter.drawPath(path)
            box = QRectF(0, size * 0.2, size, size * 0.8)
        else:
            painter.drawEllipse(box)
        painter.setPen(QColor("white"))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.7))
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return QIcon(pixmap)
