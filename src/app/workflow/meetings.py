"""Village meetings (họp dân, Phụ lục V): minutes, and each household group's vote.

A group is agreed when at least half the attendees agree (the share is data:
procedure.json `meeting_agreement_min`); the households of a group that is not agreed go back to
be surveyed again, automatically, and need a new meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.errors import RaSoatError, WorkflowError
from app.textnorm import nfc
from app.workflow.procedure import procedure
from app.workflow.steps import StepWriter, check_all
from models import (
    Household,
    MeetingGroup,
    MeetingGroupHousehold,
    ReviewRound,
    Village,
    VillageMeeting,
)


@dataclass(frozen=True)
class GroupVote:
    label: str  # e.g. "Hộ nghèo", "Hộ thoát nghèo"
    codes: Sequence[str]
    agreeing: int


@dataclass(frozen=True)
class MeetingResult:
    meeting_id: int
    agreed: tuple[str, ...]
    resurvey: tuple[str, ...]


def group_agreed(agreeing: int, attendees: int) -> bool:
    return bool(agreeing >= float(procedure().meeting_agreement_min.value) * attendees)


def record_meeting(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    village: str,
    held_on: date,
    chair: str,
    secretary: str,
    attendees: int,
    groups: Sequence[GroupVote],
    supervisor: str = "",
    attendee_names: str = "",
    notes: str = "",
) -> MeetingResult:
    place = _check_minutes(session, review_round, village, chair, secretary, attendees, groups)
    codes = [c for g in groups for c in g.codes]
    cases = {c.code: c for c in check_all(session, actor, review_round, codes, "meeting", held_on)}
    _check_village(session, place, codes)
    meeting = VillageMeeting(
        round_id=review_round.id,
        village_id=place.id,
        held_on=held_on,
        chair=nfc(chair),
        secretary=nfc(secretary),
        supervisor=nfc(supervisor),
        attendees=attendees,
        attendee_names=nfc(attendee_names),
        notes=nfc(notes),
        recorded_by=actor.username,
    )
    session.add(meeting)
    session.flush()
    agreed: list[str] = []
    resurvey: list[str] = []
    writer = StepWriter(session, actor)
    for position, vote in enumerate(groups, 1):
        ok = group_agreed(vote.agreeing, attendees)
        group = MeetingGroup(
            meeting_id=meeting.id,
            position=position,
            label=nfc(vote.label),
            agreeing=vote.agreeing,
            agreed=ok,
        )
        session.add(group)
        session.flush()
        for code in vote.codes:
            case = cases[code]
            session.add(MeetingGroupHousehold(group_id=group.id, assessment_id=case.assessment.id))
            case.details = {
                "meeting": meeting.id,
                "group": group.label,
                "agreeing": vote.agreeing,
                "attendees": attendees,
            }
            writer.record(case, "meeting", held_on, "agreed" if ok else "rejected")
            (agreed if ok else resurvey).append(code)
    writer.write()
    return MeetingResult(meeting.id, tuple(agreed), tuple(resurvey))


def _check_minutes(
    session: Session,
    review_round: ReviewRound,
    village: str,
    chair: str,
    secretary: str,
    attendees: int,
    groups: Sequence[GroupVote],
) -> Village:
    place = session.scalar(
        select(Village).where(
            Village.commune_id == review_round.commune_id, Village.name == nfc(village)
        )
    )
    if place is None:
        raise RaSoatError("workflow.village_unknown", village=village)
    if not nfc(chair) or not nfc(secretary):
        raise RaSoatError("workflow.meeting_officers_missing")
    if attendees <= 0:
        raise RaSoatError("workflow.meeting_no_attendees")
    if not groups or any(not g.codes for g in groups):
        raise RaSoatError("workflow.meeting_empty_group")
    for g in groups:
        if not 0 <= g.agreeing <= attendees:
            raise RaSoatError(
                "workflow.meeting_bad_count",
                group=g.label,
                agreeing=g.agreeing,
                attendees=attendees,
            )
    codes = [c for g in groups for c in g.codes]
    if len(codes) != len(set(codes)):
        raise RaSoatError("workflow.meeting_duplicate")
    return place


def _check_village(session: Session, place: Village, codes: Sequence[str]) -> None:
    outside = session.scalars(
        select(Household.code).where(
            Household.commune_id == place.commune_id,
            Household.code.in_(codes),
            Household.village_id != place.id,
        )
    ).all()
    if outside:
        raise WorkflowError(
            "workflow.meeting_other_village", households=", ".join(outside), village=place.name
        )
