"""The editor's review tab: where the household stands in the round, its Giấy đề nghị and Phiếu A
sections (ui/review_sections.py), and the review steps it went through.

Recording goes through the writer lane in one transaction, with the signed-in actor, to
`register_application` and `screen` in app/workflow; a refusal (wrong step, wrong role, closed
round) rolls the transaction back and is shown as the core words it. Buttons follow the role
(app.permissions.can) only to say early what the core would refuse anyway.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.communes import only_commune
from app.errors import RaSoatError
from app.i18n import format_date, label, tr
from app.permissions import can, permission_label, role_label
from app.rounds import current_round
from app.standards import get_pack
from app.workflow.household_review import HouseholdReview, StepView, household_review
from app.workflow.listing import register_application
from app.workflow.phieu_a import phieu_a_form
from app.workflow.review_actions import screen
from app.workflow.steps import step_label
from ui.context import AppContext
from ui.review_sections import ApplicationSection, PhieuASection, wrapped

HISTORY_COLUMNS = ("on", "action", "move", "actor", "details")


class ReviewTab(QWidget):
    recorded = Signal(str)  # the household's code, after a step was recorded

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.lang = lang = context.lang
        self.code: str | None = None
        self._head = ("", "")  # the head's name and ID number: the applicant by default
        self._stale = False
        self.review: HouseholdReview | None = None
        with context.db.sessions() as session:
            pack = get_pack(current_round(session, only_commune(session)).standard_id)
        layout = QVBoxLayout(self)
        self.status = wrapped()
        self.status.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.status)
        self.notice = wrapped()
        self.notice.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.notice)
        row = QHBoxLayout()
        self.application = ApplicationSection(lang)
        self.application.submitted.connect(self.record_application)
        self.phieu_a = PhieuASection(lang, phieu_a_form(pack, lang))
        self.phieu_a.submitted.connect(self.record_phieu_a)
        row.addWidget(self.application, 1)
        row.addWidget(self.phieu_a, 1)
        layout.addLayout(row)
        heading = QLabel(tr("ui.review_tab.history", lang))
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        self.history = self._history_table()
        layout.addWidget(self.history, 1)

    def _history_table(self) -> QTableWidget:
        table = QTableWidget(0, len(HISTORY_COLUMNS))
        table.setHorizontalHeaderLabels(
            [tr(f"ui.review_tab.history.{c}", self.lang) for c in HISTORY_COLUMNS]
        )
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Dates and names take what they need; the words wrap in the rest of the width.
        header = table.horizontalHeader()
        for col, column in enumerate(HISTORY_COLUMNS):
            fit = column in ("on", "actor")
            mode = (
                QHeaderView.ResizeMode.ResizeToContents if fit else QHeaderView.ResizeMode.Stretch
            )
            header.setSectionResizeMode(col, mode)
        table.setWordWrap(True)
        table.setMinimumHeight(90)
        return table

    # ---- showing -------------------------------------------------------------------------------

    def show_household(self, code: str | None, head: str = "", head_id: str = "") -> None:
        """The household `code` as saved (None: not saved yet, nothing can be recorded). Read
        when the tab is shown: opening a household in the editor does not wait for it."""
        self.code, self._head = code, (head, head_id)
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        code, (head, head_id) = self.code, self._head
        self.review = None
        if code is not None:
            with self.context.db.sessions() as session:
                review_round = current_round(session, only_commune(session))
                self.review = household_review(session, review_round, code)
        review = self.review
        if review is None:
            self.status.setText("")
            self.notice.setText(tr("ui.review_tab.save_first", self.lang))
            self._fill_history(())
        else:
            self.status.setText(self._status(review))
            self.notice.setText(self._notice(review))
            self.application.show_review(review, head, head_id)
            self.phieu_a.show_review(review)
            self._fill_history(review.steps)
        self._enable()

    def _status(self, r: HouseholdReview) -> str:
        lang = self.lang
        step = step_label(r.step, lang)
        text = (
            tr("ui.review_tab.step_since", lang, step=step, date=format_date(r.step_on))
            if r.step_on
            else tr("ui.review_tab.step", lang, step=step)
        )
        parts = [tr("ui.review_tab.round", lang, round=r.round_label), text]
        if r.basis:
            parts.append(label(f"ui.review.basis.{r.basis}", lang, r.basis))
        if r.not_eligible_reason:
            parts.append(r.not_eligible_reason)
        return " · ".join(parts)

    def _notice(self, r: HouseholdReview) -> str:
        if not r.round_open:
            return tr("ui.review_tab.round_closed", self.lang, round=r.round_label)
        actor = self.context.actor
        missing = [p for p in ("application.register", "workflow.survey") if not can(actor, p)]
        return "\n".join(
            tr(
                "ui.review_tab.not_allowed",
                self.lang,
                role=role_label(actor.role, self.lang),
                permission=permission_label(p, self.lang),
            )
            for p in missing
        )

    def _enable(self) -> None:
        saved = self.review is not None
        actor = self.context.actor
        self.application.setEnabled(saved)
        self.application.record.setEnabled(saved and can(actor, "application.register"))
        screened = self.review is not None and self.review.screening is not None
        self.phieu_a.setEnabled(saved)
        self.phieu_a.set_enabled_entry(saved and not screened and can(actor, "workflow.survey"))

    def _fill_history(self, steps: tuple[StepView, ...]) -> None:
        table = self.history
        table.setRowCount(len(steps))
        for row, s in enumerate(steps):
            cells = (
                format_date(s.on),
                s.title(self.lang),
                s.move(self.lang),
                s.actor,
                self._details(s),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
        table.resizeRowsToContents()

    def _details(self, s: StepView) -> str:
        lang, d = self.lang, s.details
        if s.action == "screen":
            criteria = d.get("criteria") or []
            return "Phiếu A: " + tr(
                "ui.review_tab.details.screen",
                lang,
                count=d.get("phieu_a_count", len(criteria)),
                criteria=", ".join(f"{n:02d}" for n in criteria)
                or tr("ui.phieu_a.no_criteria", lang),
            )
        if s.action == "list" and d.get("form"):
            text = tr("ui.review_tab.details.list", lang, form=d["form"])
            if d.get("requested"):
                cls = tr(f"class.{d['requested']}", lang)
                text += ", " + tr("ui.review_tab.details.request", lang, cls=cls)
            return text
        shown = {k: v for k, v in d.items() if k not in ("round", "application")}
        return ", ".join(f"{k}: {v}" for k, v in shown.items())

    # ---- recording -----------------------------------------------------------------------------

    def record_application(self, entry: dict[str, Any]) -> None:
        code, actor = self.code, self.context.actor
        assert code is not None

        def task(session: Session, progress: Any, cancelled: Any) -> Any:
            review_round = current_round(session, only_commune(session))
            return register_application(session, actor, review_round, code, **entry)

        done = tr("ui.application.recorded", self.lang, form=entry["form"], code=code)
        self._run(task, tr("ui.application.record", self.lang), done)

    def record_phieu_a(self, on: date, criteria: list[int]) -> None:
        code, actor = self.code, self.context.actor
        assert code is not None

        def task(session: Session, progress: Any, cancelled: Any) -> Any:
            review_round = current_round(session, only_commune(session))
            return screen(session, actor, review_round, code, on, criteria=criteria)

        done = tr("ui.phieu_a.recorded", self.lang, code=code)
        self._run(task, tr("ui.phieu_a.record", self.lang), done)

    def _run(self, task: Any, title: str, done: str) -> None:
        code = self.code
        self.application.record.setEnabled(False)
        self.phieu_a.record.setEnabled(False)

        def finished(_result: Any) -> None:
            self.show_household(code, *self._head)
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(done, 5000)
            self.recorded.emit(code)

        def failed(exc: RaSoatError) -> None:
            self._enable()
            self.context.prompts.error(self, title, exc.message(self.lang))

        self.context.runner.run_in_session(task, finished, parent=self, on_error=failed)
