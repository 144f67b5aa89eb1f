"""The household list's rows, search and sorting, and the overview's counts, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.communes import only_commune
from app.errors import RaSoatError
from app.household_editing import check_form, new_household_form, save_form, suggest_code
from app.household_form import form_from_facts
from app.household_list import ListFilter, filter_rows, load_row, load_rows, sort_rows
from app.households import save_household
from app.overview import commune_overview
from app.rounds import current_round
from models import Household
from models.database import Database
from tests.builders import ASKED, household, member
from tests.conftest import OFFICER


def _save(db: Database, **kw: object) -> None:
    with db.sessions.begin() as session:
        save_household(session, OFFICER, only_commune(session), household(**kw), survey=ASKED)


def _rows(db: Database) -> list:
    with db.sessions() as session:
        commune = only_commune(session)
        return load_rows(session.connection(), commune.id, current_round(session, commune).id)


def test_rows_carry_head_members_class_and_checks(commune_db: Database) -> None:
    _save(commune_db, id="H2", members=(member(name="Nguyễn Văn Hùng", id_number="066086001234"),))
    _save(
        commune_db,
        id="H10",
        village="Khu phố Chợ",
        area="urban",
        members=(
            member(name="Trần Thị Bình", sex="female", relation="spouse", age=38),
            member(name="Lê Văn Đức"),
        ),
        income_per_capita_month=5_000_000,
    )
    rows = _rows(commune_db)
    assert [(r.code, r.head, r.village, r.members, r.cls) for r in rows] == [
        ("H10", "Lê Văn Đức", "Khu phố Chợ", 2, "not_poor"),
        ("H2", "Nguyễn Văn Hùng", "Thôn 1", 1, "near_poor"),
    ]
    assert [r.code for r in sort_rows(rows, "code")] == ["H2", "H10"]  # numbers as numbers
    assert [r.code for r in sort_rows(rows, "head")] == ["H10", "H2"]
    assert [r.code for r in sort_rows(rows, "members", descending=True)] == ["H10", "H2"]
    assert [r.code for r in sort_rows(rows, "class")] == ["H2", "H10"]


def test_search_ignores_accents_and_case_and_finds_id_numbers(commune_db: Database) -> None:
    _save(commune_db, id="H1", members=(member(name="Nguyễn Văn Hùng", id_number="066086001234"),))
    _save(commune_db, id="H2", members=(member(name="Nguyễn Văn Hưng"),))
    rows = _rows(commune_db)

    def found(text: str, **kw: object) -> list[str]:
        return [r.code for r in filter_rows(rows, ListFilter(text=text, **kw))]  # type: ignore[arg-type]

    assert found("nguyen van hung") == ["H1", "H2"]  # "Hưng" folds to "hung" too
    assert found("NGUYỄN   VĂN HÙNG") == ["H1", "H2"]
    assert found("hung 0660860") == ["H1"]
    assert found("h2") == ["H2"]
    assert found("trần") == []
    assert found("", cls="near_poor") == ["H1", "H2"]
    assert found("", cls="none") == []
    assert found("", errors_only=True) == []


def test_a_narrower_filter_is_recognised() -> None:
    assert ListFilter("nguyen v").narrows(ListFilter("nguyen"))
    assert ListFilter("nguyen va").narrows(ListFilter("nguyen v"))
    assert not ListFilter("nguyen").narrows(ListFilter("nguyen v"))
    assert not ListFilter("nguyen", cls="poor").narrows(ListFilter("nguyen"))
    assert ListFilter("a", errors_only=True).narrows(ListFilter("a"))
    assert not ListFilter("a").narrows(ListFilter("a", errors_only=True))


def test_one_row_reloads_after_a_save(commune_db: Database) -> None:
    _save(commune_db, id="H1")
    with commune_db.sessions() as session:
        commune = only_commune(session)
        hid = session.scalar(select(Household.id))
        assert hid is not None
        row = load_row(session.connection(), commune.id, current_round(session, commune).id, hid)
    assert row is not None and row.code == "H1" and row.members == 2


def test_overview_counts_classes_villages_deprivations_and_progress(commune_db: Database) -> None:
    _save(commune_db, id="H1")  # near-poor, deprived in nothing
    _save(commune_db, id="H2", latrine="none", water_source="surface_water", floor_area_m2=10)
    _save(
        commune_db, id="H3", village="Khu phố Chợ", area="urban", income_per_capita_month=9_000_000
    )
    with commune_db.sessions() as session:
        overview = commune_overview(session)
    assert overview is not None
    assert overview.classes.counts == {"near_poor": 1, "poor": 1, "not_poor": 1}
    assert overview.classes.rate("poor") == pytest.approx(1 / 3)
    villages = {v.village: v.classes.counts for v in overview.villages}
    assert villages == {"Thôn 1": {"near_poor": 1, "poor": 1}, "Khu phố Chợ": {"not_poor": 1}}
    shares = {d.indicator: (d.households, round(d.share, 3)) for d in overview.deprivations}
    assert shares["latrine"] == (1, 0.333)
    assert shares["housing_area"] == (1, 0.333)
    assert shares["employment"] == (0, 0.0)
    assert overview.progress.households == 3 and overview.progress.classified == 3
    assert overview.progress.with_errors == 0


def test_new_household_form_suggests_the_next_code(commune_db: Database) -> None:
    _save(commune_db, id="HD000041")
    with commune_db.sessions() as session:
        commune = only_commune(session)
        assert suggest_code(session, commune) == "HD000042"
        form = new_household_form(session, commune, "Khu phố Chợ")
    assert (form["code"], form["village"], form["area"]) == ("HD000042", "Khu phố Chợ", "urban")


def test_saving_a_new_form_never_overwrites_an_existing_household(commune_db: Database) -> None:
    _save(commune_db, id="H1")
    form = form_from_facts(household(id="H1", income_per_capita_month=9))
    with commune_db.sessions.begin() as session, pytest.raises(RaSoatError) as caught:
        save_form(session, OFFICER, only_commune(session), form)
    assert caught.value.key == "household.code_taken"
    with commune_db.sessions() as session:
        stored = session.scalars(select(Household)).one()
        assert stored.income_per_capita_month == 1_000_000 and stored.version == 1


def test_check_form_gives_no_class_while_the_form_cannot_be_read(commune_db: Database) -> None:
    form = form_from_facts(household())
    with commune_db.sessions() as session:
        commune = only_commune(session)
        assert check_form(session, commune, form).classification is not None
        form["floor_area"] = "rộng"
        check = check_form(session, commune, form)
    assert check.classification is None
    assert [p.code for p in check.errors] == ["number_typed"]
