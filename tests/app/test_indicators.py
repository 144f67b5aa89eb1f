"""Every deprivation indicator of the 2022–2025 pack at its boundaries.

Ages are computed on the reference date (2026-11-15): someone who turns N on that day is N.
"""

from __future__ import annotations

import pytest

from app.classify import Classifier
from app.facts import LATRINES, WATER_SOURCES
from app.standards import get_pack
from tests.builders import REFERENCE_DATE, born, household, member, turning, with_members

PACK = get_pack("VN-MPS-2022-2025")
CLASSIFIER = Classifier(PACK, REFERENCE_DATE)


def deprived(h: object) -> tuple[str, ...]:
    return CLASSIFIER.classify(h).deprived  # type: ignore[arg-type]


def child(birth: str, **kw: object) -> object:
    return member(name="Nguyễn Minh An", relation="child", birth_date=birth, **kw)


def test_baseline_household_is_deprived_in_nothing() -> None:
    assert deprived(household()) == ()


# --- health insurance: members aged 6 or older ---------------------------------------------


@pytest.mark.parametrize(
    ("birth", "counts"),
    [
        (turning(6, 0), True),  # turns 6 on the reference date: counts as 6
        (turning(6, 1), False),  # turns 6 the day after: still 5
        (born(30), True),
    ],
)
def test_health_insurance_from_age_six(birth: str, counts: bool) -> None:
    h = with_members(household(), child(birth, health_insurance=False))
    assert ("health_insurance" in deprived(h)) is counts


def test_health_insurance_year_only_birth_counts_from_first_january() -> None:
    # Born "2020": counted from 2020-01-01, so 6 on 2026-11-15.
    kid = child("2020-01-01", birth_year_only=True, health_insurance=False)
    assert "health_insurance" in deprived(with_members(household(), kid))


def test_health_insurance_explanation_names_the_person() -> None:
    from app.explain import explain

    h = with_members(household(), child(turning(6, 0), health_insurance=False))
    lines = explain(CLASSIFIER.classify(h), h, PACK)
    assert "Bảo hiểm y tế: Nguyễn Minh An, 6 tuổi, không có thẻ BHYT" in lines


# --- nutrition: children under 16 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "counts"),
    [
        (turning(16, 1), True),  # 15 on the reference date
        (turning(16, 0), False),  # turns 16 on the day: no longer a child
        (born(0), True),
    ],
)
def test_nutrition_under_sixteen(birth: str, counts: bool) -> None:
    h = with_members(household(), child(birth, malnourished=True))
    assert ("nutrition" in deprived(h)) is counts


# --- adult education: 16 to under 18 need lower secondary; 18–30 upper secondary/vocational --


@pytest.mark.parametrize(
    ("birth", "education", "counts"),
    [
        (turning(16, 0), "primary", True),  # 16 on the day, only primary
        (turning(16, 1), "primary", False),  # 15: not in the band
        (turning(18, 1), "lower_secondary", False),  # 17 with lower secondary: fine
        (turning(18, 0), "lower_secondary", True),  # 18 on the day: needs upper secondary
        (turning(18, 0), "vocational_elementary", False),
        (turning(31, 1), "lower_secondary", True),  # 30, the day before turning 31
        (turning(31, 0), "lower_secondary", False),  # 31 on the day: out of the band
        (born(25), "university", False),
    ],
)
def test_adult_education_bands(birth: str, education: str, counts: bool) -> None:
    youth = child(birth, education=education, in_school=False, employment="self_employed")
    assert ("adult_education" in deprived(with_members(household(), youth))) is counts


def test_adult_education_not_deprived_while_studying() -> None:
    youth = child(born(20), education="lower_secondary", in_school=True)
    assert "adult_education" not in deprived(with_members(household(), youth))


# --- child schooling: 3 to under 16 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "counts"),
    [
        (turning(3, 0), True),  # turns 3 on the day and not in school
        (turning(3, 1), False),  # 2 years old
        (turning(16, 1), True),  # 15
        (turning(16, 0), False),  # 16 on the day
    ],
)
def test_child_schooling_ages(birth: str, counts: bool) -> None:
    kid = child(birth, in_school=False, school_level_appropriate=None)
    assert ("child_schooling" in deprived(with_members(household(), kid))) is counts


def test_child_schooling_wrong_level() -> None:
    kid = child(born(10), in_school=True, school_level_appropriate=False)
    assert "child_schooling" in deprived(with_members(household(), kid))


# --- housing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "members", "counts"),
    [
        (16.0, 2, False),  # exactly 8 m² per person is not deprived
        (15.99, 2, True),
        (24.0, 3, False),
        (23.9, 3, True),
        (8.0, 1, False),
        (7.5, 1, True),
    ],
)
def test_housing_area_eight_square_metres(area: float, members: int, counts: bool) -> None:
    people = [member()] + [child(born(10 + i)) for i in range(members - 1)]
    h = household(members=tuple(people), floor_area_m2=area)
    assert ("housing_area" in deprived(h)) is counts


@pytest.mark.parametrize(
    ("walls", "columns", "roof", "counts"),
    [
        (True, True, True, False),
        (False, True, True, False),
        (True, False, True, False),
        (False, False, True, True),
        (False, True, False, True),
        (True, False, False, True),
        (False, False, False, True),
    ],
)
def test_housing_quality_two_of_three(walls: bool, columns: bool, roof: bool, counts: bool) -> None:
    h = household(walls_durable=walls, columns_durable=columns, roof_durable=roof)
    assert ("housing_quality" in deprived(h)) is counts


# --- water and sanitation --------------------------------------------------------------------

SAFE = {"piped", "drilled_well", "protected_dug_well", "protected_spring", "rainwater", "bottled"}
HYGIENIC = {"septic", "semi_septic", "pour_flush", "ventilated_pit", "double_vault"}


