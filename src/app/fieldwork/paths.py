"""A household as field paths, the unit of merging: one value per path, members by stable key.

Paths use the exchange format's names ("income_per_capita_month", "housing.roof_durable",
"telecom.phone"), plus "declared_size", and "household" (true while the household exists). A
member is "members.<uid>" (true while they belong to the household), "members.<uid>.order" (a
number: members are listed by it) and "members.<uid>.<field>". The uid is stable across laptops:
members present when a household first takes part are "0", "1", … in their order then; a member
added later is "<source>.<n>", unique to the laptop that added them. Member positions are not
keys, so removing a member on one laptop cannot shift another laptop's edit onto someone else.
The round's Phiếu B answers are "survey.causes", "survey.main_cause" and
"survey.support_needs" (app/survey.py): not part of the exchange record, they travel beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app import facts as F
from app.exchange.fast import MAX_LENGTH, MAX_NUMBER
from app.facts import HouseholdFacts, MemberFacts
from app.survey import NO_ANSWERS, SurveyAnswers
from app.textnorm import is_digits, iso_date, nfc

# A change source: a laptop's role or reviewer code, and the first hex digits of its key.
SOURCE = re.compile(r"[a-z0-9_-]{1,32}:[0-9a-f]{8}")
# A member's uid: their position when the household first took part, or "<source>.<n>".
UID = re.compile(r"[0-9]{1,4}|[a-z0-9_-]{1,32}:[0-9a-f]{8}\.[0-9]{1,12}")
HOUSEHOLD = "household"
# "confirmations.<warning code>|<target path>": the reason an officer or reviewer gave when
# confirming a validation warning (app/fieldwork/confirmations.py); None once withdrawn.
CONFIRM = "confirmations."
_CONFIRM = re.compile(r"confirmations\.([a-z0-9_]{1,40})\|([a-z0-9_.:\-]{1,160})")
MEMBERS = "members."
ORDER = "order"
Values = dict[str, Any]


@dataclass(frozen=True)
class Leaf:
    """What a value at a path may be."""

    kind: str  # bool | int | number | text | code | codes | birth
    nullable: bool = False
    codes: tuple[str, ...] = ()
    limit: int = 120


HOUSEHOLD_LEAVES: dict[str, Leaf] = {
    "village": Leaf("text", limit=MAX_LENGTH["village"]),
    "area": Leaf("code", codes=F.AREAS),
    "address": Leaf("text", True, limit=MAX_LENGTH["address"]),
    "farm_household": Leaf("bool"),
    "income_per_capita_month": Leaf("int", True),
    "b1_score": Leaf("int", True),
    "housing.floor_area_m2": Leaf("number"),
    "housing.walls_durable": Leaf("bool"),
    "housing.columns_durable": Leaf("bool"),
    "housing.roof_durable": Leaf("bool"),
    "water_source": Leaf("code", codes=F.WATER_SOURCES),
    "latrine": Leaf("code", codes=F.LATRINES),
    "telecom.phone": Leaf("bool"),
    "telecom.internet": Leaf("bool"),
    "information_devices": Leaf("codes", codes=F.DEVICES),
    "waste_handling": Leaf("code", True, F.WASTE_HANDLINGS),
    "declared_size": Leaf("int", True),
}
# The round's Phiếu B answers (app/survey.py): codes of the code list in force on the laptop
# that reads them, so only their form is checked here; a code this laptop's list lacks reaches
# the validator, which reports it on the household instead of refusing the whole file.
SURVEY_LEAVES: dict[str, Leaf] = {
    "survey.causes": Leaf("survey_codes"),
    "survey.main_cause": Leaf("survey_code", True),
    "survey.support_needs": Leaf("survey_codes"),
}
MEMBER_LEAVES: dict[str, Leaf] = {
    "name": Leaf("text", limit=MAX_LENGTH["name"]),
    "sex": Leaf("code", codes=F.SEXES),
    "birth_date": Leaf("birth"),
    "relation": Leaf("code", codes=F.RELATIONS),
    "ethnicity": Leaf("text", True, limit=MAX_LENGTH["ethnicity"]),
    "id_number": Leaf("text", True, limit=MAX_LENGTH["id_number"]),
    "health_insurance": Leaf("bool"),
    "disability": Leaf("code", codes=F.DISABILITIES),
    "employment": Leaf("code", True, F.EMPLOYMENTS),
    "education": Leaf("code", True, F.EDUCATIONS),
    "in_school": Leaf("bool", True),
    "school_level_appropriate": Leaf("bool", True),
    "malnourished": Leaf("bool", True),
    ORDER: Leaf("number"),
}
_EXISTS = Leaf("bool")
_REASON = Leaf("text", True, limit=2000)


def canonical(value: Any) -> str:
    """The one text of a value, to compare and order values the same way on every laptop."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def split(path: str) -> tuple[str | None, str]:
    """ "members.7.name" -> ("7", "name"); "members.7" -> ("7", ""); "latrine" -> (None, "latrine").

    A uid never contains a dot after its source part ("nam:1a2b3c4d.12" is one uid), so the leaf
    is what follows the last dot when it names a member field.
    """
    if not path.startswith(MEMBERS):
        return None, path
    rest = path[len(MEMBERS) :]
    head, dot, leaf = rest.rpartition(".")
    if dot and leaf in MEMBER_LEAVES:
        return head, leaf
    return rest, ""


