"""The fast path of the exchange reader, for records that are entirely well-formed.

Almost every record in a real file is valid, and checking it field by field with messages is
what made reading 50,000 households slow. These functions accept a record only if every field
is exactly right and return the same facts the careful path would; anything unusual returns
None, and the careful path in read.py then finds and words the problem. They must never
accept what the careful path refuses (tests/app/test_exchange_fast.py checks both agree).
"""

from __future__ import annotations

import sys
from typing import Any

from app import facts as F
from app.facts import HouseholdFacts, MemberFacts
from app.textnorm import is_digits, iso_date, nfc_clean


def _codes(*codes: str | None) -> dict[Any, Any]:
    """Each allowed code mapped to itself: a lookup both checks a value and gives back the one
    shared string of that code. JSON decoding makes a new string for every occurrence; shared
    ones make a checked package's plan a quarter smaller to send from the checking process to
    the writer (app/office/intake.py), and quicker to send."""
    return {c: c for c in codes}


_SEXES = _codes(*F.SEXES)
_RELATIONS = _codes(*F.RELATIONS)
_DISABILITIES = _codes(*F.DISABILITIES)
_EMPLOYMENTS = _codes(*F.EMPLOYMENTS, None)
_EDUCATIONS = _codes(*F.EDUCATIONS, None)
_AREAS = _codes(*F.AREAS)
_WATER = _codes(*F.WATER_SOURCES)
_LATRINES = _codes(*F.LATRINES)
_DEVICES = frozenset(F.DEVICES)
_WASTE = _codes(*F.WASTE_HANDLINGS, None)
_NOT_A_CODE = "\x00not a code"  # what a lookup gives for a value that is not an allowed code
_OPTIONAL_BOOL = (bool, type(None))
# Longest text each field may hold (the database columns' sizes).
MAX_LENGTH = {
    "id": 64,
    "village": 120,
    "address": 300,
    "name": 120,
    "ethnicity": 60,
    "id_number": 12,
}
# Larger numbers are not typing mistakes but hostile or corrupt input (and overflow BIGINT).
MAX_NUMBER = 10**15
# A B1 score is stored in a 32-bit INTEGER column: a larger one would make PostgreSQL refuse the
# whole intake batch (COPY) instead of this one file.
MAX_SCORE = 2**31


def _text(value: Any, limit: int, optional: bool = False) -> Any:
    """NFC text, None when absent (or empty and optional), or False when the careful path must
    look at it."""
    if value is None:
        return None
    if type(value) is not str:
        return False
    clean = nfc_clean(value)
    if clean is None:  # a character no stored text may hold
        return False
    if not clean:
        return None if optional else False
    return clean if len(clean) <= limit else False


def _birth(value: Any) -> tuple[str, bool] | None:
    if type(value) is not str:
        return None
    if len(value) == 4 and is_digits(value):
        return f"{value}-01-01", True
    return (value, False) if iso_date(value) is not None else None


def fast_member(d: Any) -> MemberFacts | None:
    try:
        return _member(d)
    except TypeError:  # an unhashable value (a list where a code belongs): the careful path
        return None


