"""Encryption at rest: with a passphrase the database, its WAL and its backups show no names or
ID numbers to anyone without it; without the passphrase nothing is opened or changed."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app import backups
from app.cli import main
from app.communes import VillageSpec, create_commune, only_commune
from app.errors import DatabaseError
from app.households import save_household
from app.storage import needs_passphrase, open_database
from app.users import bootstrap_administrator, create_user
from models import AuditEvent
from models.database import Database
from tests.builders import REFERENCE_DATE, household, member
from tests.conftest import ADMIN, OFFICER, TEST_PASSWORD, TESTER
from tests.dbstate import count, file_state

PASSPHRASE = "Mật khẩu 'xã' Ea Ly \"2026\""  # Vietnamese, quotes: all must survive the key pragma
NAME = "Nguyễn Thị Hồng Nhung"
ID_NUMBER = "066190012345"
NEW_PASSPHRASE = "cụm mới 2026"
SECRETS = [NAME.encode("utf-8"), ID_NUMBER.encode("ascii"), b"Nhung"]


def create(path: Path, passphrase: str | None = PASSPHRASE) -> Database:
    db = open_database(path, passphrase=passphrase)
    with db.sessions.begin() as session:
        create_commune(session, OFFICER, "22237", [VillageSpec("Thôn 1", "rural")], REFERENCE_DATE)
    with db.sessions.begin() as session:
        head = member(name=NAME, sex="female", id_number=ID_NUMBER)
        save_household(
            session,
            OFFICER,
            only_commune(session),
            household(members=(head,)),
            allow_unconfirmed=True,
        )
    return db


def leaks(path: Path) -> list[str]:
    """Which secrets appear in the bytes of the file or of its -wal/-journal."""
    found = []
    for suffix in ("", "-wal", "-journal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            data = part.read_bytes()
            found += [f"{part.name}: {s!r}" for s in SECRETS if s in data]
    return found


def test_plain_database_does_show_the_data(tmp_path: Path) -> None:
    """The control: the leak check finds the data in an unencrypted file."""
    db = create(tmp_path / "plain.sqlite", passphrase=None)
    db.dispose()
    assert leaks(tmp_path / "plain.sqlite")


def test_encrypted_file_and_wal_reveal_nothing_while_open_and_after(tmp_path: Path) -> None:
    path = tmp_path / "rasoat.sqlite"
    db = create(path)
    assert db.encrypted and path.with_name("rasoat.sqlite-wal").stat().st_size > 0
    assert leaks(path) == []
    db.dispose()
    assert leaks(path) == []
    assert needs_passphrase(path)


def test_plain_sqlite3_cannot_read_it(tmp_path: Path) -> None:
    path = tmp_path / "rasoat.sqlite"
    create(path).dispose()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT name FROM sqlite_master").fetchall()
    conn.close()


def test_plain_sqlite3_command_cannot_read_it(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command is not installed (.ci/apt.d/safety.txt installs it)")
    path = tmp_path / "rasoat.sqlite"
    create(path).dispose()
    done = subprocess.run(
        ["sqlite3", str(path), "SELECT name FROM members; .dump"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "not a database" in done.stderr
    assert NAME not in done.stdout and ID_NUMBER not in done.stdout


def test_the_passphrase_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "rasoat.sqlite"
    create(path).dispose()
    db = open_database(path, passphrase=PASSPHRASE)
    with db.sessions() as session:
        commune = only_commune(session)
        assert commune.code == "22237"
    db.dispose()
    assert count(path, "members", PASSPHRASE) == 1


def test_without_or_with_a_wrong_passphrase_nothing_opens_or_changes(tmp_path: Path) -> None:
    path = tmp_path / "rasoat.sqlite"
    create(path).dispose()
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as err:
        open_database(path)
    assert err.value.key == "db.passphrase_required"
    assert "RASOAT_PASSPHRASE" in err.value.message("vi")
    with pytest.raises(DatabaseError) as err:
        open_database(path, passphrase="đoán thử")
    assert err.value.key == "db.wrong_passphrase"
    assert path.read_bytes() == before


def test_a_plain_file_is_not_opened_as_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    create(path, passphrase=None).dispose()
    with pytest.raises(DatabaseError) as err:
        open_database(path, passphrase=PASSPHRASE)
    assert err.value.key == "db.wrong_passphrase"


def test_backups_are_encrypted_too_and_restore(tmp_path: Path) -> None:
    path = tmp_path / "rasoat.sqlite"
    db = create(path)
    made = backups.backup_database(db)
    db.dispose()
    assert leaks(made.path) == []
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(made.path).execute("SELECT 1 FROM sqlite_master").fetchall()
    assert file_state(made.path, PASSPHRASE) == file_state(path, PASSPHRASE)
    assert backups.latest_good_backup(path, PASSPHRASE) == made
    assert backups.latest_good_backup(path, "sai") is None
    result = backups.restore_backup(path, made.path, PASSPHRASE)
    assert result.previous is not None and leaks(result.previous.path) == []
    assert count(path, "members", PASSPHRASE) == 1


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_demo_encrypts_with_the_passphrase_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "demo.sqlite"
    monkeypatch.setenv("RASOAT_PASSPHRASE", PASSPHRASE)
    code, out, _ = run("--db", str(path), "demo", "--households", "20")
    assert code == 0 and "được mã hóa" in out
    assert needs_passphrase(path)
    code, out, _ = run("--db", str(path), "backup", "create")
    assert code == 0
    monkeypatch.delenv("RASOAT_PASSPHRASE")
    code, _, err = run("--db", str(path), "classify-all")
    assert code == 1 and "RASOAT_PASSPHRASE" in err


def test_cli_demo_without_a_passphrase_says_it_is_not_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASOAT_PASSPHRASE", raising=False)
    path = tmp_path / "demo.sqlite"
    code, out, _ = run("--lang", "en", "--db", str(path), "demo", "--households", "5")
    assert code == 0 and "NOT encrypted" in out
    assert not needs_passphrase(path)


def with_accounts(db: Database) -> None:
    """The administrator and the officer the CLI signs in as (RASOAT_USER=tester)."""
    with db.sessions.begin() as session:
        admin = bootstrap_administrator(session, ADMIN.username, TEST_PASSWORD)
        create_user(session, admin, TESTER.username, TEST_PASSWORD, TESTER.role)


def data_rows(path: Path, passphrase: str | None = None) -> list[object]:
    """Every table's rows but the trail (and its head in settings) and the accounts, which also
    note sign-ins and refusals."""
    return [
        (table, [r for r in rows if r[0] != "audit.head"] if table == "settings" else rows)
        for table, rows in file_state(path, passphrase)
        if table not in ("audit_events", "users")
    ]


def rekeys_recorded(path: Path, passphrase: str) -> list[str]:
    db = open_database(path, passphrase=passphrase)
    try:
        with db.sessions() as session:
            return list(
                session.scalars(
                    select(AuditEvent.actor).where(AuditEvent.action == "database.rekey")
                )
            )
    finally:
        db.dispose()


def test_a_plain_database_and_its_backups_are_encrypted_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rasoat.sqlite"
    db = create(path, passphrase=None)
    with_accounts(db)
    made = backups.backup_database(db)
    db.dispose()
    before = data_rows(path)
    monkeypatch.setenv("RASOAT_PASSPHRASE", PASSPHRASE)
    # An officer may not: the file stays as it was, plain.
    code, _, err = run("--db", str(path), "encrypt")
    assert code == 1 and "quyền" in err
    assert not needs_passphrase(path) and data_rows(path) == before
    monkeypatch.setenv("RASOAT_USER", ADMIN.username)
    code, out, err = run("--db", str(path), "encrypt")
    assert code == 0 and "2 tệp" in out, err
    assert leaks(path) == [] and leaks(made.path) == []
    assert data_rows(path, PASSPHRASE) == before  # the same rows, encrypted
    assert rekeys_recorded(path, PASSPHRASE) == [ADMIN.username]
    code, _, err = run("--db", str(path), "encrypt")
    assert code == 1 and "rekey" in err  # already encrypted


def test_changing_the_passphrase_rekeys_the_database_and_its_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rasoat.sqlite"
    db = create(path)
    with_accounts(db)
    made = backups.backup_database(db)
    db.dispose()
    monkeypatch.setenv("RASOAT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("RASOAT_NEW_PASSPHRASE", NEW_PASSPHRASE)
    code, _, err = run("--db", str(path), "rekey")  # an officer may not
    assert code == 1 and "quyền" in err
    assert count(path, "members", PASSPHRASE) == 1
    monkeypatch.setenv("RASOAT_USER", ADMIN.username)
    code, out, err = run("--db", str(path), "rekey")
    assert code == 0 and "2 tệp" in out, err
    assert rekeys_recorded(path, NEW_PASSPHRASE) == [ADMIN.username]
    assert (
        count(path, "members", NEW_PASSPHRASE) == 1
        and count(made.path, "members", NEW_PASSPHRASE) == 1
    )
    with pytest.raises(DatabaseError):
        open_database(path, passphrase=PASSPHRASE)
    monkeypatch.setenv("RASOAT_PASSPHRASE", "sai")
    assert run("--db", str(path), "rekey")[0] == 1
