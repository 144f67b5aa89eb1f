"""The official list of provinces and communes (2026, two-level government), from resources/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from app.errors import NotFound
from app.resources import resource_path
from app.textnorm import fold


@dataclass(frozen=True, slots=True)
class CommuneUnit:
    code: str
    name: str
    kind: str  # "xa" | "phuong" | "dac_khu"
    province_code: str
    province_name: str

    @property
    def search_key(self) -> str:
        return fold(f"{self.name} {self.province_name} {self.code}")


@cache
def communes() -> tuple[CommuneUnit, ...]:
    with resource_path("admin_units", "communes.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            CommuneUnit(
                code=row["ward_code"],
                name=row["ward_full_name"],
                kind=row["ward_unit_type"],
                province_code=row["province_code"],
                province_name=row["province_full_name"],
            )
            for row in csv.DictReader(fh)
        )


@cache
def _by_code() -> dict[str, CommuneUnit]:
    return {c.code: c for c in communes()}


def commune_by_code(code: str) -> CommuneUnit:
    try:
        return _by_code()[code.strip().zfill(5)]
    except KeyError:
        raise NotFound("commune.unknown_code", code=code) from None


def provinces() -> list[tuple[str, str]]:
    """(code, name) of the 34 provinces, in code order."""
    return sorted({(c.province_code, c.province_name) for c in communes()})


def search_communes(
    query: str, province_code: str | None = None, limit: int = 50
) -> list[CommuneUnit]:
    """Type-ahead search that ignores diacritics and case: every word must appear."""
    words = fold(query).split()
    out = []
    for unit in communes():
        if province_code and unit.province_code != province_code:
            continue
        key = unit.search_key
        if all(w in key for w in words):
            out.append(unit)
            if len(out) >= limit:
                break
    return out


@dataclass(frozen=True, slots=True)
class ProvinceUnit:
    code: str
    name: str


def province_by_code(code: str) -> ProvinceUnit:
    names = dict(provinces())
    key = code.strip().zfill(2)
    if key not in names:
        raise NotFound("province.unknown_code", code=code)
    return ProvinceUnit(key, names[key])
