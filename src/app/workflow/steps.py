"""Moving households through the procedure: check everything, then record the step.

Every action goes through `check` (permission, the track's transition from the household's
current step, the dates, the transition's named guards) for *all* the households it concerns
before anything is written; if any household fails, the action is refused with each reason in
plain Vietnamese and nothing changes. `record` then writes the step history row, moves the
assessment and appends the audit event (who, when, which household, from → to, details).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit, clock
from app.actor import Actor
from app.errors import NotFound, RaSoatError, WorkflowError
from app.i18n import format_date, label, tr
from app.permissions import require
from app.workflow.procedure import Track, Transition, procedure
from app.workflow.working_days import calendar
from models import Assessment, AssessmentStep, Complaint, Household, ReviewRound
from models.base import utcnow
from models.bulk import insert_rows

ON_LISTS = ("poor", "near_poor")


class StepsRefused(WorkflowError):
    """An action refused for one or more households; `reasons` says why for each."""

    def __init__(self, reasons: Sequence[WorkflowError]) -> None:
        first = reasons[0]
        super().__init__("workflow.refused", count=len(reasons), first=first.message())
        self.reasons = list(reasons)

    def message(self, lang: str = "vi") -> str:
        if len(self.reasons) == 1:
            return self.reasons[0].message(lang)
        lines = [tr("workflow.refused", lang, count=len(self.reasons))]
        return "\n".join([*lines, *(f"  – {r.message(lang)}" for r in self.reasons)])


@dataclass
class Case:
    """One household's assessment in a round, as an action sees it."""

    round: ReviewRound
    assessment: Assessment
    code: str
    track: Track
    farm_household: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    open_complaints: int = 0  # complaints without a re-check result
    last_seq: int = 0  # the household's last step number in this round


@dataclass(frozen=True)
class StepResult:
    """What an action changed: household code → the step it is in now."""

    action: str
    steps: Mapping[str, str]
    document_id: int | None = None


def step_label(step: str, lang: str = "vi") -> str:
    return label(f"step.{step}", lang, default=step)


def action_label(action: str, lang: str = "vi") -> str:
    return label(f"action.{action}", lang, default=action)


def load_case(session: Session, review_round: ReviewRound, code: str) -> Case:
    return load_cases(session, review_round, [code])[code]


