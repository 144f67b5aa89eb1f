"""Assignments: the commune officer hands households to a reviewer as one signed file.

An assignment carries the commune, the review round, the villages, the reviewer (with the key
their bundles must be signed with and the prefix for codes of households they create) and, for
every household in their set, its current values and merge registers. The same command sends the
updated assignment after merging: households withdrawn from the set are listed, households
deleted for good are sent as deleted, so every laptop continues from the merged state.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app import atomic, audit
from app.actor import Actor
from app.errors import NotFound, RaSoatError
from app.fieldwork import laptop_keys, signed_files
from app.fieldwork.confirmations import read as read_confirmations
from app.fieldwork.confirmations import values_of
from app.fieldwork.local_changes import catch_up
from app.fieldwork.paths import initial_values
from app.fieldwork.payload import pack_registers, pack_values
from app.fieldwork.reviewers import commune_source, require_reviewer
from app.fieldwork.state import Counter, Tracked, load, save, time_text
from app.household_rows import iter_commune_households
from app.permissions import require
from app.rounds import current_round
from app.survey import NO_ANSWERS, round_answers
from models import Commune, FieldFile, Household, Reviewer, ReviewerHousehold, Village
from models.base import utcnow

FORMAT = "rasoat.assignment/1"
SUFFIX = ".rasoat-assignment"


@dataclass(frozen=True)
class Selection:
    """Households to add to a reviewer's set (by village or by code), and codes to withdraw."""

    villages: tuple[str, ...] = ()
    households: tuple[str, ...] = ()
    withdraw: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuedAssignment:
    path: Path
    uid: str
    serial: int
    reviewer: str
    households: int
    deleted: int
    withdrawn: int
    in_conflict: int
    sha256: str


def commune_block(commune: Commune) -> dict[str, str]:
    return {
        "code": commune.code,
        "name": commune.name,
        "province_code": commune.province_code,
        "province_name": commune.province_name,
    }


def round_block(session: Session, commune: Commune) -> dict[str, Any]:
    r = current_round(session, commune)
    return {
        "kind": r.kind,
        "label": r.label,
        "month": r.month,
        "reference_date": r.reference_date.isoformat(),
        "standard": r.standard_id,
    }


def _select(session: Session, commune: Commune, reviewer: Reviewer, selection: Selection) -> None:
    codes = set(selection.households)
    known = set(
        session.scalars(
            select(Household.code).where(
                Household.commune_id == commune.id, Household.code.in_(sorted(codes))
            )
        )
    )
    missing = sorted(codes - known)
    if missing:
        raise NotFound("household.not_found", code=missing[0])
    for name in selection.villages:
        village = session.scalar(
            select(Village).where(Village.commune_id == commune.id, Village.name == name)
        )
        if village is None:
            raise NotFound("assignment.village_not_found", village=name)
        codes |= set(
            session.scalars(select(Household.code).where(Household.village_id == village.id))
        )
    current = {
        rh.code: rh
        for rh in session.scalars(
            select(ReviewerHousehold).where(ReviewerHousehold.reviewer_id == reviewer.id)
        )
    }
    for code in sorted(codes):
        if code in current:
            current[code].active = True
        else:
            session.add(ReviewerHousehold(reviewer_id=reviewer.id, code=code, active=True))
    for code in selection.withdraw:
        if code in current:
            current[code].active = False
    session.flush()


def _active_codes(session: Session, reviewer: Reviewer, active: bool = True) -> list[str]:
    return sorted(
        session.scalars(
            select(ReviewerHousehold.code).where(
                ReviewerHousehold.reviewer_id == reviewer.id,
                ReviewerHousehold.active.is_(active),
            )
        )
    )


def _start_tracking(session: Session, commune: Commune, codes: Iterable[str]) -> list[Tracked]:
    """Merge state for households taking part for the first time: their values now."""
    wanted = set(codes)
    if not wanted:
        return []
    found = [
        (row, facts)
        for row, facts in iter_commune_households(session.connection(), commune.id)
        if facts.id in wanted
    ]
    confirmed = read_confirmations(session.connection(), [row[0] for row, _facts in found])
    answers = round_answers(session.connection(), current_round(session, commune).id)
    out = []
    for row, facts in found:
        values = initial_values(facts, row[18], answers.get(row[0], NO_ANSWERS))
        values.update(values_of(confirmed[row[0]], [str(i) for i in range(len(facts.members))]))
        t = Tracked(facts.id, values)
        t.household_id, t.synced_version = row[0], row[19]
        out.append(t)
    return out


