"""Who is reviewed in a round: applications (Mẫu 01), exit requests (Mẫu 04), and the opening
lists of a commune's first round in RaSoat (the lists it kept on paper or in Excel)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import NotFound, RaSoatError, WorkflowError
from app.permissions import require
from app.rounds import CARRIED_LISTS, REVIEWED_LISTS
from app.textnorm import nfc
from app.workflow.procedure import procedure
from app.workflow.steps import Case, StepResult, check, record
from models import Application, Assessment, Household, ReviewRound

REQUESTS = ("poor", "near_poor", "average")


def _household(session: Session, review_round: ReviewRound, code: str) -> Household:
    found = session.scalar(
        select(Household).where(
            Household.commune_id == review_round.commune_id, Household.code == code
        )
    )
    if found is None:
        raise NotFound("household.not_found", code=code)
    return found


def _assessment(session: Session, review_round: ReviewRound, household: Household) -> Assessment:
    found = session.scalar(
        select(Assessment).where(
            Assessment.round_id == review_round.id, Assessment.household_id == household.id
        )
    )
    if found is None:
        found = Assessment(round_id=review_round.id, household_id=household.id, step="none")
        session.add(found)
        session.flush()
    return found


def register_application(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    code: str,
    form: str,
    filed_on: date,
    applicant_name: str,
    requested_class: str | None = None,
    reason: str = "",
    id_number: str | None = None,
    moved_in: bool = False,
) -> StepResult:
    """Register Mẫu 01 (to be recognised poor / near-poor / average) or Mẫu 04 (to exit) for a
    household of the register, which then enters the round's review as "listed"."""
    require(session, actor, "application.register")
    if review_round.status != "open":  # as check_all refuses every other step
        raise WorkflowError("workflow.round_closed", round=review_round.label)
    household = _household(session, review_round, code)
    assessment = _assessment(session, review_round, household)
    basis, track = _basis(assessment, household, form, requested_class)
    if not nfc(applicant_name):
        raise RaSoatError("workflow.applicant_missing")
    case = Case(review_round, assessment, code, procedure().track(track))
    if assessment.step == "none":
        check(session, case, "list", filed_on)
    application = Application(
        commune_id=review_round.commune_id,
        household_id=household.id,
        round_id=review_round.id,
        form=form,
        filed_on=filed_on,
        applicant_name=nfc(applicant_name),
        applicant_id_number=id_number,
        reason=nfc(reason),
        requested_class=requested_class if form == "01" else None,
    )
    session.add(application)
    session.flush()
    assessment.basis, assessment.track, assessment.application_id = basis, track, application.id
    assessment.change_kind = "moved_in" if moved_in else assessment.change_kind
    case.details = {"form": form, "requested": requested_class, "application": application.id}
    if assessment.step == "none":
        step = record(session, actor, case, "list", filed_on)
    else:  # a listed household handing in Mẫu 04 during its periodic review
        step = assessment.step
        audit.record(
            session, actor, "application.exit_request", "household", code, round=review_round.id
        )
    return StepResult("list", {code: step})


def _basis(
    assessment: Assessment, household: Household, form: str, requested: str | None
) -> tuple[str, str]:
    if form == "04":
        if assessment.start_class not in REVIEWED_LISTS:
            raise WorkflowError("workflow.exit_not_on_list", household=household.code)
        if assessment.basis not in (None, "list"):
            raise WorkflowError("workflow.already_in_review", household=household.code)
        return "exit_request", "standard"
    if form != "01":
        raise RaSoatError("workflow.form_unknown", form=form)
    if assessment.basis is not None:
        raise WorkflowError("workflow.already_in_review", household=household.code)
    if requested not in REQUESTS:
        raise RaSoatError("workflow.request_unknown", value=str(requested))
    if requested == "average" and not household.farm_household:
        raise WorkflowError("workflow.average_needs_farm", household=household.code)
    if requested != "average" and assessment.start_class == requested:
        raise WorkflowError("workflow.already_on_list", household=household.code)
    return "application", "average" if requested == "average" else "standard"


def record_opening_lists(
    session: Session, actor: Actor, review_round: ReviewRound, lists: Mapping[str, str]
) -> int:
    """Record which list each household was on before the commune's first round in RaSoat
    (code → "poor" / "near_poor" / "average"). In a periodic round the poor and near-poor
    households are listed for review. Only for households whose review has not started."""
    require(session, actor, "round.manage")
    return open_lists(session, actor, review_round, lists)


def open_lists(
    session: Session, actor: Actor, review_round: ReviewRound, lists: Mapping[str, str]
) -> int:
    """record_opening_lists without its permission check, for a list already imported by
    someone who could (last year's list starting the round of a household surveyed now, which
    a reviewer does too)."""
    for code, cls in lists.items():
        if cls not in CARRIED_LISTS:
            raise RaSoatError("workflow.request_unknown", value=cls)
        household = _household(session, review_round, code)
        assessment = _assessment(session, review_round, household)
        if assessment.step not in ("none", "listed") or assessment.basis not in (None, "list"):
            raise WorkflowError("workflow.already_in_review", household=code)
        review = review_round.kind == "periodic" and cls in REVIEWED_LISTS
        old = assessment.start_class
        assessment.start_class = cls
        assessment.basis, assessment.track = ("list", "standard") if review else (None, None)
        assessment.step = "listed" if review else "none"
        assessment.step_on = review_round.starts_on if review else None
        audit.record(
            session,
            actor,
            "round.opening_list",
            "household",
            code,
            round=review_round.id,
            start_class=[old, cls],
        )
    return len(lists)
