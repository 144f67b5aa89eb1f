"""Public posting (niêm yết), complaints, and re-checks (phúc tra) with their re-posting.

Posting periods and deadlines are in working days (app/workflow/working_days.py) and depend on
the track: 3 / 7 / 3 for poor and near-poor households, 5 / 3 / … for average households
(resources/workflow/procedure.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.errors import RaSoatError
from app.textnorm import nfc
from app.workflow.steps import Case, StepResult, StepWriter, check_all, record
from app.workflow.working_days import calendar
from models import Complaint, Posting, ReviewRound

CLASSES = ("poor", "near_poor", "average", "none")


def _one_track(cases: Sequence[Case]) -> str:
    tracks = {c.track.id for c in cases}
    if len(tracks) > 1:
        raise RaSoatError("workflow.posting_mixed_tracks")
    return tracks.pop()


def post(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    codes: Sequence[str],
    starts_on: date,
    places: str = "",
) -> StepResult:
    """Post the results of `codes` from `starts_on`; the period ends after the track's working
    days. Households of the two tracks are posted separately (their periods differ)."""
    cases = check_all(session, actor, review_round, codes, "post", starts_on)
    track = cases[0].track
    _one_track(cases)
    days = track.period("posting")
    posting = Posting(
        round_id=review_round.id,
        kind="initial",
        starts_on=starts_on,
        ends_on=calendar().period_end(starts_on, days),
        working_days=days,
        places=nfc(places),
        recorded_by=actor.username,
    )
    session.add(posting)
    session.flush()
    steps = {}
    with StepWriter(session, actor) as writer:
        for case in cases:
            a = case.assessment
            a.posting_id, a.posting_ends_on = posting.id, posting.ends_on
            case.details = {"posting": posting.id, "ends_on": posting.ends_on.isoformat()}
            steps[case.code] = writer.record(case, "post", starts_on)
    return StepResult("post", steps, posting.id)


def complain(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    code: str,
    filed_on: date,
    complainant: str,
    content: str,
) -> Complaint:
    """A complaint lodged during the posting: the re-check is due within the track's working
    days, and the decision waits for it."""
    if not nfc(complainant) or not nfc(content):
        raise RaSoatError("workflow.complaint_incomplete")
    case = check_all(session, actor, review_round, [code], "complain", filed_on)[0]
    complaint = Complaint(
        assessment_id=case.assessment.id,
        filed_on=filed_on,
        complainant=nfc(complainant),
        content=nfc(content),
        recheck_due_on=calendar().add_working_days(filed_on, case.track.period("recheck")),
        recorded_by=actor.username,
    )
    session.add(complaint)
    session.flush()
    case.details = {
        "complaint": complaint.id,
        "complainant": complaint.complainant,
        "recheck_due_on": complaint.recheck_due_on.isoformat(),
    }
    record(session, actor, case, "complain", filed_on)
    return complaint


def recheck(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    code: str,
    on: date,
    result: str,
    new_class: str | None = None,
) -> StepResult:
    """The re-check's result answers every open complaint of the household; it is posted again
    from `on` for the track's re-posting period. `new_class` changes the review's proposal."""
    if not nfc(result):
        raise RaSoatError("workflow.recheck_result_missing")
    if new_class is not None and new_class not in CLASSES:
        raise RaSoatError("workflow.request_unknown", value=new_class)
    case = check_all(session, actor, review_round, [code], "recheck", on)[0]
    days = case.track.period("reposting")
    reposting = Posting(
        round_id=review_round.id,
        kind="recheck",
        starts_on=on,
        ends_on=calendar().period_end(on, days),
        working_days=days,
        recorded_by=actor.username,
    )
    session.add(reposting)
    session.flush()
    complaints = session.scalars(
        select(Complaint).where(
            Complaint.assessment_id == case.assessment.id, Complaint.rechecked_on.is_(None)
        )
    ).all()
    late = any(on > c.recheck_due_on for c in complaints)
    for c in complaints:
        c.rechecked_on, c.recheck_result, c.rechecked_by = on, nfc(result), actor.username
        c.recheck_class, c.reposting_id = new_class, reposting.id
    a = case.assessment
    old = a.proposed_class
    if new_class is not None:
        a.proposed_class = new_class
    a.posting_id, a.posting_ends_on = reposting.id, reposting.ends_on
    case.details = {
        "result": nfc(result),
        "proposed": [old, a.proposed_class],
        "reposting_ends_on": reposting.ends_on.isoformat(),
        "late": late or None,
    }
    return StepResult("recheck", {code: record(session, actor, case, "recheck", on)}, reposting.id)
