"""The Data menu on the real widgets (issue #6): back up now, restore and find the data back,
erase a household's personal data, the passphrase, accounts; refused roles refused by app."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import audit, backups, erasure
from app.cli import main as cli
from app.communes import only_commune
from app.households import save_household
from app.settings import Settings
from app.storage import needs_passphrase
from models import AuditEvent, Household, Member, User
from models.database import Database
from tests.builders import household, member
from tests.conftest import OFFICER, TEST_PASSWORD
from tests.dbstate import file_state
from tests.ui.driving import ScriptedPrompts, type_text
from ui import data_menu
from ui.app_root import RaSoatApp
from ui.erasure_dialog import ErasureDialog
from ui.main_window import MainWindow
from ui.restore_dialog import RestoreDialog

pytestmark = pytest.mark.gui

NAME, ID_NUMBER = "Hoàng Thị Mỹ Duyên", "066190077777"


def save(db: Database, code: str, **kw: object) -> None:
    with db.sessions.begin() as session:
        save_household(
            session,
            OFFICER,
            only_commune(session),
            household(id=code, **kw),
            allow_unconfirmed=True,
        )


def codes(db: Database) -> list[str]:
    with db.sessions() as session:
        return list(session.scalars(select(Household.code).order_by(Household.code)))


def started(path: Path, prompts: ScriptedPrompts, user: str) -> RaSoatApp:
    prompts.answer((user, TEST_PASSWORD))
    root = RaSoatApp(str(path), prompts=prompts, settings=Settings())  # type: ignore[arg-type]
    assert root.start(), prompts.asked
    return root


@pytest.fixture
def commune_file(commune_db: Database) -> Path:
    assert commune_db.path is not None
    save(commune_db, "H001")
    commune_db.dispose()
    return commune_db.path


def test_backup_now_then_restore_brings_the_data_back(qtbot: QtBot, commune_file: Path) -> None:
    prompts = ScriptedPrompts()
    root = started(commune_file, prompts, "officer1")
    try:
        window = root.window
        assert isinstance(window, MainWindow)
        window.backup_action.trigger()
        assert window.context.runner.wait()
        assert prompts.asked[-1][0] == "inform" and "Đã sao lưu và kiểm tra" in prompts.asked[-1][1]
        save(window.context.db, "H002")  # work after the backup, undone by the restore
        window.reload()

        def restore_the_manual_one(dialog: object) -> None:
            assert isinstance(dialog, RestoreDialog)
            assert window.context.runner.wait()  # the checks
            texts = [
                [dialog.table.item(r, c).text() for c in range(4)]
                for r in range(dialog.table.rowCount())
            ]
            row = next(i for i, t in enumerate(texts) if t[1] == "tạo thủ công")
            assert texts[row][3] == "Nguyên vẹn"
            dialog.table.selectRow(row)
            assert dialog.restore_button.isEnabled()
            prompts.answer(True, ("officer1", TEST_PASSWORD))  # confirm; sign in again after
            dialog.restore_button.click()

        data_menu.choose_backup(window, restore_the_manual_one)
        qtbot.waitUntil(
            lambda: root.window is not window and root.window is not None, timeout=30_000
        )
        assert root.context is not None
        assert codes(root.context.db) == ["H001"]
        informs = [text for kind, text in prompts.asked if kind == "inform"]
        assert any("Đã khôi phục" in text for text in informs), prompts.asked
        reasons = [b.reason for b in backups.list_backups(commune_file)]
        assert "restore" in reasons and "manual" in reasons
        with root.context.db.sessions() as session:
            actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert "backup.restore" in actions[-3:]
    finally:
        root.shutdown()
    out = io.StringIO()
    assert cli(["--db", str(commune_file), "audit", "verify"], out=out) == 0, out.getvalue()


def test_erasing_a_household_from_its_dialog(
    qtbot: QtBot, main_window: MainWindow, commune_db: Database
) -> None:
    assert commune_db.path is not None
    head = member(name=NAME, sex="female", id_number=ID_NUMBER, ethnicity="Tày")
    save(commune_db, "H777", members=(head,))
    main_window.reload()
    dialog = ErasureDialog(main_window.context, "H777", main_window)
    qtbot.addWidget(dialog)
    type_text(dialog.reason, "Chủ hộ yêu cầu xóa ngày 02/12/2026")
    qtbot.keyClicks(dialog.confirm_code, "H778")
    assert not dialog.erase_button.isEnabled()  # the code typed again must be the same
    dialog.confirm_code.clear()
    qtbot.keyClicks(dialog.confirm_code, "H777")
    assert dialog.erase_button.isEnabled()
    dialog.erase_button.click()
    assert main_window.context.runner.wait()
    assert dialog.erased == ["H777"]
    with commune_db.sessions() as session:
        members = session.scalars(select(Member)).all()
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert [(m.name, m.id_number) for m in members] == [(erasure.ERASED_NAME, None)]
    assert last is not None and last.action == audit.ERASE_ACTION and last.entity_key == "H777"
    for suffix in ("", "-wal"):
        part = commune_db.path.with_name(commune_db.path.name + suffix)
        if part.exists():
            assert NAME.encode() not in part.read_bytes()
    out = io.StringIO()
    assert cli(["--db", str(commune_db.path), "audit", "verify"], out=out) == 0, out.getvalue()


def test_a_reviewer_is_refused_erasure_and_restore_by_app(qtbot: QtBot, commune_file: Path) -> None:
    backups.create_backup(commune_file, None, "manual")
    before = file_state(commune_file)
    prompts = ScriptedPrompts()
    root = started(commune_file, prompts, "reviewer1")
    try:
        window = root.window
        assert isinstance(window, MainWindow)
        assert not window.erase_action.isEnabled() and not window.restore_action.isEnabled()
        dialog = ErasureDialog(window.context, "H001", window)  # as if the menu let it through
        type_text(dialog.reason, "thử")
        qtbot.keyClicks(dialog.confirm_code, "H001")
        dialog.erase_button.click()
        assert window.context.runner.wait()
        assert prompts.asked[-1][0] == "error" and "không có quyền" in prompts.asked[-1][1]
        made = backups.list_backups(commune_file)[-1]
        root.restore(str(made.path))
        assert prompts.asked[-1][0] == "error" and "không có quyền" in prompts.asked[-1][1]
        assert root.window is window  # nothing closed, nothing replaced
        assert codes(window.context.db) == ["H001"]
    finally:
        root.shutdown()
    signing_in = {"audit_events", "users", "settings"}  # the sign-in itself is recorded
    after = file_state(commune_file)
    assert [t for t in after if t[0] not in signing_in] == [
        t for t in before if t[0] not in signing_in
    ]


def test_the_administrator_encrypts_the_database_and_works_on(
    qtbot: QtBot, commune_file: Path
) -> None:
    prompts = ScriptedPrompts()
    root = started(commune_file, prompts, "admin1")
    try:
        window = root.window
        assert isinstance(window, MainWindow) and window.rekey_action.isEnabled()
        prompts.answer("Thôn Đông 2026 mưa", "Thôn Đông 2026 mưa")  # new, again (plain: no old)
        data_menu.change_passphrase(window)
        qtbot.waitUntil(
            lambda: root.window is not window and root.window is not None, timeout=30_000
        )
        assert root.context is not None and root.context.db.encrypted
        assert root.context.actor.username == "admin1"  # not asked to sign in again
        assert [k for k, _ in prompts.asked].count("sign_in") == 1
        assert needs_passphrase(commune_file)
        assert codes(root.context.db) == ["H001"]
    finally:
        root.shutdown()


def test_the_administrator_adds_an_account(qtbot: QtBot, commune_file: Path) -> None:
    from ui.users_dialog import UsersDialog

    prompts = ScriptedPrompts()
    root = started(commune_file, prompts, "admin1")
    try:
        window = root.window
        assert isinstance(window, MainWindow) and window.users_action.isEnabled()
        dialog = UsersDialog(window.context, window)  # goes with the window
        prompts.answer("canbo2", "Lê Thị Cán", "Cán bộ giảm nghèo", TEST_PASSWORD, TEST_PASSWORD)
        dialog.buttons["add"].click()
        names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        assert "canbo2" in names
        row = names.index("canbo2")
        dialog.table.selectRow(row)
        dialog.buttons["active"].click()
        assert dialog.table.item(row, 3).text() == "Đã khóa hẳn"
        from app.errors import PermissionDenied
        from app.users import sign_in

        for _ in range(5):  # officer1 locks itself out
            with pytest.raises(PermissionDenied):
                sign_in(window.context.db.sessions, "officer1", "sai")
        dialog.reload()
        row = names.index("officer1")
        assert dialog.table.item(row, 3).text() == "Tạm khóa (nhập sai mật khẩu)"
        dialog.table.selectRow(row)
        dialog.buttons["unlock"].click()
        assert dialog.table.item(row, 3).text() == "Đang dùng"
        assert sign_in(window.context.db.sessions, "officer1", TEST_PASSWORD).role == "officer"
        row = names.index("admin1")
        dialog.table.selectRow(row)
        dialog.buttons["active"].click()  # the only administrator: refused, said plainly
        assert prompts.asked[-1][0] == "error"
        with window.context.db.sessions() as session:
            user = session.scalars(select(User).where(User.username == "canbo2")).one()
        assert user.role == "officer" and not user.active
    finally:
        root.shutdown()


def test_the_data_menu_shows_what_the_role_may_not_do_greyed(main_window: MainWindow) -> None:
    texts = [a.text() for a in main_window.menu("&Dữ liệu").actions() if a.text()]
    assert "Sao lưu ngay" in texts and "Xóa dữ liệu cá nhân của hộ…" in texts
    assert main_window.backup_action.isEnabled()  # the tester is an officer
    assert not main_window.users_action.isEnabled() and not main_window.rekey_action.isEnabled()


def test_signing_out_from_the_lock_screen_asks_for_an_account_again(
    qtbot: QtBot, commune_file: Path
) -> None:
    prompts = ScriptedPrompts()
    root = started(commune_file, prompts, "officer1")
    try:
        window = root.window
        assert isinstance(window, MainWindow)
        window.lock()
        prompts.answer(("reviewer1", TEST_PASSWORD))
        window.lock_screen.sign_out_button.click()
        assert root.window is not window and root.context is not None
        assert root.context.actor.username == "reviewer1"
        assert [k for k, _ in prompts.asked].count("sign_in") == 2
    finally:
        root.shutdown()
