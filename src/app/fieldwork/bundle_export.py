"""Field bundles: what a reviewer changed since the last bundle, in one signed file.

A bundle carries, per household, the registers of the paths this laptop changed (each change
with its number, author and time, and what the laptop had seen when making it) — not whole
records — so the commune laptop can tell an edit from a concurrent one field by field. Exporting
when nothing changed writes no file; `everything` writes all changes this laptop still holds,
for a bundle that was lost on the way (importing changes twice is harmless).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import atomic, audit
from app.actor import Actor
from app.communes import only_commune
from app.errors import RaSoatError
from app.fieldwork import laptop_keys, signed_files
from app.fieldwork.assignment_open import (
    ASSIGNMENT_KEY,
    EXPORTED_KEY,
    PREFIX_KEY,
    REVIEWER_KEY,
    SERIAL_KEY,
)
from app.fieldwork.assignments import commune_block, round_block
from app.fieldwork.local_changes import catch_up, track_new, untracked_codes
from app.fieldwork.payload import pack_registers
from app.fieldwork.registers import is_existence
from app.fieldwork.state import (
    REVIEWER_ROLE,
    Counter,
    Tracked,
    get_setting,
    load,
    require_role,
    save,
    set_setting,
    time_text,
)
from app.permissions import require
from models import Commune, FieldFile, Household
from models.base import utcnow

FORMAT = "rasoat.bundle/1"
SUFFIX = ".rasoat-bundle"
SEQ_KEY = "sync.bundle_seq"


@dataclass(frozen=True)
class ExportedBundle:
    path: Path | None  # None: nothing changed since the last bundle, no file written
    uid: str
    seq: int
    households: int
    new_households: int
    changes: int
    counter_from: int
    counter_to: int


def new_household_code(session: Session) -> str:
    """The next free code for a household created on this laptop: "<PREFIX>-0001", …"""
    prefix = get_setting(session, PREFIX_KEY)
    if prefix is None:
        raise RaSoatError("sync.wrong_role.reviewer")
    pattern = re.compile(rf"{re.escape(prefix)}-(\d+)")
    used = [
        int(m.group(1))
        for code in session.scalars(
            select(Household.code).where(Household.code.like(f"{prefix}-%"))
        )
        if (m := pattern.fullmatch(code))
    ]
    return f"{prefix}-{max(used, default=0) + 1:04d}"


def _own_paths(t: Tracked, source: str, since: int) -> list[str]:
    return sorted(
        p
        for p, r in t.registers.items()
        if any(e.source == source and e.n > since for e in r.entries)
    )


def _new_households(
    session: Session, actor: Actor, commune: Commune, source: str, counter: Counter
) -> list[Tracked]:
    codes = untracked_codes(session.connection(), commune.id)
    prefix = get_setting(session, PREFIX_KEY) or ""
    wrong = [c for c in codes if not c.startswith(f"{prefix}-")]
    if wrong:
        raise RaSoatError(
            "bundle.code_without_prefix",
            codes=", ".join(wrong[:10]),
            prefix=prefix,
            example=new_household_code(session),
        )
    created, _changes = track_new(session, actor, commune.id, source, counter, codes)
    return created


def export_bundle(
    session: Session, actor: Actor, out: Path, everything: bool = False
) -> ExportedBundle:
    """Write the changes since the last bundle (or all of them) to `out`, a file or a folder."""
    require(session, actor, "fieldwork.export")
    source = require_role(session, REVIEWER_ROLE)
    commune = only_commune(session)
    reviewer = get_setting(session, REVIEWER_KEY) or ""
    audit.lock(session.connection())
    counter = Counter(session)
    tracked = load(session.connection(), commune.id)
    catch_up(session, actor, commune.id, source, counter, tracked)
    for t in _new_households(session, actor, commune, source, counter):
        tracked[t.code] = t
    save(session.connection(), commune.id, [t for t in tracked.values() if t.dirty or not t.row_id])
    counter.save()
    since = 0 if everything else int(get_setting(session, EXPORTED_KEY) or 0)
    blocks = []
    changes = new = 0
    for code in sorted(tracked):
        t = tracked[code]
        paths = _own_paths(t, source, since)
        if not paths:
            continue
        changes += sum(1 for p in paths if not is_existence(p) or t.values.get(p) is False)
        new += t.origin == source
        blocks.append(
            {
                "code": code,
                "new": t.origin == source,
                "base_version": t.base_version,
                "registers": pack_registers(t.registers, paths),
            }
        )
    seq = int(get_setting(session, SEQ_KEY) or 0)
    if not blocks:
        return ExportedBundle(None, "", seq, 0, 0, 0, since, counter.value)
    seq += 1
    uid = str(uuid.uuid4())
    key = laptop_keys.ensure_own_key(session, actor)
    payload = {
        "format": FORMAT,
        "id": uid,
        "seq": seq,
        "reviewer": reviewer,
        "source": source,
        "created_at": time_text(utcnow()),
        "created_by": actor.username,
        "commune": commune_block(commune),
        "round": round_block(session, commune),
        "assignment": {
            "id": get_setting(session, ASSIGNMENT_KEY),
            "serial": int(get_setting(session, SERIAL_KEY) or 0),
        },
        "counter_from": since,
        "counter_to": counter.value,
        "households": blocks,
    }
    data = signed_files.pack(payload, key)
    digest = hashlib.sha256(data).hexdigest()
    path = out / f"{commune.code}-{reviewer}-goi-{seq:03d}{SUFFIX}" if out.is_dir() else out
    session.add(
        FieldFile(
            uid=uid,
            kind="bundle",
            direction="out",
            reviewer=reviewer,
            seq=seq,
            counter_from=since,
            counter_to=counter.value,
            households=len(blocks),
            sha256=digest,
            file_name=path.name,
            by=actor.username,
        )
    )
    set_setting(session, EXPORTED_KEY, str(counter.value))
    set_setting(session, SEQ_KEY, str(seq))
    audit.record(
        session,
        actor,
        "bundle.export",
        "bundle",
        uid,
        seq=seq,
        households=len(blocks),
        new_households=new,
        changes=changes,
        counter_from=since,
        counter_to=counter.value,
        file=path.name,
        sha256=digest,
    )
    session.flush()
    atomic.write_bytes(path, data)
    return ExportedBundle(path, uid, seq, len(blocks), new, changes, since, counter.value)
