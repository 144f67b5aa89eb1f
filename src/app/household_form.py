"""The household editor's form: what the officer typed, as plain JSON values, and its reading.

The editor keeps the form exactly as typed ("15/11/1984", "1.200.000", a box not ticked yet), so a
half-typed value is never lost or silently changed, and the same dict is the autosaved draft
(app/drafts.py). `read_form` turns it into HouseholdFacts for validation and classification, and
reports what cannot be read (an impossible date, letters in an amount, an empty required choice)
as problems with the same paths and message catalogue as the validator's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app import facts as F
from app.facts import HouseholdFacts, MemberFacts
from app.survey import NO_ANSWERS, SurveyAnswers, in_list_order
from app.textnorm import iso_date, nfc
from app.validation import ERROR, Problem

Form = dict[str, Any]

MEMBER_CHOICES = ("sex", "relation")
MEMBER_FLAGS = ("health_insurance",)
HOUSEHOLD_FLAGS = ("walls_durable", "columns_durable", "roof_durable", "phone", "internet")

_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_CURRENCY = re.compile(r"\s*(đ|đồng|vnd|vnđ)\s*$", re.IGNORECASE)


# ---- typed values -----------------------------------------------------------------------------


def parse_date(text: str) -> tuple[str, bool] | None:
    """A typed birth date as (ISO date, year only): "02/03/1984" -> ("1984-03-02", False),
    "1984" -> ("1984-01-01", True); ISO "1984-03-02" is accepted too. None if not a real date."""
    text = text.strip()
    year = _YEAR.match(text)
    if year:
        iso = f"{year.group(1)}-01-01"
        return (iso, True) if iso_date(iso) else None
    found = _DMY.match(text)
    if found:
        day, month, yr = found.groups()
        iso = f"{yr}-{int(month):02d}-{int(day):02d}"
        return (iso, False) if iso_date(iso) else None
    return (text, False) if iso_date(text) else None


def format_date_text(iso: str, year_only: bool = False) -> str:
    """The form's text for a stored birth date: dd/mm/yyyy, or yyyy when only the year is known."""
    if year_only:
        return iso[:4]
    day = iso_date(iso)
    return day.strftime("%d/%m/%Y") if day else iso


def parse_amount(text: str) -> int | None:
    """A typed amount of money or points: "1.500.000 đ", "1,500,000", "1500000" -> 1500000.
    None for an empty field; ValueError for anything else that is not a whole number."""
    text = _CURRENCY.sub("", text.strip())
    if not text:
        return None
    digits = re.sub(r"[.,\s]", "", text)
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(text)
    # Separators must group by thousands, so "1.5" is not silently read as 15.
    if re.search(r"[.,\s]", text) and not re.fullmatch(r"\d{1,3}([.,\s]\d{3})+", text):
        raise ValueError(text)
    return int(digits)


