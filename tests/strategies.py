"""Hypothesis strategies for households, concentrated on the rules' boundaries."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from app import facts as F
from app.facts import HouseholdFacts, MemberFacts
from tests.builders import REFERENCE_DATE

# Birth dates concentrated around every age boundary the rules use.
BOUNDARY_AGES = (0, 3, 6, 14, 15, 16, 17, 18, 30, 31, 56, 57, 58, 61, 62, 70)


@st.composite
def birth_dates(draw: st.DrawFn) -> str:
    age = draw(st.sampled_from(BOUNDARY_AGES))
    shift = draw(st.one_of(st.integers(-1, 1), st.integers(-400, 400)))
    day = date(REFERENCE_DATE.year - age, REFERENCE_DATE.month, REFERENCE_DATE.day)
    return (day + timedelta(days=shift)).isoformat()


optional_bool = st.sampled_from([None, True, False])
id_numbers = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "066086001234",
            "066186001234",
            "099086001234",
            "241234567",
            "12345",
            "066286001234",
            "001190123456",
        ]
    ),
)
members = st.builds(
    MemberFacts,
    name=st.sampled_from(["A", "Nguyễn Văn An", ""]),
    sex=st.sampled_from(F.SEXES),
    birth_date=birth_dates(),
    relation=st.sampled_from(F.RELATIONS),
    health_insurance=st.booleans(),
    birth_year_only=st.booleans(),
    ethnicity=st.none(),
    id_number=id_numbers,
    disability=st.sampled_from(F.DISABILITIES),
    employment=st.sampled_from((None, *F.EMPLOYMENTS)),
    education=st.sampled_from((None, *F.EDUCATIONS)),
    in_school=optional_bool,
    school_level_appropriate=optional_bool,
    malnourished=optional_bool,
)
households = st.builds(
    HouseholdFacts,
    id=st.just("H"),
    village=st.just("T"),
    area=st.sampled_from(F.AREAS),
    members=st.lists(members, min_size=1, max_size=7).map(tuple),
    floor_area_m2=st.floats(1, 100),
    walls_durable=st.booleans(),
    columns_durable=st.booleans(),
    roof_durable=st.booleans(),
    water_source=st.sampled_from(F.WATER_SOURCES),
    latrine=st.sampled_from(F.LATRINES),
    phone=st.booleans(),
    internet=st.booleans(),
    information_devices=st.lists(st.sampled_from(F.DEVICES), unique=True).map(tuple),
    income_per_capita_month=st.integers(0, 4_000_000),
    waste_handling=st.sampled_from((None, *F.WASTE_HANDLINGS)),
    b1_score=st.none(),
)
