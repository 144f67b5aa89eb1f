"""The officer's first day, on the real widgets (offscreen): create the commune, type a household
of three members, watch an error come and go, confirm a warning with a reason, save, find the
household again without diacritics, and see the overview change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.settings import Settings
from models import Assessment, Commune, Household, Village, WarningConfirmation
from models.database import Database
from tests.conftest import TEST_PASSWORD, TESTER
from tests.ui.driving import ScriptedPrompts, press, type_text
from ui.app_root import RaSoatApp
from ui.first_start import FirstStartDialog
from ui.household_editor import HouseholdEditor
from ui.member_roster import KEYS
from ui.startup import StartupState

pytestmark = pytest.mark.gui


def create_commune_by_typing(qtbot: QtBot, db: Database, prompts: ScriptedPrompts) -> None:
    state = StartupState(Settings(), prompts, str(db.path), db, actor=TESTER)
    dialog = FirstStartDialog(state)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.search, "ea ly")  # ASCII: the search ignores diacritics
    assert dialog.results.item(0).text().startswith("Xã Ea Ly — Tỉnh Đắk Lắk")
    press(dialog.search, Qt.Key.Key_Return)  # to the first result
    assert dialog.selected is not None and dialog.selected.code == "22237"
    type_text(dialog.village_name, "Thôn Đông")
    press(dialog.village_name, Qt.Key.Key_Return)
    type_text(dialog.village_name, "Tổ dân phố 5")
    dialog.village_area.setCurrentIndex(1)  # urban
    dialog.create_button.click()  # the typed, not yet added village is added too
    assert dialog.result() == dialog.DialogCode.Accepted, prompts.asked
    with db.sessions() as session:
        commune = session.scalars(select(Commune)).one()
        villages = {v.name: v.area for v in session.scalars(select(Village))}
    assert commune.code == "22237"
    assert villages == {"Thôn Đông": "rural", "Tổ dân phố 5": "urban"}


def edit_cell(editor: HouseholdEditor, row: int, key: str, value: Any) -> None:
    """Open the cell's editor, type or pick the value, and press Enter as an officer does."""
    editor.roster.finish_editing()  # Enter opened the next cell; the test goes elsewhere
    view = editor.roster.view
    index = editor.roster.model.index(row, KEYS.index(key))
    view.setCurrentIndex(index)
    view.edit(index)
    widget = view.indexWidget(index)
    assert widget is not None, key
    if isinstance(widget, QLineEdit):
        widget.selectAll()
        type_text(widget, value)
    else:
        widget.set_value(value)  # type: ignore[attr-defined]
    press(widget, Qt.Key.Key_Return)


def fill_member(editor: HouseholdEditor, row: int, **values: Any) -> None:
    for key, value in values.items():
        edit_cell(editor, row, key, value)


def fill_phieu_b(
    qtbot: QtBot, editor: HouseholdEditor, income: str, floor_area: str, internet: bool = True
) -> None:
    """Phiếu B as typed for a household that owns the durable goods, has piped water, a septic
    latrine and a phone."""
    b = editor.phieu_b
    qtbot.keyClicks(b.income, income)
    qtbot.keyClicks(b.floor_area, floor_area)
    for combo in b.durable.values():
        combo.set_value(True)
    b.water.set_value("piped")
    b.latrine.set_value("septic")
    b.phone.set_value(True)
    b.internet.set_value(internet)


