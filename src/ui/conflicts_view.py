"""Conflicts after merging field bundles, side by side: the officer decides field by field.

The upper table lists every field in conflict (household, field, the value used for now); the
lower one shows the selected field's values next to each other — one column per value, with who
changed it, on which laptop and when — and a button under each to keep it. Households created on
two laptops with the same ID number are listed apart, with a button to keep one of them.
Decisions go through app/fieldwork/conflicts.py on the writer lane, which records them in the
audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.communes import only_commune
from app.fieldwork.conflicts import (
    Conflict,
    Duplicate,
    duplicates,
    list_conflicts,
    resolve_conflict,
)
from app.fieldwork.conflicts import resolve_duplicate as keep_one
from app.fieldwork.labels import household_label, path_label, value_text, when_text
from app.permissions import can
from ui.context import AppContext


class ConflictsDialog(QDialog):
    """Every open conflict of the commune; emits `decided` after each decision."""

    decided = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.conflicts: list[Conflict] = []
        self.duplicates: list[Duplicate] = []
        self.may_decide = can(context.actor, "fieldwork.merge")
        self.setWindowTitle(self.t("ui.conflicts.title"))
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = _table([self.t(f"ui.conflicts.{c}") for c in ("household", "field", "now")])
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        layout.addWidget(self.table, 2)
        self.side_box = QGroupBox(self.t("ui.conflicts.values"))
        self.side = QGridLayout(self.side_box)
        layout.addWidget(self.side_box, 2)
        self.dup_box = QGroupBox(self.t("ui.conflicts.duplicates"))
        self.dup_layout = QVBoxLayout(self.dup_box)
        layout.addWidget(self.dup_box, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def t(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    # ---- reading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.context.db.sessions() as session:
            commune = only_commune(session)
            self.conflicts = list_conflicts(session, commune)
            self.duplicates = duplicates(session, commune)
        lang = self.context.lang
        self.table.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            cells = (
                household_label(c.code, c.values),
                path_label(c.path, c.values, lang),
                value_text(c.path, c.current, lang),
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.summary.setText(
            self.t(
                "ui.conflicts.summary", count=len(self.conflicts), duplicates=len(self.duplicates)
            )
        )
        self._fill_duplicates()
        if self.conflicts:
            self.table.setCurrentCell(0, 0)
        self._show(self.table.currentRow() if self.conflicts else -1)

    def _show(self, row: int) -> None:
        """The values of the selected field side by side, one column each."""
        _clear(self.side)
        if not 0 <= row < len(self.conflicts):
            self.side.addWidget(QLabel(self.t("ui.conflicts.none")), 0, 0)
            return
        c, lang = self.conflicts[row], self.context.lang
        heads = ("value", "by", "laptop", "when")
        for r, head in enumerate(heads):
            label = QLabel(f"<b>{self.t(f'ui.conflicts.{head}')}</b>")
            self.side.addWidget(label, r, 0)
        for col, cand in enumerate(c.candidates, 1):
            laptop = cand.source_name or self.t("sync.source.commune")
            value = value_text(c.path, cand.value, lang)
            if cand.value == c.current:
                value += "  " + self.t("ui.conflicts.in_use")
            texts = (value, cand.by, laptop, when_text(cand.at))
            for r, text in enumerate(texts):
                cell = QLabel(text)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if r == 0:
                    cell.setStyleSheet("font-size: 12pt; font-weight: bold;")
                self.side.addWidget(cell, r, col)
            keep = QPushButton(self.t("ui.conflicts.keep"))
            keep.setEnabled(self.may_decide)
            keep.clicked.connect(_bind(self.decide, c, cand.value))
            self.side.addWidget(keep, len(heads), col)
            self.side.setColumnMinimumWidth(col, 220)
        self.side.setColumnStretch(len(c.candidates) + 1, 1)

    def _fill_duplicates(self) -> None:
        _clear(self.dup_layout)
        self.dup_box.setVisible(bool(self.duplicates))
        for d in self.duplicates:
            self.dup_layout.addWidget(QLabel(self.t("ui.conflicts.same_id", id_number=d.id_number)))
            for h in d.households:
                others = [o.code for o in d.households if o.code != h.code]
                text = self.t(
                    "ui.conflicts.keep_household",
                    code=h.code,
                    head=h.head,
                    village=h.village,
                    origin=h.origin or self.t("sync.source.commune"),
                )
                button = QPushButton(text)
                button.setEnabled(self.may_decide and len(others) == 1)
                if len(others) == 1:
                    button.clicked.connect(_bind(self.keep_household, h.code, others[0]))
                self.dup_layout.addWidget(button)

    # ---- deciding ----------------------------------------------------------------------------

    def decide(self, conflict: Conflict, value: Any) -> None:
        ctx, actor = self.context, self.context.actor
        lang = ctx.lang
        question = self.t(
            "ui.conflicts.confirm",
            code=conflict.code,
            field=path_label(conflict.path, conflict.values, lang),
            value=value_text(conflict.path, value, lang),
        )
        if not ctx.prompts.confirm(self, self.t("ui.conflicts.title"), question):
            return

        def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
            return resolve_conflict(
                session, actor, only_commune(session), conflict.code, conflict.path, value
            )

        ctx.runner.run_in_session(task, lambda _d: self._after(), parent=self)

    def keep_household(self, keep: str, remove: str) -> None:
        ctx, actor = self.context, self.context.actor
        question = self.t("ui.conflicts.confirm_keep", keep=keep, remove=remove)
        if not ctx.prompts.confirm(self, self.t("ui.conflicts.title"), question):
            return

        def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
            keep_one(session, actor, only_commune(session), keep, remove)

        ctx.runner.run_in_session(task, lambda _d: self._after(), parent=self)

    def _after(self) -> None:
        self.refresh()
        self.decided.emit()


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return table


def _clear(layout: QGridLayout | QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()


def _bind(fn: Callable[..., None], *args: Any) -> Callable[[], None]:
    return lambda *_ignored: fn(*args)
