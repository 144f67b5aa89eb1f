"""Households listed but not surveyed yet, in the household list: shown with their own state,
filtered as "chưa khảo sát", found by a name typed without diacritics, opened in the editor from
what their list said, and surveyed into households of the register."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.communes import only_commune
from app.households import save_household
from app.pending_households import pending_list
from models import Assessment, Household
from models.database import Database
from tests.builders import ASKED, household
from tests.conftest import OFFICER
from tests.pending_builders import add_pending_households
from tests.ui.driving import press, type_text
from tests.ui.test_journey import fill_member, fill_phieu_b, shortcut
from ui.context import AppContext
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def listed(commune_db: Database) -> Database:
    with commune_db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(id="H1"), survey=ASKED)
    add_pending_households(
        commune_db, [("DS-01", "Y Bhim Niê", "near_poor"), ("DS-02", "H'Hen Byă", "poor")]
    )
    return commune_db


def _window(qtbot: QtBot, app_context: AppContext) -> MainWindow:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_a_pending_household_is_found_in_the_list_and_surveyed(
    qtbot: QtBot, listed: Database, app_context: AppContext
) -> None:
    window = _window(qtbot, app_context)
    page, model = window.list_page, window.list_page.model
    assert sorted(r.code for r in model.rows) == ["DS-01", "DS-02", "H1"]
    row = model.index_of_code("DS-01")
    assert row is not None
    step = model.index(row, 5).data()
    state = model.index(row, 6)
    assert step == "Chưa khảo sát" and state.data() == "Chưa khảo sát — có trong danh sách"
    assert state.data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(row, 0).data(Qt.ItemDataRole.FontRole).italic()

    # The step filter offers "Chưa khảo sát"; the search finds a name typed without diacritics.
    page.step.setCurrentIndex(page.step.findText("Chưa khảo sát"))
    assert [r.code for r in model.rows] == ["DS-01", "DS-02"]
    page.search.setFocus()
    type_text(page.search, "bhim nie")
    assert [r.code for r in model.rows] == ["DS-01"]
    press(page.search, Qt.Key.Key_Return)  # to the first household found
    press(page.view, Qt.Key.Key_Return)  # and open it
    editor = window.editor
    assert window.stack.currentWidget() is editor
    assert editor.title.text().startswith("Khảo sát hộ DS-01 — Y Bhim Niê")
    assert editor.header.code.isReadOnly() and editor.household_id is None
    assert editor.form["members"][0]["birth"] == "02/03/1984"

    # The survey: the head's answers and Phiếu B, then Ctrl+S.
    fill_member(editor, 0, health_insurance=True, employment="self_employed", education="primary")
    fill_phieu_b(qtbot, editor, "1.200.000", "30")
    b = editor.phieu_b
    b.devices["tv"].setChecked(True)
    b.survey.causes["no_capital"].setChecked(True)
    editor.header.declared.clear()  # the list's size was the household's 4; one is named
    editor.form["declared_size"] = ""
    editor.check_now()
    assert [p for p in editor.last_check.errors] == []  # type: ignore[union-attr]
    shortcut(qtbot, Qt.Key.Key_S)
    assert window.context.runner.wait()
    assert editor.household_id is not None and editor.form["version"] == 1

    with listed.sessions() as s:
        assert [p.code for p in pending_list(s, only_commune(s))] == ["DS-02"]
        start, step_now = s.execute(
            select(Assessment.start_class, Assessment.step)
            .join(Household)
            .where(Household.code == "DS-01")
        ).one()
    assert (start, step_now) == ("near_poor", "listed")
    # Back in the list, DS-01 is a household of the register: no longer pending.
    press(editor, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.tabs
    page.step.setCurrentIndex(0)
    page.search.clear()
    found = model.rows[model.index_of_code("DS-01")]  # type: ignore[index]
    assert (found.pending, found.household_id) == (False, editor.household_id)
    assert found.cls is not None and found.step == "listed"
    assert [r.code for r in model.rows if r.pending] == ["DS-02"]


def test_an_unfinished_survey_comes_back_as_a_draft_and_still_completes_the_entry(
    qtbot: QtBot, listed: Database, app_context: AppContext
) -> None:
    window = _window(qtbot, app_context)
    window.open_pending("DS-02")
    editor = window.editor
    editor.header.address.setFocus()
    type_text(editor.header.address, "Buôn Ea Lâm")
    editor.autosave()  # what the timer does every few seconds
    (draft,) = app_context.drafts.all()
    assert draft.key == "pending-DS-02" and draft.form["address"] == "Buôn Ea Lâm"

    # After a crash: the draft is offered at start-up and opened as app_root does.
    again = _window(qtbot, app_context)
    form = {k: v for k, v in draft.form.items() if k != "_household_id"}
    again.open_draft(draft.key, form, draft.form.get("_household_id"))
    editor = again.editor
    assert editor.header.code.isReadOnly() and editor.dirty
    assert editor.title.text().startswith("Khảo sát hộ DS-02 — H'Hen Byă")
    fill_member(editor, 0, health_insurance=True, employment="self_employed", education="primary")
    fill_phieu_b(qtbot, editor, "900.000", "20", internet=False)
    b = editor.phieu_b
    b.survey.causes["no_land"].setChecked(True)
    editor.form["declared_size"] = ""
    editor.save()
    assert again.context.runner.wait()
    with listed.sessions() as s:
        assert [p.code for p in pending_list(s, only_commune(s))] == ["DS-01"]
        address = s.scalar(select(Household.address).where(Household.code == "DS-02"))
    assert address == "Buôn Ea Lâm" and app_context.drafts.all() == []
