"""Listed households as exchange-format households: codes, villages, and what is still missing.

Each household of a list becomes an exchange-format household (shared/contracts/households-v1.md)
holding exactly what the list gives. When that is every required fact, it is read and validated
like a household of a JSON file (`app.exchange.read.read_household`, `app.validation`); when
facts are missing it stays partial and is imported as a pending household. Households without a
code get one ("DS2025-00001": the list's year and its order), never one already in use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.errors import InvalidData
from app.excel.mapping import ExcelMapping
from app.excel.rows import ERROR, WARNING, ListedHousehold, RowProblem
from app.exchange.read import read_household
from app.facts import HouseholdFacts
from app.idnumber import check_id_number
from app.standards import get_pack
from app.textnorm import fold, nfc
from app.validation import Validator
from models import ReviewRound, Village

HOUSING = ("floor_area_m2", "walls_durable", "columns_durable", "roof_durable")
TELECOM = ("phone", "internet")


@dataclass
class Built:
    codes: list[str]
    complete: list[bool]
    documents: list[dict[str, Any]]  # the exchange-format household of each listed household
    facts: list[HouseholdFacts | None]
    problems: list[RowProblem] = field(default_factory=list)
    new_villages: list[str] = field(default_factory=list)
    village_names: list[str] = field(default_factory=list)


def build_households(
    households: list[ListedHousehold],
    used_codes: set[str],
    list_year: int,
    villages: dict[str, Village],
    mapping: ExcelMapping,
    review_round: ReviewRound,
    today: date,
) -> Built:
    built = Built([], [], [], [])
    codes = _codes(households, used_codes, list_year, built.problems)
    village_names = _village_names(households, villages, built)
    areas = {name: v.area for name, v in villages.items()}
    validator = Validator(get_pack(review_round.standard_id), review_round.reference_date, today)
    ids: dict[str, int] = {}
    for household, code, village in zip(households, codes, village_names, strict=True):
        area = household.data.get("area") or areas.get(village, mapping.default_area)
        document = exchange_household(household, code, village, area)
        facts = _complete(document)
        built.codes.append(code)
        built.documents.append(document)
        built.facts.append(facts)
        built.complete.append(facts is not None)
        if facts is not None:
            _validate(validator, facts, household, built.problems)
        _check_people(household, ids, built.problems)
    built.village_names = village_names
    return built


def exchange_household(
    household: ListedHousehold, code: str, village: str, area: str
) -> dict[str, Any]:
    data = dict(household.data)
    out: dict[str, Any] = {"id": code, "village": village, "area": area}
    housing = {k: data.pop(k) for k in HOUSING if k in data}
    telecom = {k: data.pop(k) for k in TELECOM if k in data}
    out.update(data)
    if housing:
        out["housing"] = housing
    if telecom:
        out["telecom"] = telecom
    if "information_devices" in out:
        out["information_devices"] = list(out["information_devices"])
    out["members"] = [dict(m.data) for m in household.members]
    return out


# Facts every exchange-format household must have: a list without them is not complete, and
# checking their presence first spares the full reader (and its exception) for every pending one.
REQUIRED = ("housing", "water_source", "latrine", "telecom", "information_devices")


def _complete(document: dict[str, Any]) -> HouseholdFacts | None:
    """The household's facts if the list gives all of them, else None (it stays pending)."""
    if any(k not in document for k in REQUIRED):
        return None
    try:
        return read_household(document)
    except InvalidData:
        return None


def _codes(
    households: list[ListedHousehold], used: set[str], year: int, problems: list[RowProblem]
) -> list[str]:
    given: dict[str, int] = {}
    for h in households:
        if h.code:
            if h.code in given:
                problems.append(
                    RowProblem(
                        h.row,
                        None,
                        "household_code",
                        "excel.code_repeated",
                        ERROR,
                        {"code": h.code, "other": given[h.code]},
                    )
                )
            given.setdefault(h.code, h.row)
    taken = used | set(given)
    out, n = [], 0
    for h in households:
        if h.code:
            out.append(nfc(h.code))
            continue
        n += 1
        while (candidate := f"DS{year}-{n:05d}") in taken:
            n += 1
        taken.add(candidate)
        out.append(candidate)
    return out


def _village_names(
    households: list[ListedHousehold], villages: dict[str, Village], built: Built
) -> list[str]:
    """Each household's village as the commune names it ("thôn 1" is "Thôn 1"); new ones noted."""
    folded = {fold(name): name for name in villages}
    out = []
    for h in households:
        name = nfc(h.village or "")
        name = folded.get(fold(name), name)
        if name and name not in villages and name not in built.new_villages:
            built.new_villages.append(name)
            folded[fold(name)] = name
        out.append(name)
    return out


def _validate(
    validator: Validator, facts: HouseholdFacts, h: ListedHousehold, problems: list[RowProblem]
) -> None:
    for p in validator.household(facts):
        problems.append(
            RowProblem(
                h.row,
                None,
                None,
                "excel.household_problem",
                p.severity,
                {"path": p.path, "problem_code": p.code, "problem_params": p.params},
            )
        )


def _check_people(h: ListedHousehold, ids: dict[str, int], problems: list[RowProblem]) -> None:
    heads = [m for m in h.members if m.data.get("relation") == "head"]
    if not heads:
        problems.append(RowProblem(h.row, None, "relation", "excel.household.no_head", ERROR))
    elif len(heads) > 1:
        problems.append(
            RowProblem(heads[1].row, None, "relation", "excel.household.many_heads", ERROR)
        )
    if h.declared_size is not None and h.declared_size < len(h.members):
        problems.append(
            RowProblem(
                h.row,
                None,
                "member_count",
                "excel.household.size_less",
                WARNING,
                {"declared": h.declared_size, "named": len(h.members)},
            )
        )
    for m in h.members:
        number = m.data.get("id_number")
        if not number:
            continue
        if number in ids:
            problems.append(
                RowProblem(
                    m.row,
                    None,
                    "id_number",
                    "excel.id_repeated",
                    ERROR,
                    {"value": number, "other": ids[number]},
                )
            )
        ids.setdefault(number, m.row)
        _check_id(m.row, number, m.data, problems)


def _check_id(row: int, number: str, member: dict[str, Any], problems: list[RowProblem]) -> None:
    sex, birth = member.get("sex"), member.get("birth_date")
    if not sex or not birth:
        return
    check = check_id_number(number, sex, int(str(birth)[:4]))
    if check is None:
        return
    reasons = [
        name
        for name, flag in (
            ("province", check.unknown_province),
            ("sex", check.sex_or_century_mismatch),
            ("year", check.birth_year_mismatch),
        )
        if flag
    ]
    problems.append(
        RowProblem(
            row,
            None,
            "id_number",
            "excel.id_inconsistent",
            WARNING,
            {"value": number, "reasons": ", ".join(reasons)},
        )
    )