def tracked_set(
    session: Session, actor: Actor, commune: Commune, source: str, codes: list[str]
) -> tuple[dict[str, Tracked], Counter]:
    """The merge state of `codes`, with local edits recorded and new households tracked."""
    counter = Counter(session)
    tracked = load(session.connection(), commune.id, codes)
    catch_up(session, actor, commune.id, source, counter, tracked)
    for t in _start_tracking(session, commune, set(codes) - set(tracked)):
        tracked[t.code] = t
    return tracked, counter


def household_block(t: Tracked) -> dict[str, Any]:
    return {
        "code": t.code,
        "version": t.synced_version,
        "origin": t.origin,
        "state": pack_values(t.code, t.values),
        "registers": pack_registers(t.registers),
    }


def issue_assignment(
    session: Session,
    actor: Actor,
    commune: Commune,
    reviewer_code: str,
    selection: Selection,
    out: Path,
) -> IssuedAssignment:
    """Write the reviewer's assignment (their whole current set) to `out`, a file or a folder."""
    require(session, actor, "fieldwork.assign")
    source = commune_source(session, actor)
    reviewer = require_reviewer(session, commune, reviewer_code)
    if not reviewer.active:
        raise RaSoatError("reviewer.inactive", code=reviewer.code)
    audit.lock(session.connection())
    _select(session, commune, reviewer, selection)
    tracked, counter = tracked_set(
        session, actor, commune, source, _active_codes(session, reviewer)
    )
    items = sorted(tracked.values(), key=lambda t: t.code)
    gone = [t.code for t in items if not t.present and not t.conflict_paths()]
    if gone:  # sent once as deleted, then out of the set
        session.execute(
            update(ReviewerHousehold)
            .where(ReviewerHousehold.reviewer_id == reviewer.id, ReviewerHousehold.code.in_(gone))
            .values(active=False)
        )
    withdrawn = sorted(set(_active_codes(session, reviewer, False)) - set(gone))
    serial = 1 + (
        session.scalar(
            select(func.count()).where(
                FieldFile.kind == "assignment",
                FieldFile.direction == "out",
                FieldFile.reviewer == reviewer.code,
            )
        )
        or 0
    )
    uid = str(uuid.uuid4())
    key = laptop_keys.ensure_own_key(session, actor)
    payload = {
        "format": FORMAT,
        "id": uid,
        "serial": serial,
        "issued_at": time_text(utcnow()),
        "issued_by": actor.username,
        "commune": commune_block(commune),
        "round": round_block(session, commune),
        "villages": [
            {"name": v.name, "area": v.area}
            for v in session.scalars(
                select(Village).where(Village.commune_id == commune.id).order_by(Village.position)
            )
        ],
        "reviewer": {
            "code": reviewer.code,
            "name": reviewer.display_name,
            "prefix": reviewer.code_prefix,
            "key": reviewer.key_fingerprint,
            "source": reviewer.source,
            "counter_floor": reviewer.max_counter,
        },
        "commune_source": source,
        "commune_key": key.public_key,
        "households": [household_block(t) for t in items],
        "withdrawn": withdrawn,
    }
    save(session.connection(), commune.id, items)
    counter.save()
    path = out / default_name(commune, reviewer.code, serial) if out.is_dir() else out
    data = signed_files.pack(payload, key)
    digest = hashlib.sha256(data).hexdigest()
    session.add(
        FieldFile(
            uid=uid,
            kind="assignment",
            direction="out",
            reviewer=reviewer.code,
            seq=serial,
            households=len(items),
            sha256=digest,
            file_name=path.name,
            by=actor.username,
        )
    )
    audit.record(
        session,
        actor,
        "assignment.issue",
        "reviewer",
        reviewer.code,
        assignment=uid,
        serial=serial,
        households=len(items),
        deleted=len(gone),
        withdrawn=len(withdrawn),
        file=path.name,
        sha256=digest,
    )
    session.flush()
    atomic.write_bytes(path, data)  # last: if anything above fails, no file is written
    in_conflict = sum(1 for t in items if t.conflict_paths())
    return IssuedAssignment(
        path, uid, serial, reviewer.code, len(items), len(gone), len(withdrawn), in_conflict, digest
    )


def default_name(commune: Commune, reviewer: str, serial: int) -> str:
    return f"{commune.code}-{reviewer}-phan-cong-{serial:03d}{SUFFIX}"
