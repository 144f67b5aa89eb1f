"""The review menu: a reviewer cannot record the chairman's decision through the GUI, the
chairman can; a household's history is shown from the audit trail."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.actor import Actor
from models.database import Database
from tests.app.workflow.helpers import D, poor, save, the_round
from tests.conftest import CHAIRMAN, OFFICER, REVIEWER
from tests.snapshot import db_snapshot
from tests.ui.driving import ScriptedPrompts
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.workflow_menu import HistoryDialog, record_decision, show_history


def _to_upper_opinion(db: Database) -> None:
    from app.workflow.decisions import final_list, upper_opinion
    from app.workflow.listing import record_opening_lists
    from app.workflow.meetings import GroupVote, record_meeting
    from app.workflow.postings import post
    from app.workflow.review_actions import survey

    save(db, poor("P1"))
    with db.sessions.begin() as s:
        r = the_round(s)
        record_opening_lists(s, OFFICER, r, {"P1": "poor"})
        survey(s, REVIEWER, r, "P1", D("2026-09-20"))
        record_meeting(s, OFFICER, r, "Thôn 1", D("2026-10-01"), "Trưởng thôn", "Thư ký", 10,
                       [GroupVote("Hộ nghèo", ["P1"], 9)])  # fmt: skip
        post(s, OFFICER, r, ["P1"], D("2026-10-08"))
        final_list(s, OFFICER, r, ["P1"], D("2026-10-20"))
        upper_opinion(s, OFFICER, r, ["P1"], D("2026-10-27"), "Thống nhất")


def _window(qtbot: QtBot, app_context: AppContext, actor: Actor) -> MainWindow:
    app_context.actor = actor
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    return window


def test_a_reviewer_cannot_record_the_decision_through_the_gui(
    qtbot: QtBot, app_context: AppContext, prompts: ScriptedPrompts, commune_db: Database
) -> None:
    _to_upper_opinion(commune_db)
    window = _window(qtbot, app_context, REVIEWER)
    assert not window.decide_action.isEnabled()  # the menu follows the role…
    before = db_snapshot(commune_db)
    prompts.answer("15/QĐ-UBND", True)
    record_decision(window)  # …and the core refuses even when the menu is bypassed
    assert prompts.asked[-1] == (
        "error",
        "Tài khoản «Rà soát viên Một» (Rà soát viên) không có quyền: "
        "Ghi quyết định của Chủ tịch UBND xã.",
    )
    assert db_snapshot(commune_db) == before


def test_the_chairman_records_the_decision_and_the_history_shows_it(
    qtbot: QtBot,
    app_context: AppContext,
    prompts: ScriptedPrompts,
    commune_db: Database,
    tmp_path: Path,
) -> None:
    _to_upper_opinion(commune_db)
    window = _window(qtbot, app_context, CHAIRMAN)
    assert window.decide_action.isEnabled()
    prompts.answer("15/QĐ-UBND", True)
    window.decide_action.trigger()
    assert prompts.asked[-1] == ("inform", "Đã ghi quyết định cho 1 hộ.")
    window.show()
    window.list_page.select_household(window.list_page._id_at(0))
    show_history(window)
    dialog = window.history_dialog
    assert isinstance(dialog, HistoryDialog)
    texts = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert texts[0] == "Thêm hộ" and texts[-1] == "Ghi quyết định của Chủ tịch"
    assert dialog.table.item(len(texts) - 1, 1).text() == "Chủ tịch Một (chairman1)"
    assert dialog.grab().save(str(tmp_path / "history.png"))
