"""The merge state of households (models.SyncHousehold) and of the laptop (settings).

A tracked household carries its reconciled values (every path) and the registers of the paths
written since it took part. Reading and writing go through plain tuples and JSON, in bulk: a
merge touches thousands of households at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.errors import RaSoatError
from app.fieldwork.confirmations import agreeing
from app.fieldwork.paths import Values, canonical
from app.fieldwork.registers import Register, decode, encode, implicit, in_conflict, provisional
from models import Setting, SyncHousehold
from models.base import utcnow
from models.bulk import date_param, insert_rows, update_rows

ROLE_KEY = "sync.role"
SOURCE_KEY = "sync.source"
COUNTER_KEY = "sync.counter"
COMMUNE_ROLE = "commune"
REVIEWER_ROLE = "reviewer"
COLUMNS = (
    "household_id",
    "synced_version",
    "base_version",
    "present",
    "field_values",
    "registers",
    "conflicts",
    "origin",
    "updated_at",
)
_CHUNK = 900  # bound parameters per IN list, well under every backend's limit


def time_text(moment: datetime) -> str:
    """A naive UTC time as the registers store it: fixed width, so text order is time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Tracked:
    """One household's merge state, in memory."""

    code: str
    values: Values
    registers: dict[str, Register] = field(default_factory=dict)
    row_id: int | None = None
    household_id: int | None = None
    synced_version: int | None = None
    base_version: int | None = None
    origin: str | None = None
    dirty: bool = False  # changed since loaded: to be saved

    @property
    def present(self) -> bool:
        return self.values.get("household") is True

    def register(self, path: str) -> Register:
        found = self.registers.get(path)
        return found if found is not None else implicit(self.values.get(path))

    def compose(self) -> Values:
        """The values the registers say, provisional ones where a conflict waits."""
        values = dict(self.values)
        for path, register in self.registers.items():
            values[path] = provisional(path, register)
        return values

    def conflict_paths(self) -> list[str]:
        return sorted(p for p, r in self.registers.items() if in_conflict(r) and not agreeing(p, r))

    def registers_text(self) -> str:
        return json.dumps(
            {p: encode(r) for p, r in sorted(self.registers.items())},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def values_text(self) -> str:
        return canonical(self.values)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


_SELECT = (
    SyncHousehold.id,
    SyncHousehold.code,
    SyncHousehold.household_id,
    SyncHousehold.synced_version,
    SyncHousehold.base_version,
    SyncHousehold.field_values,
    SyncHousehold.registers,
    SyncHousehold.origin,
)


def load(
    conn: Connection, commune_id: int, codes: Iterable[str] | None = None
) -> dict[str, Tracked]:
    """Tracked households by code: those in `codes` that are tracked, or all of them."""
    base = select(*_SELECT).where(SyncHousehold.commune_id == commune_id)
    if codes is None:
        rows = list(conn.execute(base))
    else:
        wanted = sorted(set(codes))
        rows = [
            r
            for part in _chunks(wanted)
            for r in conn.execute(base.where(SyncHousehold.code.in_(part)))
        ]
    out = {}
    for row_id, code, household_id, synced, base_version, values, registers, origin in rows:
        out[code] = Tracked(
            code=code,
            values=json.loads(values),
            registers={p: decode(r) for p, r in json.loads(registers).items()},
            row_id=row_id,
            household_id=household_id,
            synced_version=synced,
            base_version=base_version,
            origin=origin,
        )
    return out


def save(conn: Connection, commune_id: int, items: Iterable[Tracked]) -> None:
    """Write the states back: update the tracked rows, insert the new ones."""
    now = date_param(conn, utcnow())
    updates, inserts = [], []
    for t in items:
        row = (
            t.household_id,
            t.synced_version,
            t.base_version,
            t.present,
            t.values_text(),
            t.registers_text(),
            len(t.conflict_paths()),
            t.origin,
            now,
        )
        if t.row_id is None:
            inserts.append((commune_id, t.code, *row))
        else:
            updates.append((*row, t.row_id))
    update_rows(conn, SyncHousehold, "id", COLUMNS, updates, dates_ready=True)
    insert_rows(conn, SyncHousehold, ("commune_id", "code", *COLUMNS), inserts, dates_ready=True)


# --- the laptop's own settings ----------------------------------------------------------------


def get_setting(session: Session, key: str) -> str | None:
    found = session.get(Setting, key)
    return found.value if found is not None else None


def set_setting(session: Session, key: str, value: str) -> None:
    found = session.get(Setting, key)
    if found is None:
        session.add(Setting(key=key, value=value))
    else:
        found.value = value
    session.flush()


def role(session: Session) -> str | None:
    """ "commune" on the officer's laptop, "reviewer" on a reviewer's working copy, else None."""
    return get_setting(session, ROLE_KEY)


def require_role(session: Session, wanted: str) -> str:
    """This laptop's change source; refuses an action meant for the other kind of laptop."""
    found = role(session)
    if found is not None and found != wanted:
        raise RaSoatError(f"sync.wrong_role.{wanted}")
    source = get_setting(session, SOURCE_KEY)
    if source is None:
        raise RaSoatError(f"sync.wrong_role.{wanted}")
    return source


class Counter:
    """This laptop's change numbers: each change made here takes the next one."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.value = int(get_setting(session, COUNTER_KEY) or 0)

    def next(self) -> int:
        self.value += 1
        return self.value

    def at_least(self, floor: int) -> None:
        """Never hand out a number the other laptops may already know (a restored backup)."""
        self.value = max(self.value, floor)

    def save(self) -> None:
        set_setting(self.session, COUNTER_KEY, str(self.value))
