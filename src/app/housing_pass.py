"""The household-level indicators of a pack (housing, water, latrine, services), in one call.

The counterpart of `app/member_pass.py` for the indicators that read the household's own facts:
`app/indicators.py` states each rule on its own and words the findings; this pass only answers
*whether* each is deprived, as a bit mask, so classify-all pays one call per household instead of
one per indicator. Property tests (tests/app/test_member_pass.py) check that both always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.facts import HouseholdFacts
from app.standards import Indicator

HOUSING_RULES = frozenset(
    {
        "housing_quality",
        "housing_area",
        "water_source",
        "latrine",
        "telecom",
        "information_access",
        "waste_handling",
    }
)


class HousingPass:
    """`indicators`: the pack's household-level indicators, each rule at most once; `bits`:
    indicator id → its bit in the mask the classifier uses."""

    def __init__(self, indicators: Sequence[Indicator], bits: Mapping[str, int]) -> None:
        by_rule = {i.rule: i for i in indicators}

        def bit(rule: str) -> int:
            # An indicator the pack does not have contributes no bit; its test below then runs
            # on neutral parameters and changes nothing.
            return bits[by_rule[rule].id] if rule in by_rule else 0

        def param(rule: str, name: str, default: Any) -> Any:
            return by_rule[rule].param(name) if rule in by_rule else default

        self.quality_bit = bit("housing_quality")
        self.min_non_durable = int(param("housing_quality", "min_non_durable", 4))
        self.area_bit = bit("housing_area")
        self.per_person = float(param("housing_area", "min_m2_per_person", 0.0))
        self.water_bit = bit("water_source")
        self.safe_water = frozenset(param("water_source", "safe_sources", ()))
        self.latrine_bit = bit("latrine")
        self.hygienic = frozenset(param("latrine", "hygienic_types", ()))
        self.telecom_bit = bit("telecom")
        services = tuple(param("telecom", "services", ()))
        self.use_phone, self.use_internet = "phone" in services, "internet" in services
        self.information_bit = bit("information_access")
        self.devices = frozenset(param("information_access", "devices", ()))
        self.waste_bit = bit("waste_handling")
        self.handled = frozenset(param("waste_handling", "handled", ()))

    def mask(self, h: HouseholdFacts) -> int:
        """The bits of the household-level indicators this household is deprived in."""
        found = 0
        if (not h.walls_durable) + (not h.columns_durable) + (
            not h.roof_durable
        ) >= self.min_non_durable:
            found |= self.quality_bit
        size = len(h.members)
        # Multiplied, not divided, as indicators.housing_area does: exactly 8 m² per person is
        # not deprived.
        if size and h.floor_area_m2 < self.per_person * size:
            found |= self.area_bit
        if h.water_source not in self.safe_water:
            found |= self.water_bit
        if h.latrine not in self.hygienic:
            found |= self.latrine_bit
        if not ((self.use_phone and h.phone) or (self.use_internet and h.internet)):
            found |= self.telecom_bit
        if self.devices.isdisjoint(h.information_devices):
            found |= self.information_bit
        if h.waste_handling is not None and h.waste_handling not in self.handled:
            found |= self.waste_bit
        return found
