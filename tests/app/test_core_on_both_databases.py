"""The core works the same on the embedded SQLite database and on PostgreSQL.

Import (bulk fast paths: executemany / COPY), classify-all, save one household, export and the
audit chain, run against both backends with identical expectations.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, text

from app import audit
from app.assessments import classify_round
from app.communes import only_commune
from app.demo.households import generate
from app.errors import InvalidData
from app.exchange.exporting import commune_ref, export_document
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.households import save_household
from app.rounds import current_round
from models import Assessment, AuditEvent, Household, HouseholdVersion, Member
from models.database import Database
from tests.builders import ASKED, REFERENCE_DATE, household, member
from tests.conftest import OFFICER


def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, backend-neutral."""
    with db.engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        return {
            t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
            for t in tables
        }


def demo_document(db: Database, count: int) -> ExchangeDocument:
    with db.sessions() as s:
        ref = commune_ref(only_commune(s))
    return ExchangeDocument(
        "VN-MPS-2022-2025",
        REFERENCE_DATE,
        ref,
        list(generate(count, seed=4, reference_date=REFERENCE_DATE)),
    )


def test_import_classify_export(any_commune_db: Database) -> None:
    db = any_commune_db
    document = demo_document(db, 120)
    with db.sessions.begin() as s:
        result = import_document(s, OFFICER, document, source="test")
    assert result.created == 120
    with db.sessions.begin() as s:
        commune = only_commune(s)
        summary = classify_round(s, OFFICER, commune, current_round(s, commune))
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == sum(
            len(h.members) for h in document.households
        )
        assert s.scalar(select(func.count()).select_from(HouseholdVersion)) == 120
        stored = dict(
            s.execute(
                select(Assessment.result_class, func.count()).group_by(Assessment.result_class)
            ).all()
        )
        exported = export_document(s)
        assert audit.verify(s).ok
    assert stored == dict(summary.by_class) and summary.total == 120
    assert [h["id"] for h in exported["households"]] == sorted(h.id for h in document.households)
    first = exported["households"][0]
    assert first["members"][0]["name"] == document.households[0].members[0].name


def test_save_then_bulk_import_share_id_sequences(any_commune_db: Database) -> None:
    """Households saved one by one (ORM, sequence) and imported in bulk (reserved ids) never
    collide, in either order."""
    db = any_commune_db
    with db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(id="X1"), survey=ASKED)
    with db.sessions.begin() as s:
        import_document(s, OFFICER, demo_document(db, 5))
    with db.sessions.begin() as s:
        save_household(
            s, OFFICER, only_commune(s), household(id="X2", members=(member(),)), survey=ASKED
        )
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 7
        assert audit.verify(s).ok
        assert s.scalar(select(func.max(AuditEvent.id))) == s.scalar(
            select(func.count()).select_from(AuditEvent)
        )


def test_invalid_save_changes_nothing(any_commune_db: Database) -> None:
    before = snapshot(any_commune_db)
    with pytest.raises(InvalidData), any_commune_db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(floor_area_m2=0.0))
    assert snapshot(any_commune_db) == before