@pytest.mark.parametrize("source", WATER_SOURCES)
def test_water_sources(source: str) -> None:
    assert ("water_source" in deprived(household(water_source=source))) is (source not in SAFE)


@pytest.mark.parametrize("kind", LATRINES)
def test_latrines(kind: str) -> None:
    assert ("latrine" in deprived(household(latrine=kind))) is (kind not in HYGIENIC)


# --- information -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "internet", "counts"),
    [(True, True, False), (True, False, False), (False, True, False), (False, False, True)],
)
def test_telecom(phone: bool, internet: bool, counts: bool) -> None:
    assert ("telecom" in deprived(household(phone=phone, internet=internet))) is counts


@pytest.mark.parametrize(
    ("devices", "counts"),
    [((), True), (("radio",), False), (("tablet",), False), (("tv", "laptop"), False)],
)
def test_information_access(devices: tuple[str, ...], counts: bool) -> None:
    assert ("information_access" in deprived(household(information_devices=devices))) is counts


# --- employment: working age is 15 to the retirement age of the reference year --------------
# 2026 retirement age (pack table): men 61 years 6 months, women 57 years.


@pytest.mark.parametrize(
    ("sex", "birth", "counts"),
    [
        ("male", turning(15, 0), True),  # 15 on the day: working age
        ("male", turning(15, 1), False),  # 14
        ("male", "1965-05-15", False),  # exactly 61y6m on 2026-11-15: past working age
        ("male", "1965-05-16", True),  # one day short of 61y6m
        ("female", "1969-11-15", False),  # exactly 57
        ("female", "1969-11-16", True),
    ],
)
def test_employment_working_age(sex: str, birth: str, counts: bool) -> None:
    worker = member(
        name="Lê Văn Cường",
        sex=sex,
        birth_date=birth,
        relation="sibling",
        employment="unemployed",
        education="lower_secondary",
        in_school=False,
    )
    assert ("employment" in deprived(with_members(household(), worker))) is counts


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        ("unemployed", True),
        ("employed_no_contract", True),
        ("employed_with_contract", False),
        ("self_employed", False),
        ("not_in_labour_force", False),
    ],
)
def test_employment_statuses(status: str, counts: bool) -> None:
    h = household(members=(member(employment=status),))
    assert ("employment" in deprived(h)) is counts


def test_no_contract_rule_is_a_pack_parameter() -> None:
    raw = dict(PACK.raw)
    indicators = [dict(i) for i in raw["indicators"]]
    employment = next(i for i in indicators if i["id"] == "employment")
    employment["params"] = {"count_no_contract": {"value": False, "status": "unverified"}}
    raw["indicators"] = indicators
    from app.standards import parse_pack

    strict = Classifier(parse_pack(raw), REFERENCE_DATE)
    h = household(members=(member(employment="employed_no_contract"),))
    assert "employment" not in strict.classify(h).deprived


# --- dependants: more than 50% of members --------------------------------------------------


def test_dependants_half_is_not_deprived() -> None:
    h = household(
        members=(
            member(),
            member(name="B", sex="female", age=38, relation="spouse"),
            child(born(5)),
            child(born(8)),
        )
    )
    assert "dependants" not in deprived(h)


def test_dependants_more_than_half_is_deprived() -> None:
    h = household(members=(member(), child(born(5)), child(born(8))))
    result = CLASSIFIER.classify(h)
    assert "dependants" in result.deprived


def test_dependants_sixteen_on_the_day_is_not_a_child() -> None:
    teen = child(
        turning(16, 0), employment="self_employed", education="lower_secondary", in_school=True
    )
    h = household(members=(member(), teen, child(born(8))))
    assert "dependants" not in deprived(h)


@pytest.mark.parametrize(
    ("disability", "counts"),
    [("severe", True), ("extremely_severe", True), ("mild", False), ("none", False)],
)
def test_dependants_disability(disability: str, counts: bool) -> None:
    h = household(
        members=(
            member(),
            member(name="B", age=30, relation="sibling")._replace(disability=disability),
            child(born(8)),
        )
    )
    assert ("dependants" in deprived(h)) is counts


def test_dependants_past_working_age() -> None:
    h = household(
        members=(
            member(),
            member(name="Ông C", age=70, relation="parent", employment="not_in_labour_force"),
            child(born(8)),
        )
    )
    assert "dependants" in deprived(h)


# --- the reference date, not today, decides ages -------------------------------------------


def test_ages_follow_the_reference_date() -> None:
    kid = child("2020-11-16", health_insurance=False)  # turns 6 the day after 2026-11-15
    h = with_members(household(), kid)
    assert "health_insurance" not in deprived(h)
    later = Classifier(PACK, REFERENCE_DATE.replace(day=16))
    assert "health_insurance" in later.classify(h).deprived


def test_leap_day_birthday() -> None:
    from datetime import date

    kid = child("2020-02-29", health_insurance=False)
    h = with_members(household(), kid)
    assert "health_insurance" not in Classifier(PACK, date(2026, 2, 28)).classify(h).deprived
    assert "health_insurance" in Classifier(PACK, date(2026, 3, 1)).classify(h).deprived


# --- 2027–2030 draft pack ----------------------------------------------------------------------


def test_2027_pack_drops_devices_and_adds_internet_and_waste() -> None:
    draft = Classifier(get_pack("VN-MPS-2027-2030"), REFERENCE_DATE)
    h = household(phone=True, internet=False, information_devices=(), waste_handling="none")
    result = draft.classify(h)
    assert "information_access" not in draft.pack.indicator_ids
    assert "digital_services" in result.deprived
    assert "waste_handling" in result.deprived
    assert len(draft.pack.indicators) == 12
