"""The editor's Giấy đề nghị and Phiếu A sections on the real widgets: a Mẫu 01 application typed
and recorded, Phiếu A with 3 criteria (the review goes on) and with 4 (it ends, the criteria
stored and shown), and refusals — wrong step, wrong account, closed round — shown in the core's
Vietnamese with nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from app import clock
from app.workflow.listing import record_opening_lists, register_application
from models import Application, Assessment, AssessmentStep, Household, ReviewRound, User
from models.database import Database
from tests.app.workflow.helpers import D, not_poor, poor, save, the_round
from tests.conftest import CHAIRMAN, OFFICER, REVIEWER
from tests.snapshot import db_snapshot
from tests.ui.driving import ScriptedPrompts, press, type_text
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.review_tab import ReviewTab

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def households(commune_db: Database) -> Database:
    """A1 and A2 apply below; P1 is carried on the poor list."""
    save(commune_db, poor("A1"), not_poor("A2"), poor("P1"))
    with commune_db.sessions.begin() as s:
        record_opening_lists(s, OFFICER, the_round(s), {"P1": "poor"})
    return commune_db


def applied(db: Database, *codes: str) -> None:
    with db.sessions.begin() as s:
        for code in codes:
            register_application(
                s, REVIEWER, the_round(s), code, "01", D("2026-11-16"), f"Chủ hộ {code}", "poor"
            )


def open_review(qtbot: QtBot, context: AppContext, code: str) -> tuple[MainWindow, ReviewTab]:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    page = window.list_page
    page.view.setFocus()
    page.select_code(code)
    press(page.view, Qt.Key.Key_Return)
    editor = window.editor
    assert window.stack.currentWidget() is editor and editor.form["code"] == code
    editor.tabs.setCurrentWidget(editor.review_tab)
    return window, editor.review_tab


def history(tab: ReviewTab) -> list[tuple[str, ...]]:
    table = tab.history
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def test_an_officer_types_and_records_a_mau_01_application(
    qtbot: QtBot, households: Database, app_context: AppContext
) -> None:
    window, tab = open_review(qtbot, app_context, "A1")
    section = tab.application
    assert section.registered.text() == "Chưa có giấy đề nghị nào của hộ trong đợt này."
    assert section.applicant.text().startswith("Nguyễn Văn An")  # the head, by default
    assert section.kind.value() == "01" and section.requested.isEnabled()
    section.requested.set_value("near_poor")
    section.filed_on.setDate(QDate(2026, 11, 16))
    section.reason.setFocus()
    type_text(section.reason, "Chồng ốm dài ngày, mất sức lao động")
    press(section.reason, Qt.Key.Key_Return)  # Enter moves on, to the record button...
    assert QApplication.focusWidget() is section.record
    press(section.record, Qt.Key.Key_Return)  # ...and Enter there records
    assert window.context.runner.wait()

    with households.sessions() as s:
        app = s.scalars(select(Application)).one()
        step = s.scalars(select(AssessmentStep)).one()
    assert (app.form, app.filed_on, app.requested_class) == ("01", D("2026-11-16"), "near_poor")
    assert app.reason == "Chồng ốm dài ngày, mất sức lao động"
    assert (step.action, step.to_step, step.actor) == ("list", "listed", "tester")
    assert "Bước rà soát hiện tại: Có tên trong danh sách rà soát (từ 16/11/2026)" in (
        tab.status.text()
    )
    assert section.registered.text().startswith(
        "Mẫu 01, nhận ngày 16/11/2026, người làm đơn: Nguyễn Văn An A1, đề nghị công nhận "
        "Hộ cận nghèo. Lý do: Chồng ốm dài ngày, mất sức lao động. Tình trạng: Đã tiếp nhận."
    )
    assert history(tab) == [
        (
            "16/11/2026",
            "Đưa vào danh sách rà soát",
            "Không trong diện rà soát → Có tên trong danh sách rà soát",
            "Người thử (tester)",
            "Mẫu 01, đề nghị công nhận Hộ cận nghèo",
        )
    ]
    # The list's row follows at once.
    model = window.list_page.model
    assert model.index(model.index_of_code("A1"), 5).data() == "Có tên trong danh sách rà soát"


def test_phieu_a_with_three_criteria_goes_on_and_with_four_ends_the_review(
    qtbot: QtBot, households: Database, app_context: AppContext
) -> None:
    applied(households, "A1", "A2")
    window, tab = open_review(qtbot, app_context, "A1")
    phieu = tab.phieu_a
    assert phieu.record.isEnabled() and phieu.result.text() == ""
    for no in (2, 5):
        phieu.checks[no].setFocus()
        press(phieu.checks[no], Qt.Key.Key_Space)  # ticked from the keyboard
    qtbot.mouseClick(phieu.checks[7], Qt.MouseButton.LeftButton)
    assert phieu.verdict.text() == "3 tiêu chí — dưới 4: tiếp tục rà soát (khảo sát bằng Phiếu B)"
    qtbot.mouseClick(phieu.record, Qt.MouseButton.LeftButton)
    assert window.context.runner.wait()
    assert "Bước rà soát hiện tại: Đã rà soát nhanh (Phiếu A) (từ 20/11/2026)" in (
        tab.status.text()
    )
    assert history(tab)[-1][1:3] == (
        "Rà soát nhanh (Phiếu A)",
        "Có tên trong danh sách rà soát → " + _step("screened"),
    )
    assert history(tab)[-1][4] == "Phiếu A: 3 tiêu chí (02, 05, 07)"

    editor = window.editor
    editor.request_close()
    window.list_page.select_code("A2")
    press(window.list_page.view, Qt.Key.Key_Return)
    editor.tabs.setCurrentWidget(tab)
    for no in (1, 3, 5, 8):
        phieu.checks[no].click()
    assert phieu.verdict.text() == "4 tiêu chí — 4 tiêu chí trở lên: không tiếp tục rà soát"
    phieu.on.setDate(QDate(2026, 11, 18))
    qtbot.mouseClick(phieu.record, Qt.MouseButton.LeftButton)
    assert window.context.runner.wait()

    with households.sessions() as s:
        app, step, reason = s.execute(
            select(Application, Assessment.step, Assessment.not_eligible_reason)
            .join(Household, Household.id == Application.household_id)
            .join(Assessment, Assessment.application_id == Application.id)
            .where(Household.code == "A2")
        ).one()
    assert (app.phieu_a_count, app.phieu_a_criteria, app.status) == (4, "1,3,5,8", "screened_out")
    assert step == "not_eligible"
    assert reason == "Phiếu A có 4 tiêu chí (từ 4 tiêu chí trở lên thì dừng rà soát)."
    # Shown as recorded, and no longer open to a second screening; the same after reopening.
    for shown in (tab, _reopened(window, "A2")):
        p = shown.phieu_a
        assert p.ticked() == [1, 3, 5, 8] and not p.record.isEnabled()
        assert not any(c.isEnabled() for c in p.checks.values())
        assert p.result.text() == (
            "Đã ghi ngày 18/11/2026: 4 tiêu chí (01, 03, 05, 08) — không tiếp tục rà soát."
        )
        assert "Không đủ điều kiện" in shown.status.text() and reason in shown.status.text()


def _step(step: str) -> str:
    from app.workflow.steps import step_label

    return step_label(step)


def _reopened(window: MainWindow, code: str) -> ReviewTab:
    window.editor.request_close()
    window.list_page.select_code(code)
    press(window.list_page.view, Qt.Key.Key_Return)
    return window.editor.review_tab


def test_refused_steps_show_the_core_message_and_change_nothing(
    qtbot: QtBot,
    households: Database,
    app_context: AppContext,
    prompts: ScriptedPrompts,
) -> None:
    # Wrong step: P1 is on the poor list, not an applicant: Phiếu A is not for it.
    window, tab = open_review(qtbot, app_context, "P1")
    before = db_snapshot(households)
    tab.phieu_a.checks[1].click()
    qtbot.mouseClick(tab.phieu_a.record, Qt.MouseButton.LeftButton)
    assert window.context.runner.wait()
    assert prompts.asked[-1] == (
        "error",
        "Hộ P1 không cần Phiếu A: chỉ hộ mới nộp giấy đề nghị (Mẫu 01) mới rà soát nhanh.",
    )
    assert db_snapshot(households) == before
    assert tab.phieu_a.record.isEnabled()  # nothing was lost: the ticks are still there
    assert tab.phieu_a.ticked() == [1]

    # Closed round (closed elsewhere while the window was open).
    with households.sessions.begin() as s:
        s.execute(update(ReviewRound).values(status="closed"))
    before = db_snapshot(households)
    qtbot.mouseClick(tab.application.record, Qt.MouseButton.LeftButton)
    assert window.context.runner.wait()
    assert prompts.asked[-1] == ("error", "Đợt «Rà soát định kỳ năm 2026» đã đóng.")
    assert db_snapshot(households) == before


def test_an_account_disabled_meanwhile_is_refused_by_the_core(
    qtbot: QtBot, households: Database, app_context: AppContext, prompts: ScriptedPrompts
) -> None:
    app_context.actor = REVIEWER
    window, tab = open_review(qtbot, app_context, "A1")
    assert tab.application.record.isEnabled() and tab.notice.text() == ""
    with households.sessions.begin() as s:
        s.execute(update(User).where(User.username == "reviewer1").values(active=False))
    before = db_snapshot(households)
    tab.application.requested.set_value("poor")
    qtbot.mouseClick(tab.application.record, Qt.MouseButton.LeftButton)
    assert window.context.runner.wait()
    assert prompts.asked[-1] == (
        "error",
        "Tài khoản «Rà soát viên Một» không còn hiệu lực hoặc đã đổi vai trò: hãy đăng nhập lại.",
    )
    assert db_snapshot(households) == before


def test_a_chairman_sees_why_the_sections_cannot_record(
    qtbot: QtBot, households: Database, app_context: AppContext
) -> None:
    applied(households, "A1")
    app_context.actor = CHAIRMAN
    _window, tab = open_review(qtbot, app_context, "A1")
    assert not tab.application.record.isEnabled() and not tab.phieu_a.record.isEnabled()
    assert tab.notice.text().splitlines() == [
        "Vai trò «Chủ tịch UBND xã» không có quyền: Nhận giấy đề nghị (Mẫu 01, Mẫu 04).",
        "Vai trò «Chủ tịch UBND xã» không có quyền: Rà soát Phiếu A, khảo sát Phiếu B.",
    ]
