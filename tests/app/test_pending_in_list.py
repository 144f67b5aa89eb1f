"""Households listed but not surveyed yet: rows of the household list (found, filtered, counted on
SQLite and PostgreSQL), opened as a form from what their list said, and surveyed into households."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.communes import only_commune
from app.errors import InvalidData
from app.household_editing import PENDING, open_pending, save_form
from app.household_form import form_from_document, form_from_facts, read_form
from app.household_list import SURVEY_PENDING, ListFilter, filter_rows, load_rows, sort_rows
from app.households import save_household
from app.pending_households import pending_list
from app.rounds import current_round
from models import Assessment, Household
from models.database import Database
from tests.builders import ASKED, household, member
from tests.conftest import OFFICER, REVIEWER
from tests.pending_builders import add_pending_households
from tests.snapshot import db_snapshot


def _rows(db: Database) -> list:
    with db.sessions() as session:
        commune = only_commune(session)
        return load_rows(session.connection(), commune.id, current_round(session, commune).id)


def test_pending_households_are_rows_of_the_list(any_commune_db: Database) -> None:
    db = any_commune_db
    with db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(id="H1"), survey=ASKED)
    add_pending_households(db, [("DS-02", "Y Bhim Niê", "poor")])
    add_pending_households(db, [("DS-01", "H'Hen Byă", None)], declared=None)
    rows = _rows(db)
    assert [(r.code, r.pending) for r in rows] == [("H1", False), ("DS-01", True), ("DS-02", True)]
    one, two = rows[1], rows[2]
    assert (one.household_id, one.cls, one.step, one.errors) == (None, None, None, 0)
    assert (one.head, one.village) == ("H'Hen Byă", "Thôn 1")
    assert (one.members, two.members) == (1, 4)  # named members, or the size the list declared
    pending = filter_rows(rows, ListFilter(step=SURVEY_PENDING))
    assert [r.code for r in pending] == ["DS-01", "DS-02"]
    assert [r.code for r in filter_rows(rows, ListFilter(text="bhim nie"))] == ["DS-02"]
    assert [r.code for r in filter_rows(rows, ListFilter(text="066084001234"))] == [
        "DS-01",
        "DS-02",
    ]
    assert [r.code for r in sort_rows(rows, "state")] == ["DS-01", "DS-02", "H1"]
    # Saved under the same code by any path, it is a household: no longer pending.
    with db.sessions.begin() as s:
        save_household(s, OFFICER, only_commune(s), household(id="DS-01"), survey=ASKED)
    assert [(r.code, r.pending) for r in _rows(db)] == [
        ("DS-01", False),
        ("H1", False),
        ("DS-02", True),
    ]


def test_a_pending_household_opens_as_the_form_of_what_its_list_said(
    commune_db: Database,
) -> None:
    add_pending_households(commune_db, [("DS-01", "Y Bhim Niê", "near_poor")])
    with commune_db.sessions() as s:
        form = open_pending(s, only_commune(s), "DS-01")
    assert form[PENDING] is True and form["version"] is None
    assert (form["code"], form["village"], form["area"]) == ("DS-01", "Thôn 1", "rural")
    assert form["declared_size"] == "4" and form["income"] == "" and form["latrine"] is None
    (head,) = form["members"]
    assert (head["name"], head["relation"], head["sex"], head["birth"]) == (
        "Y Bhim Niê", "head", "male", "02/03/1984"
    )  # fmt: skip
    assert (head["ethnicity"], head["id_number"], head["health_insurance"]) == (
        "Ê Đê", "066084001234", None
    )  # fmt: skip
    reading = read_form(form)
    assert {"members[0].health_insurance", "water_source"} <= {p.path for p in reading.problems}


def test_values_a_list_got_wrong_are_left_unanswered_not_guessed() -> None:
    form = form_from_document(
        {
            "id": "X1",
            "village": "Thôn 1",
            "area": "suburb",
            "income_per_capita_month": "1,2 triệu",
            "housing": {"floor_area_m2": 32.5, "roof_durable": "có"},
            "telecom": {"phone": True},
            "information_devices": ["tv", "fax"],
            "members": [{"name": "Lò Thị Ún", "sex": "F", "birth_date": "1962"}, "junk"],
        }
    )
    assert (form["area"], form["income"], form["floor_area"]) == ("rural", "", "32,5")
    assert (form["roof_durable"], form["phone"], form["devices"]) == (None, True, ["tv"])
    (m,) = form["members"]
    assert (m["name"], m["sex"], m["birth"], m["relation"]) == ("Lò Thị Ún", None, "1962", None)


def _surveyed(form: dict) -> dict:
    """What the survey adds to the list's form: the facts of Phiếu B and the members' answers."""
    facts = household(
        id=form["code"],
        members=(member(name="Y Bhim Niê", ethnicity="Ê Đê", id_number="066084001234"),),
    )
    done = {**form_from_facts(facts, survey=ASKED), PENDING: True, "declared_size": ""}
    done["members"][0]["birth"] = form["members"][0]["birth"]
    return done


def test_a_reviewer_completes_the_survey_and_the_household_joins_the_round_on_its_list(
    commune_db: Database,
) -> None:
    add_pending_households(commune_db, [("DS-01", "Y Bhim Niê", "near_poor")])
    with commune_db.sessions() as s:
        form = open_pending(s, only_commune(s), "DS-01")
    before = db_snapshot(commune_db)
    with pytest.raises(InvalidData), commune_db.sessions.begin() as s:
        save_form(s, REVIEWER, only_commune(s), form)  # not surveyed yet: refused
    assert db_snapshot(commune_db) == before
    with commune_db.sessions.begin() as s:
        result = save_form(s, REVIEWER, only_commune(s), _surveyed(form))
    assert result.created and result.code == "DS-01"
    with commune_db.sessions() as s:
        assert pending_list(s, only_commune(s)) == []
        start, step = s.execute(
            select(Assessment.start_class, Assessment.step)
            .join(Household)
            .where(Household.code == "DS-01")
        ).one()
    assert (start, step) == ("near_poor", "listed")
    assert [(r.code, r.pending) for r in _rows(commune_db)] == [("DS-01", False)]
