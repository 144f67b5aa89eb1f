"""The inactivity lock on the real window (issue #6): input keeps it open, idle time locks it,
the data hides, unsaved editor work survives, and only the signed-in user's password opens it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from app.idle_lock import IdleLock
from tests.conftest import TEST_PASSWORD
from tests.ui.driving import press, type_text
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_time_locks_the_window_and_the_password_unlocks_it(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    clock = FakeClock()
    main_window.idle.lock = IdleLock(1, clock)  # a test-shortened timeout: one minute
    main_window.new_household()
    editor = main_window.editor
    type_text(editor.header.address, "Số 7, Thôn Đông")
    assert editor.dirty

    clock.now += 50
    press(editor.header.address, Qt.Key.Key_End)  # input: the idle time starts again
    clock.now += 50
    main_window.idle.check()
    assert not main_window.locked

    clock.now += 11
    main_window.idle.check()  # 61 s without input
    assert main_window.locked
    assert not main_window.stack.isVisible() and not main_window.menuBar().isEnabled()
    assert not main_window.backup_action.isEnabled()  # no shortcut opens anything meanwhile
    assert not any(a.isEnabled() for a in main_window.findChildren(QAction))
    assert main_window.context.drafts.all(), "the unsaved work is kept as a draft"
    screen = main_window.lock_screen
    assert "Người thử" in screen.note.text()

    type_text(screen.password, "sai mật khẩu")
    screen.unlock_button.click()
    assert main_window.locked
    assert screen.problem.text() == "Sai tên đăng nhập hoặc mật khẩu."

    type_text(screen.password, TEST_PASSWORD)
    press(screen.password, Qt.Key.Key_Return)
    assert not main_window.locked and main_window.menuBar().isEnabled()
    assert main_window.backup_action.isEnabled() and not main_window.users_action.isEnabled()
    assert main_window.stack.currentWidget() is editor
    assert editor.form.get("address") == "Số 7, Thôn Đông" and editor.dirty


def test_a_running_job_counts_as_activity(main_window: MainWindow) -> None:
    clock = FakeClock()
    main_window.idle.lock = IdleLock(1, clock)
    main_window.idle.busy = lambda: True
    clock.now += 600
    main_window.idle.check()
    assert not main_window.locked


def test_the_lock_minutes_are_a_setting(qtbot: QtBot, main_window: MainWindow) -> None:
    dialog = SettingsDialog(main_window.context, main_window)
    assert dialog.lock_after.value() == 10
    dialog.lock_after.setValue(3)
    dialog.accept()
    assert main_window.context.settings.lock_after_minutes == 3
    from app.settings import load_settings

    assert load_settings().lock_after_minutes == 3
