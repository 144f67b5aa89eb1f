"""What the columns of an Excel list can hold, and how their cell values are read.

The catalogue is data (`resources/excel_import/fields.json`): each field's Vietnamese column
titles and, for coded fields, the words lists use for each code. The code labels of the message
catalogue (`code.<list>.<code>`) are accepted too, so "Giếng khoan" reads as `drilled_well`.
Cells come from openpyxl as str, int, float, datetime or None; each parser returns the value in
exchange-format form, or a `ValueProblem` saying what is wrong (or was repaired) in that cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from app import facts as F
from app.i18n import catalogue
from app.idnumber import cccd_province_codes
from app.resources import resource_path
from app.textnorm import fold, nfc

_PUNCT = re.compile(r"[\s/,;:()\[\]{}\-–—.*#'\"’`_+&|\\]+")
# Code lists of the exchange format, by the name the catalogue uses in `code.<name>.<code>`.
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "relation": F.RELATIONS,
    "sex": F.SEXES,
    "area": F.AREAS,
    "water_source": F.WATER_SOURCES,
    "latrine": F.LATRINES,
    "device": F.DEVICES,
    "waste_handling": F.WASTE_HANDLINGS,
    "disability": F.DISABILITIES,
    "employment": F.EMPLOYMENTS,
    "education": F.EDUCATIONS,
}
CLASSES = ("poor", "near_poor", "average", "not_poor")


def key(text: str) -> str:
    """A title or value as compared: accent-free, lower-case, punctuation read as spaces."""
    return _PUNCT.sub(" ", fold(text)).strip()


@dataclass(frozen=True)
class Field:
    id: str
    level: str  # "household" | "member"
    kind: str
    titles: tuple[str, ...]
    codes: str | None = None
    sex: str | None = None
    mark_class: str | None = None

    @property
    def is_fact(self) -> bool:
        """A field of the exchange format itself (not a description of the list)."""
        return self.id not in LIST_FIELDS


# Fields that describe the list, not a household fact of the exchange format.
LIST_FIELDS = frozenset(
    {
        "household_code",
        "head_name",
        "name",
        "birth_date",
        "birth_male",
        "birth_female",
        "village",
        "old_commune",
        "old_district",
        "old_province",
        "previous_class",
        "mark_poor",
        "mark_near_poor",
        "member_count",
        "deprivations",
        "note",
    }
)


@dataclass(frozen=True)
class Catalogue:
    fields: dict[str, Field]
    values: dict[str, dict[str, str]]  # list name -> value key -> code
    village_words: tuple[str, ...]
    totals: tuple[str, ...]
    footer: tuple[str, ...]


@cache
def fields_catalogue() -> Catalogue:
    with resource_path("excel_import", "fields.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    fields = {
        f["id"]: Field(
            f["id"],
            f["level"],
            f["kind"],
            tuple(key(t) for t in f["titles"]),
            f.get("codes"),
            f.get("sex"),
            f.get("class"),
        )
        for f in data["fields"]
    }
    values: dict[str, dict[str, str]] = {}
    for name, codes in data["values"].items():
        values[name] = {key(word): code for code, words in codes.items() for word in words}
    messages = catalogue()
    for name, codes in CODE_LISTS.items():
        table = values.setdefault(name, {})
        for code in codes:
            table.setdefault(code, code)
            label = messages.get(f"code.{name}.{code}")
            if label:
                table.setdefault(key(label["vi"]), code)
                table.setdefault(key(label["en"]), code)
    return Catalogue(
        fields,
        values,
        tuple(key(w) for w in data["village_words"]),
        tuple(key(w) for w in data["totals"]),
        tuple(key(w) for w in data["footer"]),
    )


@dataclass(frozen=True)
class ValueProblem:
    """What is wrong with a cell (`error`) or was repaired in it (`warning`)."""

    code: str
    severity: str  # "error" | "warning"
    params: dict[str, Any] = field(default_factory=dict)


Parsed = tuple[Any, ValueProblem | None]
EMPTY: Parsed = (None, None)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as dd/mm/yyyy."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value)) if value is not None else ""


def _err(code: str, value: Any, **params: Any) -> Parsed:
    return None, ValueProblem(code, "error", {"value": cell_text(value)[:40], **params})


def parse_text(value: Any) -> Parsed:
    text = cell_text(value)
    return (text or None), None


def parse_name(value: Any) -> Parsed:
    text = cell_text(value)
    if not text:
        return EMPTY
    if any(ch.isdigit() for ch in text):
        return _err("excel.value.name_digits", value)
    return text, None


def parse_code(value: Any, codes: str, value_map: dict[str, str] | None = None) -> Parsed:
    k = key(cell_text(value))
    if not k:
        return EMPTY
    if value_map and k in value_map:
        return value_map[k], None
    code = fields_catalogue().values.get(codes, {}).get(k)
    if code is None:
        return _err("excel.value.unknown_code", value)
    return code, None


def parse_codes(value: Any, codes: str, value_map: dict[str, str] | None = None) -> Parsed:
    """A cell listing several codes ("Ti vi, điện thoại thông minh")."""
    text = cell_text(value)
    if not text:
        return (), None
    out: list[str] = []
    for part in re.split(r"[,;+\n]", text):
        if not part.strip():
            continue
        code, problem = parse_code(part, codes, value_map)
        if problem:
            return None, problem
        if code not in out:
            out.append(code)
    return tuple(out), None


def parse_bool(value: Any, value_map: dict[str, str] | None = None) -> Parsed:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    code, problem = parse_code(value, "bool", value_map)
    if problem:
        return None, ValueProblem("excel.value.not_yes_no", "error", problem.params)
    return (None if code is None else code == "true"), None


def parse_mark(value: Any) -> Parsed:
    """A class column ticked with "x" (or any mark): True when ticked, None when blank."""
    if is_blank(value):
        return EMPTY
    flag, problem = parse_bool(value)
    if problem:  # anything written in a "Hộ nghèo" column counts as a tick
        return True, None
    return (True if flag else None), None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = cell_text(value).replace(" ", "").replace("đ", "").replace("đồng", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):  # 1.500.000 or 1,500,000
        text = re.sub(r"[.,]", "", text)
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def parse_number(value: Any) -> Parsed:
    if is_blank(value):
        return EMPTY
    number = _number(value)
    if number is None or number < 0:
        return _err("excel.value.not_number", value)
    return number, None


def parse_integer(value: Any) -> Parsed:
    number, problem = parse_number(value)
    if problem or number is None:
        return number, problem
    if not float(number).is_integer():
        return _err("excel.value.not_integer", value)
    return int(number), None


def parse_money(value: Any) -> Parsed:
    return parse_integer(value)


def parse_class(value: Any, value_map: dict[str, str] | None = None) -> Parsed:
    k = key(cell_text(value))
    if not k:
        return EMPTY
    code = (value_map or {}).get(k) or fields_catalogue().values["class"].get(k)
    if code not in CLASSES:
        return _err("excel.value.unknown_class", value)
    return code, None


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
EXCEL_EPOCH_FIRST = 367  # 1 Jan 1901 as an Excel serial: earlier serials are not birth dates


def parse_birth(value: Any, today: date) -> Parsed:
    """A birth date as the exchange format writes it: "YYYY-MM-DD" or "YYYY".

    Accepts real Excel dates, dates typed as text (dd/mm/yyyy with /, . or -; yyyy-mm-dd),
    a year alone (as a number or text), and flags what it had to interpret: a two-digit year,
    a month/year without a day (kept as the year), a date serial stored as a plain number.
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, datetime | date):
        return _checked(value.date() if isinstance(value, datetime) else value, value, today)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _birth_number(value, today)
    text = cell_text(value).strip().replace(" ", "")
    if re.fullmatch(r"\d{4}", text):
        return _year(int(text), value, today)
    if match := _YMD.fullmatch(text):
        return _day(int(match[1]), int(match[2]), int(match[3]), value, today)
    if match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), match[3]
        if len(year) == 2:
            full = _two_digit_year(int(year), today)
            parsed, problem = _day(full, month, day, value, today)
            return parsed, problem or ValueProblem(
                "excel.value.two_digit_year", "warning", {"value": text, "year": full}
            )
        return _day(int(year), month, day, value, today)
    if match := _MY.fullmatch(text):
        parsed, problem = _year(int(match[2]), value, today)
        return parsed, problem or ValueProblem(
            "excel.value.month_year_only", "warning", {"value": text, "year": match[2]}
        )
    return _err("excel.value.bad_date", value)


