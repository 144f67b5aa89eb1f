"""Opening an assignment on a reviewer's laptop: the working copy starts from it, or catches up.

The first assignment can go into an empty database: it creates the commune, its villages and the
round, and pins the commune laptop's key (its fingerprint is shown so the reviewer can compare it
with the officer's). Every later assignment must be signed by that pinned key and be meant for
this laptop's own key. Edits made here and not yet sent are kept: they are recorded as changes
first, then joined with the commune's state, so the next bundle still carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app import audit, backups
from app.actor import Actor
from app.communes import VillageSpec, find_commune, insert_commune
from app.errors import RaSoatError
from app.fieldwork import laptop_keys, signed_files
from app.fieldwork.local_changes import catch_up
from app.fieldwork.payload import BadPayload, unpack_registers, unpack_values
from app.fieldwork.registers import implicit, join
from app.fieldwork.reviewers import source_id
from app.fieldwork.signed_files import FileRejected, SignedFile
from app.fieldwork.state import (
    REVIEWER_ROLE,
    ROLE_KEY,
    SOURCE_KEY,
    Counter,
    Tracked,
    get_setting,
    load,
    role,
    save,
    set_setting,
)
from app.fieldwork.writing import IncompleteHousehold, write_households
from app.i18n import tr
from app.permissions import require
from models import Commune, FieldFile, Household, SyncHousehold
from models.database import Database

COMMUNE_KEY = "sync.commune_key"
REVIEWER_KEY = "sync.reviewer"
PREFIX_KEY = "sync.prefix"
SERIAL_KEY = "sync.assignment_serial"
ASSIGNMENT_KEY = "sync.assignment"
EXPORTED_KEY = "sync.exported_counter"


@dataclass(frozen=True)
class OpenedAssignment:
    reviewer: str
    serial: int
    households: int
    commune_created: bool
    created: int
    updated: int
    deleted: int
    withdrawn: int
    kept: list[str]  # withdrawn households kept because they hold changes not yet sent
    in_conflict: int
    commune_key: str  # readable fingerprint of the key that signed it
    already_open: bool = False

    def summary(self, lang: str) -> str:
        """What the reviewer is told, the same in the window and on the command line."""
        if self.already_open:
            return tr("bundle_cli.already_open", lang, serial=self.serial)
        text = tr(
            "bundle_cli.opened",
            lang,
            serial=self.serial,
            reviewer=self.reviewer,
            households=self.households,
            created=self.created,
            updated=self.updated,
            deleted=self.deleted,
            withdrawn=self.withdrawn,
            conflicts=self.in_conflict,
            fingerprint=self.commune_key,
        )
        if self.kept:
            text += "\n" + tr("bundle_cli.kept", lang, codes=", ".join(self.kept))
        return text


def _verify(session: Session, signed: SignedFile, content: dict[str, Any], name: str) -> str:
    """The commune key that signed the file: the pinned one, or (first time) the one it carries."""
    pinned = get_setting(session, COMMUNE_KEY)
    public = pinned or content.get("commune_key")
    if not isinstance(public, str):
        raise FileRejected("field_file.bad_content", file=name, where="commune_key")
    try:
        expected = laptop_keys.fingerprint(public)
    except RaSoatError:
        raise FileRejected("field_file.bad_content", file=name, where="commune_key") from None
    if expected != signed.key:
        key = "assignment.other_commune_key" if pinned else "field_file.bad_signature"
        raise FileRejected(key, file=name)
    if not signed.verified_by(public):
        raise FileRejected("field_file.bad_signature", file=name)
    return public


def read_assignment(session: Session, path: Path) -> tuple[dict[str, Any], str, str]:
    """The verified content of an assignment, the commune key and the file's SHA-256."""
    data = signed_files.read_bytes(path)
    signed = signed_files.unpack(data, path.name)
    content = signed.content()
    if not isinstance(content, dict) or content.get("format") != "rasoat.assignment/1":
        raise FileRejected("field_file.not_assignment", file=path.name)
    public = _verify(session, signed, content, path.name)
    return content, public, signed.sha256


def _text(block: Any, key: str, where: str, name: str) -> str:
    value = block.get(key) if isinstance(block, dict) else None
    if not isinstance(value, str) or not value:
        raise FileRejected("field_file.bad_content", file=name, where=f"{where}.{key}")
    return value