def _member(d: Any) -> MemberFacts | None:
    if type(d) is not dict:
        return None
    name = _text(d.get("name"), MAX_LENGTH["name"])
    birth = _birth(d.get("birth_date"))
    insured = d.get("health_insurance")
    sex = _SEXES.get(d.get("sex"), _NOT_A_CODE)
    relation = _RELATIONS.get(d.get("relation"), _NOT_A_CODE)
    if not name or birth is None or type(insured) is not bool:
        return None
    if sex is _NOT_A_CODE or relation is _NOT_A_CODE:
        return None
    ethnicity = _text(d.get("ethnicity"), MAX_LENGTH["ethnicity"], optional=True)
    id_number = _text(d.get("id_number"), MAX_LENGTH["id_number"], optional=True)
    if ethnicity is False or id_number is False:
        return None
    if ethnicity is not None:
        ethnicity = sys.intern(ethnicity)  # a few names shared by a whole commune
    disability = d.get("disability")
    if disability is None:
        disability = "none"
    disability = _DISABILITIES.get(disability, _NOT_A_CODE)
    employment = _EMPLOYMENTS.get(d.get("employment"), _NOT_A_CODE)
    education = _EDUCATIONS.get(d.get("education"), _NOT_A_CODE)
    in_school, level_ok = d.get("in_school"), d.get("school_level_appropriate")
    malnourished = d.get("malnourished")
    if (
        disability is _NOT_A_CODE
        or employment is _NOT_A_CODE
        or education is _NOT_A_CODE
        or type(in_school) not in _OPTIONAL_BOOL
        or type(level_ok) not in _OPTIONAL_BOOL
        or type(malnourished) not in _OPTIONAL_BOOL
    ):
        return None
    return MemberFacts(
        name,
        sex,
        birth[0],
        relation,
        insured,
        birth[1],
        ethnicity,
        id_number,
        disability,
        employment,
        education,
        in_school,
        level_ok,
        malnourished,
    )


def _whole(value: Any, limit: int = MAX_NUMBER) -> Any:
    if value is None:
        return None
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int and abs(value) < limit:
        return value
    return False


def fast_household(d: Any) -> HouseholdFacts | None:
    try:
        return _household(d)
    except TypeError:
        return None


def _household(d: Any) -> HouseholdFacts | None:
    if type(d) is not dict:
        return None
    hid = _text(d.get("id"), MAX_LENGTH["id"])
    village = _text(d.get("village"), MAX_LENGTH["village"])
    area = _AREAS.get(d.get("area"), _NOT_A_CODE)
    housing, telecom = d.get("housing"), d.get("telecom")
    raw_members, devices = d.get("members"), d.get("information_devices")
    if not hid or not village or area is _NOT_A_CODE:
        return None
    village = sys.intern(village)
    if type(housing) is not dict or type(telecom) is not dict:
        return None
    if type(raw_members) is not list or not raw_members or type(devices) is not list:
        return None
    address = _text(d.get("address"), MAX_LENGTH["address"], optional=True)
    farm = d.get("farm_household", False)
    income, b1 = _whole(d.get("income_per_capita_month")), _whole(d.get("b1_score"), MAX_SCORE)
    if address is False or type(farm) not in _OPTIONAL_BOOL or income is False or b1 is False:
        return None
    floor: Any = housing.get("floor_area_m2")
    walls: Any
    columns: Any
    roof: Any
    walls, columns, roof = (
        housing.get("walls_durable"),
        housing.get("columns_durable"),
        housing.get("roof_durable"),
    )
    phone: Any = telecom.get("phone")
    internet: Any = telecom.get("internet")
    if (
        type(floor) not in (int, float)
        or not abs(floor) < MAX_NUMBER
        or not all(type(v) is bool for v in (walls, columns, roof, phone, internet))
    ):
        return None
    water = _WATER.get(d.get("water_source"), _NOT_A_CODE)
    latrine = _LATRINES.get(d.get("latrine"), _NOT_A_CODE)
    waste = _WASTE.get(d.get("waste_handling"), _NOT_A_CODE)
    if water is _NOT_A_CODE or latrine is _NOT_A_CODE or waste is _NOT_A_CODE:
        return None
    if (
        not all(type(x) is str for x in devices)
        or not _DEVICES.issuperset(devices)
        or len(set(devices)) != len(devices)
    ):
        return None
    members = []
    for raw in raw_members:
        member = fast_member(raw)
        if member is None:
            return None
        members.append(member)
    return HouseholdFacts(
        hid,
        village,
        area,
        tuple(members),
        float(floor),
        walls,
        columns,
        roof,
        water,
        latrine,
        phone,
        internet,
        tuple(devices),
        address or None,
        bool(farm),
        income,
        b1,
        waste,
    )