def _two_digit_year(yy: int, today: date) -> int:
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def _birth_number(value: float, today: date) -> Parsed:
    if not float(value).is_integer():
        return _err("excel.value.bad_date", value)
    number = int(value)
    if 1800 <= number <= today.year:
        return _year(number, value, today)
    if EXCEL_EPOCH_FIRST <= number <= 80000:
        from openpyxl.utils.datetime import from_excel

        day = from_excel(number).date()
        parsed, problem = _checked(day, value, today)
        return parsed, problem or ValueProblem(
            "excel.value.date_serial", "warning", {"value": str(number), "date": parsed}
        )
    return _err("excel.value.bad_date", value)


def _year(year: int, value: Any, today: date) -> Parsed:
    if not 1880 <= year <= today.year:
        return _err("excel.value.bad_year", value)
    return f"{year:04d}", None


def _day(year: int, month: int, day: int, value: Any, today: date) -> Parsed:
    try:
        parsed = date(year, month, day)
    except ValueError:
        return _err("excel.value.bad_date", value)
    return _checked(parsed, value, today)


def _checked(day: date, value: Any, today: date) -> Parsed:
    if day > today or day.year < 1880:
        return _err("excel.value.bad_year", value)
    return day.isoformat(), None


def parse_id_number(value: Any) -> Parsed:
    """A CCCD (12 digits) or CMND (9 digits) as text.

    Excel turns "066084001234" typed into a number cell into 66084001234: the leading zeros are
    gone. A CCCD always starts with a 0 (province codes 001–096), so 10–11 digits are restored
    to 12 when the restored number starts with a known province code; 7–8 digits to a 9-digit
    CMND. The repair is reported as a warning, so the officer sees it in the preview.
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, float):
        if not value.is_integer():
            return _err("excel.value.bad_id", value)
        value = int(value)
    text = re.sub(r"[\s.\-']", "", cell_text(value))
    if not (text.isascii() and text.isdigit()):
        return _err("excel.value.bad_id", value)
    if len(text) in (9, 12):
        return text, None
    if not isinstance(value, int):  # typed as text: no zero was lost, the number is wrong
        return _err("excel.value.bad_id", value)
    restored = None
    if len(text) in (10, 11) and text.zfill(12)[:3] in cccd_province_codes():
        restored = text.zfill(12)
    elif len(text) in (7, 8):
        restored = text.zfill(9)
    if restored is None:
        return _err("excel.value.bad_id", value)
    return restored, ValueProblem(
        "excel.value.id_zero_restored", "warning", {"value": text, "restored": restored}
    )


def parse_count(value: Any) -> Parsed:
    number, problem = parse_integer(value)
    if problem or number is None:
        return number, problem
    if not 1 <= number <= 60:
        return _err("excel.value.bad_count", value)
    return number, None


def parse(f: Field, value: Any, today: date, value_map: dict[str, str] | None = None) -> Parsed:
    """The cell `value` read as field `f` (see the module docstring)."""
    kind = f.kind
    if kind == "text":
        return parse_text(value)
    if kind == "name":
        return parse_name(value)
    if kind == "birth":
        return parse_birth(value, today)
    if kind == "id_number":
        return parse_id_number(value)
    if kind == "class":
        return parse_class(value, value_map)
    if kind == "mark":
        return parse_mark(value)
    if kind == "count":
        return parse_count(value)
    if kind == "bool":
        return parse_bool(value, value_map)
    if kind in ("money", "integer"):
        return parse_integer(value)
    if kind == "number":
        return parse_number(value)
    assert f.codes is not None, f.id
    if kind == "codes":
        return parse_codes(value, f.codes, value_map)
    return parse_code(value, f.codes, value_map)