def _households(content: dict[str, Any], name: str) -> list[Tracked]:
    raw = content.get("households")
    if not isinstance(raw, list):
        raise FileRejected("field_file.bad_content", file=name, where="households")
    out, seen = [], set()
    for i, item in enumerate(raw):
        where = f"households[{i}]"
        code = _text(item, "code", "households", name)
        version, origin = item.get("version"), item.get("origin")
        if code in seen or len(code) > 64 or not isinstance(version, int | None):
            raise FileRejected("field_file.bad_content", file=name, where=where)
        if not isinstance(origin, str | None):
            raise FileRejected("field_file.bad_content", file=name, where=where)
        try:
            values = unpack_values(code, item.get("state"), f"{where}.state")
            registers = unpack_registers(item.get("registers"), f"{where}.registers")
        except BadPayload as exc:
            raise FileRejected("field_file.bad_content", file=name, where=exc.where) from None
        t = Tracked(code, values, registers, base_version=version, origin=origin)
        seen.add(code)
        out.append(t)
    return out


def _working_copy(
    session: Session, actor: Actor, content: dict[str, Any], own_source: str, name: str
) -> tuple[Commune, bool]:
    """The commune of this working copy, created from the assignment if the database is new."""
    commune_block, round_block = content.get("commune"), content.get("round")
    code = _text(commune_block, "code", "commune", name)
    commune = find_commune(session)
    if commune is not None:
        if commune.code != code:
            raise FileRejected("assignment.other_commune", file=name, commune=commune.name)
        if role(session) != REVIEWER_ROLE or get_setting(session, SOURCE_KEY) != own_source:
            raise RaSoatError("assignment.not_working_copy")
        return commune, False
    if role(session) is not None:
        raise RaSoatError("assignment.not_working_copy")
    try:
        reference = date.fromisoformat(_text(round_block, "reference_date", "round", name))
    except ValueError:
        raise FileRejected("field_file.bad_content", file=name, where="round") from None
    villages = [
        VillageSpec(_text(v, "name", "villages", name), _text(v, "area", "villages", name))
        for v in content.get("villages") or []
    ]
    standard = _text(round_block, "standard", "round", name)
    return insert_commune(session, actor, code, villages, reference, standard), True


def open_assignment(session: Session, actor: Actor, path: Path) -> OpenedAssignment:
    """Open `path` as (or into) this laptop's working copy."""
    require(session, actor, "fieldwork.setup")
    own = laptop_keys.own_key(session)
    if own is None:
        raise RaSoatError("assignment.no_key")
    content, public, digest = read_assignment(session, path)
    reviewer = content.get("reviewer")
    if not isinstance(reviewer, dict):
        raise FileRejected("field_file.bad_content", file=path.name, where="reviewer")
    code = _text(reviewer, "code", "reviewer", path.name)
    if _text(reviewer, "key", "reviewer", path.name) != own.fingerprint:
        raise FileRejected("assignment.other_reviewer", file=path.name, reviewer=code)
    own_source = source_id(code, own.fingerprint)
    serial = content.get("serial")
    if not isinstance(serial, int) or reviewer.get("source") != own_source:
        raise FileRejected("field_file.bad_content", file=path.name, where="reviewer")
    incoming = _households(content, path.name)
    opened = int(get_setting(session, SERIAL_KEY) or 0)
    if opened and serial <= opened:
        if serial == opened and get_setting(session, ASSIGNMENT_KEY) == content.get("id"):
            return _already(code, serial, len(incoming), public)
        raise RaSoatError("assignment.older", serial=serial, opened=opened)
    commune, created = _working_copy(session, actor, content, own_source, path.name)
    audit.lock(session.connection())
    _settings(session, content, public, own_source, code, serial)
    counter = Counter(session)
    floor = reviewer.get("counter_floor")
    counter.at_least(floor if isinstance(floor, int) else 0)
    tracked = load(session.connection(), commune.id)
    catch_up(session, actor, commune.id, own_source, counter, tracked)
    for t in incoming:
        mine = tracked.get(t.code)
        if mine is None:
            tracked[t.code] = t
            continue
        for p in set(mine.registers) | set(t.registers):
            mine.registers[p] = join(mine.register(p), t.register(p))
        for p, value in t.values.items():  # known there only: the commune's original value
            if p not in mine.values and p not in mine.registers:
                mine.registers[p] = implicit(value)
        mine.base_version = t.base_version
    items = [tracked[t.code] for t in incoming]
    note = {"assignment": content.get("id"), "serial": serial}
    try:
        written = write_households(session, actor, commune, items, note)
    except IncompleteHousehold as exc:
        raise FileRejected("field_file.bad_content", file=path.name, where=exc.code) from None
    sent = {t.code for t in items}
    dirty = [t for t in tracked.values() if t.dirty and t.code not in sent]
    save(session.connection(), commune.id, [*items, *dirty])
    removed, kept = _withdraw(session, commune, tracked, content, path.name)
    counter.save()
    session.add(
        FieldFile(
            uid=str(content.get("id")),
            kind="assignment",
            direction="in",
            reviewer=code,
            seq=serial,
            households=len(items),
            sha256=digest,
            file_name=path.name,
            by=actor.username,
        )
    )
    in_conflict = sum(1 for t in items if t.conflict_paths())
    audit.record(
        session,
        actor,
        "assignment.open",
        "assignment",
        str(content.get("id")),
        serial=serial,
        households=len(items),
        created=len(written.created),
        updated=len(written.updated),
        deleted=len(written.deleted),
        withdrawn=removed,
        kept=kept,
        file=path.name,
        sha256=digest,
    )
    return OpenedAssignment(
        code,
        serial,
        len(items),
        created,
        len(written.created),
        len(written.updated),
        len(written.deleted),
        len(removed),
        kept,
        in_conflict,
        laptop_keys.readable(laptop_keys.fingerprint(public)),
    )


