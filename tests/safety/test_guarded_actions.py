"""Backups, restores and the passphrase as an officer asks for them (app/backup_actions.py,
app/encryption.py): checked against the role in the core, recorded in the audit trail; a
refusal changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit, backups
from app.backup_actions import backup_now, restore_database
from app.communes import only_commune
from app.encryption import check_passphrase, rekey_database, secure_new_database
from app.errors import DatabaseError, PermissionDenied, RaSoatError
from app.households import save_household
from app.storage import needs_passphrase, open_database
from models import AuditEvent, Household
from models.database import Database
from tests.builders import household
from tests.conftest import ADMIN, OFFICER, REVIEWER
from tests.dbstate import file_state

PASSPHRASE = "Thôn Đông 2026 mưa"


def save(db: Database, code: str) -> None:
    with db.sessions.begin() as session:
        save_household(
            session, OFFICER, only_commune(session), household(id=code), allow_unconfirmed=True
        )


def codes(db: Database) -> list[str]:
    with db.sessions() as session:
        return list(session.scalars(select(Household.code).order_by(Household.code)))


def actions(db: Database) -> list[str]:
    with db.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_reviewer_can_neither_back_up_nor_restore(commune_db: Database) -> None:
    assert commune_db.path is not None
    made = backups.backup_database(commune_db, "close")
    save(commune_db, "H001")
    before = file_state(commune_db.path)
    with pytest.raises(PermissionDenied):
        backup_now(commune_db, REVIEWER)
    with pytest.raises(PermissionDenied):
        restore_database(commune_db, REVIEWER, made.path)
    assert file_state(commune_db.path) == before
    assert [b.reason for b in backups.list_backups(commune_db.path)] == ["close"]


def test_backup_now_then_restore_brings_the_data_back(commune_db: Database) -> None:
    assert commune_db.path is not None
    path = commune_db.path
    save(commune_db, "H001")
    made = backup_now(commune_db, OFFICER)
    assert made.reason == "manual" and actions(commune_db)[-1] == "backup.create"
    save(commune_db, "H002")
    result = restore_database(commune_db, OFFICER, made.path)
    assert result.previous is not None and result.previous.reason == "restore"
    db = open_database(path)
    try:
        assert codes(db) == ["H001"]
        assert actions(db)[-1] == "backup.restore"
        with db.sessions() as session:
            assert audit.verify(session).ok
    finally:
        db.dispose()
    kept = open_database(result.previous.path)  # the replaced file, H002 and all
    try:
        assert codes(kept) == ["H001", "H002"]
    finally:
        kept.dispose()


@pytest.mark.parametrize(
    ("passphrase", "key"),
    [
        ("ngắn 1", "encryption.passphrase_short"),
        ("1234567890123", "encryption.passphrase_weak"),
        ("aaaaaaaaaaaaaaa", "encryption.passphrase_weak"),
        ("abababab1abab", "encryption.passphrase_weak"),
    ],
)
def test_weak_passphrases_are_refused(passphrase: str, key: str) -> None:
    with pytest.raises(RaSoatError) as err:
        check_passphrase(passphrase)
    assert err.value.key == key


def test_a_good_passphrase_twice_the_same() -> None:
    check_passphrase(PASSPHRASE, PASSPHRASE)
    with pytest.raises(RaSoatError) as err:
        check_passphrase(PASSPHRASE, PASSPHRASE + " ")
    assert err.value.key == "encryption.passphrase_mismatch"


def test_only_a_new_empty_database_is_secured_at_the_first_start(
    commune_db: Database, tmp_path: Path
) -> None:
    with pytest.raises(RaSoatError) as err:
        secure_new_database(commune_db, PASSPHRASE)
    assert err.value.key == "encryption.not_new"
    fresh = secure_new_database(open_database(tmp_path / "moi.sqlite"), PASSPHRASE)
    try:
        assert fresh.encrypted and needs_passphrase(tmp_path / "moi.sqlite")
    finally:
        fresh.dispose()


def test_the_administrator_sets_then_changes_the_passphrase(commune_db: Database) -> None:
    assert commune_db.path is not None
    path = commune_db.path
    save(commune_db, "H001")
    before = file_state(path)
    with pytest.raises(PermissionDenied):
        rekey_database(commune_db, OFFICER, "", PASSPHRASE)
    with pytest.raises(DatabaseError):
        rekey_database(commune_db, ADMIN, "not the current one", PASSPHRASE)
    with pytest.raises(RaSoatError):
        rekey_database(commune_db, ADMIN, "", "yếu")
    assert not needs_passphrase(path) and file_state(path) == before
    assert rekey_database(commune_db, ADMIN, "", PASSPHRASE) >= 1  # plain → encrypted
    encrypted = open_database(path, passphrase=PASSPHRASE)
    assert codes(encrypted) == ["H001"] and actions(encrypted)[-1] == "database.rekey"
    rekey_database(encrypted, ADMIN, PASSPHRASE, "Cụm mới hơn 2027")
    with pytest.raises(DatabaseError):
        open_database(path, passphrase=PASSPHRASE)
    again = open_database(path, passphrase="Cụm mới hơn 2027")
    try:
        assert codes(again) == ["H001"]
    finally:
        again.dispose()
