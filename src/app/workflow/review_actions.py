"""One household at a time: Phiếu A screening, the Phiếu B survey, "not eligible" with its
written reason, and taking a household that left the commune off the lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from app.actor import Actor
from app.assessments import assessment_values, store_assessment
from app.errors import RaSoatError
from app.households import evaluate_household, household_facts, load_household
from app.i18n import tr
from app.permissions import require
from app.standards import get_pack
from app.textnorm import nfc
from app.workflow.steps import Case, StepResult, check_all, record
from models import Application, Commune, ReviewRound

PHIEU_A_SLOTS = 9


def _one(
    session: Session, actor: Actor, review_round: ReviewRound, code: str, action: str, on: date
) -> Case:
    return check_all(session, actor, review_round, [code], action, on)[0]


def screen(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    code: str,
    on: date,
    criteria: Sequence[int] = (),
    count: int | None = None,
) -> StepResult:
    """Phiếu A: the criteria the paper form ticked (numbers 1–9), or only how many. At the
    pack's threshold or more (4 in 2022–2025) the review ends: not eligible, reason written."""
    ticked = sorted(set(criteria))
    if any(not 1 <= n <= PHIEU_A_SLOTS for n in ticked):
        raise RaSoatError("workflow.phieu_a_bad_criterion", slots=PHIEU_A_SLOTS)
    total = len(ticked) if count is None else count
    if not 0 <= total <= PHIEU_A_SLOTS or (ticked and count is not None and count != len(ticked)):
        raise RaSoatError("workflow.phieu_a_bad_count", slots=PHIEU_A_SLOTS)
    case = _one(session, actor, review_round, code, "screen", on)
    threshold = int(get_pack(review_round.standard_id).phieu_a_threshold.value)
    failed = total >= threshold
    application = session.get(Application, case.assessment.application_id)
    if application is not None:
        application.phieu_a_count = total
        application.phieu_a_criteria = ",".join(map(str, ticked))
        application.status = "screened_out" if failed else "screened"
    if failed:
        case.assessment.not_eligible_reason = tr(
            "workflow.phieu_a_reason", count=total, threshold=threshold
        )
    case.details = {"phieu_a_count": total, "criteria": ticked, "threshold": threshold}
    step = record(session, actor, case, "screen", on, "fail" if failed else "pass")
    return StepResult("screen", {code: step})


def _proposal(case: Case) -> str:
    """The list the review proposes, from the household's class and its track."""
    cls = case.assessment.result_class
    if case.track.id == "average":
        return "average" if cls == "average" and case.farm_household else "none"
    return cls if cls in ("poor", "near_poor") else "none"


def _classify_now(session: Session, actor: Actor, review_round: ReviewRound, code: str) -> None:
    commune = session.get(Commune, review_round.commune_id)
    assert commune is not None
    household = load_household(session, commune, code)
    confirmed = {(c.code, c.path) for c in household.confirmations}
    facts = household_facts(session, household)
    evaluation = evaluate_household(session, commune, facts, confirmed, household.declared_size)
    values = assessment_values(evaluation, household.version, actor)
    store_assessment(session, review_round, household.id, values)
    session.flush()


def survey(
    session: Session, actor: Actor, review_round: ReviewRound, code: str, on: date
) -> StepResult:
    """Phiếu B done: the household's saved facts are classified again on the round's reference
    date, and the class becomes the review's proposal for the decision."""
    require(session, actor, "workflow.survey")  # before anything is read or classified
    _classify_now(session, actor, review_round, code)
    case = _one(session, actor, review_round, code, "survey", on)
    a = case.assessment
    a.proposed_class = _proposal(case)
    case.details = {
        "class": a.result_class,
        "proposed": a.proposed_class,
        "household_version": a.household_version,
        "deprived_count": a.deprived_count,
        "income_per_capita_month": a.income_per_capita_month,
        "b1_score": a.b1_score,
    }
    return StepResult("survey", {code: record(session, actor, case, "survey", on)})


def _reason(text: str) -> str:
    reason = nfc(text)
    if not reason:
        raise RaSoatError("workflow.reason_missing")
    return reason


def reject(
    session: Session, actor: Actor, review_round: ReviewRound, code: str, on: date, reason: str
) -> StepResult:
    """An applicant is not eligible: the written reply's reason is required and stored."""
    written = _reason(reason)
    case = _one(session, actor, review_round, code, "reject", on)
    case.assessment.not_eligible_reason = written
    case.assessment.proposed_class = None
    application = session.get(Application, case.assessment.application_id)
    if application is not None:
        application.status = "not_eligible"
    case.details = {"reason": written}
    return StepResult("reject", {code: record(session, actor, case, "reject", on)})


def leave(
    session: Session, actor: Actor, review_round: ReviewRound, code: str, on: date, reason: str
) -> StepResult:
    """A listed household moved away, died out or merged: it leaves the lists at the decision
    (the "other decrease" of the movement reports)."""
    written = _reason(reason)
    case = _one(session, actor, review_round, code, "leave", on)
    case.assessment.change_kind, case.assessment.proposed_class = "left", "none"
    case.details = {"reason": written}
    return StepResult("leave", {code: record(session, actor, case, "leave", on)})
