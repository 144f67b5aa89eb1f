"""Target groups of the reports: ethnic-minority households, households without labour capacity,
female-headed households. Definitions come from `resources/reports/rules.json` (unverified)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from app.ages import AgeClock
from app.facts import SEXES, HouseholdFacts
from app.resources import resource_path
from app.standards import StandardPack


@cache
def rules() -> dict[str, Any]:
    with resource_path("reports", "rules.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def majority() -> frozenset[str]:
    return frozenset(rules()["majority_ethnicities"]["value"])


def head_ethnicity(h: HouseholdFacts) -> str:
    head = h.head
    return (head.ethnicity or "") if head else ""


def is_minority(h: HouseholdFacts) -> bool:
    ethnicity = head_ethnicity(h)
    return bool(ethnicity) and ethnicity not in majority()


def is_female_headed(h: HouseholdFacts) -> bool:
    head = h.head
    return head is not None and head.sex == "female"


class LabourCapacity:
    """Whether any member can work, on the round's reference date under its standard pack."""

    def __init__(self, pack: StandardPack, clock: AgeClock) -> None:
        year = clock.reference_date.year
        self.adult = clock.year_cutoff(int(pack.working_age_min.value))
        self.retired = {s: clock.month_cutoff(pack.retirement_months(s, year)) for s in SEXES}
        self.severe = frozenset(rules()["severe_disabilities"]["value"])

    def none_in(self, h: HouseholdFacts) -> bool:
        for m in h.members:
            of_age = self.retired[m.sex] < m.birth_date <= self.adult
            if of_age and m.disability not in self.severe:
                return False
        return True