def parse_area(text: str) -> float | None:
    """A floor area in m²; the decimal mark may be "," (Vietnamese) or "."."""
    text = text.strip().removesuffix("m²").removesuffix("m2").strip()
    if not text:
        return None
    value = float(text.replace(",", "."))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def format_amount(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def format_area(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


# ---- forms --------------------------------------------------------------------------------------


def new_member_form(relation: str | None = None) -> dict[str, Any]:
    return {
        "name": "",
        "sex": None,
        "birth": "",
        "relation": relation,
        "ethnicity": "",
        "id_number": "",
        "health_insurance": None,
        "disability": "none",
        "employment": None,
        "education": None,
        "in_school": None,
        "school_level_appropriate": None,
        "malnourished": None,
    }


def new_form(code: str, village: str, area: str) -> Form:
    """An empty household form: every required answer is still to be given."""
    return {
        "code": code,
        "village": village,
        "area": area,
        "address": "",
        "farm_household": False,
        "income": "",
        "b1_score": "",
        "declared_size": "",
        "floor_area": "",
        **dict.fromkeys(HOUSEHOLD_FLAGS),
        "water_source": None,
        "latrine": None,
        "devices": [],
        "waste_handling": None,
        "members": [new_member_form("head")],
        **survey_form(NO_ANSWERS),
        "confirmations": {},
        "version": None,
    }


SURVEY_KEYS = ("causes", "main_cause", "support_needs")


def survey_form(answers: SurveyAnswers) -> Form:
    """The form's Phiếu B causes of poverty and support needs (lists of codes)."""
    return {
        "causes": list(answers.causes),
        "main_cause": answers.main_cause,
        "support_needs": list(answers.support_needs),
    }


def member_form(m: MemberFacts) -> dict[str, Any]:
    return {
        "name": m.name,
        "sex": m.sex,
        "birth": format_date_text(m.birth_date, m.birth_year_only),
        "relation": m.relation,
        "ethnicity": m.ethnicity or "",
        "id_number": m.id_number or "",
        "health_insurance": m.health_insurance,
        "disability": m.disability,
        "employment": m.employment,
        "education": m.education,
        "in_school": m.in_school,
        "school_level_appropriate": m.school_level_appropriate,
        "malnourished": m.malnourished,
    }


def form_from_facts(
    facts: HouseholdFacts,
    declared_size: int | None = None,
    version: int | None = None,
    survey: SurveyAnswers = NO_ANSWERS,
) -> Form:
    """The form of a stored household (`version` is checked again when it is saved)."""
    return {
        "code": facts.id,
        "village": facts.village,
        "area": facts.area,
        "address": facts.address or "",
        "farm_household": facts.farm_household,
        "income": format_amount(facts.income_per_capita_month),
        "b1_score": "" if facts.b1_score is None else str(facts.b1_score),
        "declared_size": "" if declared_size is None else str(declared_size),
        "floor_area": format_area(facts.floor_area_m2),
        **{name: getattr(facts, name) for name in HOUSEHOLD_FLAGS},
        "water_source": facts.water_source,
        "latrine": facts.latrine,
        "devices": list(facts.information_devices),
        "waste_handling": facts.waste_handling,
        "members": [member_form(m) for m in facts.members],
        **survey_form(survey),
        "confirmations": {},
        "version": version,
    }


def form_from_document(doc: Mapping[str, Any], declared_size: int | None = None) -> Form:
    """The form of a household known only from a list (a pending household's exchange-format
    document, app/pending_households.py): what the list gave is filled in, the rest is left to
    the survey. Values of the wrong type or outside the code lists are left unanswered rather
    than guessed; the form's reading then asks for them like any empty field."""
    form = new_form(_text(doc.get("id")), _text(doc.get("village")), _code(doc, "area", F.AREAS))
    form["area"] = form["area"] or "rural"
    form["address"] = _text(doc.get("address"))
    form["farm_household"] = doc.get("farm_household") is True
    for key, field in (("income", "income_per_capita_month"), ("b1_score", "b1_score")):
        if _is_int(doc.get(field)):
            form[key] = format_amount(doc[field])
    housing = _part(doc, "housing")
    if isinstance(housing.get("floor_area_m2"), int | float):
        form["floor_area"] = format_area(float(housing["floor_area_m2"]))
    telecom = _part(doc, "telecom")
    for name in HOUSEHOLD_FLAGS:
        value = (telecom if name in ("phone", "internet") else housing).get(name)
        form[name] = value if isinstance(value, bool) else None
    form["water_source"] = _code(doc, "water_source", F.WATER_SOURCES)
    form["latrine"] = _code(doc, "latrine", F.LATRINES)
    form["waste_handling"] = _code(doc, "waste_handling", F.WASTE_HANDLINGS)
    devices = doc.get("information_devices")
    form["devices"] = [d for d in devices if d in F.DEVICES] if isinstance(devices, list) else []
    members = doc.get("members")
    if isinstance(members, list) and members:
        form["members"] = [_member_from_document(m) for m in members if isinstance(m, Mapping)]
    form["declared_size"] = "" if declared_size is None else str(declared_size)
    return form


_MEMBER_CODES = {
    "sex": F.SEXES,
    "relation": F.RELATIONS,
    "disability": F.DISABILITIES,
    "employment": F.EMPLOYMENTS,
    "education": F.EDUCATIONS,
}
_MEMBER_BOOLS = ("health_insurance", "in_school", "school_level_appropriate", "malnourished")


def _member_from_document(m: Mapping[str, Any]) -> dict[str, Any]:
    out = new_member_form()
    out["name"] = _text(m.get("name"))
    out["ethnicity"] = _text(m.get("ethnicity"))
    out["id_number"] = _text(m.get("id_number"))
    birth = _text(m.get("birth_date"))
    parsed = parse_date(birth) if birth else None
    out["birth"] = format_date_text(*parsed) if parsed else birth
    for key, allowed in _MEMBER_CODES.items():
        out[key] = _code(m, key, allowed) or out[key]
    for key in _MEMBER_BOOLS:
        out[key] = m[key] if isinstance(m.get(key), bool) else None
    return out


def _part(doc: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = doc.get(key)
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return nfc(value) if isinstance(value, str) else ""


def _code(data: Mapping[str, Any], key: str, allowed: Sequence[str]) -> Any:
    value = data.get(key)
    return value if value in allowed else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class FormReading:
    facts: HouseholdFacts
    problems: tuple[Problem, ...]  # what could not be read; always errors
    declared_size: int | None
    confirmations: dict[tuple[str, str], str]
    # None when the form holds no answers at all (a draft saved before they were asked): saving
    # it then keeps the answers stored.
    survey: SurveyAnswers | None = None


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def empty(self, path: str, field: str) -> None:
        self.problems.append(Problem("field_empty", ERROR, path, {"field": field}))

    def text(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key)
        return nfc(value) if isinstance(value, str) else ""

    def choice(self, data: Mapping[str, Any], key: str, path: str, field: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            self.empty(path, field)
            return ""
        return value

    def flag(self, data: Mapping[str, Any], key: str, path: str, field: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            self.empty(path, field)
            return False
        return value

    def optional_flag(self, data: Mapping[str, Any], key: str) -> bool | None:
        value = data.get(key)
        return value if isinstance(value, bool) else None

    def amount(self, data: Mapping[str, Any], key: str, path: str) -> int | None:
        text = self.text(data, key)
        try:
            return parse_amount(text)
        except ValueError:
            self.problems.append(Problem("number_typed", ERROR, path, {"value": text}))
            return None

    def birth(self, data: Mapping[str, Any], path: str) -> tuple[str, bool]:
        text = self.text(data, "birth")
        if not text:
            self.empty(path, "birth_date")
            return "", False
        parsed = parse_date(text)
        if parsed is None:
            self.problems.append(Problem("date_typed", ERROR, path, {"value": text}))
            return "", False
        return parsed

    def member(self, data: Mapping[str, Any], i: int) -> MemberFacts:
        at = f"members[{i}]."
        birth, year_only = self.birth(data, at + "birth_date")
        # An unreadable birth date reaches the validator as an impossible date; `combine` drops
        # the validator's second message about it, ours says what was typed.
        return MemberFacts(
            name=self.text(data, "name"),
            sex=self.choice(data, "sex", at + "sex", "sex"),
            birth_date=birth or "0000-00-00",
            birth_year_only=year_only,
            relation=self.choice(data, "relation", at + "relation", "relation"),
            ethnicity=self.text(data, "ethnicity") or None,
            id_number=self.text(data, "id_number").replace(" ", "") or None,
            health_insurance=self.flag(
                data, "health_insurance", at + "health_insurance", "health_insurance"
            ),
            disability=data.get("disability") or "none",
            employment=data.get("employment") or None,
            education=data.get("education") or None,
            in_school=self.optional_flag(data, "in_school"),
            school_level_appropriate=self.optional_flag(data, "school_level_appropriate"),
            malnourished=self.optional_flag(data, "malnourished"),
        )


def read_form(form: Mapping[str, Any]) -> FormReading:
    """The household the form describes, and the problems of reading it."""
    r = _Reader()
    members: Sequence[Mapping[str, Any]] = form.get("members") or []
    facts_members = tuple(r.member(m, i) for i, m in enumerate(members))
    if not facts_members:
        r.problems.append(Problem("members_empty", ERROR, "members"))
    area_text = r.text(form, "floor_area")
    floor_area = 0.0
    try:
        parsed_area = parse_area(area_text)
        if parsed_area is None:
            r.empty("housing.floor_area_m2", "floor_area_m2")
        else:
            floor_area = parsed_area
    except ValueError:
        r.problems.append(
            Problem("number_typed", ERROR, "housing.floor_area_m2", {"value": area_text})
        )

    def flag(name: str, group: str) -> bool:
        return r.flag(form, name, f"{group}.{name}", name)

    facts = HouseholdFacts(
        id=r.text(form, "code"),
        village=r.text(form, "village"),
        area=form.get("area") or "rural",
        members=facts_members,
        floor_area_m2=floor_area,
        walls_durable=flag("walls_durable", "housing"),
        columns_durable=flag("columns_durable", "housing"),
        roof_durable=flag("roof_durable", "housing"),
        water_source=r.choice(form, "water_source", "water_source", "water_source"),
        latrine=r.choice(form, "latrine", "latrine", "latrine"),
        phone=flag("phone", "telecom"),
        internet=flag("internet", "telecom"),
        information_devices=tuple(form.get("devices") or ()),
        address=r.text(form, "address") or None,
        farm_household=bool(form.get("farm_household")),
        income_per_capita_month=r.amount(form, "income", "income_per_capita_month"),
        b1_score=r.amount(form, "b1_score", "b1_score"),
        waste_handling=form.get("waste_handling") or None,
    )
    if not facts.id:
        r.empty("id", "code")
    declared = r.amount(form, "declared_size", "declared_size")
    return FormReading(facts, tuple(r.problems), declared, _confirmations(form), read_survey(form))


def read_survey(form: Mapping[str, Any]) -> SurveyAnswers | None:
    """The answers ticked, in the code list's order whatever order they were ticked in."""
    if not any(key in form for key in SURVEY_KEYS):
        return None

    def ticked(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for c in form.get(key) or () if isinstance(c, str)))

    main = form.get("main_cause")
    answers = SurveyAnswers(
        ticked("causes"), main if isinstance(main, str) and main else None, ticked("support_needs")
    )
    return in_list_order(answers)


def _confirmations(form: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    given = form.get("confirmations") or {}
    for key, reason in given.items():
        code, _, path = str(key).partition("|")
        if isinstance(reason, str) and reason.strip():
            out[(code, path)] = nfc(reason)
    return out


def confirmation_key(code: str, path: str) -> str:
    """How the form stores the confirmation of warning (`code`, `path`)."""
    return f"{code}|{path}"


def combine(reading: FormReading, problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """The reading's problems, then the validator's, without a second message about a field
    the reading already reported."""
    seen = {p.path for p in reading.problems}
    return reading.problems + tuple(p for p in problems if p.path not in seen)
