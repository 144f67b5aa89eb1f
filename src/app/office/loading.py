"""Writing one accepted package into the consolidation database, in bulk, in the caller's
transaction: the commune's register, and the round's results replaced whole.

The ordinary models hold the data, one commune among many: the commune (created from the
official list at its first package), its villages, households and members, its review round,
and one assessment per household of the package with the class the commune stated. A newer
package of the same commune and round replaces that round's assessments completely, so nothing
of the older package stays mixed in; households it no longer lists, and that no other round
refers to, leave the register (the older package stays in the log and the archive). A household
whose facts did not change is not written at all.

Two halves: `make_plan` turns a package's data into the rows to write (pure Python, no database:
intake runs it in a worker process, ahead of the writer), and `load_plan` gives them ids and
writes them through the driver's fast path (models/bulk.py: executemany on SQLite, COPY on
PostgreSQL), a few statements per table, never one ORM object per household.
"""

from __future__ import annotations

import marshal
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from app import audit
from app.admin_units import CommuneUnit
from app.facts import HouseholdFacts
from app.household_rows import (
    HOUSEHOLD_INSERT_COLUMNS,
    HOUSEHOLD_UPDATE_COLUMNS,
    MEMBER_INSERT_COLUMNS,
    household_columns,
    iter_commune_households,
)
from app.office.package_data import PackageData, RoundRef, Stated
from app.reports.features import FeatureMaker
from app.rounds import round_period
from app.survey import NO_ANSWERS
from models import Assessment, Commune, Household, Member, ReviewRound, Village
from models.base import utcnow
from models.bulk import date_param, insert_rows, reserve_ids, update_rows

ASSESSMENT_COLUMNS = (
    "id",
    "round_id",
    "household_id",
    "step",
    "final",
    "standard_id",
    "standard_revision",
    "reference_date",
    "household_version",
    "result_class",
    "decided_class",
    "deprived",
    "deprived_count",
    "income_basis",
    "income_per_capita_month",
    "b1_score",
    "error_count",
    "warning_count",
    "unconfirmed_warnings",
    "updated_at",
    "causes",
    "main_cause",
    "support_needs",
    "report_members",
    "report_farm",
    "report_ethnicity",
    "report_female_head",
    "report_no_labour",
    "report_children",
    "report_children_health",
    "report_children_school",
)


@dataclass(frozen=True)
class LoadPlan:
    """A package's rows as they will be written, in columns: one entry per household, in the
    package's order, in each of `codes` … `features`.

    Intake makes plans in worker processes and sends them to the writer; a plan crosses as one
    marshal blob of its columns (see __reduce__): measured per 5,000-household package, 0.02 s
    there and back, where pickling its thousands of small tuples took 0.06 s."""

    commune: CommuneUnit
    round: RoundRef
    villages: tuple[tuple[str, str], ...]  # (name, area) in the order they first appear
    codes: tuple[str, ...]
    village_of: tuple[str, ...]  # each household's village name
    values: tuple[tuple[Any, ...], ...]  # the households columns of HOUSEHOLD_FACT_COLUMNS
    members: tuple[tuple[tuple[Any, ...], ...], ...]  # each member's facts (MEMBER_FIELDS)
    # step, final, class, decision, deprived, count, basis, income, B1, then the Phiếu B causes,
    # main cause and support needs (assessment columns)
    results: tuple[tuple[Any, ...], ...]
    features: tuple[tuple[Any, ...], ...]  # the report_* assessment columns

    @property
    def households(self) -> int:
        return len(self.codes)

    def __reduce__(self) -> tuple[Any, ...]:
        # The columns hold only str, int, float, bool and None (no dates), which marshal
        # writes natively; it goes between two processes of this same interpreter, never to
        # a file, so marshal's format changing between Python versions does not matter.
        blob = marshal.dumps(
            (self.codes, self.village_of, self.values, self.members, self.results, self.features)
        )
        return (_unpack_plan, (self.commune, self.round, self.villages, blob))


def _unpack_plan(
    commune: CommuneUnit, ref: RoundRef, villages: tuple[tuple[str, str], ...], blob: bytes
) -> LoadPlan:
    return LoadPlan(commune, ref, villages, *marshal.loads(blob))


