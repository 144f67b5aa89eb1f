"""The editor's causes of poverty and support needs: ticked on Phiếu B, checked live, saved
with the household and shown again when it is reopened."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.communes import only_commune
from app.household_editing import open_household
from app.household_form import SURVEY_KEYS
from app.households import save_household
from app.survey import SurveyAnswers
from models import Assessment, Household
from models.database import Database
from tests.builders import household
from tests.conftest import OFFICER
from ui.main_window import MainWindow


def stored(db: Database) -> tuple[str, str | None, str]:
    with db.sessions() as s:
        a = s.scalars(select(Assessment)).one()
        return a.causes, a.main_cause, a.support_needs


def test_causes_and_needs_are_ticked_checked_and_saved(
    qtbot: QtBot, main_window: MainWindow, commune_db: Database, tmp_path: Path
) -> None:
    with commune_db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(), allow_unconfirmed=True)
        household_id = s.scalar(select(Household.id))
    assert household_id is not None
    main_window.open_household(household_id)
    editor = main_window.editor
    survey = editor.phieu_b.survey
    editor.check_now()
    assert ("survey_causes_missing", "survey.causes", "warning") in editor.problems.items()
    # Activating the warning brings the officer to the check boxes.
    main_window.resize(1366, 768)
    editor.focus_path("survey.causes")
    assert editor.tabs.currentIndex() == 1
    assert survey.causes["no_land"].hasFocus() or not main_window.isActiveWindow()

    survey.causes["no_land"].setChecked(True)
    survey.causes["illness"].setChecked(True)
    # Only causes ticked can be the main one.
    view = survey.main_cause.view()
    offered = [
        survey.main_cause.itemData(i)
        for i in range(1, survey.main_cause.count())
        if not view.isRowHidden(i)
    ]
    assert offered == ["no_land", "illness"]
    survey.main_cause.set_value("illness")
    survey.needs["housing"].setChecked(True)
    survey.needs["health"].setChecked(True)
    editor.check_now()
    assert not [p for p in editor.problems.items() if p[0].startswith("survey_")]
    assert editor.form["causes"] == ["no_land", "illness"]
    editor.phieu_b.grab().save(str(tmp_path / "phieu-b.png"))

    # Unticking the main cause leaves no main cause, rather than an error.
    survey.causes["illness"].setChecked(False)
    assert editor.form["main_cause"] is None
    survey.causes["illness"].setChecked(True)
    survey.main_cause.set_value("illness")

    editor.save()
    assert main_window.context.runner.wait()
    # Ticked in another order, stored in the code list's.
    assert stored(commune_db) == ("no_land,illness", "illness", "health,housing")

    main_window.open_household(household_id)
    assert survey.causes["illness"].isChecked() and not survey.causes["no_capital"].isChecked()
    assert survey.main_cause.value() == "illness"
    assert survey.needs["health"].isChecked() and survey.needs["housing"].isChecked()
    assert editor.form["version"] == 2


def test_a_draft_from_before_the_answers_keeps_those_stored(
    main_window: MainWindow, commune_db: Database
) -> None:
    answers = SurveyAnswers(("no_land",), "no_land", ("housing",))
    with commune_db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(), survey=answers)
        household_id = s.scalar(select(Household.id))
    with commune_db.sessions() as s:
        form = open_household(s, only_commune(s), household_id or 0).form
    old_draft = {k: v for k, v in form.items() if k not in SURVEY_KEYS}
    editor = main_window.editor
    editor.open_draft("draft-1", old_draft, household_id)
    survey = editor.phieu_b.survey
    assert survey.causes["no_land"].isChecked() and survey.needs["housing"].isChecked()
    survey.causes["no_capital"].setChecked(True)
    editor.save()
    assert main_window.context.runner.wait()
    assert stored(commune_db) == ("no_land,no_capital", "no_land", "housing")
