"""The household editor page: the form on the left, the live result and problems on the right.

Every change re-checks the form (app.household_editing.check_form) after a short pause and
autosaves it as a draft (app.drafts) every few seconds. Ctrl+S saves through the writer lane;
Ctrl+N adds a member; Esc goes back to the list, asking first when there are unsaved changes.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.communes import only_commune
from app.errors import InvalidData, RaSoatError
from app.household_editing import (
    PENDING,
    FormCheck,
    check_form,
    new_household_form,
    open_household,
    open_pending,
    save_form,
    villages,
)
from app.household_form import SURVEY_KEYS, Form, confirmation_key
from app.households import SaveResult, UnconfirmedWarnings
from app.validation import ERROR
from ui.check_panels import ProblemsPanel, ResultPanel
from ui.context import AppContext
from ui.form_fields import EnterMovesOn, FormBinder
from ui.household_sections import HeaderSection, PhieuBSection
from ui.member_roster import MemberRoster
from ui.review_tab import ReviewTab

CHECK_DELAY_MS = 150
MEMBER_PATH_PREFIX = "members["


class HouseholdEditor(QWidget):
    closed = Signal()
    saved = Signal(object)  # SaveResult
    review_recorded = Signal(int)  # household id: an application or Phiếu A was recorded

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lang = context.lang
        self.form: Form = {}
        self.original: Form = {}
        self.household_id: int | None = None
        self.confirmed: dict[tuple[str, str], str] = {}
        self.draft_key = ""
        self.last_check: FormCheck | None = None
        self.binder = FormBinder(lambda: self.form, self._field_changed)
        with context.db.sessions() as session:
            self.villages = villages(session, only_commune(session))
        self._build()
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self._autosave = QTimer(self, interval=context.settings.autosave_seconds * 1000)
        self._autosave.timeout.connect(self.autosave)

    def t(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    # ---- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_bar())
        from ui.review_responses import ReviewNote

        self.review_note = ReviewNote(self.context)  # the upper level's verdict, if any
        layout.addWidget(self.review_note)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._form_tabs())
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.result = ResultPanel(self.lang)
        self.problems = ProblemsPanel(self.lang)
        self.problems.confirm_requested.connect(self.confirm_warning)
        self.problems.problem_activated.connect(self.focus_path)
        side_layout.addWidget(self.result, 2)
        side_layout.addWidget(self.problems, 3)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([930, 400])
        layout.addWidget(splitter, 1)
        self._shortcuts()
        enter = EnterMovesOn(self)
        for widget in self.findChildren(QLineEdit):
            widget.installEventFilter(enter)
        self._enter_filter = enter

    def _top_bar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        row.addWidget(self.title, 1)
        self.save_button = QPushButton(self.t("ui.editor.save"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(self.t("ui.editor.close"))
        self.close_button.setToolTip("Esc")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.request_close)
        row.addWidget(self.save_button)
        row.addWidget(self.close_button)
        return row

    def _form_tabs(self) -> QTabWidget:
        self.tabs = QTabWidget()
        first = QWidget()
        first_layout = QVBoxLayout(first)
        self.header = HeaderSection(self.binder, self.lang, self.villages)
        first_layout.addWidget(self.header)
        members_label = QLabel(self.t("ui.editor.section.members"))
        members_label.setStyleSheet("font-weight: bold;")
        first_layout.addWidget(members_label)
        self.roster = MemberRoster(self.lang)
        self.roster.model.member_changed.connect(lambda _row, _key: self._changed())
        first_layout.addWidget(self.roster, 1)
        self.tabs.addTab(first, self.t("ui.editor.tab.members"))
        self.phieu_b = PhieuBSection(self.binder, self.lang)
        self.tabs.addTab(self.phieu_b, self.t("ui.editor.tab.phieu_b"))
        self.review_tab = ReviewTab(self.context)
        self.review_tab.recorded.connect(lambda _code: self.review_recorded.emit(self.household_id))
        self.tabs.addTab(self.review_tab, self.t("ui.editor.tab.review"))
        return self.tabs

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Save, self, context=context).activated.connect(self.save)
        QShortcut(QKeySequence("Ctrl+N"), self, context=context).activated.connect(self.add_member)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc reaches here only when no cell editor or open list took it first.
        if event.key() == Qt.Key.Key_Escape:
            self.request_close()
            return
        super().keyPressEvent(event)

    # ---- opening -------------------------------------------------------------------------------

    def open_existing(self, household_id: int) -> None:
        with self.context.db.sessions() as session:
            opened = open_household(session, only_commune(session), household_id)
        self.household_id = household_id
        self.review_note.show_for(household_id)
        self._load(opened.form, opened.confirmed, opened.form["code"])

    def open_pending(self, code: str) -> None:
        with self.context.db.sessions() as session:
            form = open_pending(session, only_commune(session), code)
        self.household_id = None
        self.review_note.show_for(None)
        self._load(form, {}, f"pending-{code}")

    def open_new(self, village: str | None = None) -> None:
        with self.context.db.sessions() as session:
            form = new_household_form(session, only_commune(session), village)
        self.household_id = None
        self.review_note.show_for(None)
        self._load(form, {}, f"new-{uuid.uuid4().hex[:8]}")

    def open_draft(self, key: str, form: Form, household_id: int | None) -> None:
        """Continue unsaved work found at start-up."""
        self.household_id = household_id
        self.review_note.show_for(household_id)
        confirmed: dict[tuple[str, str], str] = {}
        if household_id is not None:
            with self.context.db.sessions() as session:
                opened = open_household(session, only_commune(session), household_id)
            confirmed = opened.confirmed
            # A draft written before the Phiếu B answers were asked starts from those stored.
            for name in SURVEY_KEYS:
                form.setdefault(name, opened.form[name])
        self._load(form, confirmed, key)
        self.original = {}  # a draft is unsaved work by definition

    def _load(self, form: Form, confirmed: dict[tuple[str, str], str], draft_key: str) -> None:
        self.form = form
        self.original = copy.deepcopy(form)
        self.confirmed = dict(confirmed)
        self.draft_key = draft_key
        self.binder.load(form)
        fixed = form.get("version") is not None or bool(form.get(PENDING))
        self.header.code.setReadOnly(fixed)
        self.roster.model.set_members(form["members"])
        self.roster.fit_columns()
        self.tabs.setCurrentIndex(0)
        self._show_review()
        self._update_title()
        self.check_now()
        self._autosave.start()
        (self.header.village if fixed else self.header.code).setFocus()

    def _show_review(self) -> None:
        """The review tab follows the household as saved (a new or pending one has none yet)."""
        head = next((m for m in self.form.get("members", []) if m.get("relation") == "head"), {})
        code = self.form.get("code") if self.household_id is not None else None
        self.review_tab.show_household(code, head.get("name", ""), head.get("id_number", ""))

    def _update_title(self) -> None:
        head = next(
            (m.get("name") for m in self.form.get("members", []) if m.get("relation") == "head"),
            "",
        )
        key = "ui.editor.title_new" if self.form.get("version") is None else "ui.editor.title"
        key = "ui.editor.title_pending" if self.form.get(PENDING) else key
        self.title.setText(self.t(key, code=self.form.get("code", ""), head=head or "…"))

    # ---- changes and checking ------------------------------------------------------------------

    def _field_changed(self, key: str) -> None:
        if key == "village":
            area = dict(self.villages).get(self.form.get("village") or "")
            if area:
                self.form["area"] = area
                self.header.area.blockSignals(True)
                self.header.area.set_value(area)
                self.header.area.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self._update_title()
        self._check_timer.start()

    @property
    def dirty(self) -> bool:
        return self.form != self.original

    def check_now(self) -> None:
        self._check_timer.stop()
        with self.context.db.sessions() as session:
            check = check_form(session, only_commune(session), self.form, self.confirmed)
        self.last_check = check
        given = {**self.confirmed, **check.reading.confirmations}
        self.problems.show_problems(check.problems, given, check.reading.facts)
        self.result.show_result(check.classification, check.reading.facts, check.pack)
        marks: dict[tuple[int, str], str] = {}
        for p in check.problems:
            if p.path.startswith(MEMBER_PATH_PREFIX) and "]." in p.path:
                row = int(p.path[len(MEMBER_PATH_PREFIX) : p.path.index("]")])
                field = p.path.split("].", 1)[1]
                field = "birth" if field == "birth_date" else field
                if (p.code, p.path) not in given or p.severity == ERROR:
                    marks.setdefault((row, field), "error" if p.severity == ERROR else "warning")
        self.roster.model.set_marks(marks)

    def confirm_warning(self, code: str, path: str) -> None:
        problem = next(
            (p for p in self.problems.problems if (p.code, p.path) == (code, path)), None
        )
        if problem is None:
            return
        reason = self.context.prompts.ask_text(
            self,
            self.t("ui.problems.confirm_title"),
            self.t("ui.problems.confirm_label", message=problem.message(self.lang)),
        )
        if reason is None or not reason.strip():
            return
        self.form.setdefault("confirmations", {})[confirmation_key(code, path)] = reason.strip()
        self._changed()
        self.check_now()

    def focus_path(self, path: str) -> None:
        if path.startswith(MEMBER_PATH_PREFIX) and "]" in path:
            row = int(path[len(MEMBER_PATH_PREFIX) : path.index("]")])
            field = path.split("].", 1)[1] if "]." in path else "name"
            self.tabs.setCurrentIndex(0)
            self.roster.focus_cell(row, field)
            return
        if path.startswith("survey."):
            found = self.phieu_b.survey.focus_widget(path)
            if found is not None:
                self.tabs.setCurrentIndex(1)
                found.setFocus()
            return
        key = path.rsplit(".", 1)[-1]
        key = {
            "income_per_capita_month": "income",
            "floor_area_m2": "floor_area",
            "id": "code",
        }.get(key, key)
        widget = self.binder.widgets.get(key)
        if widget is not None:
            self.tabs.setCurrentIndex(0 if self.header.isAncestorOf(widget) else 1)
            widget.setFocus()

    def add_member(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.roster.add_member()

    # ---- saving, drafts, closing ---------------------------------------------------------------

    def autosave(self) -> None:
        if self.draft_key and self.dirty:
            self.context.drafts.save(
                self.draft_key, {**self.form, "_household_id": self.household_id}
            )

    def save(self) -> None:
        self.roster.finish_editing()
        self.check_now()
        check = self.last_check
        assert check is not None
        if check.errors:
            self.context.prompts.error(
                self,
                self.t("ui.editor.save"),
                self.t("ui.editor.has_errors", count=len(check.errors)),
            )
            self.problems.list.setFocus()
            return
        if check.unconfirmed:
            self.context.prompts.error(
                self,
                self.t("ui.editor.save"),
                self.t("ui.editor.has_warnings", count=len(check.unconfirmed)),
            )
            self.problems.list.setFocus()
            return
        form, actor = copy.deepcopy(self.form), self.context.actor

        def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
            return save_form(session, actor, only_commune(session), form)

        self.save_button.setEnabled(False)
        self.context.runner.run_in_session(
            task, self._saved, parent=self, on_error=self._save_failed
        )

    def _saved(self, result: SaveResult) -> None:
        self.save_button.setEnabled(True)
        self.context.drafts.discard(self.draft_key)
        self.open_existing(result.household_id)
        self.saved.emit(result)

    def _save_failed(self, exc: RaSoatError) -> None:
        self.save_button.setEnabled(True)
        text = exc.message(self.lang)
        if isinstance(exc, InvalidData | UnconfirmedWarnings):
            lines = [p.message(self.lang) for p in exc.problems[:5]]
            text = "\n".join([text, *lines])
        self.context.prompts.error(self, self.t("ui.editor.save"), text)

    def request_close(self) -> bool:
        self.roster.finish_editing()
        if self.dirty and not self.context.prompts.confirm(
            self, self.t("ui.editor.discard_title"), self.t("ui.editor.discard_question")
        ):
            return False
        self.context.drafts.discard(self.draft_key)
        self._autosave.stop()
        self.draft_key = ""
        self.closed.emit()
        return True
