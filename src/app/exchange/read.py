"""Reading the household exchange format v1 (`rasoat.households/1`), all or nothing.

The reader checks the structure field by field (faster than a generic JSON Schema validator on
50,000 households, and with Vietnamese messages), then the validation rules. Any error anywhere
means the whole file is refused: `InvalidData.problems` names each problem by its JSON path.
The shipped JSON Schema (resources/schemas/households-v1.schema.json) describes the same
structure for other tools; tests check the two agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app import facts as F
from app.errors import InvalidData, RaSoatError
from app.exchange.fast import MAX_LENGTH, MAX_NUMBER, MAX_SCORE, fast_household, fast_member
from app.facts import HouseholdFacts, MemberFacts
from app.standards import StandardPack, available_packs
from app.textnorm import bad_char, is_digits, iso_date, nfc
from app.validation import ERROR, WARNING, Problem, Validator, duplicate_id_numbers

FORMAT = "rasoat.households/1"
# A commune has at most tens of thousands of households (a few hundred bytes each); anything far
# larger is a wrong or hostile file, refused before it is parsed into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: str
    province_name: str


@dataclass
class ExchangeDocument:
    standard: str
    reference_date: date
    commune: Commune
    households: list[HouseholdFacts]
    statuses: list[dict[str, Any] | None] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class _Reader:
    """Collects structural problems while converting one document."""

    def __init__(self, fast: bool = True) -> None:
        self.problems: list[Problem] = []
        self.fast = fast

    def fail(self, path: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(code, ERROR, path, params))

    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, "type_object")
            return None
        return value

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        kind: Callable[..., Any],
        required: bool = True,
        **kw: Any,
    ) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in data or (data[key] is None and required):
            if required:
                self.fail(where, "required_field", field=key)
            return kw.get("default")
        if kind == self.text:
            kw.update(optional=not required, limit=MAX_LENGTH.get(key, 120))
        return kind(data[key], where, **kw)

    def text(
        self, value: Any, path: str, default: Any = None, optional: bool = False, limit: int = 120
    ) -> str | None:
        """NFC text; an empty optional text is simply absent."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(path, "type_string")
            return None
        clean = nfc(value)
        if not clean:
            if not optional:
                self.fail(path, "empty_string")
            return None
        if len(clean) > limit:
            self.fail(path, "too_long", limit=limit)
            return None
        bad = bad_char(clean)
        if bad is not None:
            self.fail(path, "bad_character", char=bad)
            return None
        return clean

    def boolean(self, value: Any, path: str, default: Any = None) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(path, "type_boolean")
            return None
        return value

    def integer(self, value: Any, path: str, default: Any = None) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "type_integer")
            return None
        if isinstance(value, float) and not value.is_integer():
            self.fail(path, "type_integer")
            return None
        if abs(value) >= MAX_NUMBER:
            self.fail(path, "number_too_large")
            return None
        return int(value)

    def score(self, value: Any, path: str, default: Any = None) -> int | None:
        """A B1 score: an integer that fits its 32-bit column."""
        found = self.integer(value, path)
        if found is not None and abs(found) >= MAX_SCORE:
            self.fail(path, "number_too_large")
            return None
        return found

    def number(self, value: Any, path: str, default: Any = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "type_number")
            return None
        if not abs(value) < MAX_NUMBER:  # also catches inf (JSON "1e999")
            self.fail(path, "number_too_large")
            return None
        return float(value)

    def code(
        self, value: Any, path: str, allowed: tuple[str, ...] = (), default: Any = None
    ) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in allowed:
            self.fail(path, "enum", value=str(value)[:40], allowed=", ".join(allowed))
            return None
        return str(value)

    def day(self, value: Any, path: str, default: Any = None) -> date | None:
        parsed = iso_date(value)
        if parsed is None:
            self.fail(path, "date_format", value=str(value)[:40])
        return parsed

    def birth(self, value: Any, path: str, default: Any = None) -> tuple[str, bool] | None:
        """(ISO date, year_only); "YYYY" counts from 1 January of that year (contract)."""
        if isinstance(value, str) and len(value) == 4 and is_digits(value):
            return f"{value}-01-01", True
        parsed = self.day(value, path)
        return (parsed.isoformat(), False) if parsed else None

    def member(self, data: Any, path: str) -> MemberFacts | None:
        fast = fast_member(data) if self.fast else None
        if fast is not None:
            return fast
        d = self.obj(data, path)
        if d is None:
            return None
        before = len(self.problems)
        name = self.get(d, "name", path, self.text)
        sex = self.get(d, "sex", path, self.code, allowed=F.SEXES)
        birth = self.get(d, "birth_date", path, self.birth)
        relation = self.get(d, "relation", path, self.code, allowed=F.RELATIONS)
        insured = self.get(d, "health_insurance", path, self.boolean)
        ethnicity = self.get(d, "ethnicity", path, self.text, required=False)
        id_number = self.get(d, "id_number", path, self.text, required=False)
        disability = self.get(
            d, "disability", path, self.code, required=False, allowed=F.DISABILITIES, default="none"
        )
        employment = self.get(
            d, "employment", path, self.code, required=False, allowed=F.EMPLOYMENTS
        )
        education = self.get(d, "education", path, self.code, required=False, allowed=F.EDUCATIONS)
        in_school = self.get(d, "in_school", path, self.boolean, required=False)
        level_ok = self.get(d, "school_level_appropriate", path, self.boolean, required=False)
        malnourished = self.get(d, "malnourished", path, self.boolean, required=False)
        if len(self.problems) != before:
            return None
        return MemberFacts(
            name=name,
            sex=sex,
            birth_date=birth[0],
            birth_year_only=birth[1],
            relation=relation,
            health_insurance=insured,
            ethnicity=ethnicity,
            id_number=id_number,
            disability=disability or "none",
            employment=employment,
            education=education,
            in_school=in_school,
            school_level_appropriate=level_ok,
            malnourished=malnourished,
        )

    def household(self, data: Any, path: str) -> HouseholdFacts | None:
        fast = fast_household(data) if self.fast else None
        if fast is not None:
            return fast
        d = self.obj(data, path)
        if d is None:
            return None
        before = len(self.problems)
        hid = self.get(d, "id", path, self.text)
        village = self.get(d, "village", path, self.text)
        area = self.get(d, "area", path, self.code, allowed=F.AREAS)
        address = self.get(d, "address", path, self.text, required=False)
        farm = self.get(d, "farm_household", path, self.boolean, required=False)
        income = self.get(d, "income_per_capita_month", path, self.integer, required=False)
        b1 = self.get(d, "b1_score", path, self.score, required=False)
        members = self._members(d, path)
        housing: Any = self.get(d, "housing", path, self.obj) or {}
        hpath = f"{path}.housing"
        area_m2: Any = self.get(housing, "floor_area_m2", hpath, self.number) if housing else None
        walls: Any = self.get(housing, "walls_durable", hpath, self.boolean) if housing else None
        columns: Any = (
            self.get(housing, "columns_durable", hpath, self.boolean) if housing else None
        )
        roof: Any = self.get(housing, "roof_durable", hpath, self.boolean) if housing else None
        water = self.get(d, "water_source", path, self.code, allowed=F.WATER_SOURCES)
        latrine = self.get(d, "latrine", path, self.code, allowed=F.LATRINES)
        telecom: Any = self.get(d, "telecom", path, self.obj) or {}
        tpath = f"{path}.telecom"
        phone: Any = self.get(telecom, "phone", tpath, self.boolean) if telecom else None
        internet: Any = self.get(telecom, "internet", tpath, self.boolean) if telecom else None
        devices = self._devices(d, path)
        waste = self.get(
            d, "waste_handling", path, self.code, required=False, allowed=F.WASTE_HANDLINGS
        )
        if len(self.problems) != before:
            return None
        return HouseholdFacts(
            id=hid,
            village=village,
            area=area,
            members=members,
            floor_area_m2=area_m2,
            walls_durable=walls,
            columns_durable=columns,
            roof_durable=roof,
            water_source=water,
            latrine=latrine,
            phone=phone,
            internet=internet,
            information_devices=devices,
            address=address,
            farm_household=bool(farm),
            income_per_capita_month=income,
            b1_score=b1,
            waste_handling=waste,
        )

    def _members(self, d: Mapping[str, Any], path: str) -> tuple[MemberFacts, ...]:
        raw = d.get("members")
        where = f"{path}.members"
        if not isinstance(raw, list):
            self.fail(where, "required_field" if raw is None else "type_array", field="members")
            return ()
        if not raw:
            self.fail(where, "members_empty")
        out = [self.member(m, f"{where}[{i}]") for i, m in enumerate(raw)]
        return tuple(m for m in out if m is not None)

    def _devices(self, d: Mapping[str, Any], path: str) -> tuple[str, ...]:
        raw = d.get("information_devices")
        where = f"{path}.information_devices"
        if not isinstance(raw, list):
            self.fail(
                where,
                "required_field" if raw is None else "type_array",
                field="information_devices",
            )
            return ()
        devices = []
        for i, item in enumerate(raw):
            code = self.code(item, f"{where}[{i}]", allowed=F.DEVICES)
            if item is None:
                self.fail(f"{where}[{i}]", "enum", value="null", allowed=", ".join(F.DEVICES))
            elif code in devices:
                self.fail(f"{where}[{i}]", "duplicate_item", value=code)
            elif code:
                devices.append(code)
        return tuple(devices)

    def commune(self, data: Any) -> Commune | None:
        d = self.obj(data, "commune")
        if d is None:
            return None
        values = {}
        for key, digits in (("code", 5), ("name", 0), ("province_code", 2), ("province_name", 0)):
            value = self.get(d, key, "commune", self.text)
            if value is not None and digits and not (is_digits(value) and len(value) == digits):
                self.fail(f"commune.{key}", "code_digits", digits=digits)
            values[key] = value
        return Commune(**values) if len(values) == 4 and None not in values.values() else None