def make_plan(data: PackageData) -> LoadPlan:
    """The rows of a package, with the report features of each household computed with the
    package's own pack and reference date for the class the reports count.

    Members become plain tuples (marshal writes no NamedTuple) and the short texts that repeat
    across households are shared strings, which the plan's blob stores once."""
    maker = FeatureMaker(data.pack, data.round.reference_date)
    villages: dict[str, str] = {}
    codes, village_of, values, members, results, features = [], [], [], [], [], []
    for h, s in zip(data.households, data.stated, strict=True):
        villages.setdefault(h.village, h.area)
        survey = data.survey.get(h.id, NO_ANSWERS)
        f = maker.of(h, s.official, s.deprived, survey.causes)
        codes.append(h.id)
        village_of.append(h.village)
        values.append(household_columns(h))
        members.append(tuple(map(tuple, h.members)))
        results.append(
            (
                sys.intern(s.step),
                s.final,
                _shared(s.cls),
                _shared(s.decided),
                sys.intern(",".join(s.deprived)),
                len(s.deprived),
                _income_basis(h, s),
                h.income_per_capita_month,
                h.b1_score,
                *survey.columns().values(),
            )
        )
        features.append(
            (
                f.members,
                f.farm,
                f.ethnicity[:60],
                f.female_head,
                f.no_labour,
                f.children,
                f.children_health,
                f.children_school,
            )
        )
    return LoadPlan(
        data.commune,
        data.round,
        tuple(villages.items()),
        tuple(codes),
        tuple(village_of),
        tuple(values),
        tuple(members),
        tuple(results),
        tuple(features),
    )


def _shared(text: str | None) -> str | None:
    return None if text is None else sys.intern(text)


@dataclass(frozen=True)
class LoadResult:
    commune_id: int
    round_id: int
    commune_created: bool
    created: int
    updated: int
    unchanged: int
    removed: int  # households that left the register with this package


def load_plan(session: Session, plan: LoadPlan) -> LoadResult:
    """Write `plan` as the current picture of its commune and round (see the module doc)."""
    conn = session.connection()
    audit.lock(conn)  # the write lock first: ids are reserved below
    commune_id, created = _commune(conn, plan.commune)
    round_id = _round(conn, commune_id, plan.round)
    villages = _villages(conn, commune_id, plan.villages)
    existing = {} if created else _existing(conn, commune_id)
    now = date_param(conn, utcnow())
    ids, versions, counts = _households(conn, commune_id, villages, plan, existing, now)
    conn.execute(delete(Assessment).where(Assessment.round_id == round_id))
    _assessments(conn, round_id, plan, ids, versions, now)
    removed = 0 if created else _remove_unlisted(conn, commune_id)
    return LoadResult(commune_id, round_id, created, *counts, removed)


def _commune(conn: Connection, unit: CommuneUnit) -> tuple[int, bool]:
    found = conn.execute(select(Commune.id).where(Commune.code == unit.code)).scalar()
    if found is not None:
        return found, False
    [commune_id] = reserve_ids(conn, Commune, 1)
    insert_rows(
        conn,
        Commune,
        ("id", "code", "name", "province_code", "province_name", "created_at"),
        [(commune_id, unit.code, unit.name, unit.province_code, unit.province_name, utcnow())],
    )
    return commune_id, True


def _round(conn: Connection, commune_id: int, ref: RoundRef) -> int:
    """The commune's round the package reports on, created or brought up to date."""
    found = conn.execute(
        select(ReviewRound.id).where(
            ReviewRound.commune_id == commune_id,
            ReviewRound.kind == ref.kind,
            ReviewRound.year == ref.year,
            ReviewRound.month.is_(None) if ref.month is None else ReviewRound.month == ref.month,
        )
    ).scalar()
    starts, ends = round_period(ref.kind, ref.reference_date, ref.month)
    values = {
        "label": ref.label,
        "reference_date": ref.reference_date,
        "standard_id": ref.standard_id,
        "starts_on": starts,
        "ends_on": ends,
    }
    if found is not None:
        conn.execute(update(ReviewRound).where(ReviewRound.id == found).values(**values))
        return int(found)
    [round_id] = reserve_ids(conn, ReviewRound, 1)
    conn.execute(
        insert(ReviewRound).values(
            id=round_id,
            commune_id=commune_id,
            kind=ref.kind,
            year=ref.year,
            month=ref.month,
            status="received",
            created_at=utcnow(),
            **values,
        )
    )
    return round_id


