"""The households under review in a round, one plain row each, for the GUI's review page."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.actor import Actor
from app.permissions import can
from app.workflow.procedure import procedure
from models import Assessment, Household, Member, ReviewRound, Village


class ReviewRow(NamedTuple):
    code: str
    head: str
    village: str
    basis: str
    track: str
    step: str
    step_on: date | None
    proposed: str | None
    posting_ends_on: date | None
    decided: str | None
    certificate: str | None


def review_rows(session: Session, review_round: ReviewRound) -> list[ReviewRow]:
    head = aliased(Member)
    rows = session.execute(
        select(
            Household.code,
            head.name,
            Village.name,
            Assessment.basis,
            Assessment.track,
            Assessment.step,
            Assessment.step_on,
            Assessment.proposed_class,
            Assessment.posting_ends_on,
            Assessment.decided_class,
            Assessment.certificate_no,
        )
        .join(Household, Household.id == Assessment.household_id)
        .join(Village, Village.id == Household.village_id)
        .outerjoin(head, (head.household_id == Household.id) & (head.relation == "head"))
        .where(Assessment.round_id == review_round.id, Assessment.basis.is_not(None))
        .order_by(Village.position, Household.code)
    )
    return [
        ReviewRow(code, head_name or "", village, *rest) for code, head_name, village, *rest in rows
    ]


def allowed_actions(actor: Actor) -> set[str]:
    """The actions of any track that `actor`'s role may take (menus and buttons follow it)."""
    return {
        action
        for track in procedure().tracks.values()
        for action, transition in track.transitions.items()
        if can(actor, transition.permission)
    }
