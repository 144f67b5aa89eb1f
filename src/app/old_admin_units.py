"""Administrative names from before the 1 July 2025 mergers, mapped to today's communes.

Lists made before the mergers name the old commune, district and province ("Xã Ea Lâm, huyện
Sông Hinh, tỉnh Phú Yên"), which is now part of a new commune (Xã Ea Ly, tỉnh Đắk Lắk). The
table `resources/admin_units/old_communes_2025.csv` (sources in SOURCES.md) gives, for each of
the 10,035 old communes, the new commune(s) it went into; a commune split between several new
ones is listed once per part. Names are compared accent-free with their unit word dropped
("Xã", "Phường", "Thị trấn", "Huyện", "Tỉnh", …), and today's names are accepted as well.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from app.admin_units import CommuneUnit, communes
from app.resources import resource_path
from app.textnorm import fold

_UNIT = re.compile(
    r"^(thanh pho|thi xa|thi tran|dac khu|tinh|huyen|quan|phuong|xa|tp|tx|tt|h|p|x|q)\.?\s+"
)
_SPACE = re.compile(r"[\s,.;:()\-–]+")


def bare_name(name: str) -> str:
    """ "Xã Ea Lâm" -> "ea lam"; "TP. Buôn Ma Thuột" -> "buon ma thuot"; "Phường 1" -> "1"."""
    text = _SPACE.sub(" ", fold(name).replace(".", ". ")).strip()
    stripped = _UNIT.sub("", text, count=1)
    return stripped or text


@dataclass(frozen=True, slots=True)
class OldCommune:
    province_code: str
    province: str
    district_code: str
    district: str
    code: str
    name: str
    new_code: str
    part: bool  # only part of the old commune went into new_code


@cache
def old_communes() -> tuple[OldCommune, ...]:
    path = resource_path("admin_units", "old_communes_2025.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(
            OldCommune(
                r["old_province_code"],
                r["old_province_name"],
                r["old_district_code"],
                r["old_district_name"],
                r["old_commune_code"],
                r["old_commune_name"] or r["old_district_name"],
                r["new_commune_code"],
                r["part"] == "part",
            )
            for r in csv.DictReader(fh)
        )


@cache
def _province_index() -> dict[str, frozenset[str]]:
    """Bare province name (old or new) -> codes of today's provinces it lies in."""
    out: dict[str, set[str]] = defaultdict(set)
    new_province = {c.code: c.province_code for c in communes()}
    for old in old_communes():
        out[bare_name(old.province)].add(new_province[old.new_code])
    for unit in communes():
        out[bare_name(unit.province_name)].add(unit.province_code)
    return {k: frozenset(v) for k, v in out.items()}


def provinces_named(name: str) -> frozenset[str]:
    """Codes of today's provinces that a province name (old or new) refers to."""
    return _province_index().get(bare_name(name), frozenset())


def communes_named(
    name: str, district: str | None = None, province: str | None = None
) -> frozenset[str]:
    """Codes of today's communes that a commune name (old or new) may refer to, narrowed by
    the district and province names when they are given."""
    bare = bare_name(name)
    district_bare = bare_name(district) if district else None
    provinces = provinces_named(province) if province else None
    found: set[str] = set()
    for old in _old_by_name().get(bare, ()):
        if district_bare and bare_name(old.district) != district_bare:
            continue
        if province and bare_name(old.province) != bare_name(province):
            continue
        found.add(old.new_code)
    for unit in _new_by_name().get(bare, ()):
        if provinces is None or unit.province_code in provinces:
            found.add(unit.code)
    return frozenset(found)


@cache
def _old_by_name() -> dict[str, tuple[OldCommune, ...]]:
    out: dict[str, list[OldCommune]] = defaultdict(list)
    for old in old_communes():
        out[bare_name(old.name)].append(old)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _new_by_name() -> dict[str, tuple[CommuneUnit, ...]]:
    out: dict[str, list[CommuneUnit]] = defaultdict(list)
    for unit in communes():
        out[bare_name(unit.name)].append(unit)
    return {k: tuple(v) for k, v in out.items()}


def old_names_of(new_code: str) -> list[OldCommune]:
    """The old communes (or parts) that went into today's commune `new_code`."""
    return [o for o in old_communes() if o.new_code == new_code]
