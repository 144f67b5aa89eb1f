"""The deprivation indicators as rules: one factory per rule name used in standard packs.

A factory reads the indicator's parameters once and returns a check `household -> findings`; an
empty tuple means "not deprived". Each finding says which member (if any) caused the deprivation
and why, so the explanation can name a person ("Nguyễn Minh An, 6 tuổi, không có thẻ BHYT").

Unknown facts (None) never make a household deprived: the validator reports them as missing, and
a result built on missing facts cannot be saved as final.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from app.ages import AgeClock
from app.facts import SEXES, HouseholdFacts
from app.standards import Indicator, StandardPack


class Finding(NamedTuple):
    indicator: str
    code: str
    member: int | None = None
    params: dict[str, Any] = {}  # noqa: RUF012  (never mutated; shared empty default)


Check = Callable[[HouseholdFacts], tuple[Finding, ...]]
# Returned (and extended) by checks: most checks find nothing, and then allocate nothing.
_NONE: tuple[Finding, ...] = ()
RuleFactory = Callable[[Indicator, StandardPack, AgeClock], Check]


def _retirement_cutoffs(pack: StandardPack, clock: AgeClock) -> dict[str, str]:
    """Born on or before this date ⇔ past working age on the reference date, per sex."""
    year = clock.reference_date.year
    return {sex: clock.month_cutoff(pack.retirement_months(sex, year)) for sex in SEXES}


def employment(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    adult = clock.year_cutoff(pack.working_age_min.value)
    retired = _retirement_cutoffs(pack, clock)
    codes = {"unemployed": "employment.unemployed"}
    if ind.param("count_no_contract"):
        codes["employed_no_contract"] = "employment.employed_no_contract"

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        out = _NONE
        for i, m in enumerate(h.members):
            code = codes.get(m.employment)  # type: ignore[arg-type]
            if code is not None and retired[m.sex] < m.birth_date <= adult:
                out += (Finding(ind.id, code, i),)
        return out

    return check


def dependants(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    child = clock.year_cutoff(ind.param("child_under_age"))
    retired = _retirement_cutoffs(pack, clock)
    count_old = bool(ind.param("count_past_working_age"))
    disabled = frozenset(ind.param("disability_levels"))
    share = float(ind.param("share_above"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        count = 0
        for m in h.members:
            if (
                m.birth_date > child
                or (count_old and m.birth_date <= retired[m.sex])
                or m.disability in disabled
            ):
                count += 1
        total = len(h.members)
        if total and count > share * total:
            return (Finding(ind.id, "dependants.share", None, {"count": count, "total": total}),)
        return _NONE

    return check


def nutrition(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    child = clock.year_cutoff(ind.param("child_under_age"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        out = _NONE
        for i, m in enumerate(h.members):
            if m.malnourished is True and m.birth_date > child:
                out += (Finding(ind.id, "nutrition.malnourished", i),)
        return out

    return check


def health_insurance(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    old_enough = clock.year_cutoff(ind.param("min_age"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        out = _NONE
        for i, m in enumerate(h.members):
            if not m.health_insurance and m.birth_date <= old_enough:
                out += (Finding(ind.id, "health_insurance.no_card", i),)
        return out

    return check


def adult_education(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    bands = [
        (
            clock.year_cutoff(b["from_age"]),
            clock.year_cutoff(b["below_age"]),
            frozenset(b["accepted"]),
        )
        for b in ind.param("bands")
    ]

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        out = _NONE
        for i, m in enumerate(h.members):
            if m.in_school is not False or m.education is None:
                continue
            for old_enough, too_old, accepted in bands:
                if too_old < m.birth_date <= old_enough and m.education not in accepted:
                    out += (Finding(ind.id, "adult_education.below_level", i),)
                    break
        return out

    return check


def child_schooling(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    old_enough = clock.year_cutoff(ind.param("from_age"))
    too_old = clock.year_cutoff(ind.param("below_age"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        out = _NONE
        for i, m in enumerate(h.members):
            if too_old < m.birth_date <= old_enough:
                if m.in_school is False:
                    out += (Finding(ind.id, "child_schooling.not_in_school", i),)
                elif m.school_level_appropriate is False:
                    out += (Finding(ind.id, "child_schooling.wrong_level", i),)
        return out

    return check


def housing_quality(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    minimum = int(ind.param("min_non_durable"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        if (not h.walls_durable) + (not h.columns_durable) + (not h.roof_durable) < minimum:
            return _NONE
        weak = tuple(
            name
            for name, durable in (
                ("walls", h.walls_durable),
                ("columns", h.columns_durable),
                ("roof", h.roof_durable),
            )
            if not durable
        )
        return (Finding(ind.id, "housing_quality.non_durable", None, {"parts": weak}),)

    return check


def housing_area(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    per_person = float(ind.param("min_m2_per_person"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        total = len(h.members)
        # Compare area with per_person × members rather than dividing: exactly 8 m² per person must
        # not be deprived, and a division could round 7.999… either way.
        if total and h.floor_area_m2 < per_person * total:
            return (
                Finding(
                    ind.id,
                    "housing_area.small",
                    None,
                    {
                        "area": h.floor_area_m2,
                        "total": total,
                        "per_person": h.floor_area_m2 / total,
                    },
                ),
            )
        return _NONE

    return check


def water_source(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    safe = frozenset(ind.param("safe_sources"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        if h.water_source not in safe:
            return (Finding(ind.id, "water_source.unsafe", None, {"source": h.water_source}),)
        return _NONE

    return check


def latrine(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    hygienic = frozenset(ind.param("hygienic_types"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        if h.latrine not in hygienic:
            return (Finding(ind.id, "latrine.unhygienic", None, {"latrine": h.latrine}),)
        return _NONE

    return check


def telecom(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    services = tuple(ind.param("services"))
    code = "telecom.none" if len(services) > 1 else f"telecom.no_{services[0]}"

    use_phone, use_internet = "phone" in services, "internet" in services

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        if (use_phone and h.phone) or (use_internet and h.internet):
            return _NONE
        return (Finding(ind.id, code),)

    return check


def information_access(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    devices = frozenset(ind.param("devices"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        if devices.isdisjoint(h.information_devices):
            return (Finding(ind.id, "information_access.no_device"),)
        return _NONE

    return check


def waste_handling(ind: Indicator, pack: StandardPack, clock: AgeClock) -> Check:
    handled = frozenset(ind.param("handled"))

    def check(h: HouseholdFacts) -> tuple[Finding, ...]:
        if h.waste_handling is not None and h.waste_handling not in handled:
            return (Finding(ind.id, "waste_handling.none"),)
        return _NONE

    return check


RULES: dict[str, RuleFactory] = {
    "employment": employment,
    "dependants": dependants,
    "nutrition": nutrition,
    "health_insurance": health_insurance,
    "adult_education": adult_education,
    "child_schooling": child_schooling,
    "housing_quality": housing_quality,
    "housing_area": housing_area,
    "water_source": water_source,
    "latrine": latrine,
    "telecom": telecom,
    "information_access": information_access,
    "waste_handling": waste_handling,
}
