"""Conflicts on the commune laptop: listed side by side, decided field by field by the officer.

A conflict is a field that received changes made without seeing each other (two reviewers, or a
reviewer and the officer), including a household or member deleted on one laptop and edited on
another. Each value is shown with who changed it and when; until the officer decides, the
household holds the value every laptop would pick (app/sync_registers.provisional). The decision
is a change of its own, made seeing all the values, so it settles the field on every laptop
that receives the next assignment, and the audit trail records the values and the choice.

Households created on two laptops with the same ID number are shown too: both are kept (nothing
is overwritten) until the officer keeps one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.assessments import duplicate_owners
from app.errors import NotFound, RaSoatError
from app.fieldwork.local_changes import catch_up
from app.fieldwork.paths import HOUSEHOLD, BadValue, check_value
from app.fieldwork.registers import in_conflict, write
from app.fieldwork.reviewers import commune_source
from app.fieldwork.state import Counter, Tracked, load, save, time_text
from app.fieldwork.writing import write_households
from app.permissions import require
from models import Commune, Household, Member, Reviewer, SyncHousehold, Village
from models.base import utcnow


@dataclass(frozen=True)
class Candidate:
    value: Any
    by: str
    at: str
    source: str
    source_name: str  # the reviewer's name, or "" for the commune laptop / the original value


@dataclass(frozen=True)
class Conflict:
    code: str
    path: str
    current: Any  # the value the household holds until the officer decides
    candidates: tuple[Candidate, ...]
    values: dict[str, Any]  # the household's values, to name members and fields


@dataclass(frozen=True)
class DuplicateHousehold:
    code: str
    head: str
    village: str
    origin: str  # the reviewer who created it, or ""


@dataclass(frozen=True)
class Duplicate:
    id_number: str
    households: tuple[DuplicateHousehold, ...]


def source_names(session: Session, commune: Commune) -> dict[str, str]:
    rows = session.execute(
        select(Reviewer.source, Reviewer.display_name).where(Reviewer.commune_id == commune.id)
    )
    return {source: name for source, name in rows}


def _conflicts_of(t: Tracked, names: dict[str, str]) -> list[Conflict]:
    out = []
    for path in t.conflict_paths():
        register = t.registers[path]
        candidates = tuple(
            Candidate(e.value, e.by, e.at, e.source, names.get(e.source, ""))
            for e in sorted(register.entries, key=lambda e: (e.at, e.source, e.n))
        )
        out.append(Conflict(t.code, path, t.values.get(path), candidates, t.values))
    return out


def list_conflicts(session: Session, commune: Commune, code: str | None = None) -> list[Conflict]:
    """Every open conflict (or those of one household), household by household."""
    codes = session.scalars(
        select(SyncHousehold.code).where(
            SyncHousehold.commune_id == commune.id,
            SyncHousehold.conflicts > 0,
            *([SyncHousehold.code == code] if code is not None else []),
        )
    ).all()
    tracked = load(session.connection(), commune.id, codes)
    names = source_names(session, commune)
    return [c for k in sorted(tracked) for c in _conflicts_of(tracked[k], names)]


def conflict_count(session: Session, commune: Commune) -> int:
    rows = session.scalars(
        select(SyncHousehold.conflicts).where(
            SyncHousehold.commune_id == commune.id, SyncHousehold.conflicts > 0
        )
    )
    return sum(rows)


@dataclass(frozen=True)
class Decision:
    code: str
    path: str
    value: Any
    deleted: bool  # the decision removed the household


def resolve_conflict(
    session: Session, actor: Actor, commune: Commune, code: str, path: str, value: Any
) -> Decision:
    """The officer's value for a field in conflict (one of the candidates, or another one)."""
    require(session, actor, "fieldwork.merge")
    source = commune_source(session, actor)
    audit.lock(session.connection())
    counter = Counter(session)
    tracked = load(session.connection(), commune.id, [code])
    catch_up(session, actor, commune.id, source, counter, tracked)
    t = tracked.get(code)
    register = t.registers.get(path) if t is not None else None
    if t is None or register is None or not in_conflict(register):
        raise NotFound("conflict.not_found", code=code, path=path)
    try:
        value = check_value(path, value)
    except BadValue:
        raise RaSoatError("conflict.bad_value", path=path) from None
    candidates = [[e.value, e.by, e.at, e.source] for e in register.entries]
    t.registers[path] = write(
        register, value, source, counter.next(), actor.username, time_text(utcnow())
    )
    t.dirty = True
    note = {"decision": path}
    write_households(session, actor, commune, [t], note)
    save(session.connection(), commune.id, [t])
    counter.save()
    audit.record(
        session,
        actor,
        "conflict.resolve",
        "household",
        code,
        path=path,
        candidates=candidates,
        chosen=value,
    )
    return Decision(code, path, value, not t.present)


def duplicates(session: Session, commune: Commune) -> list[Duplicate]:
    """ID numbers used by more than one household, with the households using them."""
    owners = duplicate_owners(session.connection(), commune.id)
    if not owners:
        return []
    codes = sorted({c for owned in owners.values() for c in owned})
    rows = session.execute(
        select(Household.code, Member.name, Village.name)
        .join(Member, Member.household_id == Household.id)
        .join(Village, Village.id == Household.village_id)
        .where(Household.commune_id == commune.id, Household.code.in_(codes))
        .where(Member.relation == "head")
    )
    heads = {code: (head, village) for code, head, village in rows}
    origins = dict(
        session.execute(
            select(SyncHousehold.code, SyncHousehold.origin).where(
                SyncHousehold.commune_id == commune.id, SyncHousehold.code.in_(codes)
            )
        ).all()
    )
    names = source_names(session, commune)
    return [
        Duplicate(
            number,
            tuple(
                DuplicateHousehold(
                    c,
                    heads.get(c, ("", ""))[0],
                    heads.get(c, ("", ""))[1],
                    names.get(origins.get(c) or "", ""),
                )
                for c in sorted(owned)
            ),
        )
        for number, owned in sorted(owners.items())
    ]


def resolve_duplicate(
    session: Session, actor: Actor, commune: Commune, keep: str, remove: str
) -> None:
    """Keep household `keep` and delete `remove`, which used the same ID number. The deleted
    household's data stays readable in its version snapshots and in the audit trail."""
    require(session, actor, "fieldwork.merge")
    shared = [
        d.id_number
        for d in duplicates(session, commune)
        if {keep, remove} <= {h.code for h in d.households}
    ]
    if not shared:
        raise NotFound("conflict.no_duplicate", keep=keep, remove=remove)
    source = commune_source(session, actor)
    audit.lock(session.connection())
    counter = Counter(session)
    tracked = load(session.connection(), commune.id, [remove])
    catch_up(session, actor, commune.id, source, counter, tracked)
    t = tracked.get(remove)
    if t is None:  # never took part in merging: an ordinary deletion
        from app.households import delete_household

        delete_household(session, actor, commune, remove)
    else:
        at = time_text(utcnow())
        t.registers[HOUSEHOLD] = write(
            t.register(HOUSEHOLD), False, source, counter.next(), actor.username, at
        )
        t.dirty = True
        write_households(session, actor, commune, [t], {"duplicate_of": keep})
        save(session.connection(), commune.id, [t])
        counter.save()
    audit.record(
        session, actor, "duplicate.resolve", "household", remove, keep=keep, id_numbers=shared
    )
