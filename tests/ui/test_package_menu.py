"""The package menu: an officer builds the signed package with progress, checks it, and is told
plainly when a package was changed; a reviewer's menu is disabled and the core refuses anyway."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import keys
from app.assessments import classify_round
from app.communes import only_commune
from models.database import Database
from tests.app.workflow.helpers import poor, save, the_round
from tests.conftest import OFFICER, REVIEWER
from tests.ui.driving import ScriptedPrompts
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.package_menu import check_package


@pytest.fixture
def keyed(commune_db: Database) -> Database:
    save(commune_db, poor("P1"), poor("P2"))
    with commune_db.sessions.begin() as s:
        classify_round(s, OFFICER, only_commune(s), the_round(s))
        info = keys.create_key("xa", "UBND Xã Ea Ly", "UBND Xã Ea Ly", b"mat-khau-1", key_size=2048)
        keys.assign_key(s, OFFICER, info.name)
    return commune_db


def window_as(qtbot: QtBot, app_context: AppContext, actor: object) -> MainWindow:
    app_context.actor = actor  # type: ignore[assignment]
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    return window


def test_officer_builds_and_checks_the_package(
    qtbot: QtBot, app_context: AppContext, prompts: ScriptedPrompts, keyed: Database,
    tmp_path: Path,
) -> None:  # fmt: skip
    window = window_as(qtbot, app_context, OFFICER)
    assert window.export_package_action.isEnabled()
    prompts.answer(str(tmp_path), "mat-khau-1")
    window.export_package_action.trigger()
    assert app_context.runner.wait()
    kind, text = prompts.asked[-1]
    assert kind == "inform" and "Đã tạo gói" in text and "2 nghèo" in text, text
    package = next(tmp_path.glob("*.rasoat.zip"))
    check_package(window, str(package))
    assert app_context.runner.wait()
    kind, text = prompts.asked[-1]
    assert kind == "inform" and text.startswith("Gói hợp lệ"), text
    # A changed file: the officer reads which one.
    with zipfile.ZipFile(package) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["reports/bao-cao-ra-soat.xlsx"] += b"\0"
    with zipfile.ZipFile(package, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    check_package(window, str(package))
    assert app_context.runner.wait()
    kind, text = prompts.asked[-1]
    assert kind == "error" and "Tệp đã bị thay đổi: reports/bao-cao-ra-soat.xlsx" in text


def test_wrong_passphrase_is_told_and_nothing_is_written(
    qtbot: QtBot, app_context: AppContext, prompts: ScriptedPrompts, keyed: Database,
    tmp_path: Path,
) -> None:  # fmt: skip
    window = window_as(qtbot, app_context, OFFICER)
    out = tmp_path / "out"
    out.mkdir()
    prompts.answer(str(out), "sai-mat-khau")
    window.export_package_action.trigger()
    assert app_context.runner.wait()
    assert prompts.asked[-1] == ("error", 'Sai mật khẩu của khóa "xa".')
    assert list(out.iterdir()) == []


def test_reviewer_menu_is_disabled_and_the_core_refuses(
    qtbot: QtBot, app_context: AppContext, prompts: ScriptedPrompts, keyed: Database,
    tmp_path: Path,
) -> None:  # fmt: skip
    window = window_as(qtbot, app_context, REVIEWER)
    assert not window.export_package_action.isEnabled()
    from ui.package_menu import export_package

    out = tmp_path / "out"
    out.mkdir()
    prompts.answer(str(out), "mat-khau-1")
    export_package(window)
    assert app_context.runner.wait()
    kind, text = prompts.asked[-1]
    assert kind == "error" and "không có quyền" in text
    assert list(out.iterdir()) == []
