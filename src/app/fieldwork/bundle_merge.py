"""Merging a reviewer's bundle on the commune laptop: all of it, or none of it.

The file is checked before anything is written — whole, signed by a registered reviewer's key,
meant for this commune and this round, every value valid, every household one the reviewer was
given or created — and refused as a whole with the reason otherwise. Then, in one transaction,
the officer's own edits are recorded as changes, each incoming register is joined with the
commune's, and the households whose values changed are written. Changes to different fields
apply; changes to one field made without seeing each other become a conflict for the officer,
listed field by field (app/fieldwork/conflicts.py). The same bundle merged twice changes
nothing, and bundles from several reviewers give the same register in whatever order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit, backups
from app.actor import Actor
from app.assessments import duplicate_owners
from app.communes import only_commune
from app.fieldwork import laptop_keys, signed_files
from app.fieldwork.bundle_export import FORMAT
from app.fieldwork.local_changes import catch_up
from app.fieldwork.payload import BadPayload, unpack_registers
from app.fieldwork.registers import ORIGIN, Register, join
from app.fieldwork.reviewers import commune_source
from app.fieldwork.signed_files import FileRejected
from app.fieldwork.state import Counter, Tracked, load, save
from app.fieldwork.writing import IncompleteHousehold, write_households
from app.permissions import require
from app.rounds import current_round
from models import Commune, FieldFile, Household, Reviewer, ReviewerHousehold
from models.database import Database


@dataclass(frozen=True)
class Incoming:
    code: str
    new: bool
    base_version: int | None
    registers: dict[str, Register]


@dataclass(frozen=True)
class VerifiedBundle:
    uid: str
    seq: int
    reviewer: Reviewer
    counter_from: int
    counter_to: int
    households: list[Incoming]
    sha256: str
    file_name: str


@dataclass
class MergeResult:
    uid: str
    reviewer: str
    seq: int
    already_merged: bool = False
    households: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    conflicts_opened: list[tuple[str, str]] = field(default_factory=list)
    conflicts_settled: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)  # ID number, codes


def _reject(key: str, name: str, **params: Any) -> FileRejected:
    return FileRejected(key, file=name, **params)


def _int(content: dict[str, Any], key: str, name: str) -> int:
    value = content.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**53:
        raise _reject("field_file.bad_content", name, where=key)
    return value


def read_bundle(session: Session, commune: Commune, path: Path) -> VerifiedBundle:
    """A bundle checked as a whole against this commune; FileRejected says why it is not."""
    name = path.name
    signed = signed_files.unpack(signed_files.read_bytes(path), name)
    reviewer = session.scalar(
        select(Reviewer).where(
            Reviewer.commune_id == commune.id, Reviewer.key_fingerprint == signed.key
        )
    )
    if reviewer is None:
        raise _reject("bundle.unknown_reviewer", name, fingerprint=laptop_keys.readable(signed.key))
    if not reviewer.active:
        raise _reject("bundle.reviewer_inactive", name, reviewer=reviewer.display_name)
    if not signed.verified_by(reviewer.public_key):
        raise _reject("field_file.bad_signature", name)
    content = signed.content()
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise _reject("field_file.not_bundle", name)
    _check_destination(session, commune, reviewer, content, name)
    uid = content.get("id")
    counter_from, counter_to = (
        _int(content, "counter_from", name),
        _int(content, "counter_to", name),
    )
    if not isinstance(uid, str) or not uid or len(uid) > 36 or counter_from > counter_to:
        raise _reject("field_file.bad_content", name, where="id")
    return VerifiedBundle(
        uid,
        _int(content, "seq", name),
        reviewer,
        counter_from,
        counter_to,
        _households(content, name),
        signed.sha256,
        name,
    )


def _check_destination(
    session: Session, commune: Commune, reviewer: Reviewer, content: dict[str, Any], name: str
) -> None:
    block = content.get("commune")
    code = block.get("code") if isinstance(block, dict) else None
    if code != commune.code:
        other = block.get("name") if isinstance(block, dict) else None
        raise _reject("bundle.other_commune", name, other=str(other or code), commune=commune.name)
    if content.get("reviewer") != reviewer.code or content.get("source") != reviewer.source:
        raise _reject("bundle.wrong_signer", name, reviewer=reviewer.display_name)
    here = current_round(session, commune)
    sent = content.get("round")
    if not isinstance(sent, dict) or (sent.get("reference_date"), sent.get("standard")) != (
        here.reference_date.isoformat(),
        here.standard_id,
    ):
        raise _reject("bundle.other_round", name, round=here.label)


def _households(content: dict[str, Any], name: str) -> list[Incoming]:
    raw = content.get("households")
    if not isinstance(raw, list):
        raise _reject("field_file.bad_content", name, where="households")
    out, seen = [], set()
    for i, item in enumerate(raw):
        where = f"households[{i}]"
        if not isinstance(item, dict):
            raise _reject("field_file.bad_content", name, where=where)
        code, new, base = item.get("code"), item.get("new"), item.get("base_version")
        if not isinstance(code, str) or not 0 < len(code) <= 64 or code in seen:
            raise _reject("field_file.bad_content", name, where=f"{where}.code")
        if not isinstance(new, bool) or not isinstance(base, int | None):
            raise _reject("field_file.bad_content", name, where=where)
        try:
            registers = unpack_registers(item.get("registers"), f"{where}.registers")
        except BadPayload as exc:
            raise _reject("field_file.bad_content", name, where=exc.where) from None
        if not registers:
            raise _reject("field_file.bad_content", name, where=f"{where}.registers")
        seen.add(code)
        out.append(Incoming(code, new, base, registers))
    return out


class _Merge:
    """One verified bundle against the commune's state; refuses before writing anything."""

    def __init__(self, session: Session, actor: Actor, commune: Commune, bundle: VerifiedBundle):
        self.session, self.actor, self.commune, self.bundle = session, actor, commune, bundle
        self.source = bundle.reviewer.source
        self.name = bundle.file_name

    def known(self, hub_source: str, counter: int) -> dict[str, int]:
        """The highest change number this laptop knows of each source."""
        rows = self.session.execute(
            select(Reviewer.source, Reviewer.max_counter).where(
                Reviewer.commune_id == self.commune.id
            )
        )
        known = {source: n for source, n in rows}
        known[hub_source] = counter
        known[ORIGIN] = 0
        known[self.source] = self.bundle.counter_to
        return known

    def allowed(self, codes: list[str]) -> set[str]:
        rows = self.session.scalars(
            select(ReviewerHousehold.code).where(
                ReviewerHousehold.reviewer_id == self.bundle.reviewer.id,
                ReviewerHousehold.code.in_(codes),
            )
        )
        return set(rows)

    def prepare(self, tracked: dict[str, Tracked], known: dict[str, int]) -> list[Tracked]:
        codes = [h.code for h in self.bundle.households]
        allowed = self.allowed(codes)
        existing = set(
            self.session.scalars(
                select(Household.code).where(
                    Household.commune_id == self.commune.id, Household.code.in_(codes)
                )
            )
        )
        prefix = f"{self.bundle.reviewer.code_prefix}-"
        items = []
        for h in self.bundle.households:
            t = tracked.get(h.code)
            if t is None:
                if not h.new or not h.code.startswith(prefix):
                    raise _reject("bundle.not_assigned", self.name, code=h.code)
                if h.code in existing:
                    raise _reject("bundle.code_taken", self.name, code=h.code)
                t = tracked[h.code] = Tracked(h.code, {}, origin=self.source)
            elif t.origin != self.source and h.code not in allowed:
                raise _reject("bundle.not_assigned", self.name, code=h.code)
            self.check(t, h, known)
            items.append(t)
        return items

    def check(self, t: Tracked, h: Incoming, known: dict[str, int]) -> None:
        """Changes of other laptops can only have come from this one: refuse any it never had."""
        for path, register in h.registers.items():
            mine = t.register(path)
            held = {e.dot: e for e in mine.entries}
            for e in register.entries:
                other = held.get(e.dot)
                if other is not None and other != e:
                    raise _reject("bundle.inconsistent", self.name, code=h.code, path=path)
                if e.source == self.source:
                    if e.n > self.bundle.counter_to:
                        raise _reject("bundle.unknown_changes", self.name, code=h.code, path=path)
                    continue
                if other is None and mine.context.get(e.source, -1) < e.n:
                    raise _reject("bundle.unknown_changes", self.name, code=h.code, path=path)
            for source, n in register.context.items():
                if n > known.get(source, -1):
                    raise _reject("bundle.unknown_changes", self.name, code=h.code, path=path)

    def join(self, t: Tracked, h: Incoming) -> None:
        for path, register in h.registers.items():
            t.registers[path] = join(t.register(path), register)
        t.dirty = True


