"""Validation rules for households: stable codes, a severity, the field path and a message.

Errors block saving a final result. Warnings are allowed once an officer confirms them with a
reason, which is stored (see `models.WarningConfirmation`). Messages live in the catalogue under
`problem.<code>`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.ages import AgeClock
from app.facts import HouseholdFacts, MemberFacts
from app.i18n import label, tr
from app.idnumber import check_id_number
from app.standards import StandardPack
from app.textnorm import iso_date

ERROR = "error"
WARNING = "warning"

# (field, from_age, below_age): a member of that age must have the field filled (contract).
REQUIRED_BY_AGE: tuple[tuple[str, int, int | None], ...] = (
    ("employment", 15, None),
    ("education", 6, None),
    ("in_school", 3, 31),
    ("school_level_appropriate", 3, 16),
    ("malnourished", 0, 16),
)
MAX_AGE = 120
# Minimum age gaps (years) between the head and a relative; smaller gaps are possible but rare
# enough to ask the officer to confirm.
MIN_GAP = {"child": 12, "grandchild": 24, "parent": 12}
MIN_AGE = {"head": 15, "spouse": 16}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    severity: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "vi") -> str:
        params = dict(self.params)
        if "field" in params:
            params["field_label"] = label(f"field.{params['field']}", lang, params["field"])
        if "relation" in params:
            params["relation_label"] = label(
                f"code.relation.{params['relation']}", lang, params["relation"]
            )
        return tr(f"problem.{self.code}", lang, **params)

    def line(self, lang: str = "vi") -> str:
        """`path: message`, as the CLI prints it."""
        return f"{self.path}: {self.message(lang)}"

    def with_prefix(self, prefix: str) -> Problem:
        return Problem(self.code, self.severity, f"{prefix}.{self.path}", self.params)


class Validator:
    """The validation rules for one standard pack and reference date.

    Written as plain loops over precomputed cut-off dates: classify-all runs it over every member
    of the commune, so it must cost microseconds per person.
    """

    def __init__(self, pack: StandardPack, reference_date: date, today: date | None = None) -> None:
        self.pack = pack
        self.reference_date = reference_date
        self.today = (today or date.today()).isoformat()
        self.reference = reference_date.isoformat()
        self.clock = AgeClock(reference_date)
        self._needs_waste = any(i.rule == "waste_handling" for i in pack.indicators)
        self._too_old = self.clock.year_cutoff(MAX_AGE + 1)
        # Cut-off dates for ages MAX_AGE + 1 down to 0, in ascending order, and the fields
        # required at each age from -1 (born after the reference date) to MAX_AGE + 1.
        self._age_marks = [self.clock.year_cutoff(y) for y in range(MAX_AGE + 1, -1, -1)]
        self._required_at = [
            tuple(
                MemberFacts._fields.index(name)
                for name, low, high in REQUIRED_BY_AGE
                if low <= age and (high is None or age < high)
            )
            for age in range(-1, MAX_AGE + 2)
        ]
        self._births: dict[str, tuple[str, int, tuple[int, ...]]] = {}
        # ID numbers whose checked part (CCCD: first six digits, with sex and birth year; CMND:
        # the whole number) is known to be consistent.
        self._clean_ids: set[str] = set()

    def _birth(self, birth: str) -> tuple[str, int, tuple[int, ...]]:
        """(status, age, positions of MemberFacts fields required at that age) for a birth date,
        computed once per date:
        a commune has far fewer distinct birth dates than people."""
        known = self._births.get(birth)
        if known is None:
            if iso_date(birth) is None:
                known = ("invalid", 0, ())
            elif birth > self.today:
                known = ("future", 0, ())
            else:
                # Completed years, counted against the cut-offs (MAX_AGE + 1 for anyone older):
                # the same comparisons as AgeClock.age, at a fraction of the cost.
                age = len(self._age_marks) - bisect_left(self._age_marks, birth) - 1
                if birth <= self._too_old:
                    status, shown = "too_old", self.clock.age(birth)
                else:
                    status, shown = ("after_reference" if birth > self.reference else "ok"), age
                known = (status, shown, self._required_at[age + 1])
            self._births[birth] = known
        return known

    def household(self, h: HouseholdFacts, declared_size: int | None = None) -> list[Problem]:
        problems: list[Problem] = []
        heads = [m for m in h.members if m.relation == "head"]
        if len(heads) != 1:
            problems.append(Problem("head_count", ERROR, "members", {"count": len(heads)}))
        births, birth = self._births, self._birth
        head_age = None
        if len(heads) == 1:
            head_age = (births.get(heads[0].birth_date) or birth(heads[0].birth_date))[1]
        seen_ids: dict[str, int] = {}
        clean_ids = self._clean_ids
        for i, m in enumerate(h.members):
            # The common case, inline: a clean member costs a few comparisons. Anything
            # suspicious goes to _member(), which finds and words every problem.
            status, age, required = births.get(m.birth_date) or birth(m.birth_date)
            number = m.id_number
            suspicious = (
                status != "ok"
                or not m.name
                or (m.relation in MIN_AGE and age < MIN_AGE[m.relation])
                or (
                    head_age is not None
                    and m.relation in MIN_GAP
                    and _gap(m.relation, head_age, age) < MIN_GAP[m.relation]
                )
            )
            if not suspicious:
                for position in required:
                    if m[position] is None:
                        suspicious = True
                        break
            if not suspicious and number:
                key = f"{number[:6]}{m.sex}{m.birth_date[:4]}" if len(number) == 12 else number
                if key not in clean_ids:
                    if check_id_number(number, m.sex, int(m.birth_date[:4])) is None:
                        clean_ids.add(key)
                    else:
                        suspicious = True
            if suspicious:
                self._member(m, i, head_age, problems)
            if number:
                if number in seen_ids:
                    problems.append(
                        Problem(
                            "id_number_repeated",
                            ERROR,
                            f"members[{i}].id_number",
                            {"other": seen_ids[number] + 1},
                        )
                    )
                seen_ids.setdefault(number, i)
        self._household_facts(h, declared_size, problems)
        return problems

    def _household_facts(
        self, h: HouseholdFacts, declared_size: int | None, out: list[Problem]
    ) -> None:
        if not h.floor_area_m2 > 0:
            out.append(
                Problem("floor_area", ERROR, "housing.floor_area_m2", {"value": h.floor_area_m2})
            )
        income, b1 = h.income_per_capita_month, h.b1_score
        if income is not None and income < 0:
            out.append(
                Problem("income_negative", ERROR, "income_per_capita_month", {"value": income})
            )
        if b1 is not None and b1 < 0:
            out.append(Problem("b1_negative", ERROR, "b1_score", {"value": b1}))
        if income is None and b1 is None:
            out.append(Problem("income_missing", ERROR, "income_per_capita_month"))
        elif income is None and self.pack.b1_poverty[h.area].value is None:
            out.append(Problem("b1_no_cutoff", ERROR, "b1_score", {"standard": self.pack.id}))
        elif income is not None and b1 is not None:
            out.append(Problem("income_and_b1", WARNING, "b1_score"))
        if self._needs_waste and h.waste_handling is None:
            out.append(Problem("required", ERROR, "waste_handling", {"field": "waste_handling"}))
        if declared_size is not None and declared_size != len(h.members):
            out.append(
                Problem(
                    "size_mismatch",
                    WARNING,
                    "members",
                    {"declared": declared_size, "listed": len(h.members)},
                )
            )

    def member(self, m: MemberFacts, head: MemberFacts | None) -> list[Problem]:
        """This member's problems, with paths relative to the member."""
        out: list[Problem] = []
        head_age = self._birth(head.birth_date)[1] if head is not None else None
        self._member(m, None, head_age, out)
        return out

    def _member(
        self, m: MemberFacts, index: int | None, head_age: int | None, out: list[Problem]
    ) -> None:
        """Append member `index`'s problems to `out` (paths under members[index])."""

        def add(code: str, severity: str, field: str, params: dict[str, Any] | None = None) -> None:
            path = field if index is None else f"members[{index}].{field}"
            out.append(Problem(code, severity, path, params or {}))

        if not m.name or not m.name.strip():
            add("name_missing", ERROR, "name")
        birth = m.birth_date
        status, age, required = self._birth(birth)
        if status != "ok":
            if status == "invalid":
                add("birth_date_invalid", ERROR, "birth_date", {"value": birth})
                return
            if status == "future":
                add("birth_future", ERROR, "birth_date", {"value": birth})
                return
            if status == "after_reference":
                add(
                    "birth_after_reference",
                    WARNING,
                    "birth_date",
                    {"reference_date": self.reference},
                )
            else:
                add("too_old", ERROR, "birth_date", {"age": age})
        relation = m.relation
        if relation in MIN_AGE and age < MIN_AGE[relation]:
            add(
                "relation_too_young",
                WARNING,
                "birth_date",
                {"relation": relation, "age": age, "minimum": MIN_AGE[relation]},
            )
        if head_age is not None and relation in MIN_GAP:
            gap = _gap(relation, head_age, age)
            if gap < MIN_GAP[relation]:
                add(
                    "relation_age_gap",
                    WARNING,
                    "birth_date",
                    {"relation": relation, "gap": gap, "minimum": MIN_GAP[relation]},
                )
        for position in required:
            if m[position] is None:
                name = MemberFacts._fields[position]
                add("required", ERROR, name, {"field": name, "age": age})
        if m.id_number:
            for code, severity, params in self._id_problems(m):
                add(code, severity, "id_number", params)

    def _id_problems(self, m: MemberFacts) -> list[tuple[str, str, dict[str, Any]]]:
        assert m.id_number is not None
        result = check_id_number(m.id_number, m.sex, int(m.birth_date[:4]))
        if result is None:
            return []
        if result.bad_format:
            return [("id_number_format", ERROR, {"value": m.id_number})]
        out = []
        if result.unknown_province:
            out.append(("id_number_province", WARNING, {"code": m.id_number[:3]}))
        if result.sex_or_century_mismatch:
            out.append(("id_number_sex_century", WARNING, {"digit": m.id_number[3]}))
        if result.birth_year_mismatch:
            out.append(
                (
                    "id_number_birth_year",
                    WARNING,
                    {"digits": m.id_number[4:6], "year": m.birth_date[:4]},
                )
            )
        return out


def _gap(relation: str, head_age: int, age: int) -> int:
    """Years between the head and a relative, counted in the direction the relation implies."""
    return age - head_age if relation == "parent" else head_age - age


def duplicate_id_numbers(
    households: Sequence[tuple[str, Sequence[str | None]]],
) -> list[tuple[int, int, str, str]]:
    """(household index, member index, id number, other household id) for every ID number that
    appears in more than one household. `households` is (household id, member id numbers)."""
    where: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for hi, (_, numbers) in enumerate(households):
        for mi, number in enumerate(numbers):
            if number:
                where[number].append((hi, mi))
    out = []
    for number, places in where.items():
        owners = {households[hi][0] for hi, _ in places}
        if len(owners) < 2:
            continue
        for hi, mi in places:
            other = next(
                households[o][0] for o, _ in places if households[o][0] != households[hi][0]
            )
            out.append((hi, mi, number, other))
    return sorted(out)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
