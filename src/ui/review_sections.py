"""The editor's Giấy đề nghị and Phiếu A sections, laid out as the paper forms are.

Each section shows what is already recorded for the household in this round and collects a new
entry; its button asks the review tab (ui/review_tab.py) to record it through app/workflow. The
sections hold no rule: which form, step or role is allowed is decided by the core.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from app import clock
from app.i18n import format_date, tr
from app.workflow.household_review import ApplicationView, HouseholdReview
from app.workflow.listing import REQUESTS
from app.workflow.phieu_a import PhieuAForm
from ui.form_fields import ChoiceCombo

FORMS = ("01", "04")
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def date_edit() -> QDateEdit:
    edit = QDateEdit(QDate(clock.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def record_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setAutoDefault(True)  # Enter on the focused button records, as Space does
    return button


def wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class ApplicationSection(QGroupBox):
    """Mẫu 01 (to enter a list) or Mẫu 04 (to leave it): kind, date received, who applied, the
    reason as stated; above them, the applications already registered in this round."""

    submitted = Signal(dict)  # register_application's arguments

    def __init__(self, lang: str) -> None:
        super().__init__(tr("ui.application.title", lang))
        self.lang = lang
        layout = QVBoxLayout(self)
        self.registered = wrapped()
        self.registered.setStyleSheet("color: #1d4ed8;")
        layout.addWidget(self.registered)
        form = QFormLayout()
        self.kind = ChoiceCombo([(f, tr(f"ui.application.form.{f}", lang)) for f in FORMS], lang)
        self.kind.set_value("01")
        for i, f in enumerate(FORMS, start=1):  # the form's full title, the item names it short
            self.kind.setItemData(i, tr(f"ui.application.form_title.{f}", lang), TOOLTIP)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.requested = ChoiceCombo([(c, tr(f"class.{c}", lang)) for c in REQUESTS], lang)
        self.filed_on = date_edit()
        self.applicant = QLineEdit()
        self.id_number = QLineEdit()
        self.reason = QLineEdit()
        for key, widget in (
            ("ui.application.form", self.kind),
            ("ui.application.requested", self.requested),
            ("ui.application.filed_on", self.filed_on),
            ("ui.application.applicant", self.applicant),
            ("ui.application.id_number", self.id_number),
            ("ui.application.reason", self.reason),
        ):
            form.addRow(tr(key, lang), widget)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.record = record_button(tr("ui.application.record", lang))
        self.record.clicked.connect(self._submit)
        row.addWidget(self.record)
        layout.addLayout(row)
        layout.addStretch(1)

    def show_review(self, review: HouseholdReview, head: str, head_id: str) -> None:
        lines = [self._describe(a) for a in review.applications]
        self.registered.setText("\n".join(lines) or tr("ui.application.none", self.lang))
        # A fresh entry for the next application, starting from the household's head.
        self.kind.set_value("04" if review.start_class in ("poor", "near_poor") else "01")
        self.requested.set_value(None)
        self.filed_on.setDate(QDate(clock.today()))
        self.applicant.setText(head)
        self.id_number.setText(head_id)
        self.reason.clear()

    def _describe(self, a: ApplicationView) -> str:
        lang = self.lang
        requested = (
            tr(
                "ui.application.registered_request",
                lang,
                cls=tr(f"class.{a.requested_class}", lang),
            )
            if a.requested_class
            else ""
        )
        return tr(
            "ui.application.registered",
            lang,
            form=a.form,
            date=format_date(a.filed_on),
            applicant=a.applicant_name,
            requested=requested,
            reason=a.reason or tr("ui.application.no_reason", lang),
            status=a.status_label(lang),
        )

    def _kind_changed(self) -> None:
        entering = self.kind.value() == "01"
        self.requested.setEnabled(entering)
        if not entering:
            self.requested.set_value(None)

    def _submit(self) -> None:
        form = self.kind.value()
        self.submitted.emit(
            {
                "form": form,
                "filed_on": self.filed_on.date().toPython(),
                "applicant_name": self.applicant.text(),
                "requested_class": self.requested.value() if form == "01" else None,
                "reason": self.reason.text(),
                "id_number": self.id_number.text().replace(" ", "") or None,
            }
        )


class PhieuASection(QGroupBox):
    """Each criterion of the pack as a yes/no, the live count and what it means, and the date."""

    submitted = Signal(date, list)  # the day screened, the criteria ticked (numbers)

    def __init__(self, lang: str, form: PhieuAForm) -> None:
        super().__init__(tr("ui.phieu_a.title", lang))
        self.lang = lang
        self.form = form
        layout = QVBoxLayout(self)
        note = tr("ui.phieu_a.when", lang)
        if not form.wording_known:
            note += " " + tr("ui.phieu_a.wording_unknown", lang)
        layout.addWidget(wrapped(note))
        # Numbered slots are short: three to a row, as the columns 01–09 of the paper form.
        # Criteria with their wording take a line each.
        per_row = 1 if form.wording_known else 3
        grid = QGridLayout()
        self.checks: dict[int, QCheckBox] = {}
        for i, criterion in enumerate(form.criteria):
            check = QCheckBox(criterion.label(lang))
            check.toggled.connect(self._count_changed)
            self.checks[criterion.no] = check
            grid.addWidget(check, i // per_row, i % per_row)
        layout.addLayout(grid)
        self.verdict = wrapped()
        layout.addWidget(self.verdict)
        self.result = wrapped()
        self.result.setStyleSheet("color: #1d4ed8;")
        layout.addWidget(self.result)
        row = QHBoxLayout()
        self.on = date_edit()
        row.addWidget(QLabel(tr("ui.phieu_a.on", lang)))
        row.addWidget(self.on)
        row.addStretch(1)
        self.record = record_button(tr("ui.phieu_a.record", lang))
        self.record.clicked.connect(
            lambda: self.submitted.emit(self.on.date().toPython(), self.ticked())
        )
        row.addWidget(self.record)
        layout.addLayout(row)
        layout.addStretch(1)
        self._count_changed()

    def ticked(self) -> list[int]:
        return [no for no, check in self.checks.items() if check.isChecked()]

    def _count_changed(self, *_: Any) -> None:
        ticked = self.ticked()
        stops = self.form.stops_review(len(ticked))
        self.verdict.setText(self.form.verdict(ticked, self.lang))
        colour = "#b3261e" if stops else "#15803d"
        self.verdict.setStyleSheet(f"font-weight: bold; color: {colour};")

    def show_review(self, review: HouseholdReview) -> None:
        """A screened household shows what was recorded; any other starts with nothing ticked."""
        screening = review.screening
        application = review.current_application
        recorded = set(application.phieu_a_criteria) if application and screening else set()
        for no, check in self.checks.items():
            check.blockSignals(True)
            check.setChecked(no in recorded)
            check.blockSignals(False)
        self._count_changed()
        self.on.setDate(QDate(screening.on if screening else clock.today()))
        self.result.setText(self._result_text(review) if screening else "")

    def _result_text(self, review: HouseholdReview) -> str:
        screening = review.screening
        assert screening is not None
        criteria = screening.details.get("criteria") or []
        count = int(screening.details.get("phieu_a_count", len(criteria)))
        outcome = "fail" if screening.to_step == "not_eligible" else "pass"
        return tr(
            "ui.phieu_a.result",
            self.lang,
            date=format_date(screening.on),
            count=count,
            criteria=", ".join(f"{n:02d}" for n in criteria)
            or tr("ui.phieu_a.no_criteria", self.lang),
            outcome=tr(f"ui.phieu_a.outcome.{outcome}", self.lang),
        )

    def set_enabled_entry(self, enabled: bool) -> None:
        for widget in (*self.checks.values(), self.on, self.record):
            widget.setEnabled(enabled)
