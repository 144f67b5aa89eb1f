"""The GUI's part of issue #6: a backup on closing, today's backup at start, and a damaged
database answered with the offer of its latest good backup."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from app import backups
from app.settings import Settings
from models.database import Database
from tests.dbstate import corrupt, count
from tests.ui.driving import ScriptedPrompts
from ui.main_window import MainWindow
from ui.startup import Next, OpenDatabaseStep, StartupState


def test_closing_the_window_leaves_a_checked_backup(
    qtbot: QtBot, main_window: MainWindow, commune_db: Database
) -> None:
    assert commune_db.path is not None
    main_window.close()
    assert [b.reason for b in backups.list_backups(commune_db.path)] == ["close"]


def test_start_makes_the_days_backup_once(commune_db: Database) -> None:
    assert commune_db.path is not None
    path = commune_db.path
    commune_db.dispose()
    for _ in range(2):
        state = StartupState(Settings(), ScriptedPrompts(), db_target=str(path))  # type: ignore[arg-type]
        assert OpenDatabaseStep().run(state) is Next.CONTINUE
        state.close_database()
    assert [b.reason for b in backups.list_backups(path)] == ["daily"]


def test_a_damaged_database_is_offered_its_latest_good_backup(commune_db: Database) -> None:
    assert commune_db.path is not None
    path = commune_db.path
    good = backups.create_backup(path, None, "close", datetime(2026, 11, 20, 17, 0))
    with commune_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    commune_db.dispose()
    corrupt(path)
    prompts = ScriptedPrompts()
    prompts.answer(True)  # yes, restore it
    state = StartupState(Settings(), prompts, db_target=str(path))  # type: ignore[arg-type]
    assert OpenDatabaseStep().run(state) is Next.RESTART
    kind, question = prompts.asked[0]
    assert kind == "confirm" and good.name in question and "bị hỏng" in question
    assert prompts.asked[1][0] == "inform"
    assert OpenDatabaseStep().run(state) is Next.CONTINUE  # the restored file opens
    state.close_database()
    assert count(path, "communes") == 1


def test_declining_the_offer_leaves_the_damaged_file_alone(commune_db: Database) -> None:
    assert commune_db.path is not None
    path = commune_db.path
    backups.create_backup(path, None, "close", datetime(2026, 11, 20, 17, 0))
    with commune_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    commune_db.dispose()
    corrupt(path)
    damaged = path.read_bytes()
    prompts = ScriptedPrompts()
    prompts.answer(False)
    state = StartupState(Settings(), prompts, db_target=str(path))  # type: ignore[arg-type]
    assert OpenDatabaseStep().run(state) is Next.ABORT
    assert path.read_bytes() == damaged
