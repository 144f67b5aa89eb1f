"""Last year's class of each household, as the lists imported from Excel recorded it.

A commune that starts using RaSoat has no previous round in the database; its previous results
are last year's lists. They are kept per household code and year (models.PreviousClass) and are
data for the new round: the movements (still poor, escaped, new poor…) compare this year's class
with `previous_classes(session, commune, year)`. A later list of the same year replaces an
entry, audited; a list never changes this year's survey facts.

When the list is last year's (the year before the current round), it is also the round's
opening list (app.workflow.listing.record_opening_lists): each household of the register that it
names starts the round on that list, and a poor or near-poor one is listed for review. A pending
household gets its opening list when it is surveyed (app.pending_households.complete_survey).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.rounds import CARRIED_LISTS, current_round
from models import Assessment, Commune, Household, PreviousClass
from models.base import utcnow
from models.bulk import insert_rows, update_rows

INSERT_COLUMNS = (
    "commune_id",
    "household_code",
    "year",
    "result_class",
    "label",
    "source",
    "source_row",
    "recorded_at",
    "recorded_by",
)
UPDATE_COLUMNS = ("result_class", "label", "source", "source_row", "recorded_at", "recorded_by")


@dataclass(frozen=True)
class ListedClass:
    household_code: str
    result_class: str  # poor | near_poor | average | not_poor
    label: str  # as the list wrote it
    source: str
    source_row: int


def previous_classes(session: Session, commune: Commune, year: int | None = None) -> dict[str, str]:
    """household code -> class in `year`'s list (the latest year on record when None)."""
    if year is None:
        year = session.scalar(
            select(PreviousClass.year)
            .where(PreviousClass.commune_id == commune.id)
            .order_by(PreviousClass.year.desc())
            .limit(1)
        )
        if year is None:
            return {}
    rows = session.execute(
        select(PreviousClass.household_code, PreviousClass.result_class).where(
            PreviousClass.commune_id == commune.id, PreviousClass.year == year
        )
    )
    return {code: cls for code, cls in rows}


def record_previous_classes(
    session: Session, actor: Actor, commune: Commune, year: int, entries: Sequence[ListedClass]
) -> int:
    """Insert or replace the year's classes in bulk; returns how many changed."""
    existing = {
        code: (row_id, cls)
        for row_id, code, cls in session.execute(
            select(
                PreviousClass.id, PreviousClass.household_code, PreviousClass.result_class
            ).where(PreviousClass.commune_id == commune.id, PreviousClass.year == year)
        )
    }
    now, who = utcnow(), actor.username
    new, changed, events = [], [], []
    for e in entries:
        old = existing.get(e.household_code)
        if old is not None and old[1] == e.result_class:
            continue
        values = (e.result_class, e.label[:120], e.source[:300], e.source_row, now, who)
        if old is None:
            new.append((commune.id, e.household_code, year, *values))
        else:
            changed.append((*values, old[0]))
        events.append(
            audit.Event(
                "previous_class.record",
                "household",
                e.household_code,
                {
                    "year": year,
                    "class": [old[1] if old else None, e.result_class],
                    "label": e.label,
                    "source": e.source,
                    "row": e.source_row,
                },
            )
        )
    conn = session.connection()
    insert_rows(conn, PreviousClass, INSERT_COLUMNS, new)
    update_rows(conn, PreviousClass, "id", UPDATE_COLUMNS, changed)
    audit.append(session, actor, events)
    return len(events)


def open_round_lists(
    session: Session, actor: Actor, commune: Commune, year: int, codes: Iterable[str]
) -> int:
    """Start the current round's households `codes` on the list `year`'s list put them on, when
    that list is the one in force at the round's start (year = round year − 1). Households whose
    review has already started keep their own start. Returns how many were recorded."""
    from app.workflow.listing import open_lists

    review_round = current_round(session, commune)
    if year != review_round.year - 1:
        return 0
    classes = previous_classes(session, commune, year)
    wanted = {c: classes[c] for c in set(codes) if classes.get(c) in CARRIED_LISTS}
    if not wanted:
        return 0
    started = set(
        session.scalars(
            select(Household.code)
            .join(Assessment, Assessment.household_id == Household.id)
            .where(
                Assessment.round_id == review_round.id,
                Household.code.in_(list(wanted)),
                (Assessment.step.not_in(("none", "listed")))
                | (Assessment.basis.is_not(None) & (Assessment.basis != "list"))
                | Assessment.start_class.is_not(None),
            )
        )
    )
    opening = {c: cls for c, cls in sorted(wanted.items()) if c not in started}
    return open_lists(session, actor, review_round, opening) if opening else 0
