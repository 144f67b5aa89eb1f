"""The database as opened by RaSoat: SQLite settings, migrations, and a refusal of newer files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.errors import DatabaseError
from app.storage import open_database
from models import Base
from models.database import Database
from models.migrate import current_revision, head_revision


def test_sqlite_pragmas(db: Database) -> None:
    with db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 10_000


def test_migrated_to_head(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()


def test_models_match_migrations(db: Database) -> None:
    """A model change without a migration fails here."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_fresh_file_is_created_and_migrated(tmp_path: Path) -> None:
    db = open_database(tmp_path / "sub" / "new.sqlite")
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


def test_newer_database_is_refused_and_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError) as err:
        open_database(db_path)
    assert "mới hơn" in err.value.message("vi")
    assert db_path.read_bytes() == before


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError) as err:
        open_database(path)
    assert err.value.key == "db.damaged_no_backup"
    assert path.read_bytes() == b"this is not a database" * 100


def test_foreign_keys_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from models import Village

    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.add(Village(commune_id=999, name="X", area="rural"))


def _count(db: Database, sql: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql).scalar() or 0)


def test_a_migration_that_breaks_a_reference_is_rolled_back(
    commune_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migrations run with SQLite's foreign keys off (a batch rebuild would otherwise delete
    through ON DELETE CASCADE); a reference one leaves pointing at nothing undoes it all."""
    from alembic import command

    from models.migrate import BrokenReferences, migrate_to

    def careless(cfg, revision: str) -> None:  # type: ignore[no-untyped-def]
        cfg.attributes["connection"].exec_driver_sql("DELETE FROM communes")

    villages = _count(commune_db, "SELECT count(*) FROM villages")
    assert villages and _count(commune_db, "SELECT count(*) FROM communes") == 1
    monkeypatch.setattr(command, "upgrade", careless)
    with pytest.raises(BrokenReferences):
        migrate_to(commune_db.engine, "head")
    assert _count(commune_db, "SELECT count(*) FROM communes") == 1
    assert _count(commune_db, "SELECT count(*) FROM villages") == villages
    with commune_db.engine.connect() as conn:  # and the foreign keys are on again
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_file_with_a_broken_reference_still_migrates(db_path: Path) -> None:
    """A reference broken before (an old or hand-edited file) is not the migration's doing."""
    from models.migrate import migrate_to

    with sqlite3.connect(db_path) as conn:  # foreign keys are off in a bare connection
        conn.execute(
            "INSERT INTO villages (id, commune_id, name, area, position) "
            "VALUES (77, 999, 'Thôn lạc', 'rural', 1)"
        )
    db = open_database(db_path)
    try:
        migrate_to(db.engine, "0005_office", down=True)
        migrate_to(db.engine, "head")
        assert current_revision(db.engine) == head_revision()
        assert _count(db, "SELECT count(*) FROM villages WHERE id = 77") == 1
    finally:
        db.dispose()


def test_a_broken_migration_is_a_clear_error_and_the_file_opens_as_before(
    commune_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    from models.migrate import migrate_to

    def careless(cfg, revision: str) -> None:  # type: ignore[no-untyped-def]
        cfg.attributes["connection"].exec_driver_sql("DELETE FROM communes")

    path = commune_db.path
    assert path is not None
    migrate_to(commune_db.engine, "0006_causes", down=True)
    commune_db.dispose()
    monkeypatch.setattr(command, "upgrade", careless)
    with pytest.raises(DatabaseError) as err:
        open_database(path)
    assert err.value.key == "db.migration_broken"
    assert "liên kết" in err.value.message("vi") and head_revision() in err.value.message("vi")
    monkeypatch.undo()
    db = open_database(path)  # the real upgrade, later: nothing was lost
    try:
        assert current_revision(db.engine) == head_revision()
        assert _count(db, "SELECT count(*) FROM communes") == 1
    finally:
        db.dispose()
