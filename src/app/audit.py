"""The audit trail: who changed what, when, old → new, chained by SHA-256 so edits show.

Each row's hash covers its sequence number, time, actor, action, record and details, and the
previous row's hash. Changing or deleting any row breaks the chain from there on; `verify` finds
the first broken link. The newest hash is also kept in the settings table ("audit.head"), which
doubles as the lock that serialises writers of the trail on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from app.actor import Actor
from models import AuditEvent, Setting
from models.bulk import insert_rows

GENESIS = "0" * 64
# Erasing a person's data (app/erasure.py) replaces the details of the rows that held it with
# this text, and records the erasure as a new event listing each such row's sequence number and
# hash. A redacted row's hash can no longer be recomputed; the erasure event, itself in the
# chain, vouches for it instead, so the chain still proves nothing else was changed.
REDACTED = '{"redacted":"personal_data.erase"}'
ERASE_ACTION = "personal_data.erase"
COLUMNS = ("id", "at", "actor", "action", "entity", "entity_key", "details", "prev_hash", "hash")
HEAD_KEY = "audit.head"


@dataclass(frozen=True, slots=True)
class Event:
    action: str
    entity: str
    entity_key: str
    details: Mapping[str, Any]


def details_text(details: Mapping[str, Any]) -> str:
    """The stored (and hashed) text of an event's details. Verification hashes the stored text,
    so any deterministic encoding will do; key order is the order the code wrote."""
    return json.dumps(details, ensure_ascii=False, separators=(",", ":"), default=str)


def row_hash(
    seq: int, at: str, actor: str, action: str, entity: str, key: str, details: str, prev: str
) -> str:
    text = "\x1f".join((str(seq), at, actor, action, entity, key, details, prev))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lock(conn: Connection) -> tuple[int, str]:
    """Take the audit lock (and with it the database's write lock on SQLite); return the last
    sequence number and hash. Bulk writers call this first so nobody else writes meanwhile."""
    locked = conn.execute(
        update(Setting).where(Setting.key == HEAD_KEY).values(value=Setting.value)
    ).rowcount
    if not locked:
        conn.execute(insert(Setting).values(key=HEAD_KEY, value=GENESIS))
    last = conn.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def append(conn: Connection | Session, actor: Actor, events: Iterable[Event]) -> int:
    """Append events in order, in the caller's transaction. Returns how many were written."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    seq, prev = lock(connection)
    at = now_text()
    rows = []
    for event in events:
        seq += 1
        details = details_text(event.details)
        digest = row_hash(
            seq, at, actor.username, event.action, event.entity, event.entity_key, details, prev
        )
        rows.append(
            (
                seq,
                at,
                actor.username,
                event.action,
                event.entity,
                event.entity_key,
                details,
                prev,
                digest,
            )
        )
        prev = digest
    if rows:
        insert_rows(connection, AuditEvent, COLUMNS, rows)
        connection.execute(update(Setting).where(Setting.key == HEAD_KEY).values(value=prev))
    return len(rows)


def record(
    conn: Connection | Session, actor: Actor, action: str, entity: str, key: str, **details: Any
) -> None:
    append(conn, actor, [Event(action, entity, key, details)])


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    broken_at: int | None  # sequence number of the first row that does not check out
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(conn: Connection | Session) -> VerifyResult:
    """Walk the chain from the start; report the first row whose link or hash is wrong."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    prev, expected, checked = GENESIS, 1, 0
    result = connection.execution_options(yield_per=5000).execute(
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_key,
            AuditEvent.details,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        ).order_by(AuditEvent.id)
    )
    redacted: dict[int, str] = {}  # seq -> hash, each to be vouched for by an erasure event
    vouched: dict[int, str] = {}
    for seq, at, actor, action, entity, key, details, prev_hash, digest in result:
        if seq != expected:
            return VerifyResult(checked, expected, "missing")
        if prev_hash != prev:
            return VerifyResult(checked, seq, "link")
        if details == REDACTED:
            redacted[seq] = digest
        elif row_hash(seq, at, actor, action, entity, key, details, prev_hash) != digest:
            return VerifyResult(checked, seq, "hash")
        elif action == ERASE_ACTION:
            vouched.update((int(n), str(h)) for n, h in json.loads(details).get("redacted", []))
        prev, expected, checked = digest, expected + 1, checked + 1
    for seq, digest in sorted(redacted.items()):
        if vouched.get(seq) != digest:  # blanked by someone other than a recorded erasure
            return VerifyResult(checked, seq, "hash")
    head = connection.execute(select(Setting.value).where(Setting.key == HEAD_KEY)).scalar()
    if head is not None and head != prev:
        return VerifyResult(checked, expected, "head")
    return VerifyResult(checked, None)