def merge_bundle(session: Session, actor: Actor, commune: Commune, path: Path) -> MergeResult:
    """Verify and merge the bundle at `path`, in the caller's transaction."""
    require(session, actor, "fieldwork.merge")
    hub_source = commune_source(session, actor)
    bundle = read_bundle(session, commune, path)
    reviewer = bundle.reviewer
    result = MergeResult(bundle.uid, reviewer.code, bundle.seq, households=len(bundle.households))
    audit.lock(session.connection())
    if _merged_before(session, bundle.uid):
        result.already_merged = True
        return result
    merge = _Merge(session, actor, commune, bundle)
    counter = Counter(session)
    for h in bundle.households:  # a restored backup must not reuse numbers others have seen
        for register in h.registers.values():
            counter.at_least(register.context.get(hub_source, 0))
    codes = [h.code for h in bundle.households]
    tracked = load(session.connection(), commune.id, codes)
    catch_up(session, actor, commune.id, hub_source, counter, tracked)
    items = merge.prepare(tracked, merge.known(hub_source, counter.value))
    before = {t.code: set(t.conflict_paths()) for t in items}
    for t, h in zip(items, bundle.households, strict=True):
        merge.join(t, h)
    note = {"bundle": bundle.uid, "reviewer": reviewer.code, "seq": bundle.seq}
    try:
        written = write_households(session, actor, commune, items, note)
    except IncompleteHousehold as exc:
        raise _reject("bundle.incomplete", bundle.file_name, code=exc.code) from None
    save(session.connection(), commune.id, [t for t in tracked.values() if t.dirty or not t.row_id])
    counter.save()
    result.created, result.updated, result.deleted = (
        written.created,
        written.updated,
        written.deleted,
    )
    _conflict_events(session, actor, items, before, result, note)
    _record(session, actor, commune, bundle, result, codes)
    return result