def member_path(uid: str, leaf: str = "") -> str:
    return f"{MEMBERS}{uid}.{leaf}" if leaf else f"{MEMBERS}{uid}"


def leaf_of(path: str) -> Leaf | None:
    """The rule for `path`, or None when no such path exists."""
    if path.startswith(CONFIRM):
        found = _CONFIRM.fullmatch(path)
        target = found.group(2) if found else ""
        owner = split(target)[0]
        ok = found is not None and (owner is None or UID.fullmatch(owner) is not None)
        return _REASON if ok else None
    uid, leaf = split(path)
    if uid is None:
        return (
            _EXISTS if path == HOUSEHOLD else HOUSEHOLD_LEAVES.get(path) or SURVEY_LEAVES.get(path)
        )
    if not UID.fullmatch(uid):
        return None
    return _EXISTS if leaf == "" else MEMBER_LEAVES.get(leaf)


class BadValue(ValueError):
    """A value that cannot be at its path; the message says which rule it breaks."""


def check_value(path: str, value: Any) -> Any:
    """`value` as stored at `path` (text in NFC, numbers as floats), or BadValue."""
    leaf = leaf_of(path)
    if leaf is None:
        raise BadValue("unknown_path")
    if value is None:
        if leaf.nullable:
            return None
        raise BadValue("required")
    return _CHECKS[leaf.kind](leaf, value)


def _bool(leaf: Leaf, value: Any) -> Any:
    if not isinstance(value, bool):
        raise BadValue("type_boolean")
    return value


