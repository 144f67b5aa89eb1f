"""Farm households of average living standard: their own path and periods (5 working days of
posting, re-check within 3), and a forged decision row caught by `rasoat audit verify`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.workflow.decisions import decide, final_list
from app.workflow.listing import register_application
from app.workflow.postings import complain, post, recheck
from app.workflow.review_actions import survey
from app.workflow.steps import StepsRefused
from models.database import Database
from tests.app.workflow.helpers import D, average_farm, save, the_round
from tests.conftest import CHAIRMAN, OFFICER, REVIEWER


@pytest.fixture
def posted(commune_db: Database) -> Database:
    save(commune_db, average_farm("F1"))
    with commune_db.sessions.begin() as s:
        r = the_round(s)
        register_application(s, REVIEWER, r, "F1", "01", D("2026-10-01"), "Chủ hộ", "average")
        survey(s, REVIEWER, r, "F1", D("2026-10-02"))
        # Monday 5 Oct: 5 working days, to Friday 9 Oct.
        post(s, OFFICER, r, ["F1"], D("2026-10-05"))
    return commune_db


def test_average_households_post_5_days_and_recheck_within_3(posted: Database) -> None:
    with posted.sessions.begin() as s:
        r = the_round(s)
        complaint = complain(s, OFFICER, r, "F1", D("2026-10-09"), "Hàng xóm", "Thu nhập cao")
        assert complaint.recheck_due_on == D("2026-10-14")  # 3 working days after Friday
        with pytest.raises(StepsRefused) as err:
            final_list(s, OFFICER, r, ["F1"], D("2026-10-12"))
        assert "không có trong quy trình" in err.value.message()  # no final list on this path
        recheck(s, OFFICER, r, "F1", D("2026-10-13"), "Đúng hộ làm nông, thu nhập trung bình")
    # The re-check's result is posted again (5 working days, 13–19 Oct) before the decision.
    with pytest.raises(StepsRefused) as err, posted.sessions.begin() as s:
        decide(s, CHAIRMAN, the_round(s), ["F1"], D("2026-10-19"), "20/QĐ-UBND")
    assert "chỉ ghi được từ ngày 20/10/2026" in err.value.message()
    with posted.sessions.begin() as s:
        result = decide(s, CHAIRMAN, the_round(s), ["F1"], D("2026-10-20"), "20/QĐ-UBND")
    assert result.steps == {"F1": "decided"}


def test_a_forged_decision_row_is_caught_by_audit_verify(posted: Database, db_path: Path) -> None:
    with posted.sessions.begin() as s:
        decide(s, CHAIRMAN, the_round(s), ["F1"], D("2026-10-12"), "21/QĐ-UBND")
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    # Someone with the file rewrites who decided: the chain no longer checks out.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE audit_events SET actor = 'reviewer1' WHERE action = 'step.decide'")
    assert main(["--db", str(db_path), "audit", "verify"]) == 1
