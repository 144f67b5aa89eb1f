"""The review page: households under review with their steps, and the actions of the role."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from app.workflow.listing import record_opening_lists
from app.workflow.review_actions import survey
from models.database import Database
from tests.app.workflow.helpers import D, poor, save, the_round
from tests.conftest import OFFICER, REVIEWER
from tests.ui.driving import ScriptedPrompts
from ui.context import AppContext
from ui.main_window import MainWindow


def _surveyed(db: Database) -> None:
    save(db, poor("P1"), poor("P2"))
    with db.sessions.begin() as s:
        r = the_round(s)
        record_opening_lists(s, OFFICER, r, {"P1": "poor", "P2": "poor"})
        survey(s, REVIEWER, r, "P1", D("2026-09-20"))


def _page(qtbot: QtBot, app_context: AppContext, actor: object) -> MainWindow:
    app_context.actor = actor  # type: ignore[assignment]
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.review_page)
    return window


def test_the_officer_records_the_meeting_and_the_posting(
    qtbot: QtBot,
    app_context: AppContext,
    prompts: ScriptedPrompts,
    commune_db: Database,
    tmp_path: Path,
) -> None:
    _surveyed(commune_db)
    window = _page(qtbot, app_context, OFFICER)
    page = window.review_page
    assert [r.code for r in page.model.rows] == ["P1", "P2"]
    assert not page.buttons["decide"].isEnabled() and page.buttons["post"].isEnabled()
    page.on_date.setDate(QDate(2026, 10, 1))
    page.select_codes(["P1"])
    prompts.answer("Trưởng thôn Hoàng Văn Nam", "Lê Thị Thu", "40", "31")
    qtbot.mouseClick(page.buttons["meeting"], qtbot_left())
    page.on_date.setDate(QDate(2026, 10, 8))
    prompts.answer("Nhà văn hóa thôn 1")
    qtbot.mouseClick(page.buttons["post"], qtbot_left())
    row = page.model.rows[0]
    assert (row.step, row.posting_ends_on) == ("posted", D("2026-10-12"))
    assert page.model.text(row, "step") == "Đang niêm yết công khai"
    # P2 was never surveyed: the core refuses, the page shows its reason.
    page.select_codes(["P2"])
    prompts.answer("Chủ trì", "Thư ký", "10", "9")
    qtbot.mouseClick(page.buttons["meeting"], qtbot_left())
    assert prompts.asked[-1][0] == "error" and "Đã khảo sát (Phiếu B)" in prompts.asked[-1][1]
    assert page.grab().save(str(tmp_path / "review.png"))


def test_a_reviewer_sees_only_the_survey(
    qtbot: QtBot, app_context: AppContext, commune_db: Database
) -> None:
    _surveyed(commune_db)
    page = _page(qtbot, app_context, REVIEWER).review_page
    enabled = {a for a, b in page.buttons.items() if b.isEnabled()}
    assert enabled == {"survey", "history"}


def qtbot_left() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
