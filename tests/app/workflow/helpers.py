"""Households and shortcuts for walking households through a review round."""

from __future__ import annotations

from datetime import date

from app.communes import only_commune
from app.facts import HouseholdFacts
from app.households import save_household
from app.rounds import current_round
from models import ReviewRound
from models.database import Database
from tests.builders import ASKED, household
from tests.conftest import REVIEWER

D = date.fromisoformat


def poor(code: str, village: str = "Thôn 1") -> HouseholdFacts:
    """Income under the rural line and 3 deprivations (area, water, latrine): poor."""
    return household(
        id=code, village=village, floor_area_m2=10.0, water_source="surface_water", latrine="none"
    )


def not_poor(code: str) -> HouseholdFacts:
    return household(id=code, income_per_capita_month=4_000_000)


def average_farm(code: str) -> HouseholdFacts:
    return household(id=code, farm_household=True, income_per_capita_month=1_800_000)


def save(db: Database, *households: HouseholdFacts) -> None:
    for facts in households:
        members = tuple(
            m._replace(name=f"{m.name} {facts.id}", id_number=None) for m in facts.members
        )
        with db.sessions.begin() as s:
            save_household(
                s, REVIEWER, only_commune(s), facts._replace(members=members), survey=ASKED
            )


def the_round(s: object) -> ReviewRound:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    return current_round(s, only_commune(s))
