"""Last year's class of each household, as the lists imported from Excel recorded it.

A commune that starts using RaSoat has no previous round in the database; its previous results
are last year's lists. They are kept per household code and year (models.PreviousClass) and are
data for the new round: the movements (still poor, escaped, new poor…) compare this year's class
with `previous_classes(session, commune, year)`. A later list of the same year replaces an
entry, audited; a list never changes this year's survey facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from models import Commune, PreviousClass
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
