"""The review page: the round's households under review, their step and dates, and the actions
the signed-in role may take on the selected ones (ui/review_actions.py)."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.communes import only_commune
from app.i18n import format_date, label, tr
from app.rounds import current_round
from app.workflow.review_list import ReviewRow, allowed_actions, review_rows
from app.workflow.steps import action_label, step_label

if TYPE_CHECKING:
    from ui.main_window import MainWindow

COLUMNS = ("code", "head", "village", "basis", "step", "step_on", "proposed", "posting", "decided")
# The buttons, in the order of the procedure; "history" is open to everyone.
ACTIONS = ("survey", "meeting", "post", "complain", "recheck", "final_list", "upper_opinion",
           "decide", "certify", "reject", "leave")  # fmt: skip
ModelIndex = QModelIndex | QPersistentModelIndex


class ReviewModel(QAbstractTableModel):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.rows: list[ReviewRow] = []
        self._headers = [tr(f"ui.review.column.{c}", lang) for c in COLUMNS]

    def set_rows(self, rows: Sequence[ReviewRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return self.text(self.rows[index.row()], COLUMNS[index.column()])

    def text(self, row: ReviewRow, column: str) -> str:
        lang = self.lang
        if column == "basis":
            return label(f"ui.review.basis.{row.basis}", lang, row.basis)
        if column == "step":
            return step_label(row.step, lang)
        if column == "step_on":
            return format_date(row.step_on)
        if column in ("proposed", "decided"):
            value = row.proposed if column == "proposed" else row.decided
            return label(f"ui.review.list.{value}", lang, "") if value else ""
        if column == "posting":
            return format_date(row.posting_ends_on)
        return str(getattr(row, column))


class ReviewPage(QWidget):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        # A weak reference: the page must not keep a closed main window's wrapper alive.
        self._window = weakref.ref(window)
        self.context = ctx = window.context
        self.summary = QLabel()
        self.on_date = QDateEdit(QDate(clock.today()))
        self.on_date.setCalendarPopup(True)
        self.on_date.setDisplayFormat("dd/MM/yyyy")
        self.model = ReviewModel(ctx.lang)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setVisible(False)
        self.buttons: dict[str, QPushButton] = {}
        allowed = allowed_actions(ctx.actor)
        bar = QHBoxLayout()
        for action in (*ACTIONS, "history"):
            text = (
                action_label(action, ctx.lang)
                if action != "history"
                else ctx.tr("ui.menu.household_history")
            )
            button = QPushButton(text.rstrip("…"))
            button.setEnabled(action == "history" or action in allowed)
            button.clicked.connect(lambda _c=False, a=action: self.run(a))
            self.buttons[action] = button
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(ctx.tr("ui.review.on_date")))
        top.addWidget(self.on_date)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        for row_of in (ACTIONS[:6], (*ACTIONS[6:], "history")):
            line = QHBoxLayout()
            for action in row_of:
                line.addWidget(self.buttons[action])
            line.addStretch(1)
            layout.addLayout(line)
        del bar

    def main_window(self) -> MainWindow:
        window = self._window()
        assert window is not None
        return window

    def on_tab_changed(self, _index: int) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        ctx = self.context
        with ctx.db.sessions() as session:
            review_round = current_round(session, only_commune(session))
            rows = review_rows(session, review_round)
            title = review_round.label
        self.model.set_rows(rows)
        self.summary.setText(ctx.tr("ui.review.summary", round=title, count=len(rows)))

    def selected_codes(self) -> list[str]:
        picked = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.rows[r].code for r in picked]

    def select_codes(self, codes: Sequence[str]) -> None:
        self.view.clearSelection()
        flags = self.view.selectionModel().SelectionFlag
        for r, row in enumerate(self.model.rows):
            if row.code in codes:
                index = self.model.index(r, 0)
                self.view.selectionModel().select(index, flags.Select | flags.Rows)

    def run(self, action: str) -> None:
        from ui.review_actions import run_action

        run_action(self, action)
