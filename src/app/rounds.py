"""Review rounds: which one is current, and creating one with its reference date and standard."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import RaSoatError
from app.standards import get_pack, pack_for_date
from models import Commune, ReviewRound, Setting

CURRENT_ROUND_KEY = "round.current"
# The periodic review runs from 1 September to 14 December (domain README §3).
PERIODIC_START = (9, 1)
PERIODIC_END = (12, 14)


def create_round(
    session: Session,
    actor: Actor,
    commune: Commune,
    reference_date: date,
    standard_id: str | None = None,
    kind: str = "periodic",
) -> ReviewRound:
    pack = get_pack(standard_id) if standard_id else pack_for_date(reference_date)
    year = reference_date.year
    if kind == "periodic":
        starts, ends = date(year, *PERIODIC_START), date(year, *PERIODIC_END)
        label = f"Rà soát định kỳ năm {year}"
        month = None
    else:
        raise RaSoatError("round.kind_unknown", kind=kind)
    previous = current_round_or_none(session, commune)
    review_round = ReviewRound(
        commune_id=commune.id,
        kind=kind,
        label=label,
        year=year,
        month=month,
        reference_date=reference_date,
        standard_id=pack.id,
        starts_on=starts,
        ends_on=ends,
        previous_round_id=previous.id if previous else None,
    )
    session.add(review_round)
    session.flush()
    _set_current(session, review_round)
    audit.record(
        session,
        actor,
        "round.create",
        "round",
        str(review_round.id),
        label=label,
        reference_date=reference_date.isoformat(),
        standard=pack.id,
    )
    return review_round


def _set_current(session: Session, review_round: ReviewRound) -> None:
    setting = session.get(Setting, CURRENT_ROUND_KEY)
    if setting is None:
        session.add(Setting(key=CURRENT_ROUND_KEY, value=str(review_round.id)))
    else:
        setting.value = str(review_round.id)


def current_round_or_none(session: Session, commune: Commune) -> ReviewRound | None:
    setting = session.get(Setting, CURRENT_ROUND_KEY)
    if setting is not None:
        found = session.get(ReviewRound, int(setting.value))
        if found is not None and found.commune_id == commune.id:
            return found
    return session.scalars(
        select(ReviewRound)
        .where(ReviewRound.commune_id == commune.id)
        .order_by(ReviewRound.id.desc())
        .limit(1)
    ).first()


def current_round(session: Session, commune: Commune) -> ReviewRound:
    found = current_round_or_none(session, commune)
    if found is None:
        raise RaSoatError("round.none")
    return found
