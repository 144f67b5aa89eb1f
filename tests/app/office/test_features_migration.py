"""Migration 0007 moves an office's stored report features from their own table onto the
assessments, and back on downgrade, without losing or changing a value (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, inspect, text

from app.office.consolidation import available_rounds
from models.database import Database
from models.migrate import _config, current_revision, head_revision

FEATURES = (
    "report_members, report_farm, report_ethnicity, report_female_head, report_no_labour, "
    "report_children, report_children_health, report_children_school"
)
OLD = "members, farm, ethnicity, female_head, no_labour, children, children_health, children_school"


def _migrate(engine: Engine, revision: str, up: bool) -> None:
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.upgrade if up else command.downgrade)(cfg, revision)


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
    assert len(stored) == 105 and all(r[1] is not None and r[1] >= 1 for r in stored)
    assert any(r[2] for r in stored) and any(r[6] for r in stored)  # not all zero or false

    _migrate(engine, "0006_causes", up=False)
    assert current_revision(engine) == "0006_causes"
    assert _rows(engine, f"SELECT assessment_id, {OLD} FROM office_features ORDER BY 1") == stored
    assert not [c for c in _columns(engine) if c.startswith("report_")]

    _migrate(engine, "head", up=True)
    assert current_revision(engine) == head_revision()
    assert _rows(engine, f"SELECT id, {FEATURES} FROM assessments ORDER BY id") == stored
    with office_db.sessions() as session:
        assert [r.households for r in available_rounds(session)] == [105]
