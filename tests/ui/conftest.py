"""GUI fixtures: the context every screen gets, with scripted prompts instead of dialogs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.drafts import DraftStore
from app.settings import Settings
from models.database import Database
from tests.conftest import TESTER
from tests.ui.driving import ScriptedPrompts
from ui.context import AppContext
from ui.jobs import JobRunner
from ui.main_window import MainWindow

GUI_OFFICER = TESTER


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def app_context(commune_db: Database, prompts: ScriptedPrompts) -> Iterator[AppContext]:
    settings = Settings()
    runner = JobRunner(commune_db, settings.language, prompts)  # type: ignore[arg-type]
    yield AppContext(
        commune_db,
        GUI_OFFICER,
        settings,
        prompts,  # type: ignore[arg-type]
        runner,
        DraftStore.for_database(commune_db.describe()),
    )
    runner.wait()


@pytest.fixture
def main_window(qtbot: QtBot, app_context: AppContext) -> MainWindow:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window
