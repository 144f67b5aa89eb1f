"""The household list's Qt model: a table over plain ListRow tuples that filters and sorts itself.

No QSortFilterProxyModel (2.5–4 s per filter change at 50,000 rows, see notes.md): the model
keeps every row, asks app.household_list to filter and sort, and resets with the result. A
narrower search (one more letter typed) filters the rows shown now instead of all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QIcon

from app.household_list import (
    COLUMNS,
    ListFilter,
    ListRow,
    filter_rows,
    sort_rows,
)
from app.i18n import label, tr
from ui.icons import state_icon

ModelIndex = QModelIndex | QPersistentModelIndex
CLASS_COLOURS = {
    "poor": QColor("#b3261e"),
    "near_poor": QColor("#b45309"),
    "average": QColor("#1d4ed8"),
    "not_poor": QColor("#15803d"),
}


def step_label(step: str | None, lang: str) -> str:
    """A review step's name: from the workflow's catalogue when it has one (issue #4)."""
    if not step:
        return tr("ui.step.not_listed", lang)
    return label(f"step.{step}", lang) or label(f"ui.step.{step}", lang, step)


class HouseholdTableModel(QAbstractTableModel):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.all_rows: list[ListRow] = []
        self.rows: list[ListRow] = []
        self.filter = ListFilter()
        self.sort_column = "code"
        self.descending = False
        self._icons: dict[str, QIcon] = {}
        self._headers = [tr(f"ui.list.column.{c}", lang) for c in COLUMNS]
        self._pending_font = QFont()
        self._pending_font.setItalic(True)  # known only from a list until its survey

    # ---- content ---------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ListRow]) -> None:
        self.all_rows = sort_rows(rows, self.sort_column, self.descending)
        self._apply(from_all=True)

    def set_filter(self, f: ListFilter) -> None:
        narrower = f.narrows(self.filter)
        self.filter = f
        self._apply(from_all=not narrower)

    def replace_row(self, row: ListRow) -> None:
        """A saved household: update or add its row without reloading the commune (a pending
        household just surveyed replaces its pending row, which has the same code)."""
        rows = [
            r for r in self.all_rows if r.household_id != row.household_id and r.code != row.code
        ]
        self.all_rows = sort_rows([*rows, row], self.sort_column, self.descending)
        self._apply(from_all=True)

    def remove_household(self, household_id: int) -> None:
        self.all_rows = [r for r in self.all_rows if r.household_id != household_id]
        self._apply(from_all=True)

    def _apply(self, from_all: bool) -> None:
        """Filter without sorting: every row list here is already in the current sort order
        (all_rows is kept sorted), and filtering keeps order. A keystroke never sorts."""
        shown = filter_rows(self.all_rows if from_all else self.rows, self.filter)
        self.beginResetModel()
        self.rows = shown
        self.endResetModel()

    def row_at(self, index: int) -> ListRow:
        return self.rows[index]

    def index_of(self, household_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r.household_id == household_id:
                return i
        return None

    def index_of_code(self, code: str) -> int | None:
        for i, r in enumerate(self.rows):
            if r.code == code:
                return i
        return None

    # ---- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "state":
            return self._icon(r)
        if role == Qt.ItemDataRole.ForegroundRole and column == "class" and r.cls:
            return CLASS_COLOURS.get(r.cls)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "members":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == "state":
            return self._state_text(r)
        if role == Qt.ItemDataRole.FontRole and r.pending:
            return self._pending_font
        return None

    def _text(self, r: ListRow, column: str) -> str:
        if column == "code":
            return r.code
        if column == "head":
            return r.head
        if column == "village":
            return r.village
        if column == "members":
            return str(r.members)
        if column == "class":
            return tr(f"class.{r.cls or 'none'}", self.lang)
        if column == "step":
            return (
                tr("ui.list.survey_pending", self.lang)
                if r.pending
                else step_label(r.step, self.lang)
            )
        return self._state_text(r)

    def _state_text(self, r: ListRow) -> str:
        if r.pending:
            return tr("ui.list.state.pending", self.lang)
        if r.errors:
            return tr("ui.list.state.errors", self.lang, count=r.errors)
        if r.unconfirmed:
            return tr("ui.list.state.unconfirmed", self.lang, count=r.unconfirmed)
        if r.warnings:
            return tr("ui.list.state.confirmed", self.lang, count=r.warnings)
        return tr("ui.list.state.ok", self.lang)

    def _icon(self, r: ListRow) -> QIcon:
        kind = (
            "pending"
            if r.pending
            else "error"
            if r.errors
            else "warning"
            if r.unconfirmed
            else "ok"
        )
        if kind not in self._icons:
            self._icons[kind] = state_icon(kind)
        return self._icons[kind]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column = COLUMNS[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.beginResetModel()
        self.all_rows = sort_rows(self.all_rows, self.sort_column, self.descending)
        self.rows = filter_rows(self.all_rows, self.filter)
        self.endResetModel()