def _merged_before(session: Session, uid: str) -> bool:
    found = session.scalar(
        select(FieldFile.id).where(
            FieldFile.uid == uid, FieldFile.kind == "bundle", FieldFile.direction == "in"
        )
    )
    return found is not None


def _conflict_events(
    session: Session,
    actor: Actor,
    items: list[Tracked],
    before: dict[str, set[str]],
    result: MergeResult,
    note: dict[str, Any],
) -> None:
    events = []
    for t in items:
        after = set(t.conflict_paths())
        for path in sorted(after - before[t.code]):
            result.conflicts_opened.append((t.code, path))
            candidates = [[e.value, e.by, e.at, e.source] for e in t.registers[path].entries]
            details = {**note, "path": path, "candidates": candidates}
            events.append(audit.Event("conflict.open", "household", t.code, details))
        for path in sorted(before[t.code] - after):
            result.conflicts_settled.append((t.code, path))
            details = {**note, "path": path, "value": t.values.get(path)}
            events.append(audit.Event("conflict.settle", "household", t.code, details))
    audit.append(session.connection(), actor, events)


def _record(
    session: Session,
    actor: Actor,
    commune: Commune,
    bundle: VerifiedBundle,
    result: MergeResult,
    codes: list[str],
) -> None:
    reviewer = bundle.reviewer
    have = set(
        session.scalars(
            select(ReviewerHousehold.code).where(ReviewerHousehold.reviewer_id == reviewer.id)
        )
    )
    for code in result.created:
        if code not in have:  # households they create join their set
            session.add(ReviewerHousehold(reviewer_id=reviewer.id, code=code, active=True))
    reviewer.max_counter = max(reviewer.max_counter, bundle.counter_to)
    owners = duplicate_owners(session.connection(), commune.id)
    mine = set(codes)
    result.duplicates = sorted(
        (number, sorted(owned)) for number, owned in owners.items() if owned & mine
    )
    summary = {
        "households": result.households,
        "created": len(result.created),
        "updated": len(result.updated),
        "deleted": len(result.deleted),
        "conflicts_opened": len(result.conflicts_opened),
        "conflicts_settled": len(result.conflicts_settled),
        "duplicates": len(result.duplicates),
    }
    session.add(
        FieldFile(
            uid=bundle.uid,
            kind="bundle",
            direction="in",
            reviewer=reviewer.code,
            seq=bundle.seq,
            counter_from=bundle.counter_from,
            counter_to=bundle.counter_to,
            households=len(codes),
            sha256=bundle.sha256,
            file_name=bundle.file_name,
            summary=audit.details_text(summary),
            by=actor.username,
        )
    )
    audit.record(
        session,
        actor,
        "bundle.import",
        "bundle",
        bundle.uid,
        reviewer=reviewer.code,
        seq=bundle.seq,
        file=bundle.file_name,
        sha256=bundle.sha256,
        **summary,
    )
    session.flush()


def merge_bundle_file(db: Database, actor: Actor, path: Path) -> MergeResult:
    """The merge as the officer starts it: the file is checked first (a refused file costs no
    backup), the database is backed up, then everything is merged in one transaction."""
    with db.sessions() as session:
        require(session, actor, "fieldwork.merge")  # before reading: a refusal names the reviewer
        commune = only_commune(session)
        read_bundle(session, commune, path)
    if db.path is not None:
        backups.backup_database(db, "import")
    with db.sessions.begin() as session:
        return merge_bundle(session, actor, only_commune(session), path)
