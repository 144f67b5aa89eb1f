"""Households listed for review whose survey is pending (see models.listing.PendingHousehold).

They come from last year's lists, which name the household but do not give the 12 indicators'
facts. They are shown to the officer as "chờ khảo sát" (survey pending); the household editor
starts from `pending_draft` (what the list said, in exchange-format shape), and saving the
surveyed household under the same code with `complete_survey` turns it into a household of the
register, classified in the current round, and removes the pending entry. Nothing here invents a
fact: a pending household has no class in this year's round until it is surveyed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import NotFound
from app.facts import HouseholdFacts
from app.households import SaveResult, save_household
from app.permissions import require
from app.previous_classes import open_round_lists
from app.rounds import current_round
from app.textnorm import fold
from models import Commune, Household, PendingHousehold, Village
from models.base import utcnow
from models.bulk import insert_rows

COLUMNS = (
    "commune_id",
    "code",
    "village_id",
    "data",
    "declared_size",
    "head_name",
    "search_key",
    "source",
    "source_row",
    "created_at",
    "created_by",
)


@dataclass(frozen=True)
class NewPending:
    code: str
    village_id: int
    document: dict[str, Any]  # exchange-format household, as far as the list gave it
    declared_size: int | None
    source: str
    source_row: int


@dataclass(frozen=True)
class PendingRow:
    """One line of the "survey pending" list."""

    code: str
    village: str
    head_name: str
    members: int
    declared_size: int | None
    source: str
    search_key: str


def _head(document: dict[str, Any]) -> str:
    members = document.get("members", [])
    head = next((m for m in members if m.get("relation") == "head"), members[0] if members else {})
    return str(head.get("name", ""))


def search_key(document: dict[str, Any]) -> str:
    parts = [str(document["id"])]
    for m in document.get("members", []):
        parts.append(str(m.get("name", "")))
        if m.get("id_number"):
            parts.append(str(m["id_number"]))
    return fold(" ".join(parts))


def add_pending(
    session: Session, actor: Actor, commune: Commune, entries: Sequence[NewPending]
) -> int:
    """Insert pending households in bulk, each with an audit record; in the caller's transaction."""
    require(session, actor, "household.import")
    now = utcnow()
    rows = [
        (
            commune.id,
            e.code,
            e.village_id,
            json.dumps(e.document, ensure_ascii=False, separators=(",", ":")),
            e.declared_size,
            _head(e.document)[:120],
            search_key(e.document),
            e.source[:300],
            e.source_row,
            now,
            actor.username,
        )
        for e in entries
    ]
    insert_rows(session.connection(), PendingHousehold, COLUMNS, rows)
    audit.append(
        session,
        actor,
        [
            audit.Event(
                "pending.create",
                "household",
                e.code,
                {"source": e.source, "row": e.source_row, "data": e.document},
            )
            for e in entries
        ],
    )
    return len(rows)


def pending_list(session: Session, commune: Commune) -> list[PendingRow]:
    """Pending households not yet surveyed, in code order (a household saved under the same
    code by any path counts as surveyed)."""
    surveyed = select(Household.code).where(Household.commune_id == commune.id)
    rows = session.execute(
        select(PendingHousehold, Village.name)
        .join(Village, Village.id == PendingHousehold.village_id)
        .where(PendingHousehold.commune_id == commune.id, PendingHousehold.code.not_in(surveyed))
        .order_by(PendingHousehold.code)
    )
    out = []
    for pending, village in rows:
        members = json.loads(pending.data).get("members", [])
        out.append(
            PendingRow(
                pending.code,
                village,
                pending.head_name,
                len(members),
                pending.declared_size,
                pending.source,
                pending.search_key,
            )
        )
    return out


def pending_draft(session: Session, commune: Commune, code: str) -> dict[str, Any]:
    """What the list said about the household, as a partial exchange-format household, for the
    household editor to start from."""
    return json.loads(_load(session, commune, code).data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PendingEntry:
    code: str
    document: dict[str, Any]
    declared_size: int | None
    source: str


def pending_entry(session: Session, commune: Commune, code: str) -> PendingEntry:
    """The pending household `code` with the household size its list declared."""
    found = _load(session, commune, code)
    return PendingEntry(found.code, json.loads(found.data), found.declared_size, found.source)


def _load(session: Session, commune: Commune, code: str) -> PendingHousehold:
    found = session.scalar(
        select(PendingHousehold).where(
            PendingHousehold.commune_id == commune.id, PendingHousehold.code == code
        )
    )
    if found is None:
        raise NotFound("pending.not_found", code=code)
    return found


def complete_survey(
    session: Session, actor: Actor, commune: Commune, facts: HouseholdFacts, **save: Any
) -> SaveResult:
    """Save the surveyed household (validated, classified) and close its pending entry."""
    pending = _load(session, commune, facts.id)
    result = save_household(session, actor, commune, facts, **save)
    session.execute(delete(PendingHousehold).where(PendingHousehold.id == pending.id))
    audit.record(session, actor, "pending.surveyed", "household", facts.id, source=pending.source)
    # Last year's list (if it is the one the round opened with) now starts its round.
    year = current_round(session, commune).year - 1
    open_round_lists(session, actor, commune, year, [facts.id])
    return result


def discard_pending(
    session: Session, actor: Actor, commune: Commune, code: str, reason: str
) -> None:
    """Remove a pending household (listed by mistake, moved away…), with the reason audited."""
    require(session, actor, "household.delete")
    pending = _load(session, commune, code)
    session.execute(delete(PendingHousehold).where(PendingHousehold.id == pending.id))
    audit.record(
        session, actor, "pending.discard", "household", code, reason=reason, data=pending.data
    )
