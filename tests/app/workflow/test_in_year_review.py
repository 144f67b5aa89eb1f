"""An in-year review (monthly from the 15th, 15 days): an application (Mẫu 01) and an exit
request (Mẫu 04) on top of the lists the periodic round decided, posted across Tết."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import select

from app.communes import VillageSpec, create_commune, only_commune
from app.households import save_household
from app.movements import movement_table, round_movements
from app.rounds import create_round
from app.workflow.decisions import certify, decide, final_list, upper_opinion
from app.workflow.listing import record_opening_lists, register_application
from app.workflow.meetings import GroupVote, record_meeting
from app.workflow.postings import post
from app.workflow.review_actions import screen, survey
from app.workflow.steps import StepsRefused
from models import Assessment, Household
from models.database import Database
from tests.app.workflow.helpers import D, poor, save, the_round
from tests.builders import ASKED
from tests.conftest import CHAIRMAN, OFFICER, REVIEWER
from tests.snapshot import db_snapshot


def walk(db: Database, codes: Sequence[str], day: date, decision: str) -> None:
    """Survey → meeting → posting → final list → opinion → decision, one step per day."""
    with db.sessions.begin() as s:
        r = the_round(s)
        for code in codes:
            survey(s, REVIEWER, r, code, day)
        record_meeting(s, OFFICER, r, "Thôn 1", day, "Trưởng thôn", "Thư ký", 30,
                       [GroupVote("Hộ", list(codes), 25)])  # fmt: skip
        ends = post(s, OFFICER, r, codes, day)
        end = s.scalar(
            select(Assessment.posting_ends_on).where(Assessment.posting_id == ends.document_id)
        )
        assert end is not None
        after = D(f"{end.year}-{end.month:02d}-{end.day:02d}").fromordinal(end.toordinal() + 1)
        final_list(s, OFFICER, r, codes, after)
        upper_opinion(s, OFFICER, r, codes, after, "Đồng ý")
        decide(s, CHAIRMAN, r, codes, after, decision)


@pytest.fixture
def after_2025(db: Database) -> Database:
    """The commune's 2025 periodic round, with P1 and P2 kept on the poor list by decision."""
    with db.sessions.begin() as s:
        create_commune(s, OFFICER, "22237", [VillageSpec("Thôn 1")], D("2025-11-15"),
                       "VN-MPS-2022-2025")  # fmt: skip
    save(db, poor("P1"), poor("P2"), poor("X"))
    with db.sessions.begin() as s:
        record_opening_lists(s, OFFICER, the_round(s), {"P1": "poor", "P2": "poor"})
    walk(db, ["P1", "P2"], D("2025-09-16"), "30/QĐ-UBND")
    return db


def test_an_in_year_review_across_tet(after_2025: Database) -> None:
    db = after_2025
    with db.sessions.begin() as s:
        r = create_round(s, OFFICER, only_commune(s), D("2026-02-15"), kind="in_year")
        assert (r.starts_on, r.ends_on) == (D("2026-02-15"), D("2026-03-01"))
        register_application(s, REVIEWER, r, "X", "01", D("2026-02-15"), "Chủ hộ X", "poor")
        register_application(s, REVIEWER, r, "P2", "04", D("2026-02-15"), "Chủ hộ P2")
    # P2's income rose: the survey proposes it leaves the lists.
    with db.sessions.begin() as s:
        commune = only_commune(s)
        from app.households import household_facts, load_household

        facts = household_facts(s, load_household(s, commune, "P2"))
        save_household(
            s, REVIEWER, commune, facts._replace(income_per_capita_month=3_500_000), survey=ASKED
        )
        # X is surveyed again in this round: its causes are asked anew.
        x = household_facts(s, load_household(s, commune, "X"))
        save_household(s, REVIEWER, commune, x, survey=ASKED)
    with db.sessions.begin() as s:
        r = the_round(s)
        screen(s, REVIEWER, r, "X", D("2026-02-15"), count=0)
        for code in ("X", "P2"):
            survey(s, REVIEWER, r, code, D("2026-02-15"))
        record_meeting(s, OFFICER, r, "Thôn 1", D("2026-02-15"), "Trưởng thôn", "Thư ký", 20,
                       [GroupVote("Hộ nghèo mới", ["X"], 15),
                        GroupVote("Hộ thoát nghèo", ["P2"], 18)])  # fmt: skip
        posting = post(s, OFFICER, r, ["X", "P2"], D("2026-02-15"))
        assert posting.document_id is not None
    # Posted on Sunday 15 Feb, in Tết (14–22 Feb off): 3 working days are 23, 24, 25 Feb.
    before = db_snapshot(db)
    with pytest.raises(StepsRefused) as err, db.sessions.begin() as s:
        final_list(s, OFFICER, the_round(s), ["X", "P2"], D("2026-02-25"))
    assert "niêm yết (đến hết ngày 25/02/2026); chỉ ghi được từ ngày 26/02/2026" in str(
        err.value.message()
    )
    assert db_snapshot(db) == before
    with db.sessions.begin() as s:
        r = the_round(s)
        final_list(s, OFFICER, r, ["X", "P2"], D("2026-02-26"))
        upper_opinion(s, OFFICER, r, ["X", "P2"], D("2026-02-26"), "Thống nhất")
        decide(s, CHAIRMAN, r, ["X", "P2"], D("2026-02-26"), "05/QĐ-UBND")
        certify(s, CHAIRMAN, r, ["X"], D("2026-02-27"))
        decided = dict(
            s.execute(
                select(Household.code, Assessment.decided_class)
                .join(Household)
                .where(Assessment.round_id == r.id)
            ).all()
        )
        table = movement_table(round_movements(s, r), "poor")
    assert decided == {"P1": None, "P2": "none", "X": "poor"}  # P1 not reviewed this month
    counts = table.total.households
    assert (counts.start, counts.escaped, counts.new, counts.end) == (2, 1, 1, 2)
    assert table.balanced


def test_exit_request_needs_the_household_on_a_list(after_2025: Database) -> None:
    with pytest.raises(Exception) as err, after_2025.sessions.begin() as s:
        r = create_round(s, OFFICER, only_commune(s), D("2026-01-15"), kind="in_year")
        register_application(s, REVIEWER, r, "X", "04", D("2026-01-15"), "Chủ hộ X")
    assert "không thể đề nghị thoát nghèo" in str(err.value)
