"""The editor's form: typed text is read exactly, and what cannot be read is a clear problem."""

from __future__ import annotations

import pytest

from app.household_form import (
    combine,
    form_from_facts,
    parse_amount,
    parse_area,
    parse_date,
    read_form,
)
from app.validation import Problem
from tests.builders import household, member


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/03/1984", ("1984-03-02", False)),
        ("2/3/1984", ("1984-03-02", False)),
        ("02-03-1984", ("1984-03-02", False)),
        (" 1984 ", ("1984-01-01", True)),
        ("1984-03-02", ("1984-03-02", False)),
        ("29/02/2024", ("2024-02-29", False)),
        ("29/02/2023", None),
        ("31/04/1990", None),
        ("1984/03/02", None),
        ("hai tháng ba", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: tuple[str, bool] | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("1.500.000 đ", 1_500_000),
        ("1,500,000 VND", 1_500_000),
        ("1500000", 1_500_000),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_amount(text: str, expected: int | None) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["1.5", "12,34", "abc", "-100", "1.500.00", "１２３"])
def test_parse_amount_refuses_what_is_not_a_whole_amount(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_area_accepts_a_vietnamese_decimal_comma() -> None:
    assert parse_area("24,5") == 24.5
    assert parse_area("36 m²") == 36.0
    assert parse_area("") is None
    with pytest.raises(ValueError):
        parse_area("ba mươi")


def test_a_stored_household_reads_back_to_the_same_facts() -> None:
    facts = household(
        members=(
            member(),
            member(
                name="Trần Thị Bình",
                sex="female",
                relation="spouse",
                birth_date="1960-01-01",
                birth_year_only=True,
            ),
        ),
        floor_area_m2=24.5,
    )
    form = form_from_facts(facts, declared_size=2, version=3)
    assert form["members"][1]["birth"] == "1960"
    assert form["floor_area"] == "24,5"
    assert form["income"] == "1.000.000"
    reading = read_form(form)
    assert reading.problems == ()
    assert reading.facts == facts
    assert reading.declared_size == 2


def test_unreadable_values_are_errors_at_their_paths() -> None:
    form = form_from_facts(household())
    form["members"][0]["birth"] = "31/02/1984"
    form["members"][1]["sex"] = None
    form["income"] = "một triệu"
    form["floor_area"] = ""
    form["walls_durable"] = None
    reading = read_form(form)
    found = {(p.code, p.path) for p in reading.problems}
    assert found == {
        ("date_typed", "members[0].birth_date"),
        ("field_empty", "members[1].sex"),
        ("number_typed", "income_per_capita_month"),
        ("field_empty", "housing.floor_area_m2"),
        ("field_empty", "housing.walls_durable"),
    }
    messages = {p.path: p.message("vi") for p in reading.problems}
    assert messages["members[0].birth_date"] == (
        "Ngày «31/02/1984» không hợp lệ (nhập dd/mm/yyyy, hoặc chỉ năm sinh yyyy)."
    )
    assert messages["members[1].sex"] == "Chưa nhập «Giới tính»."
    assert messages["housing.walls_durable"] == "Chưa nhập «Tường bền chắc»."
    # The validator's own complaint about the placeholder date is not shown twice.
    validator = Problem("birth_date_invalid", "error", "members[0].birth_date", {"value": "x"})
    other = Problem("head_count", "error", "members", {"count": 0})
    assert combine(reading, [validator, other])[-1] == other
    assert validator not in combine(reading, [validator, other])


def test_confirmations_need_a_reason() -> None:
    form = form_from_facts(household())
    form["confirmations"] = {
        "id_number_birth_year|members[0].id_number": "thẻ cũ ghi sai",
        "x|y": " ",
    }
    assert read_form(form).confirmations == {
        ("id_number_birth_year", "members[0].id_number"): "thẻ cũ ghi sai"
    }
