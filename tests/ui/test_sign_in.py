"""Sign-in before any data shows (issues #4, #6): the first start creates the administrator and
encrypts the new database; later starts ask the passphrase, then a password; repeated failures
lock the account and the dialog says so."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.actor import Actor
from app.communes import VillageSpec, create_commune
from app.settings import Settings
from app.storage import needs_passphrase, open_database
from app.users import has_users
from models import Commune, User
from models.database import Database
from tests.conftest import REFERENCE_DATE, TEST_PASSWORD
from tests.ui.driving import ScriptedPrompts, press, type_text
from ui.account_setup import AdministratorDialog, AdminSetup, Passphrase
from ui.app_root import RaSoatApp
from ui.first_start import FirstStartDialog
from ui.startup import CommuneStep, Next, SignInStep, StartupState

pytestmark = pytest.mark.gui

PASSPHRASE = "Thôn Đông 2026 mưa"
ADMIN = AdminSetup("quantri", "Nguyễn Văn Quản", TEST_PASSWORD, PASSPHRASE)


def first_start_creates_commune(qtbot: QtBot, path: Path, prompts: ScriptedPrompts) -> Database:
    """The first-start dialog on a new file: commune, one village, then the administrator and
    the passphrase; returns the (reopened, encrypted) database."""
    state = StartupState(Settings(), prompts, str(path), open_database(path))
    assert SignInStep().run(state) is Next.CONTINUE and state.actor is None
    dialog = FirstStartDialog(state)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.search, "ea ly")
    press(dialog.search, Qt.Key.Key_Return)
    type_text(dialog.village_name, "Thôn Đông")
    prompts.answer(ADMIN)
    dialog.create_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted, prompts.asked
    assert state.actor == Actor("quantri", "administrator", "Nguyễn Văn Quản")
    assert state.db is not None and state.db.encrypted
    return state.db


def test_first_start_makes_an_encrypted_database_with_its_administrator(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "xa.sqlite"
    prompts = ScriptedPrompts()
    db = first_start_creates_commune(qtbot, path, prompts)
    with db.sessions() as session:
        assert session.scalars(select(Commune.code)).all() == ["22237"]
        assert session.scalars(select(User.username)).all() == ["quantri"]
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    assert needs_passphrase(path)
    for part in path.parent.rglob("*.sqlite*"):  # the file and its backups
        data = part.read_bytes()
        assert "Thôn Đông".encode() not in data and b"quantri" not in data, part
    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command is not installed (.ci/apt.d/safety.txt installs it)")
    done = subprocess.run(
        ["sqlite3", str(path), "SELECT name FROM villages; SELECT username FROM users;"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "not a database" in done.stderr and "Thôn Đông" not in done.stdout


def test_the_next_start_asks_the_passphrase_then_a_password(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    first_start_creates_commune(qtbot, path, ScriptedPrompts()).dispose()
    prompts = ScriptedPrompts()
    prompts.answer(PASSPHRASE, ("quantri", "sai-mat-khau"), ("QuanTri ", TEST_PASSWORD))
    root = RaSoatApp(str(path), prompts=prompts, settings=Settings())  # type: ignore[arg-type]
    assert root.start()
    try:
        kinds = [kind for kind, _ in prompts.asked]
        assert kinds == ["ask_secret", "sign_in", "sign_in"]
        assert prompts.asked[2][1] == "Sai tên đăng nhập hoặc mật khẩu."
        assert root.context is not None
        assert root.context.actor.username == "quantri" and root.context.db.encrypted
    finally:
        root.shutdown()


def test_repeated_wrong_passwords_lock_the_account_and_say_so(
    qtbot: QtBot, commune_db: Database
) -> None:
    assert commune_db.path is not None
    path = commune_db.path
    commune_db.dispose()
    prompts = ScriptedPrompts()
    prompts.answer(*[("officer1", f"sai-{n}") for n in range(5)], ("officer1", TEST_PASSWORD))
    root = RaSoatApp(str(path), prompts=prompts, settings=Settings())  # type: ignore[arg-type]
    assert not root.start()  # the last answer is used up: the officer gives up
    messages = [text for kind, text in prompts.asked if kind == "sign_in"]
    assert messages[1:5] == ["Sai tên đăng nhập hoặc mật khẩu."] * 4
    assert messages[5].startswith("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần")
    # The right password while locked: still refused, with the same plain reason.
    assert messages[6].startswith("Tài khoản tạm khóa")
    assert root.context is None


def test_data_without_accounts_gets_its_administrator_before_anything_shows(
    tmp_path: Path,
) -> None:
    """A database made before accounts (an older RaSoat): no one is let in unsigned."""
    db = open_database(tmp_path / "cu.sqlite")
    with db.sessions.begin() as session:
        create_commune(
            session,
            Actor("old", "officer"),
            "22237",
            [VillageSpec("Thôn 1", "rural")],
            REFERENCE_DATE,
        )
    prompts = ScriptedPrompts()
    state = StartupState(Settings(), prompts, str(db.path), db)  # type: ignore[arg-type]
    try:
        assert SignInStep().run(state) is Next.ABORT  # no answer: nothing opens
        assert prompts.asked == [("create_administrator", "Passphrase.NONE")]
        prompts.answer(AdminSetup("quantri", "", TEST_PASSWORD))
        assert SignInStep().run(state) is Next.CONTINUE
        assert state.actor is not None and state.actor.role == "administrator"
        with db.sessions() as session:
            assert has_users(session)
    finally:
        db.dispose()


def test_the_demo_gets_its_accounts_and_the_officer_works_on(tmp_path: Path) -> None:
    db = open_database(tmp_path / "demo.sqlite")
    prompts = ScriptedPrompts()
    prompts.answer(AdminSetup("quantri", "", TEST_PASSWORD, None))  # no passphrase: plain
    state = StartupState(Settings(), prompts, str(db.path), db, demo_households=12)  # type: ignore[arg-type]
    try:
        assert CommuneStep().run(state) is Next.CONTINUE
        assert state.actor is not None and state.actor.username == "canbo"
        with state.db.sessions() as session:  # type: ignore[union-attr]
            names = set(session.scalars(select(User.username)))
        assert names == {"quantri", "canbo", "rasoatvien", "chutich"}
        assert prompts.asked[-1][0] == "inform" and "canbo" in prompts.asked[-1][1]
    finally:
        state.close_database()


@pytest.mark.parametrize(
    ("password", "again", "passphrase", "again2", "problem"),
    [
        ("mk-du-dai", "mk-khac-nhe", PASSPHRASE, PASSPHRASE, "Hai lần nhập mật khẩu không giống"),
        ("ngan", "ngan", PASSPHRASE, PASSPHRASE, "ít nhất 8 ký tự"),
        (TEST_PASSWORD, TEST_PASSWORD, "", "", "ít nhất 10 ký tự"),
        (TEST_PASSWORD, TEST_PASSWORD, "aaaaaaaaaaaa", "aaaaaaaaaaaa", "quá dễ đoán"),
        (TEST_PASSWORD, TEST_PASSWORD, PASSPHRASE, PASSPHRASE + "x", "không giống nhau"),
    ],
)
def test_the_administrator_dialog_refuses_what_breaks_the_rules(
    qtbot: QtBot, password: str, again: str, passphrase: str, again2: str, problem: str
) -> None:
    dialog = AdministratorDialog("vi", Passphrase.REQUIRED)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.display_name, "Nguyễn Văn Quản")
    for field, text in (
        (dialog.password, password),
        (dialog.password_again, again),
        (dialog.passphrase, passphrase),
        (dialog.passphrase_again, again2),
    ):
        type_text(field, text)
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.setup is None
    assert problem in dialog.problem.text()


def test_the_administrator_dialog_accepts_good_values(qtbot: QtBot) -> None:
    dialog = AdministratorDialog("vi", Passphrase.REQUIRED)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.display_name, "Nguyễn Văn Quản")
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "QuanTri")
    for field in (dialog.password, dialog.password_again):
        type_text(field, TEST_PASSWORD)
    for field in (dialog.passphrase, dialog.passphrase_again):
        type_text(field, PASSPHRASE)
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.setup == AdminSetup("quantri", "Nguyễn Văn Quản", TEST_PASSWORD, PASSPHRASE)
    assert TEST_PASSWORD not in repr(dialog.setup)


def test_after_the_first_start_the_administrator_is_told_where_working_accounts_come_from(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole startup on a new file, the first-start dialog driven as the officer would."""

    def fill_and_create(dialog: FirstStartDialog) -> int:
        qtbot.keyClicks(dialog.search, "ea ly")
        press(dialog.search, Qt.Key.Key_Return)
        type_text(dialog.village_name, "Thôn Đông")
        dialog.create_button.click()
        return int(dialog.result() == dialog.DialogCode.Accepted)

    monkeypatch.setattr(FirstStartDialog, "exec", fill_and_create)
    prompts = ScriptedPrompts()
    prompts.answer(ADMIN)
    root = RaSoatApp(str(tmp_path / "xa.sqlite"), prompts=prompts, settings=Settings())  # type: ignore[arg-type]
    assert root.start(), prompts.asked
    try:
        assert root.context is not None and root.context.db.encrypted
        assert root.context.actor.role == "administrator"
        informs = [text for kind, text in prompts.asked if kind == "inform"]
        assert any("Tài khoản người dùng" in text for text in informs)
    finally:
        root.shutdown()
