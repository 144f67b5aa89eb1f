"""Classification of a household under a standard pack: pure functions, no database.

    result = classify(facts, Classifier(pack, reference_date))

A Classifier compiles the pack's indicators for one reference date once; classifying thousands of
households then costs only the checks themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple, TypeVar

from app.ages import AgeClock
from app.errors import RaSoatError
from app.facts import HouseholdFacts
from app.housing_pass import HOUSING_RULES, HousingPass
from app.indicators import RULES, Check, Finding
from app.member_pass import MEMBER_RULES, MemberPass
from app.standards import Indicator, StandardPack

CLASSES = ("poor", "near_poor", "average", "not_poor")
T = TypeVar("T")


class Classification(NamedTuple):
    household_id: str
    standard_id: str
    standard_revision: int
    reference_date: date
    cls: str
    deprived: tuple[str, ...]
    findings: tuple[Finding, ...]
    income_basis: str  # "income" | "b1"
    income_per_capita_month: int | None
    b1_score: int | None
    # Which threshold decided the class, and whether the band above the poverty line is unknown.
    line_used: int
    average_upper_used: int | None

    @property
    def deprived_count(self) -> int:
        return len(self.deprived)

    def to_contract(self) -> dict[str, object]:
        """The per-household object of `rasoat.classification/1` (contract households-v1.md)."""
        out: dict[str, object] = {
            "id": self.household_id,
            "class": self.cls,
            "deprived": list(self.deprived),
            "deprived_count": self.deprived_count,
            "income_basis": self.income_basis,
        }
        if self.income_basis == "income":
            out["income_per_capita_month"] = self.income_per_capita_month
        else:
            out["b1_score"] = self.b1_score
        return out


class Classifier:
    """A standard pack compiled for one reference date."""

    def __init__(self, pack: StandardPack, reference_date: date) -> None:
        self.pack = pack
        self.reference_date = reference_date
        self.clock = AgeClock(reference_date)
        self.checks: tuple[tuple[str, Check], ...] = tuple(
            (ind.id, RULES[ind.rule](ind, pack, self.clock)) for ind in pack.indicators
        )
        self.cutoff = int(pack.deprivation_cutoff.value)
        ids = [i.id for i in pack.indicators]
        assert len(set(ids)) == len(ids), "indicator ids must be unique"
        # The fast path answers with a bit mask (bit n: the pack's n-th indicator).
        bits = {indicator_id: 1 << n for n, indicator_id in enumerate(ids)}
        self.member_pass = _fused(
            pack, MEMBER_RULES, lambda found: MemberPass(found, pack, self.clock, bits)
        )
        self.housing_pass = _fused(pack, HOUSING_RULES, lambda found: HousingPass(found, bits))
        fused = (MEMBER_RULES if self.member_pass else frozenset()) | (
            HOUSING_RULES if self.housing_pass else frozenset()
        )
        # Whatever no pass covers (a rule used twice by a pack) runs its own check.
        self.other_checks = tuple(
            (bits[ind.id], check)
            for ind, (_, check) in zip(pack.indicators, self.checks, strict=True)
            if ind.rule not in fused
        )
        self._ids = tuple(ids)
        # Area → (poverty line, upper bound of the average band), for income and for B1 scores.
        self._income_lines = {
            area: (int(fact.value), pack.average_upper[area].value)
            for area, fact in pack.poverty_line.items()
        }
        self._b1_lines = {
            area: (
                None if fact.value is None else int(fact.value),
                pack.b1_average_upper[area].value,
            )
            for area, fact in pack.b1_poverty.items()
        }
        self._by_mask: dict[int, tuple[str, ...]] = {0: ()}

    def deprived_only(self, h: HouseholdFacts) -> tuple[str, ...]:
        """The deprived indicators, in pack order, without saying who or why (the fast path)."""
        found = self.member_pass.mask(h.members) if self.member_pass else 0
        if self.housing_pass:
            found |= self.housing_pass.mask(h)
        for bit, check in self.other_checks:
            if check(h):
                found |= bit
        deprived = self._by_mask.get(found)
        if deprived is None:
            # At most 2^12 combinations, and a commune meets a few dozen of them.
            deprived = tuple(i for n, i in enumerate(self._ids) if found >> n & 1)
            self._by_mask[found] = deprived
        return deprived

    def deprivations(self, h: HouseholdFacts) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
        deprived: list[str] = []
        findings: list[Finding] = []
        for indicator_id, check in self.checks:
            found = check(h)
            if found:
                deprived.append(indicator_id)
                findings.extend(found)
        return tuple(deprived), tuple(findings)

    def thresholds(self, h: HouseholdFacts) -> tuple[str, int, int, int | None]:
        """(basis, value, poverty line, upper bound of the average band) for the household.

        A typed income figure wins over a B1 score; a B1 score is compared with the pack's B1
        cut-offs. Without either, or with a B1 score and no cut-off, the household cannot be
        classified: the validator reports it, and here it is a known error.
        """
        if h.income_per_capita_month is not None:
            line, upper = self._income_lines[h.area]
            return "income", h.income_per_capita_month, line, upper
        if h.b1_score is not None:
            b1_line, upper = self._b1_lines[h.area]
            if b1_line is None:
                raise RaSoatError("classify.no_b1_cutoff", household=h.id, standard=self.pack.id)
            return "b1", h.b1_score, b1_line, upper
        raise RaSoatError("classify.no_income", household=h.id)

    def classify(self, h: HouseholdFacts, explain: bool = True) -> Classification:
        """The class and deprivations; with `explain`, also who and why (slower)."""
        basis, value, line, upper = self.thresholds(h)
        if explain:
            deprived, findings = self.deprivations(h)
        else:
            deprived, findings = self.deprived_only(h), ()
        # "≤" is at or below: exactly on the line is within it. Above the line a household is never
        # poor or near-poor, however many indicators it lacks.
        if value <= line:
            cls = "poor" if len(deprived) >= self.cutoff else "near_poor"
        elif upper is not None and value <= upper:
            cls = "average"
        else:
            cls = "not_poor"
        return Classification(
            household_id=h.id,
            standard_id=self.pack.id,
            standard_revision=self.pack.revision,
            reference_date=self.reference_date,
            cls=cls,
            deprived=deprived,
            findings=findings,
            income_basis=basis,
            income_per_capita_month=h.income_per_capita_month if basis == "income" else None,
            b1_score=h.b1_score if basis == "b1" else None,
            line_used=line,
            average_upper_used=upper,
        )


def _fused(
    pack: StandardPack, rules: frozenset[str], build: Callable[[list[Indicator]], T]
) -> T | None:
    """A one-pass evaluation of the pack's indicators whose rule is in `rules`, or None when the
    pack uses one of those rules twice (then each indicator runs its own check)."""
    found = [i for i in pack.indicators if i.rule in rules]
    return build(found) if len({i.rule for i in found}) == len(found) else None


def classify(h: HouseholdFacts, classifier: Classifier) -> Classification:
    return classifier.classify(h)