def shortcut(qtbot: QtBot, key: Qt.Key) -> None:
    """Ctrl+key where the keyboard focus is, as the officer presses it."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, Qt.KeyboardModifier.ControlModifier)


def problem_codes(editor: HouseholdEditor) -> list[tuple[str, str, str]]:
    editor.check_now()
    return editor.problems.items()


def test_first_day(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    prompts = ScriptedPrompts()
    create_commune_by_typing(qtbot, db, prompts)

    root = RaSoatApp(str(db.path), prompts=prompts, settings=Settings())
    prompts.answer(("tester", "sai mật khẩu"), (" tester ", TEST_PASSWORD))  # a typo first
    assert root.start()
    assert prompts.asked[-1][1] == "Sai tên đăng nhập hoặc mật khẩu."
    window = root.window
    assert window is not None
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.overview_page.refresh()
    assert window.overview_page.overview is not None
    assert window.overview_page.overview.classes.total == 0

    window.list_page.view.setFocus()
    shortcut(qtbot, Qt.Key.Key_N)
    editor = window.editor
    assert window.stack.currentWidget() is editor
    assert editor.form["code"] == "H0001"

    # The head: typed in Vietnamese, an impossible birth date first.
    fill_member(
        editor,
        0,
        name="Nguyễn Văn Hùng",
        sex="male",
        birth="31/02/1984",
        ethnicity="Kinh",
        id_number="066090001234",  # digits 5-6 say 1990: a warning to confirm
        health_insurance=True,
        employment="self_employed",
        education="primary",
    )
    assert ("date_typed", "members[0].birth_date", "error") in problem_codes(editor)
    edit_cell(editor, 0, "birth", "02/03/1984")
    codes = problem_codes(editor)
    assert not [c for c in codes if c[1] == "members[0].birth_date"]
    assert ("id_number_birth_year", "members[0].id_number", "warning") in codes

    # Two more members, added with Ctrl+N.
    shortcut(qtbot, Qt.Key.Key_N)
    fill_member(
        editor,
        1,
        name="Trần Thị Lụa",
        sex="female",
        birth="1986",
        relation="spouse",
        health_insurance=False,
        employment="unemployed",
        education="lower_secondary",
    )
    shortcut(qtbot, Qt.Key.Key_N)
    fill_member(
        editor,
        2,
        name="Nguyễn Thị Ánh",
        sex="female",
        birth="15/06/2018",
        relation="child",
        health_insurance=True,
        education="none",
        in_school=True,
        school_level_appropriate=True,
        malnourished=False,
    )
    assert len(editor.form["members"]) == 3

    # Phiếu B.
    fill_phieu_b(qtbot, editor, "1.200.000", "30")
    b = editor.phieu_b
    b.devices["tv"].setChecked(True)
    codes = problem_codes(editor)
    assert [c for c in codes if c[2] == "error"] == []
    # A near-poor household: its causes of poverty are asked, and the needs.
    assert ("survey_causes_missing", "survey.causes", "warning") in codes
    b.survey.causes["no_capital"].setChecked(True)
    b.survey.causes["no_labour"].setChecked(True)
    b.survey.main_cause.set_value("no_labour")
    b.survey.needs["credit"].setChecked(True)
    assert not [c for c in problem_codes(editor) if c[0] == "survey_causes_missing"]

    # Saving with an unconfirmed warning is refused; confirm it with a reason.
    shortcut(qtbot, Qt.Key.Key_S)
    assert prompts.asked[-1][0] == "error"
    with db.sessions() as session:
        assert session.scalar(select(Household.id)) is None
    panel = editor.problems
    row = next(
        i
        for i in range(panel.list.count())
        if (panel.list.item(i).data(Qt.ItemDataRole.UserRole) or ("",))[0] == "id_number_birth_year"
    )
    panel.list.setCurrentRow(row)
    prompts.answer("Số CCCD đúng theo thẻ, năm sinh trên thẻ cũ ghi sai")
    panel.confirm.click()
    assert ("id_number_birth_year", "members[0].id_number", "confirmed") in problem_codes(editor)
    assert editor.result.cls.text() == "Hộ cận nghèo"  # 1.2M rural; no work, no card: 2

    shortcut(qtbot, Qt.Key.Key_S)
    assert window.context.runner.wait()
    with db.sessions() as session:
        household = session.scalars(select(Household)).one()
        assert [m.name for m in household.members] == [
            "Nguyễn Văn Hùng",
            "Trần Thị Lụa",
            "Nguyễn Thị Ánh",
        ]
        confirmation = session.scalars(select(WarningConfirmation)).one()
        assessment = session.scalars(select(Assessment)).one()
    assert (assessment.causes, assessment.main_cause, assessment.support_needs) == (
        "no_capital,no_labour",
        "no_labour",
        "credit",
    )
    assert confirmation.reason.startswith("Số CCCD đúng theo thẻ")
    assert editor.form["version"] == 1 and not editor.dirty

    # Back to the list (Esc) and find the household without diacritics.
    press(editor, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.tabs
    window.list_page.search.clear()
    qtbot.keyClicks(window.list_page.search, "nguyen van hung")
    rows = window.list_page.model.rows
    assert [(r.code, r.head, r.members) for r in rows] == [("H0001", "Nguyễn Văn Hùng", 3)]
    assert rows[0].cls == "near_poor"

    window.show_overview()
    overview = window.overview_page.overview
    assert overview is not None
    assert overview.classes.total == 1 and overview.classes.count("near_poor") == 1
    assert window.overview_page.cards["near_poor"].count.text() == "1"
    root.shutdown()
