"""A read-only table model over plain rows, for the office's lists (the intake log, the signers,
the communes of a round, the households of a package): a few hundred to a few thousand rows,
each a tuple of values already in display order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

ModelIndex = QModelIndex | QPersistentModelIndex


def display(value: Any) -> str:
    """Numbers the Vietnamese way (1.234; 12,5 %), nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value * 100:.1f} %".replace(".", ",")
    return str(value)


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple[Any, ...]] = []
        self.keys: list[Any] = []
        self.backgrounds: list[QColor | None] = []
        self.tooltips: list[str] = []

    def set_rows(
        self,
        rows: Sequence[Sequence[Any]],
        keys: Sequence[Any] | None = None,
        backgrounds: Sequence[QColor | None] | None = None,
        tooltips: Sequence[str] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows = [tuple(r) for r in rows]
        self.keys = list(keys) if keys is not None else list(range(len(self.rows)))
        self.backgrounds = list(backgrounds) if backgrounds is not None else []
        self.tooltips = list(tooltips) if tooltips is not None else []
        self.endResetModel()

    def key_at(self, row: int) -> Any:
        return self.keys[row] if 0 <= row < len(self.keys) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.backgrounds:
            colour = self.backgrounds[index.row()]
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and self.tooltips:
            return self.tooltips[index.row()] or None
        return None