def _already(code: str, serial: int, households: int, public: str) -> OpenedAssignment:
    fp = laptop_keys.readable(laptop_keys.fingerprint(public))
    return OpenedAssignment(code, serial, households, False, 0, 0, 0, 0, [], 0, fp, True)


def _settings(
    session: Session,
    content: dict[str, Any],
    public: str,
    own_source: str,
    code: str,
    serial: int,
) -> None:
    reviewer = content["reviewer"]
    set_setting(session, ROLE_KEY, REVIEWER_ROLE)
    set_setting(session, SOURCE_KEY, own_source)
    set_setting(session, COMMUNE_KEY, public)
    set_setting(session, REVIEWER_KEY, code)
    set_setting(session, PREFIX_KEY, str(reviewer.get("prefix") or code.upper()))
    set_setting(session, SERIAL_KEY, str(serial))
    set_setting(session, ASSIGNMENT_KEY, str(content.get("id")))


def _withdraw(
    session: Session,
    commune: Commune,
    tracked: dict[str, Tracked],
    content: dict[str, Any],
    name: str,
) -> tuple[list[str], list[str]]:
    """Drop households the officer took out of this reviewer's set, unless they hold changes
    not sent yet (those go out with the next bundle first)."""
    raw = content.get("withdrawn") or []
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise FileRejected("field_file.bad_content", file=name, where="withdrawn")
    sent = int(get_setting(session, EXPORTED_KEY) or 0)
    source = get_setting(session, SOURCE_KEY)
    removed: list[str] = []
    kept: list[str] = []
    for code in sorted(set(raw) & set(tracked)):
        t = tracked[code]
        pending = any(
            e.source == source and e.n > sent for r in t.registers.values() for e in r.entries
        )
        (kept if pending else removed).append(code)
    for i in range(0, len(removed), 900):
        part = removed[i : i + 900]
        conn = session.connection()
        conn.execute(
            delete(Household).where(Household.commune_id == commune.id, Household.code.in_(part))
        )
        conn.execute(
            delete(SyncHousehold).where(
                SyncHousehold.commune_id == commune.id, SyncHousehold.code.in_(part)
            )
        )
    return removed, kept


def open_assignment_file(db: Database, actor: Actor, path: Path) -> OpenedAssignment:
    """Opening as the reviewer starts it: a working copy that already holds households is
    backed up first (once the file has been checked), then updated in one transaction."""
    with db.sessions() as session:
        has_commune = find_commune(session) is not None
        if has_commune:
            read_assignment(session, path)
    if has_commune and db.path is not None:
        backups.backup_database(db, "import")
    with db.sessions.begin() as session:
        return open_assignment(session, actor, path)
