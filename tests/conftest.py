"""Shared fixtures: a headless Qt platform, an isolated data folder, and fresh databases.

Each test gets its own database file, copied from a template migrated once per session (as
Anki's getEmptyCol() does), so migrations run once and tests stay independent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.actor import Actor
from app.communes import VillageSpec, create_commune
from app.storage import open_database
from app.users import bootstrap_administrator, create_user
from models.database import Database
from tests.postgres_server import PostgresServer

REFERENCE_DATE = date(2026, 11, 15)
OFFICER = Actor("officer1", "officer", "Cán bộ Một")
REVIEWER = Actor("reviewer1", "reviewer", "Rà soát viên Một")
CHAIRMAN = Actor("chairman1", "chairman", "Chủ tịch Một")
ADMIN = Actor("admin1", "administrator", "Quản trị Một")
# "tester" is who the CLI signs in as in tests (RASOAT_USER below), an officer.
TESTER = Actor("tester", "officer", "Người thử")
ACCOUNTS = (OFFICER, REVIEWER, CHAIRMAN, ADMIN, TESTER)
# The password of every account the tests create, and what the CLI signs in with.
TEST_PASSWORD = "mật-khẩu-thử-nghiệm"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("RASOAT_HOME", str(home))
    monkeypatch.setenv("RASOAT_USER", "tester")
    monkeypatch.setenv("RASOAT_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("RASOAT_NEW_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("RASOAT_PASSPHRASE", raising=False)  # a developer's own must not leak in


@pytest.fixture(scope="session")
def template_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db = open_database(path)
    with db.sessions.begin() as session:  # the accounts every test database starts with
        admin = bootstrap_administrator(session, ADMIN.username, TEST_PASSWORD, ADMIN.label)
        for a in ACCOUNTS:
            if a is not ADMIN:
                create_user(session, admin, a.username, TEST_PASSWORD, a.role, a.label)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def db_path(template_db_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "rasoat.sqlite"
    shutil.copyfile(template_db_file, path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.dispose()


def with_test_commune(db: Database) -> Database:
    """Add Xã Ea Ly, two villages (one urban) and an open round on REFERENCE_DATE to `db`."""
    with db.sessions.begin() as session:
        create_commune(
            session,
            OFFICER,
            "22237",
            [VillageSpec("Thôn 1", "rural"), VillageSpec("Khu phố Chợ", "urban")],
            REFERENCE_DATE,
            "VN-MPS-2022-2025",
        )
    return db


@pytest.fixture
def commune_db(db: Database) -> Database:
    return with_test_commune(db)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (skipped where PostgreSQL is not installed)."""
    server = PostgresServer()
    server.start()
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE rasoat_template")
    admin.dispose()
    template = open_database(server.url("rasoat_template"))  # migrated once, cloned per test
    template.dispose()
    yield server
    server.stop()


@pytest.fixture
def pg_db(postgres: PostgresServer, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL database for one test."""
    name = f"t_{abs(hash(request.node.nodeid)) % 10**12}"
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE rasoat_template")
    database = open_database(postgres.url(name))
    yield database
    database.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on the embedded SQLite database and on PostgreSQL."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def any_commune_db(any_db: Database) -> Database:
    return with_test_commune(any_db)
