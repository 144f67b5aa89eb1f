"""Test data builders: a household that is deprived in nothing, for tests to change one fact.

Ages are given in years on REFERENCE_DATE (2026-11-15) or as exact birth dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.facts import HouseholdFacts, MemberFacts
from app.survey import SurveyAnswers

REFERENCE_DATE = date(2026, 11, 15)


def born(years: int, days_after_birthday: int = 0) -> str:
    """Birth date of someone exactly `years` old on the reference date, plus some days."""
    from datetime import timedelta

    birthday = date(REFERENCE_DATE.year - years, REFERENCE_DATE.month, REFERENCE_DATE.day)
    return (birthday - timedelta(days=days_after_birthday)).isoformat()


def turning(years: int, days_from_reference: int) -> str:
    """Birth date of someone who turns `years` `days_from_reference` days after the reference
    date (0: on the day itself; 1: the day after, so still `years - 1` on the reference date)."""
    from datetime import timedelta

    day = REFERENCE_DATE + timedelta(days=days_from_reference)
    return date(day.year - years, day.month, day.day).isoformat()


def member(**kw: Any) -> MemberFacts:
    age = kw.pop("age", 40)
    defaults: dict[str, Any] = dict(
        name="Nguyễn Văn An",
        sex="male",
        birth_date=born(age),
        relation="head",
        health_insurance=True,
        ethnicity="Kinh",
    )
    defaults.update(kw)
    m = MemberFacts(**defaults)
    years = REFERENCE_DATE.year - int(m.birth_date[:4])
    fill: dict[str, Any] = {}
    if years >= 14 and "employment" not in kw:
        fill["employment"] = "employed_with_contract" if years >= 15 else None
    if years >= 6 and "education" not in kw:
        fill["education"] = (
            "upper_secondary" if years >= 18 else "lower_secondary" if years >= 15 else "primary"
        )
    if 3 <= years <= 31 and "in_school" not in kw:
        fill["in_school"] = years < 18
    if years <= 16 and "school_level_appropriate" not in kw and years >= 3:
        fill["school_level_appropriate"] = True
    if years <= 16 and "malnourished" not in kw:
        fill["malnourished"] = False
    return m._replace(**fill)


def household(**kw: Any) -> HouseholdFacts:
    members = kw.pop("members", None) or (
        member(),
        member(name="Trần Thị Bình", sex="female", age=38, relation="spouse"),
    )
    defaults: dict[str, Any] = dict(
        id="H001",
        village="Thôn 1",
        area="rural",
        members=tuple(members),
        floor_area_m2=40.0,
        walls_durable=True,
        columns_durable=True,
        roof_durable=True,
        water_source="piped",
        latrine="septic",
        phone=True,
        internet=True,
        information_devices=("tv",),
        income_per_capita_month=1_000_000,
        waste_handling="collected",
    )
    defaults.update(kw)
    return HouseholdFacts(**defaults)


def with_members(h: HouseholdFacts, *extra: MemberFacts) -> HouseholdFacts:
    return h._replace(members=h.members + extra)


def contract_example() -> dict[str, Any]:
    """The example document of shared/contracts/households-v1.md, verbatim."""
    return {
        "format": "rasoat.households/1",
        "standard": "VN-MPS-2022-2025",
        "reference_date": "2026-11-15",
        "commune": {
            "code": "22237",
            "name": "Xã Ea Ly",
            "province_code": "66",
            "province_name": "Tỉnh Đắk Lắk",
        },
        "households": [
            {
                "id": "H001",
                "village": "Thôn 3",
                "area": "rural",
                "farm_household": True,
                "income_per_capita_month": 1200000,
                "members": [
                    {
                        "name": "Y Bhim Niê",
                        "sex": "male",
                        "birth_date": "1984-03-02",
                        "relation": "head",
                        "ethnicity": "Ê Đê",
                        "id_number": "066084001234",
                        "health_insurance": True,
                        "employment": "self_employed",
                        "education": "primary",
                        "in_school": False,
                    },
                    {
                        "name": "H'Mai Niê",
                        "sex": "female",
                        "birth_date": "2019-07-20",
                        "relation": "child",
                        "ethnicity": "Ê Đê",
                        "health_insurance": False,
                        "education": "none",
                        "in_school": True,
                        "school_level_appropriate": True,
                        "malnourished": False,
                    },
                ],
                "housing": {
                    "floor_area_m2": 14,
                    "walls_durable": False,
                    "columns_durable": True,
                    "roof_durable": False,
                },
                "water_source": "unprotected_dug_well",
                "latrine": "none",
                "telecom": {"phone": True, "internet": False},
                "information_devices": ["smartphone"],
            }
        ],
    }


# Phiếu B causes as an officer records them for a poor or near-poor household; tests that are
# not about the survey save households with these, so the missing-causes warning stays out.
ASKED = SurveyAnswers(("no_capital",), "no_capital", ("credit",))