def _int(leaf: Leaf, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= MAX_NUMBER:
        raise BadValue("type_integer")
    return value


def _number(leaf: Leaf, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not abs(value) < MAX_NUMBER:
        raise BadValue("type_number")
    return float(value)


def _text(leaf: Leaf, value: Any) -> Any:
    if not isinstance(value, str):
        raise BadValue("type_string")
    clean = nfc(value)
    if not clean or len(clean) > leaf.limit:
        raise BadValue("text_length")
    return clean


def _code(leaf: Leaf, value: Any) -> Any:
    if value not in leaf.codes:
        raise BadValue("enum")
    return value


def _codes(leaf: Leaf, value: Any) -> Any:
    if not isinstance(value, list) or any(v not in leaf.codes for v in value):
        raise BadValue("enum")
    if len(set(value)) != len(value):
        raise BadValue("duplicate_item")
    return list(value)


_SURVEY_CODE = re.compile(r"[a-z][a-z0-9_]{0,23}")


def _survey_code(leaf: Leaf, value: Any) -> Any:
    if not isinstance(value, str) or not _SURVEY_CODE.fullmatch(value):
        raise BadValue("enum")
    return value


def _survey_codes(leaf: Leaf, value: Any) -> Any:
    if not isinstance(value, list) or len(value) > 20:
        raise BadValue("enum")
    for item in value:
        _survey_code(leaf, item)
    if len(set(value)) != len(value):
        raise BadValue("duplicate_item")
    return list(value)


def _birth(leaf: Leaf, value: Any) -> Any:
    if isinstance(value, str) and (
        (len(value) == 4 and is_digits(value)) or iso_date(value) is not None
    ):
        return value
    raise BadValue("date_format")


_CHECKS: dict[str, Callable[[Leaf, Any], Any]] = {
    "bool": _bool,
    "int": _int,
    "number": _number,
    "text": _text,
    "code": _code,
    "codes": _codes,
    "birth": _birth,
    "survey_code": _survey_code,
    "survey_codes": _survey_codes,
}


# --- facts → values -------------------------------------------------------------------------


def household_values(facts: HouseholdFacts, declared_size: int | None) -> Values:
    """The household-level paths of `facts` (members apart)."""
    return {
        HOUSEHOLD: True,
        "village": facts.village,
        "area": facts.area,
        "address": facts.address,
        "farm_household": facts.farm_household,
        "income_per_capita_month": facts.income_per_capita_month,
        "b1_score": facts.b1_score,
        "housing.floor_area_m2": float(facts.floor_area_m2),
        "housing.walls_durable": facts.walls_durable,
        "housing.columns_durable": facts.columns_durable,
        "housing.roof_durable": facts.roof_durable,
        "water_source": facts.water_source,
        "latrine": facts.latrine,
        "telecom.phone": facts.phone,
        "telecom.internet": facts.internet,
        "information_devices": list(facts.information_devices),
        "waste_handling": facts.waste_handling,
        "declared_size": declared_size,
    }


def survey_values(answers: SurveyAnswers) -> Values:
    """The survey paths of a household's answers in the round."""
    return {
        "survey.causes": list(answers.causes),
        "survey.main_cause": answers.main_cause,
        "survey.support_needs": list(answers.support_needs),
    }


def survey_from_values(values: Mapping[str, Any]) -> SurveyAnswers:
    """The answers the values hold; none for values from before the answers travelled."""
    return SurveyAnswers(
        tuple(values.get("survey.causes") or ()),
        values.get("survey.main_cause"),
        tuple(values.get("survey.support_needs") or ()),
    )


def member_values(uid: str, m: MemberFacts, order: float) -> Values:
    p = f"{MEMBERS}{uid}."
    return {
        f"{MEMBERS}{uid}": True,
        p + ORDER: float(order),
        p + "name": m.name,
        p + "sex": m.sex,
        p + "birth_date": m.birth_date_text,
        p + "relation": m.relation,
        p + "ethnicity": m.ethnicity,
        p + "id_number": m.id_number,
        p + "health_insurance": m.health_insurance,
        p + "disability": m.disability,
        p + "employment": m.employment,
        p + "education": m.education,
        p + "in_school": m.in_school,
        p + "school_level_appropriate": m.school_level_appropriate,
        p + "malnourished": m.malnourished,
    }


def initial_values(
    facts: HouseholdFacts, declared_size: int | None, survey: SurveyAnswers = NO_ANSWERS
) -> Values:
    """Values of a household taking part for the first time: members keyed "0", "1", …"""
    values = {**household_values(facts, declared_size), **survey_values(survey)}
    for i, m in enumerate(facts.members):
        values.update(member_values(str(i), m, i))
    return values


# --- values → facts -------------------------------------------------------------------------


class Incomplete(ValueError):
    """Values that do not make a whole household (a path that must have a value has none)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def present_members(values: Mapping[str, Any]) -> list[str]:
    """Uids of the members that belong to the household, in list order."""
    uids = []
    for path, value in values.items():
        # Cheap tests first: this runs over every path of thousands of households.
        if value is True and path.startswith(MEMBERS):
            rest = path[8:]
            _head, dot, leaf = rest.rpartition(".")
            if not dot or leaf not in MEMBER_LEAVES:
                uids.append(rest)
    return sorted(uids, key=lambda u: (_need(values, member_path(u, ORDER)), u))


def _need(values: Mapping[str, Any], path: str) -> Any:
    if path not in values:
        raise Incomplete(path)
    return values[path]


_MEMBER_FIELDS = tuple(leaf for leaf in MEMBER_LEAVES if leaf != ORDER)
_REQUIRED = (0, 1, 2, 3, 6, 7)  # name, sex, birth date, relation, insurance, disability


def member_facts(values: Mapping[str, Any], uid: str) -> MemberFacts:
    p = f"{MEMBERS}{uid}."
    try:
        got = [values[p + leaf] for leaf in _MEMBER_FIELDS]
    except KeyError as exc:
        raise Incomplete(str(exc.args[0])) from None
    for i in _REQUIRED:
        if got[i] is None:
            raise Incomplete(p + _MEMBER_FIELDS[i])
    name, sex, birth, relation, ethnicity, id_number, insured, disability, *rest = got
    year_only = len(birth) == 4
    employment, education, in_school, level_ok, malnourished = rest
    return MemberFacts(
        name,
        sex,
        f"{birth}-01-01" if year_only else birth,
        relation,
        insured,
        year_only,
        ethnicity,
        id_number,
        disability,
        employment,
        education,
        in_school,
        level_ok,
        malnourished,
    )


def facts_from_values(code: str, values: Mapping[str, Any]) -> tuple[HouseholdFacts, int | None]:
    """The household the values describe, and its declared size; Incomplete if a path is
    missing. Call only when values["household"] is true."""
    v = {path: _need(values, path) for path in HOUSEHOLD_LEAVES}
    for path, leaf in HOUSEHOLD_LEAVES.items():
        if v[path] is None and not leaf.nullable:
            raise Incomplete(path)
    members = tuple(member_facts(values, uid) for uid in present_members(values))
    facts = HouseholdFacts(
        id=code,
        village=v["village"],
        area=v["area"],
        members=members,
        floor_area_m2=v["housing.floor_area_m2"],
        walls_durable=v["housing.walls_durable"],
        columns_durable=v["housing.columns_durable"],
        roof_durable=v["housing.roof_durable"],
        water_source=v["water_source"],
        latrine=v["latrine"],
        phone=v["telecom.phone"],
        internet=v["telecom.internet"],
        information_devices=tuple(v["information_devices"]),
        address=v["address"],
        farm_household=v["farm_household"],
        income_per_capita_month=v["income_per_capita_month"],
        b1_score=v["b1_score"],
        waste_handling=v["waste_handling"],
    )
    return facts, v["declared_size"]
