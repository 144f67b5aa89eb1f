"""Validation rules: each with a passing and a failing case, its code, severity and path."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ages import AgeClock
from app.facts import MemberFacts
from app.standards import get_pack
from app.validation import ERROR, MAX_AGE, REQUIRED_BY_AGE, WARNING, Problem, Validator
from tests.builders import REFERENCE_DATE, born, household, member, with_members
from tests.strategies import households

VALIDATOR = Validator(get_pack("VN-MPS-2022-2025"), REFERENCE_DATE, today=date(2026, 11, 25))


def problems(h: object, **kw: object) -> dict[tuple[str, str], str]:
    return {(p.code, p.path): p.severity for p in VALIDATOR.household(h, **kw)}  # type: ignore[arg-type]


def test_clean_household_has_no_problems() -> None:
    assert problems(household()) == {}


@pytest.mark.parametrize("heads", [0, 2])
def test_exactly_one_head(heads: int) -> None:
    people = [
        member(name=f"Người {i}", relation="head" if i < heads else "sibling") for i in range(3)
    ]
    assert problems(household(members=tuple(people)))[("head_count", "members")] == ERROR


def test_birth_date_not_real() -> None:
    h = with_members(household(), member(name="Bé", relation="child", birth_date="2020-02-30"))
    assert problems(h)[("birth_date_invalid", "members[2].birth_date")] == ERROR


def test_birth_date_in_future_is_error() -> None:
    h = with_members(
        household(),
        member(name="Bé", relation="child", birth_date="2026-11-26", malnourished=False),
    )
    assert problems(h)[("birth_future", "members[2].birth_date")] == ERROR


def test_birth_after_reference_date_is_warning() -> None:
    h = with_members(
        household(),
        member(name="Bé", relation="child", birth_date="2026-11-20", malnourished=False),
    )
    found = problems(h)
    assert found[("birth_after_reference", "members[2].birth_date")] == WARNING
    assert not any(code == "birth_future" for code, _ in found)


def test_implausible_age_is_error() -> None:
    h = with_members(
        household(),
        member(
            name="Cụ",
            relation="parent",
            birth_date="1900-01-01",
            employment="not_in_labour_force",
            education="none",
        ),
    )
    assert problems(h)[("too_old", "members[2].birth_date")] == ERROR


@pytest.mark.parametrize(
    ("relation", "age", "code"),
    [
        ("child", 30, "relation_age_gap"),  # head is 40: a child of 30 is a 10-year gap
        ("grandchild", 20, "relation_age_gap"),
        ("parent", 45, "relation_age_gap"),
        ("spouse", 15, "relation_too_young"),
    ],
)
def test_birth_dates_plausible_for_relation(relation: str, age: int, code: str) -> None:
    h = with_members(household(members=(member(),)), member(name="X", relation=relation, age=age))
    assert problems(h)[(code, "members[1].birth_date")] == WARNING


def test_plausible_relations_pass() -> None:
    h = household(
        members=(
            member(),
            member(name="Con", relation="child", age=12),
            member(
                name="Mẹ", relation="parent", sex="female", age=65, employment="not_in_labour_force"
            ),
        )
    )
    assert problems(h) == {}


@pytest.mark.parametrize(
    ("age", "field"),
    [
        (15, "employment"),
        (6, "education"),
        (3, "in_school"),
        (30, "in_school"),
        (15, "school_level_appropriate"),
        (0, "malnourished"),
        (15, "malnourished"),
    ],
)
def test_required_fields_by_age(age: int, field: str) -> None:
    kid = member(name="Bé", relation="child", age=age)._replace(**{field: None})
    h = with_members(household(), kid)
    assert problems(h)[("required", f"members[2].{field}")] == ERROR


@pytest.mark.parametrize(
    ("age", "field"),
    [
        (14, "employment"),
        (5, "education"),
        (2, "in_school"),
        (31, "in_school"),
        (16, "school_level_appropriate"),
        (16, "malnourished"),
    ],
)
def test_fields_not_required_outside_their_ages(age: int, field: str) -> None:
    kid = member(name="Bé", relation="child", age=age)._replace(**{field: None})
    assert not any(code == "required" for code, _ in problems(with_members(household(), kid)))


def test_floor_area_must_be_positive() -> None:
    assert problems(household(floor_area_m2=0.0))[("floor_area", "housing.floor_area_m2")] == ERROR


def test_income_not_negative_and_present() -> None:
    assert (
        problems(household(income_per_capita_month=-1))[
            ("income_negative", "income_per_capita_month")
        ]
        == ERROR
    )
    assert (
        problems(household(income_per_capita_month=None))[
            ("income_missing", "income_per_capita_month")
        ]
        == ERROR
    )
    assert problems(household(income_per_capita_month=0)) == {}


def test_b1_needs_a_cutoff_in_the_pack() -> None:
    draft = Validator(get_pack("VN-MPS-2027-2030"), REFERENCE_DATE, today=date(2026, 11, 25))
    found = {
        (p.code, p.path)
        for p in draft.household(household(income_per_capita_month=None, b1_score=120))
    }
    assert ("b1_no_cutoff", "b1_score") in found


@pytest.mark.parametrize("number", ["12345", "0660840012345", "06608400123A", "066 084 001 234"])
def test_id_number_format(number: str) -> None:
    h = household(members=(member(id_number=number),))
    assert problems(h)[("id_number_format", "members[0].id_number")] == ERROR


def test_cccd_and_cmnd_accepted() -> None:
    # Head: male, born 1986 -> century/sex digit 0, year digits 86.
    assert problems(household(members=(member(id_number="066086001234"),))) == {}
    assert problems(household(members=(member(id_number="241234567"),))) == {}


@pytest.mark.parametrize(
    ("number", "sex", "code"),
    [
        ("066186001234", "male", "id_number_sex_century"),  # digit 1 = female 1900s
        ("066286001234", "male", "id_number_sex_century"),  # digit 2 = born 2000s
        ("066087001234", "male", "id_number_birth_year"),
        ("099086001234", "male", "id_number_province"),  # 099 is no province
    ],
)
def test_cccd_digits_agree_with_sex_and_year_warning(number: str, sex: str, code: str) -> None:
    h = household(members=(member(id_number=number, sex=sex),))
    assert problems(h)[(code, "members[0].id_number")] == WARNING


def test_same_id_number_twice_in_household() -> None:
    h = household(
        members=(
            member(id_number="066086001234"),
            member(name="B", relation="sibling", id_number="066086001234"),
        )
    )
    assert problems(h)[("id_number_repeated", "members[1].id_number")] == ERROR


def test_household_size_against_member_list() -> None:
    assert problems(household(), declared_size=3)[("size_mismatch", "members")] == WARNING
    assert problems(household(), declared_size=2) == {}


def test_waste_handling_required_by_2027_pack() -> None:
    draft = Validator(get_pack("VN-MPS-2027-2030"), REFERENCE_DATE, today=date(2026, 11, 25))
    found = {(p.code, p.path) for p in draft.household(household(waste_handling=None))}
    assert ("required", "waste_handling") in found


def test_messages_in_both_languages() -> None:
    (problem,) = VALIDATOR.household(household(floor_area_m2=0.0))
    assert problem.message("vi") == "Diện tích nhà ở phải lớn hơn 0 m² (đã nhập 0.0)."
    assert problem.message("en") == "The floor area must be more than 0 m² (got 0.0)."
    assert problem.line() == "housing.floor_area_m2: " + problem.message("vi")


def test_required_message_names_the_field_in_vietnamese() -> None:
    kid = member(name="Bé", relation="child", age=10)._replace(education=None)
    (problem,) = [
        p for p in VALIDATOR.household(with_members(household(), kid)) if p.code == "required"
    ]
    assert "Trình độ học vấn" in problem.message("vi")
    assert born(10) <= REFERENCE_DATE.isoformat()


class _AlwaysCareful(Validator):
    """The validator with its inline shortcut disabled: every member gets the full check."""

    def household(self, h: object, declared_size: int | None = None) -> list[object]:  # type: ignore[override]
        problems: list[object] = []
        heads = [m for m in h.members if m.relation == "head"]  # type: ignore[attr-defined]
        head_age = self._birth(heads[0].birth_date)[1] if len(heads) == 1 else None
        if len(heads) != 1:
            problems.append(("head_count", "members"))
        for i, m in enumerate(h.members):  # type: ignore[attr-defined]
            found: list[Problem] = []
            self._member(m, i, head_age, found)
            problems.extend((p.code, p.path) for p in found)
        return problems


@settings(max_examples=300, deadline=None)
@given(h=households)
def test_inline_shortcut_never_hides_a_problem(h: object) -> None:
    careful = set(_AlwaysCareful(VALIDATOR.pack, REFERENCE_DATE, date(2026, 11, 25)).household(h))
    fast = {(p.code, p.path) for p in VALIDATOR.household(h)}  # type: ignore[arg-type]
    member_level = {p for p in fast if p[1].startswith("members[") and p[0] != "id_number_repeated"}
    assert member_level | {p for p in fast if p[0] == "head_count"} == careful


@settings(max_examples=500, deadline=None)
@given(
    reference=st.sampled_from([date(2024, 2, 29), date(2026, 11, 15), date(2025, 1, 1)])
    | st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    birth=st.dates(date(1880, 1, 1), date(2031, 12, 31)),
)
def test_ages_and_required_fields_as_the_age_clock_counts_them(
    reference: date, birth: date
) -> None:
    """The validator counts ages against precomputed cut-offs; AgeClock is the definition."""
    validator = Validator(VALIDATOR.pack, reference, today=date(2031, 12, 31))
    clock = AgeClock(reference)
    status, age, required = validator._birth(birth.isoformat())
    assert age == clock.age(birth.isoformat())
    fields = {MemberFacts._fields[p] for p in required}
    expected = {
        name
        for name, low, high in REQUIRED_BY_AGE
        if clock.at_least(birth.isoformat(), low)
        and (high is None or not clock.at_least(birth.isoformat(), high))
    }
    assert fields == expected
    assert status == (
        "too_old" if age > MAX_AGE else "after_reference" if birth > reference else "ok"
    )
