"""The member-based indicators of a pack, evaluated in one pass over a household's members.

`app/indicators.py` states each rule on its own and says who made a household deprived; it is
what explanations use. Calling its dozen small checks per household costs mostly Python call
overhead, which at 50,000 households is most of classify-all. This pass answers only *whether*
each member-based indicator is deprived, with the same parameters, in a single loop. Property
tests (tests/app/test_member_pass.py) check that both always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.ages import AgeClock
from app.facts import SEXES, MemberFacts
from app.standards import Indicator, StandardPack

MEMBER_RULES = frozenset(
    {
        "employment",
        "dependants",
        "nutrition",
        "health_insurance",
        "adult_education",
        "child_schooling",
    }
)


class MemberPass:
    """`indicators`: the pack's member-based indicators, each rule at most once; `bits`: indicator
    id → its bit in the mask the classifier uses."""

    def __init__(
        self,
        indicators: Sequence[Indicator],
        pack: StandardPack,
        clock: AgeClock,
        bits: Mapping[str, int],
    ) -> None:
        by_rule = {i.rule: i for i in indicators}
        year = clock.reference_date.year
        self.retired = {s: clock.month_cutoff(pack.retirement_months(s, year)) for s in SEXES}
        self.adult = clock.year_cutoff(pack.working_age_min.value)
        # An indicator the pack does not have contributes no bit.
        self.bits = {
            rule: (bits[by_rule[rule].id] if rule in by_rule else 0) for rule in MEMBER_RULES
        }
        self.unemployed: frozenset[str] = frozenset()
        if "employment" in by_rule:
            bad = {"unemployed"}
            if by_rule["employment"].param("count_no_contract"):
                bad.add("employed_no_contract")
            self.unemployed = frozenset(bad)
        self.dep_child, self.dep_old, self.dep_share = "", False, 1.0
        self.dep_disabled: frozenset[str] = frozenset()
        if "dependants" in by_rule:
            d = by_rule["dependants"]
            self.dep_child = clock.year_cutoff(d.param("child_under_age"))
            self.dep_old = bool(d.param("count_past_working_age"))
            self.dep_disabled = frozenset(d.param("disability_levels"))
            self.dep_share = float(d.param("share_above"))
        self.nutrition_child = (
            clock.year_cutoff(by_rule["nutrition"].param("child_under_age"))
            if "nutrition" in by_rule
            else "9999"
        )
        self.insured_from = (
            clock.year_cutoff(by_rule["health_insurance"].param("min_age"))
            if "health_insurance" in by_rule
            else ""
        )
        self.bands = [
            (
                clock.year_cutoff(b["from_age"]),
                clock.year_cutoff(b["below_age"]),
                frozenset(b["accepted"]),
            )
            for b in (
                by_rule["adult_education"].param("bands") if "adult_education" in by_rule else []
            )
        ]
        school = by_rule.get("child_schooling")
        self.school_from = clock.year_cutoff(school.param("from_age")) if school else ""
        self.school_below = clock.year_cutoff(school.param("below_age")) if school else "9999"

    def mask(self, members: Sequence[MemberFacts]) -> int:
        """The bits of the member-based indicators this roster is deprived in."""
        retired, adult, unemployed = self.retired, self.adult, self.unemployed
        dep_child, dep_old, dep_disabled = self.dep_child, self.dep_old, self.dep_disabled
        nutrition_child, insured_from = self.nutrition_child, self.insured_from
        school_from, school_below, bands = self.school_from, self.school_below, self.bands
        employment = nutrition = insurance = education = schooling = False
        dependants = 0
        for m in members:
            b = m.birth_date
            past = b <= retired[m.sex]
            if b > dep_child or (dep_old and past) or m.disability in dep_disabled:
                dependants += 1
            if m.employment in unemployed and not past and b <= adult:
                employment = True
            if m.malnourished is True and b > nutrition_child:
                nutrition = True
            if not m.health_insurance and b <= insured_from:
                insurance = True
            if school_below < b <= school_from and (
                m.in_school is False or m.school_level_appropriate is False
            ):
                schooling = True
            if m.in_school is False and m.education is not None:
                for old_enough, too_old, accepted in bands:
                    if too_old < b <= old_enough and m.education not in accepted:
                        education = True
                        break
        bits = self.bits
        found = 0
        if employment:
            found |= bits["employment"]
        if nutrition:
            found |= bits["nutrition"]
        if insurance:
            found |= bits["health_insurance"]
        if education:
            found |= bits["adult_education"]
        if schooling:
            found |= bits["child_schooling"]
        if members and dependants > self.dep_share * len(members):
            found |= bits["dependants"]
        return found
