"""Migration 0007 moves an office's stored report features from their own table onto the
assessments, and back on downgrade, without losing or changing a value (SQLite and PostgreSQL);
migrations that rebuild a table on SQLite delete nothing that refers to it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from app.office.consolidation import available_rounds
from models.database import Database
from models.migrate import current_revision, head_revision, migrate_to

FEATURES = (
    "report_members, report_farm, report_ethnicity, report_female_head, report_no_labour, "
    "report_children, report_children_health, report_children_school"
)
OLD = "members, farm, ethnicity, female_head, no_labour, children, children_health, children_school"


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _columns(engine: Engine) -> list[str]:
    return [c["name"] for c in inspect(engine).get_columns("assessments")]


def test_features_survive_a_downgrade_and_an_upgrade(
    office_db: Database, two_communes: tuple[Path, Path]
) -> None:
    engine = office_db.engine
    stored = _rows(engine, f"SELECT id, {FEATURES} FROM assessments ORDER BY id")
    members = _rows(engine, "SELECT count(*) FROM members")
    assert len(stored) == 105 and all(r[1] is not None and r[1] >= 1 for r in stored)
    assert any(r[2] for r in stored) and any(r[6] for r in stored)  # not all zero or false

    migrate_to(engine, "0006_causes", down=True)
    assert current_revision(engine) == "0006_causes"
    assert _rows(engine, f"SELECT assessment_id, {OLD} FROM office_features ORDER BY 1") == stored
    assert not [c for c in _columns(engine) if c.startswith("report_")]

    # Further down, 0006 rebuilds the assessments table on SQLite: with foreign keys on, that
    # deleted every office_features row (ON DELETE CASCADE); migrations run with them off.
    migrate_to(engine, "0005_office", down=True)
    assert _rows(engine, f"SELECT assessment_id, {OLD} FROM office_features ORDER BY 1") == stored
    assert _rows(engine, "SELECT count(*) FROM members") == members

    migrate_to(engine, "head")
    assert current_revision(engine) == head_revision()
    assert _rows(engine, f"SELECT id, {FEATURES} FROM assessments ORDER BY id") == stored
    with office_db.sessions() as session:
        assert [r.households for r in available_rounds(session)] == [105]
