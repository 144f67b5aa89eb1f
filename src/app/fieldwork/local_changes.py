"""Local edits become changes: what was saved on this laptop since the last reconcile.

The household editor, the import and the officer's screens know nothing about merging; they save
households and bump `households.version`, keeping a snapshot of every version. Before anything
is merged, exported or assigned, each tracked household whose version moved is compared with the
values it was last reconciled with, version by version, so every changed path gets a change of
its own with the author and time of the save that made it. Deleting a household is a change of
the path "household" to false, attributed from the audit trail.

A change also "touches" the existence of what it edits (the household, the member), so an edit
made here and a deletion made elsewhere meet as a conflict instead of the deletion winning.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.exchange.read import read_household
from app.facts import HouseholdFacts
from app.fieldwork.confirmations import Confirmation, by_uid, confirmation_path
from app.fieldwork.confirmations import read as read_confirmations
from app.fieldwork.member_matching import changed_paths, local_values
from app.fieldwork.paths import (
    HOUSEHOLD,
    Values,
    member_path,
    present_members,
    split,
    survey_values,
)
from app.fieldwork.registers import in_conflict, write
from app.fieldwork.state import Counter, Tracked, time_text
from app.rounds import current_round
from app.survey import NO_ANSWERS, SurveyAnswers, round_answers
from models import AuditEvent, Commune, Household, HouseholdVersion, SyncHousehold
from models.base import utcnow

Step = tuple[HouseholdFacts, str, str]  # facts of a version, saved by, saved at


@dataclass(frozen=True)
class LocalChange:
    code: str
    path: str
    old: Any
    new: Any
    by: str
    at: str
    settled_conflict: bool  # the path held a conflict, and this change decided it


class _Writer:
    """Turns the paths that differ into changes numbered from this laptop's counter."""

    def __init__(self, source: str, counter: Counter) -> None:
        self.source, self.counter = source, counter
        self.changes: list[LocalChange] = []
        self.made: set[str] = set()  # member uids handed out

    def new_uid(self) -> str:
        uid = f"{self.source}.{self.counter.next()}"
        self.made.add(uid)
        return uid

    def apply(self, t: Tracked, final: Values, who: dict[str, tuple[str, str]]) -> None:
        # A member added and removed again between two reconciles never existed for anyone else.
        ghosts = {u for u in self.made if final.get(member_path(u)) is False}
        paths = [p for p in changed_paths(t.values, final) if split(p)[0] not in ghosts]
        if not paths:
            return
        last = max(who.values(), key=lambda w: w[1]) if who else ("", "")
        touched = {HOUSEHOLD}
        touched |= {member_path(u) for p in paths if (u := split(p)[0]) is not None}
        for path in sorted(set(paths) | touched):
            by, at = who.get(path, last)
            self._write(t, path, final.get(path), by, at)
        t.values = t.compose()

    def _write(self, t: Tracked, path: str, value: Any, by: str, at: str) -> None:
        before = t.register(path)
        t.registers[path] = write(before, value, self.source, self.counter.next(), by, at)
        self.changes.append(
            LocalChange(t.code, path, t.values.get(path), value, by, at, in_conflict(before))
        )


def _versions(conn: Connection, wanted: dict[int, int]) -> dict[int, list[tuple[Any, ...]]]:
    """household id → [(version, facts JSON, saved_by, saved_at)] above the version given."""
    out: dict[int, list[tuple[Any, ...]]] = {hid: [] for hid in wanted}
    ids = sorted(wanted)
    for i in range(0, len(ids), 900):
        rows = conn.execute(
            select(
                HouseholdVersion.household_id,
                HouseholdVersion.version,
                HouseholdVersion.facts,
                HouseholdVersion.saved_by,
                HouseholdVersion.saved_at,
            ).where(HouseholdVersion.household_id.in_(ids[i : i + 900]))
        )
        for hid, version, facts, by, at in rows:
            if version > wanted[hid]:
                out[hid].append((version, facts, by, at))
    for steps in out.values():
        steps.sort(key=lambda s: s[0])
    return out


def _walk(
    t: Tracked,
    steps: list[Step],
    declared_size: int | None,
    new_uid: Callable[[], str],
    confirmed: list[Confirmation],
) -> tuple[Values, dict[str, tuple[str, str]]]:
    """The values after each saved version in turn, and who last changed each path.

    Only the current confirmations are stored, so they count from the last version on, with
    the author and time each one records."""
    previous, who = t.values, {}
    for i, (facts, by, at) in enumerate(steps):
        last = i == len(steps) - 1
        size = declared_size if last else previous.get("declared_size")
        current = local_values(facts, size, previous, new_uid, confirmed if last else None)
        for path in changed_paths(previous, current):
            who[path] = (by, at)
        previous = current
    uids = present_members(previous)
    for code, path, _reason, by, at in confirmed:
        target = by_uid(path, uids)
        key = confirmation_path(code, target) if target is not None else ""
        if key in who:
            who[key] = (by, at or who[key][1])
    return previous, who


def _current(session: Session, household_id: int) -> HouseholdFacts:
    """A household without version snapshots (never the case for households RaSoat saved)."""
    from app.households import household_facts

    household = session.get(Household, household_id)
    assert household is not None
    return household_facts(session, household)


