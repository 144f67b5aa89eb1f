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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.actor import Actor
from app.communes import VillageSpec, create_commune
from app.storage import open_database
from models.database import Database

REFERENCE_DATE = date(2026, 11, 15)
OFFICER = Actor("officer1", "officer", "Cán bộ Một")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("RASOAT_HOME", str(home))
    monkeypatch.setenv("RASOAT_USER", "tester")


@pytest.fixture(scope="session")
def template_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db = open_database(path)
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


@pytest.fixture
def commune_db(db: Database) -> Database:
    """A database with Xã Ea Ly, two villages (one urban) and an open round on REFERENCE_DATE."""
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
