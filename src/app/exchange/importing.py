"""Importing an exchange file into the commune's register: validated, then written in bulk.

All or nothing: the file is read and validated completely (exchange/read.py), then checked against
the database (same commune, ID numbers not used by households outside the file), and only then
written, in the caller's single transaction. Households already in the register (same id) are
updated; the others are created. Every household gets an audit row with what changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from app import audit, backups
from app.actor import Actor
from app.admin_units import commune_by_code
from app.changes import diff
from app.communes import VillageSpec, create_commune, find_commune, insert_village
from app.errors import InvalidData, RaSoatError
from app.exchange.read import ExchangeDocument, decode, parse_document, refuse_oversized
from app.exchange.write import household_dict
from app.facts import HouseholdFacts
from app.household_rows import (
    HOUSEHOLD_FACT_COLUMNS,
    HOUSEHOLD_INSERT_COLUMNS,
    HOUSEHOLD_UPDATE_COLUMNS,
    MEMBER_INSERT_COLUMNS,
    household_values,
    iter_commune_households,
)
from app.jobs import IsCancelled, Progress, Ticker, collector_paused
from app.permissions import require
from app.rounds import current_round
from app.snapshots import VERSION_COLUMNS, version_row
from app.validation import ERROR, Problem
from models import Assessment, Commune, Household, HouseholdVersion, Member, Village
from models.base import utcnow
from models.bulk import date_param, insert_rows, reserve_ids, update_rows
from models.database import Database


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    warnings: list[Problem]
    commune_created: bool


def read_import_file(path: Path) -> tuple[ExchangeDocument, str]:
    """Read and validate a file; returns the document and the SHA-256 of its bytes."""
    try:
        refuse_oversized(path.stat().st_size)  # before reading a byte of it into memory
        raw = path.read_bytes()
    except OSError as exc:
        raise RaSoatError(
            "file.unreadable", path=str(path), detail=exc.strerror or str(exc)
        ) from None
    with collector_paused():
        return parse_document(decode(raw)), hashlib.sha256(raw).hexdigest()


def import_file(
    session: Session,
    actor: Actor,
    path: Path,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ImportResult:
    require(session, actor, "household.import")  # before reading: the file may be large
    document, digest = read_import_file(path)
    return import_document(
        session,
        actor,
        document,
        source=path.name,
        sha256=digest,
        progress=progress,
        cancelled=cancelled,
    )


def import_file_into(
    db: Database,
    actor: Actor,
    path: Path,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ImportResult:
    """The import as the officer starts it: read and validate the file, back up the database
    (a file that is refused costs no backup), then write everything in one transaction."""
    document, digest = read_import_file(path)
    if db.path is not None and find_commune_in(db) is not None:
        backups.backup_database(db, "import")
    with db.sessions.begin() as session:
        return import_document(
            session,
            actor,
            document,
            source=path.name,
            sha256=digest,
            progress=progress,
            cancelled=cancelled,
        )


def find_commune_in(db: Database) -> Commune | None:
    with db.sessions() as session:
        return find_commune(session)


def _commune_for(
    session: Session, actor: Actor, document: ExchangeDocument
) -> tuple[Commune, bool]:
    commune = find_commune(session)
    if commune is None:
        commune_by_code(document.commune.code)  # refuses codes not in the official list
        created = create_commune(
            session,
            actor,
            document.commune.code,
            reference_date=document.reference_date,
            standard_id=document.standard,
        )
        return created, True
    if commune.code != document.commune.code:
        raise RaSoatError(
            "import.other_commune",
            file_commune=document.commune.code,
            file_name=document.commune.name,
            db_commune=commune.code,
            db_name=commune.name,
        )
    return commune, False


def _outside_duplicates(
    conn: Connection, commune: Commune, households: list[HouseholdFacts]
) -> list[Problem]:
    """ID numbers in the file already used by a household of the commune that the file does
    not replace."""
    in_file = {h.id for h in households}
    used: dict[str, str] = {}
    rows = conn.execute(
        select(Member.id_number, Household.code)
        .join(Household)
        .where(Household.commune_id == commune.id, Member.id_number.is_not(None))
    )
    for number, code in rows:
        if code not in in_file:
            used[str(number)] = code
    problems = []
    for hi, h in enumerate(households):
        for mi, m in enumerate(h.members):
            if m.id_number and m.id_number in used:
                problems.append(
                    Problem(
                        "id_number_duplicate",
                        ERROR,
                        f"households[{hi}].members[{mi}].id_number",
                        {"value": m.id_number, "other": used[m.id_number]},
                    )
                )
    return problems


def import_document(
    session: Session,
    actor: Actor,
    document: ExchangeDocument,
    source: str = "",
    sha256: str = "",
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ImportResult:
    require(session, actor, "household.import")
    with collector_paused():
        return _import_document(session, actor, document, source, sha256, progress, cancelled)


def _import_document(
    session: Session,
    actor: Actor,
    document: ExchangeDocument,
    source: str = "",
    sha256: str = "",
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ImportResult:
    commune, commune_created = _commune_for(session, actor, document)
    conn = session.connection()
    audit.lock(conn)  # the write lock, before ids are reserved
    problems = _outside_duplicates(conn, commune, document.households)
    if problems:
        raise InvalidData(problems)
    villages = _ensure_villages(session, actor, commune, document.households)
    existing = {
        facts.id: (row[0], row[19], facts)
        for row, facts in iter_commune_households(conn, commune.id)
    }
    ticker = Ticker(len(document.households), progress, cancelled)
    plan = _Plan(commune.id, actor.username, utcnow())
    for n, facts in enumerate(document.households, 1):
        ticker.tick(n)
        if facts.id in existing:
            household_id, version, old = existing[facts.id]
            if old != facts:
                plan.update(
                    household_id,
                    version + 1,
                    facts,
                    villages[facts.village],
                    diff(household_dict(old), household_dict(facts)),
                    source,
                )
        else:
            plan.create(facts, villages[facts.village], source)
    ticker.check()
    plan.write(conn)
    _list_in_round(session, commune, plan.created_ids)
    plan.events.append(
        audit.Event(
            "import",
            "commune",
            commune.code,
            {
                "source": source,
                "sha256": sha256,
                "created": len(plan.created_ids),
                "updated": plan.updated,
                "standard": document.standard,
                "reference_date": document.reference_date.isoformat(),
            },
        )
    )
    audit.append(conn, actor, plan.events)
    unchanged = len(document.households) - len(plan.created_ids) - plan.updated
    return ImportResult(
        len(plan.created_ids), plan.updated, unchanged, document.warnings, commune_created
    )


class _Plan:
    """The rows an import will write, collected first so nothing is written before the file has
    been gone through completely (a cancel or an error leaves the database untouched)."""

    def __init__(self, commune_id: int, username: str, now: datetime) -> None:
        self.commune_id, self.username, self.now = commune_id, username, now
        self.new: list[tuple[HouseholdFacts, int]] = []
        self.changed: list[tuple[int, int, HouseholdFacts, int]] = []
        self.events: list[audit.Event] = []
        self.created_ids: list[int] = []
        self.updated = 0

    def create(self, facts: HouseholdFacts, village_id: int, source: str) -> None:
        self.new.append((facts, village_id))

    def update(
        self,
        household_id: int,
        version: int,
        facts: HouseholdFacts,
        village_id: int,
        changes: dict[str, list[Any]],
        source: str,
    ) -> None:
        self.changed.append((household_id, version, facts, village_id))
        self.events.append(
            audit.Event(
                "household.update",
                "household",
                facts.id,
                {"source": source, "version": version, "changes": changes},
            )
        )

    def write(self, conn: Connection) -> None:
        now = date_param(conn, self.now)  # converted once, not per row
        ids = reserve_ids(conn, Household, len(self.new))
        household_rows, version_rows, members = [], [], []
        for household_id, (facts, village_id) in zip(ids, self.new, strict=True):
            values = household_values(facts)
            household_rows.append(
                (
                    household_id,
                    self.commune_id,
                    village_id,
                    1,
                    now,
                    now,
                    *(values[c] for c in HOUSEHOLD_FACT_COLUMNS),
                )
            )
            row, digest = version_row(household_id, 1, facts, self.username, now)
            version_rows.append(row)
            members.append((household_id, facts))
            self.events.append(
                audit.Event(
                    "household.create", "household", facts.id, {"version": 1, "sha256": digest}
                )
            )
        insert_rows(conn, Household, HOUSEHOLD_INSERT_COLUMNS, household_rows, dates_ready=True)
        self.created_ids = ids
        updates = []
        for household_id, version, facts, village_id in self.changed:
            values = household_values(facts)
            updates.append(
                (
                    village_id,
                    version,
                    now,
                    *(values[c] for c in HOUSEHOLD_FACT_COLUMNS),
                    household_id,
                )
            )
            version_rows.append(version_row(household_id, version, facts, self.username, now)[0])
            members.append((household_id, facts))
        update_rows(conn, Household, "id", HOUSEHOLD_UPDATE_COLUMNS, updates, dates_ready=True)
        if updates:
            conn.execute(delete(Member).where(Member.household_id.in_([u[-1] for u in updates])))
        self.updated = len(updates)
        insert_rows(conn, HouseholdVersion, VERSION_COLUMNS, version_rows, dates_ready=True)
        insert_rows(
            conn,
            Member,
            MEMBER_INSERT_COLUMNS,
            [
                (household_id, position, *m)
                for household_id, facts in members
                for position, m in enumerate(facts.members)
            ],
        )


def _ensure_villages(
    session: Session, actor: Actor, commune: Commune, households: list[HouseholdFacts]
) -> dict[str, int]:
    ids = {
        v.name: v.id
        for v in session.scalars(select(Village).where(Village.commune_id == commune.id))
    }
    for facts in households:
        if facts.village not in ids:
            ids[facts.village] = insert_village(
                session, actor, commune, VillageSpec(facts.village, facts.area)
            ).id
    return ids


def _list_in_round(session: Session, commune: Commune, household_ids: list[int]) -> None:
    """New households join the current round, waiting to be classified (not under review)."""
    if not household_ids:
        return
    review_round = current_round(session, commune)
    now = utcnow()
    insert_rows(
        session.connection(),
        Assessment,
        (
            "round_id",
            "household_id",
            "step",
            "deprived",
            "deprived_count",
            "error_count",
            "warning_count",
            "unconfirmed_warnings",
            "final",
            "updated_at",
        ),
        [(review_round.id, hid, "none", "", 0, 0, 0, 0, False, now) for hid in household_ids],
    )