def _villages(
    conn: Connection, commune_id: int, wanted: tuple[tuple[str, str], ...]
) -> dict[str, int]:
    known: dict[str, int] = dict(
        conn.execute(select(Village.name, Village.id).where(Village.commune_id == commune_id)).all()
    )
    new = [(name, area) for name, area in wanted if name not in known]
    if new:
        ids = reserve_ids(conn, Village, len(new))
        start = len(known)
        rows = [
            (vid, commune_id, name, area, start + n)
            for n, (vid, (name, area)) in enumerate(zip(ids, new, strict=True), 1)
        ]
        insert_rows(conn, Village, ("id", "commune_id", "name", "area", "position"), rows)
        known.update((str(row[2]), int(row[0])) for row in rows)
    return known


Existing = dict[str, tuple[int, int, tuple[Any, ...]]]


def _existing(conn: Connection, commune_id: int) -> Existing:
    """code → (id, version, what a plan is compared with) of the commune's households."""
    return {
        facts.id: (row[0], row[19], _comparable(facts.village, household_columns(facts), facts))
        for row, facts in iter_commune_households(conn, commune_id)
    }


def _comparable(village: str, values: tuple[Any, ...], facts: HouseholdFacts) -> tuple[Any, ...]:
    return (village, values, tuple(tuple(m) for m in facts.members))


def _households(
    conn: Connection,
    commune_id: int,
    villages: dict[str, int],
    plan: LoadPlan,
    existing: Existing,
    now: Any,
) -> tuple[list[int], list[int], tuple[int, int, int]]:
    """Insert new households, update changed ones; returns each household's id and version
    (in package order) and the counts (created, updated, unchanged)."""
    fresh = iter(reserve_ids(conn, Household, sum(1 for c in plan.codes if c not in existing)))
    ids, versions = [], []
    inserts, updates, members = [], [], []
    for code, village, values, people in zip(
        plan.codes, plan.village_of, plan.values, plan.members, strict=True
    ):
        known = existing.get(code)
        if known is None:
            household_id, version = next(fresh), 1
            inserts.append((household_id, commune_id, villages[village], 1, now, now, *values))
            members.append((household_id, people))
        else:
            household_id, version, old = known
            if old != (village, values, people):
                version += 1
                updates.append((villages[village], version, now, *values, household_id))
                members.append((household_id, people))
        ids.append(household_id)
        versions.append(version)
    insert_rows(conn, Household, HOUSEHOLD_INSERT_COLUMNS, inserts, dates_ready=True)
    update_rows(conn, Household, "id", HOUSEHOLD_UPDATE_COLUMNS, updates, dates_ready=True)
    if updates:
        conn.execute(delete(Member).where(Member.household_id.in_([u[-1] for u in updates])))
    insert_rows(
        conn,
        Member,
        MEMBER_INSERT_COLUMNS,
        [(hid, position, *m) for hid, rows in members for position, m in enumerate(rows)],
    )
    unchanged = plan.households - len(inserts) - len(updates)
    return ids, versions, (len(inserts), len(updates), unchanged)


def _income_basis(h: HouseholdFacts, stated: Stated) -> str | None:
    if stated.cls is None:
        return None
    return "income" if h.income_per_capita_month is not None else "b1"


def _assessments(
    conn: Connection,
    round_id: int,
    plan: LoadPlan,
    household_ids: list[int],
    versions: list[int],
    now: Any,
) -> None:
    """One assessment per household with the commune's stated result (classification and
    decision) and its report features."""
    ids = reserve_ids(conn, Assessment, plan.households)
    reference = date_param(conn, plan.round.reference_date)
    std, rev = plan.round.standard_id, plan.round.standard_revision
    rows = []
    for aid, hid, version, result, feature in zip(
        ids, household_ids, versions, plan.results, plan.features, strict=True
    ):
        step, final, cls, decided, deprived, count, basis, income, b1, *survey = result
        rows.append(
            (
                aid,
                round_id,
                hid,
                step,
                final,
                std,
                rev,
                reference,
                version,
                cls,
                decided,
                deprived,
                count,
                basis,
                income,
                b1,
                0,
                0,
                0,
                now,
                *survey,
                *feature,
            )
        )
    insert_rows(conn, Assessment, ASSESSMENT_COLUMNS, rows, dates_ready=True)


def _remove_unlisted(conn: Connection, commune_id: int) -> int:
    """Households of the commune that no round refers to any more (the newer package dropped
    them). Their members go with them (ON DELETE CASCADE)."""
    unlisted = (
        select(Household.id)
        .where(Household.commune_id == commune_id)
        .where(~select(Assessment.id).where(Assessment.household_id == Household.id).exists())
    )
    ids = list(conn.execute(unlisted).scalars())
    if ids:
        conn.execute(delete(Household).where(Household.id.in_(ids)))
    return len(ids)
