"""Writing merged households into the register, in bulk, with versions, audit and results.

After registers have been joined, each tracked household's values are composed again; where
they differ from what the register holds, the household is created, updated or deleted through
the bulk paths (models/bulk.py), gets a new version snapshot and an audit row with old → new
values, and is classified again in the current round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.assessments import RESULT_COLUMNS, Evaluator, duplicate_owners, duplicate_problems
from app.assessments import result_values as assessment_result
from app.changes import diff
from app.communes import VillageSpec, insert_village, villages_by_name
from app.errors import RaSoatError
from app.exchange.write import household_dict
from app.facts import HouseholdFacts
from app.fieldwork.confirmations import confirmations_of, positional
from app.fieldwork.confirmations import replace as replace_confirmations
from app.fieldwork.paths import Incomplete, Values, facts_from_values, survey_from_values
from app.fieldwork.state import Tracked
from app.household_rows import (
    HOUSEHOLD_FACT_COLUMNS,
    HOUSEHOLD_INSERT_COLUMNS,
    HOUSEHOLD_UPDATE_COLUMNS,
    MEMBER_INSERT_COLUMNS,
    household_values,
)
from app.rounds import current_round
from app.snapshots import VERSION_COLUMNS, version_row
from app.survey import NO_ANSWERS, SurveyAnswers, round_answers, write_round_answers
from models import Assessment, Commune, Household, HouseholdVersion, Member, WarningConfirmation
from models.base import utcnow
from models.bulk import date_param, insert_rows, reserve_ids, update_rows


@dataclass
class Written:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)


def facts_diff(old: HouseholdFacts | None, new: HouseholdFacts | None) -> dict[str, list[Any]]:
    """The audit's old → new by exchange-format path, as app/changes.diff gives it, flattening
    only the parts that differ (a merge writes thousands of households)."""
    before = household_dict(old) if old else {}
    after = household_dict(new) if new else {}
    out: dict[str, list[Any]] = {}
    for key in before.keys() | after.keys():
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if key == "members" and isinstance(a, list) and isinstance(b, list) and a and b:
            for i, (ma, mb) in enumerate(zip_longest(a, b)):
                if ma != mb:
                    out.update(diff({f"members[{i}]": ma}, {f"members[{i}]": mb}))
        else:
            out.update(diff({key: a}, {key: b}))
    return dict(sorted(out.items()))


class IncompleteHousehold(RaSoatError):
    """Merged values that do not make a whole household (a malformed file sent them)."""

    def __init__(self, code: str, path: str) -> None:
        super().__init__("sync.incomplete", code=code, path=path)
        self.code = code


def compose_facts(t: Tracked, values: Values) -> tuple[HouseholdFacts, int | None]:
    """The household the values describe; a known error when they do not make one."""
    try:
        return facts_from_values(t.code, values)
    except Incomplete as exc:
        raise IncompleteHousehold(t.code, exc.path) from None


def _facts(t: Tracked) -> tuple[HouseholdFacts, int | None] | None:
    return compose_facts(t, t.values) if t.present and t.household_id is not None else None


class _Batch:
    def __init__(self, session: Session, actor: Actor, commune: Commune, note: Mapping[str, Any]):
        self.session, self.actor, self.commune, self.note = session, actor, commune, dict(note)
        self.conn = session.connection()
        self.now = utcnow()
        self.written = Written()
        self.events: list[audit.Event] = []
        self.creates: list[tuple[Tracked, HouseholdFacts, int | None]] = []
        self.updates: list[tuple[Tracked, HouseholdFacts, int | None]] = []
        self.deletes: list[Tracked] = []
        # Households whose confirmed warnings changed, facts alone or not, with their values.
        self.reconfirm: list[tuple[Tracked, HouseholdFacts, int | None]] = []
        self.confirmed: dict[str, Values] = {}
        self.changes: dict[str, dict[str, list[Any]]] = {}
        # The round's Phiếu B answers that changed (by code), and households where nothing else
        # did: classified again (the causes warning), their answers written, no new version.
        self.surveys: dict[str, SurveyAnswers] = {}
        self.resurvey: list[tuple[Tracked, HouseholdFacts, int | None]] = []

    def plan(self, t: Tracked, new: Values) -> None:
        old = _facts(t)
        if new.get("household") is not True:
            if t.household_id is not None:
                self.deletes.append(t)
                self.changes[t.code] = facts_diff(old[0] if old else None, None)
            return
        facts, size = compose_facts(t, new)
        self.confirmed[t.code] = new
        before = survey_from_values(t.values) if old is not None else NO_ANSWERS
        survey = survey_from_values(new)
        if survey != before:
            self.surveys[t.code] = survey
        answered = diff({"survey": before.as_dict()}, {"survey": survey.as_dict()})
        if old is None:
            self.creates.append((t, facts, size))
            self.changes[t.code] = {**facts_diff(None, facts), **answered}
        elif old != (facts, size):
            self.updates.append((t, facts, size))
            changes = facts_diff(old[0], facts)
            if old[1] != size:
                changes["declared_size"] = [old[1], size]
            self.changes[t.code] = {**changes, **answered}
        elif confirmations_of(t.values) != confirmations_of(new):
            self.reconfirm.append((t, facts, size))
            self.changes[t.code] = answered
        elif answered:
            self.resurvey.append((t, facts, size))
            self.changes[t.code] = answered

    def villages(self) -> dict[str, int]:
        ids = {name: v.id for name, v in villages_by_name(self.session, self.commune).items()}
        for _t, facts, _size in self.creates + self.updates:
            if facts.village not in ids:
                spec = VillageSpec(facts.village, facts.area)
                ids[facts.village] = insert_village(self.session, self.actor, self.commune, spec).id
        return ids

    def write(self) -> None:
        villages = self.villages()
        now = date_param(self.conn, self.now)
        ids = reserve_ids(self.conn, Household, len(self.creates))
        rows: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        for hid, (t, facts, size) in zip(ids, self.creates, strict=True):
            values = household_values(facts)
            facts_row = [values[c] for c in HOUSEHOLD_FACT_COLUMNS]
            rows.append(
                (hid, self.commune.id, villages[facts.village], 1, now, now, *facts_row, size)
            )
            t.household_id, t.synced_version = hid, 1
        for t, facts, size in self.updates:
            assert t.household_id is not None and t.synced_version is not None
            values = household_values(facts)
            t.synced_version += 1
            facts_row = [values[c] for c in HOUSEHOLD_FACT_COLUMNS]
            updates.append(
                (villages[facts.village], t.synced_version, now, *facts_row, size, t.household_id)
            )
        insert_rows(
            self.conn,
            Household,
            (*HOUSEHOLD_INSERT_COLUMNS, "declared_size"),
            rows,
            dates_ready=True,
        )
        update_rows(
            self.conn,
            Household,
            "id",
            (*HOUSEHOLD_UPDATE_COLUMNS, "declared_size"),
            updates,
            dates_ready=True,
        )
        changed = self.creates + self.updates
        if self.updates:
            self.conn.execute(
                delete(Member).where(Member.household_id.in_([u[-1] for u in updates]))
            )
        for action, group in (
            ("household.create", self.creates),
            ("household.update", self.updates),
        ):
            for t, facts, _size in group:
                assert t.household_id is not None and t.synced_version is not None
                row, digest = version_row(
                    t.household_id, t.synced_version, facts, self.actor.username, now
                )
                versions.append(row)
                members.extend(
                    (t.household_id, position, *m) for position, m in enumerate(facts.members)
                )
                self._event(action, t, version=t.synced_version, sha256=digest)
        insert_rows(self.conn, HouseholdVersion, VERSION_COLUMNS, versions, dates_ready=True)
        insert_rows(self.conn, Member, MEMBER_INSERT_COLUMNS, members)
        self._delete()
        self._confirmations(changed)
        self._classify(changed + self.reconfirm + self.resurvey)
        self._surveys()
        audit.append(self.conn, self.actor, self.events)

    def _surveys(self) -> None:
        """The answers that changed, on the assessments _classify has made sure of."""
        by_id = {t.code: t.household_id for t, _f, _s in self.creates + self.updates}
        by_id.update((t.code, t.household_id) for t, _f, _s in self.reconfirm + self.resurvey)
        answers = {hid: a for c, a in self.surveys.items() if (hid := by_id.get(c)) is not None}
        review_round = current_round(self.session, self.commune)
        write_round_answers(self.conn, review_round.id, answers)
        for t, _facts, _size in self.resurvey:
            details = {**self.note, "changes": self.changes.get(t.code, {})}
            self.events.append(audit.Event("survey.update", "household", t.code, details))

    def _confirmations(self, changed: list[tuple[Tracked, HouseholdFacts, int | None]]) -> None:
        """The confirmed warnings the merged values hold, at the members' positions now."""
        rows = {}
        for t, _facts, _size in changed + self.reconfirm:
            assert t.household_id is not None
            rows[t.household_id] = positional(self.confirmed[t.code], t.registers)
        replace_confirmations(self.conn, rows, self.actor.username)
        for t, _facts, _size in self.reconfirm:
            details = {**self.note, "confirmations": [list(r) for r in rows[t.household_id or 0]]}
            self.events.append(audit.Event("warning.confirm", "household", t.code, details))

    def _event(self, action: str, t: Tracked, **details: Any) -> None:
        details.update(self.note, changes=self.changes.get(t.code, {}))
        self.events.append(audit.Event(action, "household", t.code, details))
        bucket = {
            "household.create": self.written.created,
            "household.update": self.written.updated,
            "household.delete": self.written.deleted,
        }[action]
        bucket.append(t.code)

    def _delete(self) -> None:
        ids = [t.household_id for t in self.deletes if t.household_id is not None]
        for i in range(0, len(ids), 900):
            self.conn.execute(delete(Household).where(Household.id.in_(ids[i : i + 900])))
        for t in self.deletes:
            self._event("household.delete", t)
            t.household_id, t.synced_version = None, None

    def _classify(self, changed: Sequence[tuple[Tracked, HouseholdFacts, int | None]]) -> None:
        """Results for the households written, as saving them one by one would give."""
        if not changed:
            return
        review_round = current_round(self.session, self.commune)
        evaluator = Evaluator(review_round)
        ids = [t.household_id for t, _f, _s in changed]
        existing, confirmed = self._assessments(review_round.id, ids)
        stored = round_answers(self.conn, review_round.id)
        owners = duplicate_owners(self.conn, self.commune.id)
        now = date_param(self.conn, self.now)
        reference = date_param(self.conn, review_round.reference_date)
        updates, inserts = [], []
        for t, facts, size in changed:
            assert t.household_id is not None and t.synced_version is not None
            extra = duplicate_problems(facts, owners) if owners else []
            survey = self.surveys.get(t.code) or stored.get(t.household_id, NO_ANSWERS)
            known = confirmed.get(t.household_id, set())
            ev = evaluator.evaluate(facts, known, extra, size, False, survey=survey)
            values = assessment_result(
                ev.classification,
                len(ev.errors),
                len(ev.warnings),
                len(ev.unconfirmed),
                t.synced_version,
                now,
                self.actor.username,
                reference,
            )
            if t.household_id in existing:
                updates.append((*values, existing[t.household_id]))
            else:
                inserts.append((review_round.id, t.household_id, "none", False, *values))
        update_rows(self.conn, Assessment, "id", RESULT_COLUMNS, updates, dates_ready=True)
        insert_rows(
            self.conn,
            Assessment,
            ("round_id", "household_id", "step", "final", *RESULT_COLUMNS),
            inserts,
            dates_ready=True,
        )

    def _assessments(
        self, round_id: int, ids: list[int | None]
    ) -> tuple[dict[int, int], dict[int, set[tuple[str, str]]]]:
        wanted = [i for i in ids if i is not None]
        existing: dict[int, int] = {}
        confirmed: dict[int, set[tuple[str, str]]] = {}
        for i in range(0, len(wanted), 900):
            part = wanted[i : i + 900]
            for hid, aid in self.conn.execute(
                select(Assessment.household_id, Assessment.id).where(
                    Assessment.round_id == round_id, Assessment.household_id.in_(part)
                )
            ):
                existing[hid] = aid
            for hid, code, path in self.conn.execute(
                select(
                    WarningConfirmation.household_id,
                    WarningConfirmation.code,
                    WarningConfirmation.path,
                ).where(WarningConfirmation.household_id.in_(part))
            ):
                confirmed.setdefault(hid, set()).add((code, path))
        return existing, confirmed


def write_households(
    session: Session,
    actor: Actor,
    commune: Commune,
    items: Sequence[Tracked],
    note: Mapping[str, Any],
) -> Written:
    """Compose each tracked household again and write those that changed; `note` goes into
    every audit row (which bundle, which decision). Updates `values`, `household_id` and
    `synced_version` of the items to match what is now in the register."""
    batch = _Batch(session, actor, commune, note)
    composed = [(t, t.compose()) for t in items]
    for t, new in composed:
        batch.plan(t, new)
    batch.write()
    for t, new in composed:
        t.values = new
    return batch.written
