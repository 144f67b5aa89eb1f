"""What the summary tables count of each household, computed once per household.

A commune's report computes these from its register; the receiving office computes them at
intake from each package's facts, with the package's own standard pack and reference date, and
stores them (the report_* columns of models.Assessment), so a province's report reads one small
row per household instead of every member of half a million households. The tables
(summary_tables.py) only add them up.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from app.classify import Classifier
from app.facts import HouseholdFacts
from app.reports.groups import LabourCapacity, majority
from app.standards import StandardPack

# Only poor and near-poor households are broken down by target group and children's
# deprivations; for the others those fields stay False / 0 and cost nothing.
REVIEWED = frozenset(("poor", "near_poor"))
HEALTH = frozenset(("health_insurance", "nutrition"))
SCHOOLING = frozenset(("child_schooling",))
CHILD_AGE = 16


class Features(NamedTuple):
    cls: str | None  # None: not classified (no result yet, or errors)
    deprived: tuple[str, ...]
    members: int
    farm: bool
    ethnicity: str  # the head's, "" when not known
    female_head: bool
    no_labour: bool  # poor / near-poor only: nobody of working age able to work
    children: int  # poor / near-poor only: members under 16
    children_health: int  # … of them deprived in health insurance or nutrition
    children_school: int  # … of them deprived in schooling
    causes: tuple[str, ...] = ()  # poor / near-poor only: Phiếu B causes of poverty (codes)

    @property
    def minority(self) -> bool:
        return bool(self.ethnicity) and self.ethnicity not in majority()


class FeatureMaker:
    """Features of households under one standard pack on one reference date."""

    def __init__(self, pack: StandardPack, reference_date: date) -> None:
        self.classifier = Classifier(pack, reference_date)
        self.labour = LabourCapacity(pack, self.classifier.clock)
        self.child_cut = self.classifier.clock.year_cutoff(CHILD_AGE)

    def of(
        self,
        facts: HouseholdFacts,
        cls: str | None,
        deprived: tuple[str, ...],
        causes: tuple[str, ...] = (),
    ) -> Features:
        head = facts.head
        ethnicity = (head.ethnicity or "") if head is not None else ""
        female = head is not None and head.sex == "female"
        if cls not in REVIEWED:
            return Features(
                cls,
                deprived,
                len(facts.members),
                facts.farm_household,
                ethnicity,
                female,
                False,
                0,
                0,
                0,
            )
        cut = self.child_cut
        young = {i for i, m in enumerate(facts.members) if m.birth_date > cut}
        health: set[int] = set()
        school: set[int] = set()
        if young:  # a child counts once per group, however many findings it has
            for finding in self.classifier.classify(facts, True).findings:
                if finding.member in young:
                    if finding.indicator in HEALTH:
                        health.add(finding.member)
                    elif finding.indicator in SCHOOLING:
                        school.add(finding.member)
        return Features(
            cls,
            deprived,
            len(facts.members),
            facts.farm_household,
            ethnicity,
            female,
            self.labour.none_in(facts),
            len(young),
            len(health),
            len(school),
            causes,
        )