def catch_up(
    session: Session,
    actor: Actor,
    commune_id: int,
    source: str,
    counter: Counter,
    tracked: dict[str, Tracked],
) -> list[LocalChange]:
    """Record local edits of the tracked households as changes; returns them."""
    conn = session.connection()
    writer = _Writer(source, counter)
    rows = _household_rows(conn, commune_id, sorted(tracked))
    moved = {
        code: row
        for code, row in rows.items()
        if (tracked[code].household_id, tracked[code].synced_version) != (row[0], row[1])
    }
    since = {
        row[0]: (tracked[code].synced_version or 0) if tracked[code].household_id == row[0] else 0
        for code, row in moved.items()
    }
    versions = _versions(conn, since)
    confirmed = read_confirmations(conn, sorted(since))
    answers = _answers(session, commune_id)
    for code, (hid, version, declared_size) in sorted(moved.items()):
        t = tracked[code]
        steps = _steps(session, actor, hid, versions[hid])
        final, who = _walk(t, steps, declared_size, writer.new_uid, confirmed[hid])
        _with_survey(t, final, who, answers.get(hid, NO_ANSWERS), steps[-1])
        writer.apply(t, final, who)
        t.household_id, t.synced_version, t.dirty = hid, version, True
    gone = [code for code, t in tracked.items() if code not in rows and t.present]
    deleted_by = _deletions(conn, gone)
    for code in sorted(gone):
        t = tracked[code]
        by, at = deleted_by.get(code, (actor.username, time_text(utcnow())))
        writer.apply(t, {**t.values, HOUSEHOLD: False}, {HOUSEHOLD: (by, at)})
        t.household_id, t.synced_version, t.dirty = None, None, True
    return writer.changes


def _answers(session: Session, commune_id: int) -> dict[int, SurveyAnswers]:
    """The Phiếu B answers of the current round, by household id."""
    commune = session.get(Commune, commune_id)
    assert commune is not None
    return round_answers(session.connection(), current_round(session, commune).id)


def _with_survey(
    t: Tracked,
    final: Values,
    who: dict[str, tuple[str, str]],
    answers: SurveyAnswers,
    last: Step,
) -> None:
    """The round's answers as they are now. They are not in the version snapshots (they
    belong to the round, not the register), but every change of them is saved as a new version,
    so the last save made them."""
    for path, value in survey_values(answers).items():
        final[path] = value
        if t.values.get(path) != value:
            who[path] = (last[1], last[2])


def _steps(
    session: Session, actor: Actor, household_id: int, versions: list[tuple[Any, ...]]
) -> list[Step]:
    steps = [(read_household(json.loads(f)), by, time_text(at)) for _, f, by, at in versions]
    return steps or [(_current(session, household_id), actor.username, time_text(utcnow()))]


def _household_rows(
    conn: Connection, commune_id: int, codes: list[str]
) -> dict[str, tuple[int, int, int | None]]:
    """code → (id, version, declared size) of those households that exist here."""
    out: dict[str, tuple[int, int, int | None]] = {}
    query = select(Household.code, Household.id, Household.version, Household.declared_size).where(
        Household.commune_id == commune_id
    )
    for i in range(0, len(codes), 900):
        for code, hid, version, size in conn.execute(
            query.where(Household.code.in_(codes[i : i + 900]))
        ):
            out[code] = (hid, version, size)
    return out


def untracked_codes(conn: Connection, commune_id: int) -> list[str]:
    """Households of the commune that have no merge state: made here since the last bundle."""
    tracked = select(SyncHousehold.code).where(SyncHousehold.commune_id == commune_id)
    return list(
        conn.execute(
            select(Household.code)
            .where(Household.commune_id == commune_id, Household.code.not_in(tracked))
            .order_by(Household.code)
        ).scalars()
    )


def track_new(
    session: Session,
    actor: Actor,
    commune_id: int,
    source: str,
    counter: Counter,
    codes: list[str],
) -> tuple[list[Tracked], list[LocalChange]]:
    """Merge state for households created on this laptop: every path is a change of its own."""
    conn = session.connection()
    writer = _Writer(source, counter)
    rows = _household_rows(conn, commune_id, codes)
    versions = _versions(conn, {row[0]: 0 for row in rows.values()})
    confirmed = read_confirmations(conn, [row[0] for row in rows.values()])
    answers = _answers(session, commune_id)
    out = []
    for code in codes:
        hid, version, declared_size = rows[code]
        t = Tracked(code, {}, origin=source)
        steps = _steps(session, actor, hid, versions[hid])
        final, who = _walk(t, steps, declared_size, writer.new_uid, confirmed[hid])
        _with_survey(t, final, who, answers.get(hid, NO_ANSWERS), steps[-1])
        writer.apply(t, final, who)
        t.household_id, t.synced_version = hid, version
        out.append(t)
    return out, writer.changes


def _deletions(conn: Connection, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """code → (who, when) of the latest deletion the audit trail records."""
    wanted = sorted(codes)
    out: dict[str, tuple[str, str]] = {}
    for i in range(0, len(wanted), 900):
        rows = conn.execute(
            select(AuditEvent.entity_key, AuditEvent.actor, AuditEvent.at)
            .where(
                AuditEvent.action == "household.delete",
                AuditEvent.entity_key.in_(wanted[i : i + 900]),
            )
            .order_by(AuditEvent.id)
        )
        for code, who, at in rows:
            out[code] = (who, at)
    return out
