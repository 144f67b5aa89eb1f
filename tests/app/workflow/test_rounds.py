"""Opening rounds: periodic and in-year periods, carry-over, and refusal while one is unfinished."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from app.communes import only_commune
from app.errors import RaSoatError
from app.households import save_household
from app.rounds import create_round, current_round
from models import Assessment, Household, ReviewRound
from models.database import Database
from tests.builders import ASKED, household
from tests.conftest import OFFICER
from tests.snapshot import db_snapshot


def _with_lists(db: Database) -> None:
    with db.sessions.begin() as s:
        commune = only_commune(s)
        for code, cls in (("A", "poor"), ("B", "near_poor"), ("C", "average"), ("D", None)):
            save_household(s, OFFICER, commune, household(id=code), survey=ASKED)
            hid = s.scalar(select(Household.id).where(Household.code == code))
            s.execute(
                update(Assessment).where(Assessment.household_id == hid).values(start_class=cls)
            )


def test_in_year_round_runs_15_days_from_the_15th_and_reviews_nobody_yet(
    commune_db: Database,
) -> None:
    _with_lists(commune_db)
    with commune_db.sessions.begin() as s:
        r = create_round(s, OFFICER, only_commune(s), date(2027, 1, 15), kind="in_year")
        assert (r.starts_on, r.ends_on) == (date(2027, 1, 15), date(2027, 1, 29))
        assert r.label == "Rà soát thường xuyên tháng 01/2027"
        rows = s.execute(
            select(Household.code, Assessment.start_class, Assessment.step, Assessment.basis)
            .join(Household)
            .where(Assessment.round_id == r.id)
            .order_by(Household.code)
        ).all()
        assert current_round(s, only_commune(s)).id == r.id
    # The lists carry over, average included; in-year rounds review only applicants.
    assert rows == [("A", "poor", "none", None), ("B", "near_poor", "none", None),
                    ("C", "average", "none", None)]  # fmt: skip


def test_periodic_round_lists_poor_and_near_poor_for_review(commune_db: Database) -> None:
    _with_lists(commune_db)
    with commune_db.sessions.begin() as s:
        r = create_round(s, OFFICER, only_commune(s), date(2027, 11, 15))
        assert (r.starts_on, r.ends_on) == (date(2027, 9, 1), date(2027, 12, 14))
        steps = dict(
            s.execute(
                select(Household.code, Assessment.step)
                .join(Household)
                .where(Assessment.round_id == r.id)
            ).all()
        )
        previous = s.get(ReviewRound, r.previous_round_id)
        assert previous is not None and previous.status == "closed"
    assert steps == {"A": "listed", "B": "listed", "C": "none"}


def test_a_new_round_is_refused_while_reviews_are_unfinished(
    commune_db: Database, db_path: object
) -> None:
    _with_lists(commune_db)
    with commune_db.sessions.begin() as s:
        create_round(s, OFFICER, only_commune(s), date(2027, 11, 15))
    before = db_snapshot(commune_db)
    with pytest.raises(RaSoatError) as err, commune_db.sessions.begin() as s:
        create_round(s, OFFICER, only_commune(s), date(2028, 1, 15), kind="in_year")
    assert "còn 2 hộ chưa rà soát xong" in err.value.message()
    assert db_snapshot(commune_db) == before


def test_a_listed_household_leaves_by_decision_not_by_deletion(commune_db: Database) -> None:
    from app.households import delete_household
    from app.workflow.listing import record_opening_lists

    _with_lists(commune_db)
    with commune_db.sessions.begin() as s:
        record_opening_lists(s, OFFICER, current_round(s, only_commune(s)), {"A": "poor"})
    before = db_snapshot(commune_db)
    with pytest.raises(RaSoatError) as err, commune_db.sessions.begin() as s:
        delete_household(s, OFFICER, only_commune(s), "A")
    assert "ghi «hộ chuyển đi»" in err.value.message()
    assert db_snapshot(commune_db) == before
    with commune_db.sessions.begin() as s:
        delete_household(s, OFFICER, only_commune(s), "D")  # on no list: deleted


def test_the_receiving_office_is_a_setting_of_the_administrator(commune_db: Database) -> None:
    from app.errors import PermissionDenied
    from app.workflow.decisions import receiving_office, set_receiving_office
    from tests.conftest import ADMIN

    with commune_db.sessions.begin() as s:
        assert receiving_office(s) == "UBND tỉnh"
        set_receiving_office(s, ADMIN, "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk")
    with pytest.raises(PermissionDenied), commune_db.sessions.begin() as s:
        set_receiving_office(s, OFFICER, "Khác")
    with commune_db.sessions() as s:
        assert receiving_office(s) == "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk"