def read_household(data: Any) -> HouseholdFacts:
    """One household object (as stored in a snapshot) to facts; InvalidData if it is malformed."""
    reader = _Reader()
    facts = reader.household(data, "household")
    if facts is None:
        raise InvalidData(reader.problems)
    return facts


def refuse_oversized(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise RaSoatError(
            "exchange.too_large",
            size_mb=size // (1024 * 1024),
            limit_mb=MAX_FILE_BYTES // (1024 * 1024),
        )


def decode(raw: bytes) -> Any:
    """Bytes to JSON, refusing non-UTF-8 text, NaN/Infinity and oversized input clearly."""
    refuse_oversized(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RaSoatError("exchange.not_utf8", position=exc.start) from None

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")

    try:
        return json.loads(text, parse_constant=no_constants)
    except RecursionError:
        raise RaSoatError(
            "exchange.bad_json", line=0, column=0, detail="nesting too deep"
        ) from None
    except json.JSONDecodeError as exc:
        raise RaSoatError(
            "exchange.bad_json", line=exc.lineno, column=exc.colno, detail=exc.msg
        ) from None
    except ValueError as exc:
        raise RaSoatError("exchange.bad_json", line=0, column=0, detail=str(exc)) from None


def read_file(path: Path, today: date | None = None) -> ExchangeDocument:
    try:
        refuse_oversized(path.stat().st_size)
        raw = path.read_bytes()
    except OSError as exc:
        raise RaSoatError(
            "file.unreadable", path=str(path), detail=exc.strerror or str(exc)
        ) from None
    return parse_document(decode(raw), today=today)


def parse_document(data: Any, today: date | None = None) -> ExchangeDocument:
    """A decoded JSON document to an ExchangeDocument, or InvalidData with every problem."""
    document = parse_structure(data)
    problems = validate_households(
        document.households, available_packs()[document.standard], document.reference_date, today
    )
    errors = [p for p in problems if p.is_error]
    if errors:
        raise InvalidData(problems)
    document.warnings = [p for p in problems if p.severity == WARNING]
    return document


def parse_structure(data: Any) -> ExchangeDocument:
    """The document's structure only: every field of the right type and code, nothing about the
    rules (ages, thresholds, ID numbers across households). The receiving office reads a
    commune's signed package this way: what the commune decided about its households is the
    commune's, and it is reported, not refused. InvalidData names each structural problem."""
    reader = _Reader()
    top = reader.obj(data, "$")
    if top is None:
        raise InvalidData(reader.problems)
    if top.get("format") != FORMAT:
        reader.fail("format", "wrong_format", expected=FORMAT, value=str(top.get("format"))[:40])
        raise InvalidData(reader.problems)
    standard = reader.get(
        top, "standard", "", reader.code, allowed=tuple(sorted(available_packs()))
    )
    reference_date = reader.get(top, "reference_date", "", reader.day)
    commune = reader.commune(top.get("commune")) if "commune" in top else None
    if "commune" not in top:
        reader.fail("commune", "required_field", field="commune")
    raw_households = top.get("households")
    if not isinstance(raw_households, list):
        reader.fail(
            "households",
            "required_field" if raw_households is None else "type_array",
            field="households",
        )
        raw_households = []
    households = [reader.household(h, f"households[{i}]") for i, h in enumerate(raw_households)]
    if reader.problems:
        raise InvalidData(reader.problems)
    assert standard is not None and reference_date is not None and commune is not None
    statuses = [
        h.get("status") if isinstance(h.get("status"), dict) else None for h in raw_households
    ]
    return ExchangeDocument(
        standard, reference_date, commune, [h for h in households if h is not None], statuses
    )


def validate_households(
    households: list[HouseholdFacts],
    pack: StandardPack,
    reference_date: date,
    today: date | None = None,
) -> list[Problem]:
    """The validation rules over a whole file: each household, then ids across households."""
    validator = Validator(pack, reference_date, today)
    problems: list[Problem] = []
    if not pack.applies_on(reference_date):
        problems.append(
            Problem(
                "standard_outside_period",
                WARNING,
                "reference_date",
                {
                    "standard": pack.id,
                    "start": pack.applies_from.isoformat(),
                    "end": pack.applies_until.isoformat(),
                },
            )
        )
    if pack.draft:
        problems.append(Problem("standard_draft", WARNING, "standard", {"standard": pack.id}))
    first_index: dict[str, int] = {}
    for i, h in enumerate(households):
        if h.id in first_index:
            problems.append(
                Problem(
                    "household_id_repeated",
                    ERROR,
                    f"households[{i}].id",
                    {"id": h.id, "other": first_index[h.id]},
                )
            )
        first_index.setdefault(h.id, i)
        problems.extend(p.with_prefix(f"households[{i}]") for p in validator.household(h))
    numbers = [(h.id, [m.id_number for m in h.members]) for h in households]
    for hi, mi, number, other in duplicate_id_numbers(numbers):
        problems.append(
            Problem(
                "id_number_duplicate",
                ERROR,
                f"households[{hi}].members[{mi}].id_number",
                {"value": number, "other": other},
            )
        )
    return problems
