"""What the review procedure recorded for a round (issue #4), as the documents print it: village
meetings with their votes, postings, the chairman's decision, certificate numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Assessment, Household, Village
from models.workflow import MeetingGroup, MeetingGroupHousehold, Posting, RoundDocument
from models.workflow import VillageMeeting as MeetingRow


@dataclass(frozen=True)
class Vote:
    label: str
    agreeing: int
    agreed: bool
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Meeting:
    village: str
    held_on: date
    chair: str
    secretary: str
    supervisor: str
    attendees: int
    votes: tuple[Vote, ...]


@dataclass(frozen=True)
class Decision:
    number: str
    dated: date
    signer: str


@dataclass(frozen=True)
class WorkflowData:
    meetings: dict[str, list[Meeting]] = field(default_factory=dict)  # by village
    postings: tuple[tuple[str, date, date, str], ...] = ()  # kind, first day, last day, places
    decision: Decision | None = None
    certificates: dict[str, tuple[str, date | None]] = field(default_factory=dict)  # by code


def load_workflow_data(session: Session, round_id: int) -> WorkflowData:
    return WorkflowData(
        _meetings(session, round_id),
        tuple(
            (p.kind, p.starts_on, p.ends_on, p.places)
            for p in session.scalars(
                select(Posting).where(Posting.round_id == round_id).order_by(Posting.starts_on)
            )
        ),
        _decision(session, round_id),
        {
            code: (str(number), on)
            for code, number, on in session.execute(
                select(Household.code, Assessment.certificate_no, Assessment.certificate_on)
                .join(Household, Household.id == Assessment.household_id)
                .where(Assessment.round_id == round_id, Assessment.certificate_no.is_not(None))
            )
        },
    )


def _decision(session: Session, round_id: int) -> Decision | None:
    doc = session.scalars(
        select(RoundDocument)
        .where(RoundDocument.round_id == round_id, RoundDocument.kind == "decision")
        .order_by(RoundDocument.dated.desc())
        .limit(1)
    ).first()
    return Decision(doc.number, doc.dated, doc.party) if doc else None


def _meetings(session: Session, round_id: int) -> dict[str, list[Meeting]]:
    codes: dict[int, list[str]] = defaultdict(list)
    for group_id, code in session.execute(
        select(MeetingGroupHousehold.group_id, Household.code)
        .join(Assessment, Assessment.id == MeetingGroupHousehold.assessment_id)
        .join(Household, Household.id == Assessment.household_id)
        .where(Assessment.round_id == round_id)
    ):
        codes[group_id].append(code)
    votes: dict[int, list[Vote]] = defaultdict(list)
    for g in session.scalars(
        select(MeetingGroup)
        .join(MeetingRow, MeetingRow.id == MeetingGroup.meeting_id)
        .where(MeetingRow.round_id == round_id)
        .order_by(MeetingGroup.position)
    ):
        votes[g.meeting_id].append(Vote(g.label, g.agreeing, g.agreed, tuple(codes[g.id])))
    out: dict[str, list[Meeting]] = defaultdict(list)
    for m, village in session.execute(
        select(MeetingRow, Village.name)
        .join(Village, Village.id == MeetingRow.village_id)
        .where(MeetingRow.round_id == round_id)
        .order_by(MeetingRow.held_on)
    ):
        out[village].append(
            Meeting(
                village,
                m.held_on,
                m.chair,
                m.secretary,
                m.supervisor,
                m.attendees,
                tuple(votes[m.id]),
            )
        )
    return dict(out)
