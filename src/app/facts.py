"""A household's facts as the classifier and the validator see them (the v1 exchange fields).

Immutable records: the ORM, the JSON reader and the demo generator all produce these, so the
poverty rules never touch a database row or a widget. They are NamedTuples rather than frozen
dataclasses because classify-all builds a quarter of a million of them, and a frozen dataclass
costs five times as much to construct. Use `facts._replace(field=value)` for a changed copy.
"""

from __future__ import annotations

from typing import NamedTuple

SEXES = ("male", "female")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
DISABILITIES = ("none", "mild", "severe", "extremely_severe")
EMPLOYMENTS = (
    "employed_with_contract",
    "employed_no_contract",
    "self_employed",
    "unemployed",
    "not_in_labour_force",
)
EDUCATIONS = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "college",
    "university",
)
WATER_SOURCES = (
    "piped",
    "drilled_well",
    "protected_dug_well",
    "protected_spring",
    "rainwater",
    "bottled",
    "unprotected_dug_well",
    "unprotected_spring",
    "surface_water",
    "other",
)
LATRINES = (
    "septic",
    "semi_septic",
    "pour_flush",
    "ventilated_pit",
    "double_vault",
    "pit_with_slab",
    "pit_without_slab",
    "hanging",
    "none",
)
DEVICES = ("tv", "radio", "desktop_computer", "laptop", "smartphone", "tablet")
WASTE_HANDLINGS = ("collected", "treated_on_site", "none")
AREAS = ("rural", "urban")


class MemberFacts(NamedTuple):
    name: str
    sex: str
    # ISO "YYYY-MM-DD". A year-only birth date is stored as "YYYY-01-01" with birth_year_only set:
    # the contract counts such ages from 1 January, and ISO strings compare in date order.
    birth_date: str
    relation: str
    health_insurance: bool
    birth_year_only: bool = False
    ethnicity: str | None = None
    id_number: str | None = None
    disability: str = "none"
    employment: str | None = None
    education: str | None = None
    in_school: bool | None = None
    school_level_appropriate: bool | None = None
    malnourished: bool | None = None

    @property
    def birth_date_text(self) -> str:
        """The birth date as the exchange format writes it ("YYYY" when only the year is known)."""
        return self.birth_date[:4] if self.birth_year_only else self.birth_date


class HouseholdFacts(NamedTuple):
    id: str
    village: str
    area: str
    members: tuple[MemberFacts, ...]
    floor_area_m2: float
    walls_durable: bool
    columns_durable: bool
    roof_durable: bool
    water_source: str
    latrine: str
    phone: bool
    internet: bool
    information_devices: tuple[str, ...] = ()
    address: str | None = None
    farm_household: bool = False
    income_per_capita_month: int | None = None
    b1_score: int | None = None
    waste_handling: str | None = None

    @property
    def head(self) -> MemberFacts | None:
        for member in self.members:
            if member.relation == "head":
                return member
        return None
