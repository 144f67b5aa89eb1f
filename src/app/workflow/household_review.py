"""One household's review in a round, read back for the editor's Giấy đề nghị and Phiếu A
sections: where it stands, the applications registered for it, its Phiếu A and its steps.

Read-only and small (one household): plain frozen values, so the GUI never holds ORM objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import label
from app.workflow.steps import action_label, step_label
from models import Application, Assessment, AssessmentStep, Household, ReviewRound, User


@dataclass(frozen=True)
class ApplicationView:
    id: int
    form: str  # "01" (to enter a list) | "04" (to leave it)
    filed_on: date
    applicant_name: str
    id_number: str | None
    reason: str
    requested_class: str | None
    status: str  # received, screened, screened_out, not_eligible
    phieu_a_count: int | None  # None until screened
    phieu_a_criteria: tuple[int, ...]

    def status_label(self, lang: str = "vi") -> str:
        return label(f"application.status.{self.status}", lang, self.status)


@dataclass(frozen=True)
class StepView:
    seq: int
    action: str
    from_step: str
    to_step: str
    on: date
    actor: str  # "Display name (username)"
    details: dict[str, Any]

    def title(self, lang: str = "vi") -> str:
        return action_label(self.action, lang)

    def move(self, lang: str = "vi") -> str:
        return f"{step_label(self.from_step, lang)} → {step_label(self.to_step, lang)}"


@dataclass(frozen=True)
class HouseholdReview:
    round_label: str
    round_open: bool
    code: str
    step: str  # "none" when the household is not under review in this round
    step_on: date | None
    basis: str | None  # list, application, exit_request
    track: str | None
    start_class: str | None
    not_eligible_reason: str | None
    application_id: int | None  # the application the review follows
    applications: tuple[ApplicationView, ...]  # this round's, oldest first
    steps: tuple[StepView, ...]  # this round's, in order

    @property
    def current_application(self) -> ApplicationView | None:
        return next((a for a in self.applications if a.id == self.application_id), None)

    @property
    def awaits_screening(self) -> bool:
        """An applicant (Mẫu 01) listed and not yet screened with Phiếu A."""
        return self.basis == "application" and self.step == "listed"

    @property
    def screening(self) -> StepView | None:
        return next((s for s in reversed(self.steps) if s.action == "screen"), None)


def household_review(session: Session, review_round: ReviewRound, code: str) -> HouseholdReview:
    """Where household `code` stands in `review_round` (an empty review if it has none)."""
    household_id = session.scalar(
        select(Household.id).where(
            Household.commune_id == review_round.commune_id, Household.code == code
        )
    )
    assessment = None
    if household_id is not None:
        assessment = session.scalar(
            select(Assessment).where(
                Assessment.round_id == review_round.id, Assessment.household_id == household_id
            )
        )
    a = assessment
    return HouseholdReview(
        round_label=review_round.label,
        round_open=review_round.status == "open",
        code=code,
        step=a.step if a else "none",
        step_on=a.step_on if a else None,
        basis=a.basis if a else None,
        track=a.track if a else None,
        start_class=a.start_class if a else None,
        not_eligible_reason=a.not_eligible_reason if a else None,
        application_id=a.application_id if a else None,
        applications=_applications(session, review_round, household_id),
        steps=_steps(session, a.id) if a else (),
    )


def _applications(
    session: Session, review_round: ReviewRound, household_id: int | None
) -> tuple[ApplicationView, ...]:
    if household_id is None:
        return ()
    rows = session.scalars(
        select(Application)
        .where(Application.round_id == review_round.id, Application.household_id == household_id)
        .order_by(Application.id)
    )
    return tuple(
        ApplicationView(
            a.id,
            a.form,
            a.filed_on,
            a.applicant_name,
            a.applicant_id_number,
            a.reason,
            a.requested_class,
            a.status,
            a.phieu_a_count,
            tuple(int(n) for n in a.phieu_a_criteria.split(",") if n),
        )
        for a in rows
    )


def _steps(session: Session, assessment_id: int) -> tuple[StepView, ...]:
    names = dict(session.execute(select(User.username, User.display_name)).all())
    rows = session.scalars(
        select(AssessmentStep)
        .where(AssessmentStep.assessment_id == assessment_id)
        .order_by(AssessmentStep.seq)
    )
    return tuple(
        StepView(
            s.seq,
            s.action,
            s.from_step,
            s.to_step,
            s.on_date,
            f"{names.get(s.actor) or s.actor} ({s.actor})",
            json.loads(s.details) if s.details else {},
        )
        for s in rows
    )
