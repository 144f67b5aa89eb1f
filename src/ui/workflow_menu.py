"""The review menu: a household's history, and the chairman's decision.

What a role may do is decided in `app` (app/permissions.py); the menu only follows it, disabling
what the signed-in role cannot do. The actions still go through the core, which refuses a
reviewer's decision even if this menu were bypassed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app import clock
from app.communes import only_commune
from app.errors import RaSoatError
from app.permissions import can
from app.rounds import current_round
from app.workflow.decisions import decide
from app.workflow.history import HistoryEntry, household_history
from app.workflow.procedure import procedure
from models import Assessment, Household

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_workflow_menu(window: MainWindow) -> None:
    t, actor = window.context.tr, window.context.actor
    menu = window.menu(t("ui.menu.review"))
    history = menu.addAction(t("ui.menu.household_history"))
    history.triggered.connect(lambda _checked=False: show_history(window))
    menu.addSeparator()
    window.decide_action = menu.addAction(t("action.decide") + "…")
    window.decide_action.triggered.connect(lambda _checked=False: record_decision(window))
    window.decide_action.setEnabled(can(actor, "workflow.decide"))
    from ui.review_page import ReviewPage

    window.review_page = ReviewPage(window)
    window.tabs.addTab(window.review_page, t("ui.tab.review"))
    window.tabs.currentChanged.connect(window.review_page.on_tab_changed)


def awaiting_decision(window: MainWindow) -> list[str]:
    """Codes of the current round's households at a step the decision may follow."""
    sources = {s for t in procedure().tracks.values() for s in t.transition("decide").sources}
    with window.context.db.sessions() as session:
        review_round = current_round(session, only_commune(session))
        return list(
            session.scalars(
                select(Household.code)
                .join(Assessment, Assessment.household_id == Household.id)
                .where(Assessment.round_id == review_round.id, Assessment.step.in_(sources))
                .order_by(Household.code)
            )
        )


def record_decision(window: MainWindow) -> None:
    """The chairman records the decision on the final list (every household awaiting it)."""
    ctx = window.context
    title = ctx.tr("action.decide")
    codes = awaiting_decision(window)
    if not codes:
        ctx.prompts.inform(window, title, ctx.tr("ui.workflow.nothing_to_decide"))
        return
    number = ctx.prompts.ask_text(window, title, ctx.tr("ui.workflow.decision_number"))
    if not number:
        return
    question = ctx.tr("ui.workflow.confirm_decision", number=number, count=len(codes))
    if not ctx.prompts.confirm(window, title, question):
        return
    try:
        with ctx.db.sessions.begin() as session:
            review_round = current_round(session, only_commune(session))
            decide(session, ctx.actor, review_round, codes, clock.today(), number)
    except RaSoatError as exc:
        ctx.prompts.error(window, title, exc.message(ctx.lang))
        return
    ctx.prompts.inform(window, title, ctx.tr("ui.workflow.decided", count=len(codes)))
    window.reload()


def show_history(window: MainWindow) -> None:
    ctx = window.context
    household_id = window.list_page.selected_id()
    if household_id is None:
        ctx.prompts.inform(window, ctx.tr("ui.menu.household_history"), ctx.tr("ui.select_one"))
        return
    with ctx.db.sessions() as session:
        household = session.get(Household, household_id)
        assert household is not None
        code = household.code
    open_history(window, code)


def open_history(window: MainWindow, code: str) -> None:
    ctx = window.context
    with ctx.db.sessions() as session:
        entries = household_history(session, code)
    dialog = HistoryDialog(code, entries, ctx.lang, window)
    window.history_dialog = dialog
    dialog.open()


def _local(at: str) -> str:
    """An audit time (UTC) as the officer reads it: Vietnam time, UTC+7."""
    moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (moment + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")


def _summary(entry: HistoryEntry) -> str:
    if entry.changes:
        return "; ".join(f"{path}: {old!r} → {new!r}" for path, (old, new) in entry.changes.items())
    shown = {k: v for k, v in entry.details.items() if k not in ("round", "sha256", "version")}
    return ", ".join(f"{k}: {v}" for k, v in shown.items())


class HistoryDialog(QDialog):
    """Who did what to one household, oldest first, from the audit trail."""

    def __init__(
        self, code: str, entries: list[HistoryEntry], lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from app.i18n import tr

        self.setWindowTitle(tr("ui.history.title", lang, code=code))
        self.resize(900, 480)
        headers = [tr(f"ui.history.{c}", lang) for c in ("when", "who", "what", "details")]
        self.table = QTableWidget(len(entries), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, e in enumerate(entries):
            cells = (_local(e.at), f"{e.actor_name} ({e.username})", e.title(lang), _summary(e))
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
