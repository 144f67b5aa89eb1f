"""Movements between the start and end lists of a round balance, row by row, as reports 2 and 3
count them (end = start − decreases + increases)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.assessments import classify_round
from app.communes import only_commune
from app.households import save_household
from app.movements import (
    COLUMNS,
    column_label,
    movement_table,
    round_movements,
)
from app.rounds import create_round, current_round
from models import Assessment, Household, ReviewRound
from models.database import Database
from tests.builders import ASKED, household, member
from tests.conftest import OFFICER

CODES = ("P1", "P2", "P3", "P4", "N1", "N2", "N3", "X1", "X2", "X3")


def _set(session: Session, review_round: ReviewRound, code: str, **values: object) -> None:
    """Write a round's list columns directly: this file tests the counting, not the steps
    that lead to a decision (tests/app/workflow/test_periodic_round.py walks those)."""
    hid = session.scalar(select(Household.id).where(Household.code == code))
    session.execute(
        update(Assessment)
        .where(Assessment.round_id == review_round.id, Assessment.household_id == hid)
        .values(**values)
    )


@pytest.fixture
def two_rounds(commune_db: Database) -> Database:
    """Round 1 opens with lists from paper; round 2 decides changes for every kind of move."""
    with commune_db.sessions.begin() as s:
        commune = only_commune(s)
        for code in CODES:
            extra = (member(name="Lê Văn Ba", age=12, relation="child"),) if code == "P1" else ()
            village = "Khu phố Chợ" if code in ("P2", "N1") else "Thôn 1"
            area = "urban" if village == "Khu phố Chợ" else "rural"
            h = household(id=code, village=village, area=area)
            save_household(s, OFFICER, commune, h._replace(members=h.members + extra), survey=ASKED)
        first = current_round(s, commune)
        for code in CODES:
            start = {"P": "poor", "N": "near_poor"}.get(code[0])
            _set(s, first, code, start_class=start)
        _set(s, first, "P4", decided_class="none")  # escaped in round 1
    with commune_db.sessions.begin() as s:
        commune = only_commune(s)
        second = create_round(s, OFFICER, commune, date(2027, 11, 15), "VN-MPS-2022-2025")
        classify_round(s, OFFICER, commune, second)
        for code, decided, change in (
            ("P1", "poor", None),
            ("P2", "near_poor", None),
            ("P3", "none", None),
            ("N1", "poor", None),
            ("N2", "none", None),
            ("N3", "none", "left"),
            ("P4", "poor", None),  # back on the poor list: re-poor
            ("X1", "poor", None),  # never on a list: new
            ("X2", "near_poor", "moved_in"),
        ):
            _set(s, second, code, decided_class=decided, change_kind=change, step="decided")
    return commune_db


def test_carry_over_starts_from_the_previous_end(two_rounds: Database) -> None:
    with two_rounds.sessions() as s:
        second = current_round(s, only_commune(s))
        starts = {m.code: m.start for m in round_movements(s, second)}
    assert starts == {
        "P1": "poor",
        "P2": "poor",
        "P3": "poor",
        "N1": "near_poor",
        "N2": "near_poor",
        "N3": "near_poor",
        "P4": None,
        "X1": None,
        "X2": None,
        "X3": None,
    }


def test_poor_movements_balance(two_rounds: Database) -> None:
    with two_rounds.sessions() as s:
        movements = round_movements(s, current_round(s, only_commune(s)))
    table = movement_table(movements, "poor")
    total = table.total.households
    assert dict(zip(COLUMNS, total.values(), strict=True)) == {
        "start": 3,
        "to_other_list": 1,  # P2
        "escaped": 1,  # P3
        "other_out": 0,
        "from_other_list": 1,  # N1
        "returned": 1,  # P4, poor in round 1
        "new": 1,  # X1
        "other_in": 0,
        "end": 4,
    }
    assert table.balanced
    # P1 has 3 members, the others 2: persons are counted with the same identity.
    assert (table.total.members.start, table.total.members.end) == (7, 9)
    assert [r.group for r in table.rows] == ["Khu phố Chợ", "Thôn 1"]


def test_near_poor_movements_balance(two_rounds: Database) -> None:
    with two_rounds.sessions() as s:
        movements = round_movements(s, current_round(s, only_commune(s)))
    table = movement_table(movements, "near_poor", order=["Thôn 1", "Khu phố Chợ"])
    total = table.total.households
    assert dict(zip(COLUMNS, total.values(), strict=True)) == {
        "start": 3,
        "to_other_list": 1,  # N1
        "escaped": 1,  # N2
        "other_out": 1,  # N3 left the commune
        "from_other_list": 1,  # P2
        "returned": 0,
        "new": 0,
        "other_in": 1,  # X2 moved in
        "end": 2,
    }
    assert table.balanced
    assert [r.group for r in table.rows] == ["Thôn 1", "Khu phố Chợ"]


def test_next_round_starts_where_this_one_ends(two_rounds: Database) -> None:
    with two_rounds.sessions.begin() as s:
        commune = only_commune(s)
        ended = movement_table(round_movements(s, current_round(s, commune)), "poor")
        third = create_round(s, OFFICER, commune, date(2028, 11, 15), "VN-MPS-2027-2030")
        started = movement_table(round_movements(s, third), "poor")
        assert started.total.households.start == ended.total.households.end == 4
        assert started.total.households.end == 4  # nothing decided yet: lists unchanged
        listed = s.scalars(
            select(Assessment.step).where(
                Assessment.round_id == third.id, Assessment.start_class.is_not(None)
            )
        ).all()
    assert sorted(listed) == ["listed"] * 6  # 4 poor + 2 near-poor carried into review


def test_provisional_end_uses_the_review_proposal(two_rounds: Database) -> None:
    with two_rounds.sessions.begin() as s:
        commune = only_commune(s)
        third = create_round(s, OFFICER, commune, date(2028, 11, 15), "VN-MPS-2027-2030")
        _set(s, third, "X1", proposed_class="near_poor")
        decided_only = movement_table(round_movements(s, third), "poor")
        draft = movement_table(round_movements(s, third, provisional=True), "poor")
    assert decided_only.total.households.to_other_list == 0
    assert draft.total.households.to_other_list == 1 and draft.balanced


def test_labels_follow_the_observed_report_columns() -> None:
    assert column_label("poor", "returned") == "Tái nghèo"
    assert column_label("near_poor", "returned") == "Tái cận nghèo"
    assert column_label("poor", "to_other_list") == "Trở thành hộ cận nghèo"
    assert column_label("near_poor", "escaped", "en") == "Above the near-poor line"
    with pytest.raises(ValueError):
        movement_table([], "average")
