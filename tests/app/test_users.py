"""Accounts and roles: argon2id hashes, lock-out, and every operation checked in the core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.communes import only_commune
from app.errors import PermissionDenied, RaSoatError
from app.exchange.importing import import_file
from app.households import delete_household, save_household
from app.permissions import require
from app.users import create_user, set_active, set_role, sign_in
from models import AuditEvent, User
from models.base import utcnow
from models.database import Database
from tests.builders import ASKED, household
from tests.conftest import ADMIN, OFFICER, REVIEWER, TEST_PASSWORD
from tests.snapshot import db_snapshot


def test_sign_in_returns_the_account_with_its_role(db: Database) -> None:
    actor = sign_in(db.sessions, "Reviewer1 ", TEST_PASSWORD)
    assert (actor.username, actor.role, actor.label) == (
        "reviewer1",
        "reviewer",
        "Rà soát viên Một",
    )
    with db.sessions() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "reviewer1"))
    assert stored is not None and stored.startswith("$argon2id$") and TEST_PASSWORD not in stored


def test_wrong_password_and_unknown_user_say_the_same(db: Database) -> None:
    for name, password in (("reviewer1", "wrong password"), ("nobody", TEST_PASSWORD)):
        with pytest.raises(PermissionDenied) as err:
            sign_in(db.sessions, name, password)
        assert err.value.message() == "Sai tên đăng nhập hoặc mật khẩu."


def test_repeated_failures_lock_the_account_for_a_while(db: Database) -> None:
    now = utcnow()
    for _ in range(4):
        with pytest.raises(PermissionDenied):
            sign_in(db.sessions, "reviewer1", "wrong password", now)
    with pytest.raises(PermissionDenied) as err:
        sign_in(db.sessions, "reviewer1", "wrong password", now)
    assert "tạm khóa" in err.value.message()
    # Locked: even the right password is refused until the lock-out ends (15 minutes).
    with pytest.raises(PermissionDenied) as err:
        sign_in(db.sessions, "reviewer1", TEST_PASSWORD, now + timedelta(minutes=14))
    assert err.value.key == "auth.locked"
    assert sign_in(db.sessions, "reviewer1", TEST_PASSWORD, now + timedelta(minutes=16))
    with db.sessions() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_key == "reviewer1")
        ).all()
    assert actions[-7:] == ["auth.failed"] * 5 + ["auth.locked", "auth.sign_in"]


def test_a_reviewer_cannot_import_or_delete_and_nothing_changes(
    commune_db: Database, tmp_path: Path
) -> None:
    with commune_db.sessions.begin() as s:
        save_household(
            s, REVIEWER, only_commune(s), household(id="H1"), survey=ASKED
        )  # reviewers enter data
    before = db_snapshot(commune_db)
    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(PermissionDenied) as err, commune_db.sessions.begin() as s:
        delete_household(s, REVIEWER, only_commune(s), "H1")
    assert (
        err.value.message() == "Tài khoản «Rà soát viên Một» (Rà soát viên) không có quyền: Xóa hộ."
    )
    with pytest.raises(PermissionDenied), commune_db.sessions.begin() as s:
        import_file(s, REVIEWER, path)
    assert db_snapshot(commune_db) == before


def test_forged_disabled_or_demoted_actors_are_refused(commune_db: Database) -> None:
    from app.actor import Actor

    forged = Actor("someone", "officer")
    with pytest.raises(PermissionDenied) as err, commune_db.sessions.begin() as s:
        require(s, forged, "household.edit")
    assert err.value.key == "auth.account_invalid"
    with commune_db.sessions.begin() as s:
        set_role(s, ADMIN, "officer1", "reviewer")
    with pytest.raises(PermissionDenied), commune_db.sessions.begin() as s:
        require(s, OFFICER, "household.edit")  # OFFICER still claims "officer"
    with commune_db.sessions.begin() as s:
        set_active(s, ADMIN, "reviewer1", False)
    with pytest.raises(PermissionDenied) as err:
        sign_in(commune_db.sessions, "reviewer1", TEST_PASSWORD)
    assert err.value.key == "auth.inactive"


def test_account_rules(db: Database) -> None:
    with pytest.raises(RaSoatError) as err, db.sessions.begin() as s:
        create_user(s, ADMIN, "new", "short", "reviewer")
    assert "ít nhất 8 ký tự" in err.value.message()
    with pytest.raises(RaSoatError) as err, db.sessions.begin() as s:
        create_user(s, ADMIN, "Nguyễn", TEST_PASSWORD, "reviewer")
    assert err.value.key == "auth.bad_username"
    with pytest.raises(RaSoatError) as err, db.sessions.begin() as s:
        set_active(s, ADMIN, "admin1", False)
    assert err.value.key == "auth.last_administrator"
    with pytest.raises(PermissionDenied), db.sessions.begin() as s:
        create_user(s, OFFICER, "new", TEST_PASSWORD, "chairman")  # only administrators
