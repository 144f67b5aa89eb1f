"""The Excel import wizard on real widgets: file, mapping, preview, matches, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import PendingHousehold
from tests.excel_workbooks import household_rows_list
from tests.ui.driving import ScriptedPrompts
from ui.excel_import_wizard import ExcelImportWizard, open_excel_import
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _next(qtbot: QtBot, wizard: ExcelImportWizard) -> None:
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=20_000)
    wizard.next()


def _run(
    qtbot: QtBot, window: MainWindow, path: Path, shot: Path | None = None
) -> ExcelImportWizard:
    wizard = open_excel_import(window)
    wizard.file_page.path.setText(str(path))
    assert wizard.file_page.sheet.currentData() == "DS ho ngheo 2025"
    _next(qtbot, wizard)  # -> mapping (analysed on the writer lane)
    page = wizard.mapping_page
    qtbot.waitUntil(lambda: page.isComplete(), timeout=20_000)
    fields = {
        wizard.preview.layout.column(i).letter: combo.currentData()
        for i, combo in page.combos.items()
    }
    assert fields["B"] == "head_name" and fields["F"] == "id_number"
    assert fields["C"] == "birth_male" and fields["D"] == "birth_female"
    assert "dòng 6–7" in page.info.text()
    if shot is not None:
        wizard.grab().save(str(shot.with_name("mapping.png")))
    _next(qtbot, wizard)  # -> preview
    qtbot.waitUntil(lambda: wizard.preview_page.isComplete(), timeout=20_000)
    if shot is not None:
        wizard.grab().save(str(shot))
    return wizard


def test_wizard_imports_a_messy_list(
    qtbot: QtBot, main_window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    wizard = _run(qtbot, main_window, path, tmp_path / "preview.png")
    table = wizard.preview_page.table
    assert table.rowCount() == 5
    assert [table.item(r, 2).text() for r in range(5)][:2] == ["Y Bhim Niê", "H'Mai Êban"]
    assert table.item(0, 6).text() == "chờ khảo sát"
    lines = [
        wizard.preview_page.problems.item(i).text()
        for i in range(wizard.preview_page.problems.count())
    ]
    assert any(line.startswith("Dòng 9, cột F (Số CCCD/CMND)") for line in lines)
    assert wizard.preview_page.nextId() == -1  # no matches: Finish imports
    wizard.accept()
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=30_000)
    assert wizard.result.pending == 5
    assert any("5 hộ chờ khảo sát" in text for kind, text in prompts.asked if kind == "inform")
    with main_window.context.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PendingHousehold)) == 5


def test_wizard_asks_about_each_match(
    qtbot: QtBot, main_window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    first = _run(qtbot, main_window, path)
    first.accept()
    qtbot.waitUntil(lambda: first.result is not None, timeout=30_000)
    wizard = _run(qtbot, main_window, path)
    _next(qtbot, wizard)  # -> matches
    page = wizard.matches_page
    assert page.table.rowCount() == 5
    assert not page.isComplete()  # nothing decided yet: Finish stays disabled
    page.answer_all(True)
    assert page.isComplete()
    wizard.grab().save(str(tmp_path / "matches.png"))
    wizard.accept()
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=30_000)
    assert (wizard.result.matched, wizard.result.pending) == (5, 0)
    with main_window.context.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PendingHousehold)) == 5


def test_file_menu_opens_the_wizard(main_window: MainWindow) -> None:
    assert main_window.excel_import_action.text() == "Nhập danh sách từ Excel…"
