"""Backups: made with the online backup API, checked, rotated, listed and restored; a damaged or
newer database is refused untouched, with the latest good backup offered."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import backups
from app.cli import main
from app.communes import only_commune
from app.errors import DatabaseError
from app.households import save_household
from app.storage import DamagedDatabase, open_database
from models.database import Database
from tests.builders import contract_example, household
from tests.conftest import OFFICER
from tests.dbstate import corrupt, count, file_state


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def add(db: Database, code: str) -> None:
    with db.sessions.begin() as session:
        facts = household(id=code)
        facts = facts._replace(
            members=tuple(
                m._replace(name=f"{m.name} {code}", id_number=None) for m in facts.members
            )
        )
        save_household(session, OFFICER, only_commune(session), facts, allow_unconfirmed=True)


def test_backup_is_a_checked_copy_under_its_final_name(commune_db: Database) -> None:
    add(commune_db, "H001")
    made = backups.backup_database(commune_db)
    assert made.reason == "manual" and made.path.parent == commune_db.path.parent / "backups"
    assert made.path.name.startswith("rasoat-") and made.path.name.endswith("-manual.sqlite")
    assert count(made.path, "households") == 1
    assert file_state(made.path) == file_state(commune_db.path)
    # the copy stands alone: no WAL beside it
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]
    assert backups.list_backups(commune_db.path) == [made]


def test_backup_sees_only_committed_work(commune_db: Database) -> None:
    add(commune_db, "H001")
    with commune_db.engine.connect() as conn:
        conn.exec_driver_sql("DELETE FROM members")  # in the transaction SQLAlchemy began
        made = backups.backup_database(commune_db)  # while a writer holds its transaction
        conn.rollback()
    assert count(made.path, "members") == 2


def test_each_kind_of_backup_is_rotated(commune_db: Database) -> None:
    start = datetime(2026, 11, 1, 8, 0, 0)
    for i in range(backups.KEEP["close"] + 3):
        backups.create_backup(commune_db.path, None, "close", start + timedelta(minutes=i))
    manual = backups.create_backup(commune_db.path, None, "manual", start)
    kept = backups.list_backups(commune_db.path)
    closes = [b for b in kept if b.reason == "close"]
    assert len(closes) == backups.KEEP["close"]
    assert closes[0].created == start + timedelta(minutes=backups.KEEP["close"] + 2)
    assert manual in kept


def test_two_backups_in_the_same_second_both_kept(commune_db: Database) -> None:
    now = datetime(2026, 11, 1, 8, 0, 0)
    first = backups.create_backup(commune_db.path, None, "manual", now)
    second = backups.create_backup(commune_db.path, None, "manual", now)
    assert first.path != second.path
    assert backups.list_backups(commune_db.path)[0] == second


def test_daily_backup_once_a_day(commune_db: Database) -> None:
    day = datetime(2026, 11, 2, 9, 0)
    assert backups.daily_backup_if_due(commune_db.path, None, day) is not None
    assert backups.daily_backup_if_due(commune_db.path, None, day + timedelta(hours=5)) is None
    assert backups.daily_backup_if_due(commune_db.path, None, day + timedelta(days=1)) is not None


def test_a_copy_that_fails_its_check_is_never_kept(
    commune_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.sqlite_file import FileCheck

    monkeypatch.setattr(
        backups, "check_file", lambda *a, **k: FileCheck(("Page 3: btree damaged",), None)
    )
    with pytest.raises(DatabaseError) as err:
        backups.backup_database(commune_db)
    assert err.value.key == "backup.check_failed"
    assert list((commune_db.path.parent / "backups").iterdir()) == []


def test_restore_brings_back_the_backup_and_keeps_the_current_file(commune_db: Database) -> None:
    add(commune_db, "H001")
    made = backups.backup_database(commune_db)
    before = file_state(commune_db.path)
    add(commune_db, "H002")
    changed = file_state(commune_db.path)
    path = commune_db.path
    commune_db.dispose()
    result = backups.restore_backup(path, made.path)
    assert file_state(path) == before
    assert result.previous is not None and result.previous.reason == "restore"
    assert file_state(result.previous.path) == changed
    assert not path.with_name(path.name + "-wal").exists()
    reopened = open_database(path)  # and the app works on it again
    reopened.dispose()


def test_damaged_database_is_refused_untouched_and_the_latest_good_backup_offered(
    commune_db: Database,
) -> None:
    add(commune_db, "H001")
    older = backups.create_backup(commune_db.path, None, "daily", datetime(2026, 11, 1))
    good = backups.create_backup(commune_db.path, None, "close", datetime(2026, 11, 2))
    bad = backups.create_backup(commune_db.path, None, "manual", datetime(2026, 11, 3))
    corrupt(bad.path)  # the newest backup went bad on the disk too
    path = commune_db.path
    with commune_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    commune_db.dispose()
    corrupt(path)
    damaged = path.read_bytes()
    with pytest.raises(DamagedDatabase) as err:
        open_database(path)
    assert err.value.backup == good and older != good
    assert good.name in err.value.message("vi") and "bị hỏng" in err.value.message("vi")
    assert path.read_bytes() == damaged

    code, out, _ = run("--db", str(path), "backup", "restore", "--latest")
    assert code == 0, out
    assert good.name in out
    assert count(path, "households") == 1
    kept = list((path.parent / "backups" / "damaged").iterdir())
    assert len(kept) == 1 and (kept[0] / path.name).read_bytes() == damaged


def test_backup_of_a_damaged_database_is_refused(commune_db: Database) -> None:
    path = commune_db.path
    with commune_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    commune_db.dispose()
    corrupt(path)
    with pytest.raises(DatabaseError) as err:
        backups.create_backup(path)
    assert err.value.key == "backup.source_damaged"
    assert [p for p in (path.parent / "backups").iterdir() if p.is_file()] == []


def test_a_backup_from_a_newer_app_is_not_restored(commune_db: Database) -> None:
    made = backups.backup_database(commune_db)
    from models.sqlite_file import open_file

    conn = open_file(made.path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    before = file_state(commune_db.path)
    commune_db.dispose()
    with pytest.raises(DatabaseError) as err:
        backups.restore_backup(commune_db.path, made.path)
    assert err.value.key == "db.too_new"
    assert file_state(commune_db.path) == before
    assert backups.latest_good_backup(commune_db.path) is None


def test_migration_is_preceded_by_a_backup(
    commune_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.storage as storage

    seen: list[list[str]] = []
    monkeypatch.setattr(storage, "needs_upgrade", lambda engine: True)
    monkeypatch.setattr(
        storage,
        "upgrade",
        lambda engine: seen.append([b.reason for b in backups.list_backups(commune_db.path)]),
    )
    open_database(commune_db.path).dispose()
    assert seen == [["migration"]]


def test_fresh_database_needs_no_migration_backup(tmp_path: Path) -> None:
    open_database(tmp_path / "new.sqlite").dispose()
    assert backups.list_backups(tmp_path / "new.sqlite") == []


def test_import_is_preceded_by_a_backup_unless_the_file_is_refused(
    commune_db: Database, tmp_path: Path
) -> None:
    doc = contract_example()
    doc["commune"]["code"] = "22237"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "rasoat.households/1", "households": [', encoding="utf-8")
    db = str(commune_db.path)
    assert run("--db", db, "import", str(bad))[0] == 1
    assert backups.list_backups(commune_db.path) == []
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _out, err = run("--db", db, "import", str(good))
    assert code == 0, err
    made = backups.list_backups(commune_db.path)
    assert [b.reason for b in made] == ["import"]
    assert count(made[0].path, "households") == 0  # the state before the import


def test_cli_backup_create_list_restore(commune_db: Database) -> None:
    db = str(commune_db.path)
    add(commune_db, "H001")
    code, out, _ = run("--db", db, "backup", "create")
    assert code == 0 and "Đã sao lưu" in out
    name = backups.list_backups(commune_db.path)[0].name
    code, out, _ = run("--db", db, "backup", "list")
    assert code == 0 and name in out and "tạo thủ công" in out
    add(commune_db, "H002")
    commune_db.dispose()
    code, out, _ = run("--db", db, "backup", "restore", name)
    assert code == 0 and name in out
    assert count(commune_db.path, "households") == 1
    code, out, err = run("--db", db, "backup", "restore", "no-such-backup.sqlite")
    assert code == 1 and "Không có tệp sao lưu" in err


def test_cli_backup_list_when_there_is_none(commune_db: Database) -> None:
    code, out, _ = run("--lang", "en", "--db", str(commune_db.path), "backup", "list")
    assert code == 0 and "no backups yet" in out