def load_cases(
    session: Session, review_round: ReviewRound, codes: Sequence[str]
) -> dict[str, Case]:
    """The households' cases, in a few queries whatever their number; NotFound or WorkflowError
    for the first household not in the round or not under review."""
    found: dict[str, tuple[Assessment, bool]] = {}
    for chunk in _chunks(list(codes)):
        rows = session.execute(
            select(Assessment, Household.code, Household.farm_household)
            .join(Household, Household.id == Assessment.household_id)
            .where(
                Assessment.round_id == review_round.id,
                Household.code.in_(chunk),
                Household.commune_id == review_round.commune_id,
            )
        )
        found.update({code: (a, farm) for a, code, farm in rows})
    complaints, seqs = _counts(session, [a.id for a, _ in found.values()])
    cases = {}
    for code in codes:
        if code not in found:
            raise NotFound("workflow.not_in_round", household=code, round=review_round.label)
        a, farm = found[code]
        if a.basis is None or a.track is None:
            raise WorkflowError("workflow.not_in_review", household=code)
        track = procedure().track(a.track)
        cases[code] = Case(
            review_round, a, code, track, farm, {}, complaints.get(a.id, 0), seqs.get(a.id, 0)
        )
    return cases


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _counts(session: Session, ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Open complaints and last step number per assessment id."""
    complaints: dict[int, int] = {}
    seqs: dict[int, int] = {}
    for chunk in _chunks(ids):
        complaints.update(
            (hid, count)
            for hid, count in session.execute(
                select(Complaint.assessment_id, func.count())
                .where(Complaint.assessment_id.in_(chunk), Complaint.rechecked_on.is_(None))
                .group_by(Complaint.assessment_id)
            )
        )
        seqs.update(
            (hid, seq)
            for hid, seq in session.execute(
                select(AssessmentStep.assessment_id, func.max(AssessmentStep.seq))
                .where(AssessmentStep.assessment_id.in_(chunk))
                .group_by(AssessmentStep.assessment_id)
            )
        )
    return complaints, seqs


Guard = Callable[[Session, Case, date], None]


def _needs_screening(session: Session, case: Case, on: date) -> None:
    if case.assessment.basis != "application":
        raise WorkflowError("workflow.no_screening_needed", household=case.code)


def _screening_done(session: Session, case: Case, on: date) -> None:
    if case.assessment.basis == "application" and case.assessment.step == "listed":
        raise WorkflowError("workflow.screen_first", household=case.code)


def _classified(session: Session, case: Case, on: date) -> None:
    a = case.assessment
    if a.result_class is None or a.error_count:
        raise WorkflowError("workflow.not_classified", household=case.code)
    if a.unconfirmed_warnings:
        raise WorkflowError(
            "workflow.unconfirmed_warnings", household=case.code, count=a.unconfirmed_warnings
        )


def _within_posting(session: Session, case: Case, on: date) -> None:
    ends = case.assessment.posting_ends_on
    if ends is not None and on > ends:
        raise WorkflowError("workflow.posting_over", household=case.code, end=format_date(ends))


def _open_complaint(session: Session, case: Case, on: date) -> None:
    if case.open_complaints == 0:
        raise WorkflowError("workflow.no_open_complaint", household=case.code)


def _posting_ended(session: Session, case: Case, on: date) -> None:
    ends = case.assessment.posting_ends_on
    if ends is not None and on <= ends:
        first = calendar().add_working_days(ends, 1)
        raise WorkflowError(
            "workflow.posting_not_ended",
            household=case.code,
            end=format_date(ends),
            first=format_date(first),
        )


def _complaints_rechecked(session: Session, case: Case, on: date) -> None:
    count = case.open_complaints
    if count:
        raise WorkflowError("workflow.complaint_open", household=case.code, count=count)


def _decided_on_list(session: Session, case: Case, on: date) -> None:
    if case.assessment.decided_class not in ON_LISTS:
        raise WorkflowError("workflow.no_certificate", household=case.code)


def _applicant(session: Session, case: Case, on: date) -> None:
    if case.assessment.basis not in ("application", "exit_request"):
        raise WorkflowError("workflow.not_applicant", household=case.code)


def _on_list(session: Session, case: Case, on: date) -> None:
    if case.assessment.start_class not in ON_LISTS:
        raise WorkflowError("workflow.not_on_list", household=case.code)


# The guards the procedure data may name.
GUARDS: Mapping[str, Guard] = {
    "needs_screening": _needs_screening,
    "screening_done": _screening_done,
    "classified": _classified,
    "within_posting": _within_posting,
    "open_complaint": _open_complaint,
    "posting_ended": _posting_ended,
    "complaints_rechecked": _complaints_rechecked,
    "decided_on_list": _decided_on_list,
    "applicant": _applicant,
    "on_list": _on_list,
}


def open_complaints(session: Session, assessment_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(Complaint.assessment_id == assessment_id, Complaint.rechecked_on.is_(None))
        )
        or 0
    )


def _check_date(case: Case, on: date) -> None:
    if on > clock.today():
        raise WorkflowError("workflow.date_in_future", household=case.code, on=format_date(on))
    if on < case.round.starts_on:
        raise WorkflowError(
            "workflow.date_before_round",
            on=format_date(on),
            start=format_date(case.round.starts_on),
        )
    last = case.assessment.step_on
    if last is not None and on < last:
        raise WorkflowError(
            "workflow.date_before_last_step",
            household=case.code,
            on=format_date(on),
            last=format_date(last),
        )


def check(session: Session, case: Case, action: str, on: date) -> Transition:
    """Raise WorkflowError unless `action` may move `case` on day `on`."""
    transition = case.track.transition(action)
    step = case.assessment.step
    if step not in transition.sources:
        expected = ", ".join(
            f"«{step_label(s)}»" for s in case.track.steps() if s in transition.sources
        )
        raise WorkflowError(
            "workflow.out_of_order",
            household=case.code,
            action=action_label(action),
            step=step_label(step),
            expected=expected,
        )
    _check_date(case, on)
    for name in transition.guards:
        GUARDS[name](session, case, on)
    return transition


def check_all(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    codes: Iterable[str],
    action: str,
    on: date,
) -> list[Case]:
    """Load and check every household, collecting every reason before refusing."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise RaSoatError("workflow.no_households")
    if review_round.status != "open":
        raise WorkflowError("workflow.round_closed", round=review_round.label)
    permissions = {procedure().track(t).transition(action).permission for t in _tracks(action)}
    for permission in sorted(permissions):
        require(session, actor, permission)
    cases, reasons = [], []
    loaded: dict[str, Case] = {}
    try:
        loaded = load_cases(session, review_round, codes)
    except WorkflowError:  # name every household that is not there, not only the first
        for code in codes:
            try:
                loaded[code] = load_case(session, review_round, code)
            except WorkflowError as exc:
                reasons.append(exc)
    for case in loaded.values():
        try:
            check(session, case, action, on)
            cases.append(case)
        except WorkflowError as exc:
            reasons.append(exc)
    if reasons:
        raise StepsRefused(reasons)
    return cases


def _tracks(action: str) -> list[str]:
    tracks = [t.id for t in procedure().tracks.values() if action in t.transitions]
    if not tracks:
        raise WorkflowError("workflow.action_not_in_track", action=action)
    return tracks


class StepWriter:
    """Records steps: moves each assessment at once, and writes the history rows and the audit
    events together when the action ends (a decision on thousands of households is one bulk
    insert and one append to the audit chain, not thousands)."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self.rows: list[tuple[Any, ...]] = []
        self.events: list[audit.Event] = []
        self.now = utcnow()

    def __enter__(self) -> StepWriter:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.write()

    def record(self, case: Case, action: str, on: date, outcome: str = "done") -> str:
        """Move `case` on; returns the new step."""
        a = case.assessment
        target = case.track.transition(action).target(outcome)
        details = {k: v for k, v in case.details.items() if v is not None}
        case.last_seq += 1
        text = json.dumps(details, ensure_ascii=False, default=str)
        self.rows.append(
            (a.id, case.last_seq, action, a.step, target, on, self.actor.username, self.now, text)
        )
        self.events.append(
            audit.Event(
                f"step.{action}",
                "household",
                case.code,
                {"round": case.round.id, "step": [a.step, target], "on": on.isoformat(), **details},
            )
        )
        a.step, a.step_on, a.updated_at = target, on, self.now
        case.details = {}
        return target

    def write(self) -> None:
        self.session.flush()
        insert_rows(self.session.connection(), AssessmentStep, STEP_COLUMNS, self.rows)
        audit.append(self.session, self.actor, self.events)
        self.rows, self.events = [], []


STEP_COLUMNS = (
    "assessment_id",
    "seq",
    "action",
    "from_step",
    "to_step",
    "on_date",
    "actor",
    "recorded_at",
    "details",
)


def record(
    session: Session, actor: Actor, case: Case, action: str, on: date, outcome: str = "done"
) -> str:
    """Record one step of one household at once (see StepWriter for many)."""
    with StepWriter(session, actor) as writer:
        return writer.record(case, action, on, outcome)


def history_rows(session: Session, assessment_id: int) -> list[AssessmentStep]:
    return list(
        session.scalars(
            select(AssessmentStep)
            .where(AssessmentStep.assessment_id == assessment_id)
            .order_by(AssessmentStep.seq)
        )
    )
