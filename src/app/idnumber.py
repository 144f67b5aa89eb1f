"""Citizen ID numbers: 12-digit CCCD and 9-digit CMND (domain README §6).

CCCD digits: 1–3 the province where the birth was registered, 4 century and sex (0/1 male/female
born 1900–1999, 2/3 born 2000–2099), 5–6 the last two digits of the birth year. There is no
checksum. A mismatch with the member's sex or birth year is only a warning: the officer confirms it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache

from app.resources import resource_path


@cache
def cccd_province_codes() -> frozenset[str]:
    with resource_path("admin_units", "cccd_province_codes.csv").open(encoding="utf-8") as fh:
        return frozenset(row["cccd_code"] for row in csv.DictReader(fh))


@dataclass(frozen=True, slots=True)
class IdCheck:
    """What is wrong with an ID number; all false means it is consistent."""

    bad_format: bool = False
    unknown_province: bool = False
    sex_or_century_mismatch: bool = False
    birth_year_mismatch: bool = False


def check_id_number(number: str, sex: str, birth_year: int) -> IdCheck | None:
    """What is wrong with `number` for a person of `sex` born in `birth_year`; None if nothing."""
    if not (number.isascii() and number.isdigit()) or len(number) not in (9, 12):
        return IdCheck(bad_format=True)
    if len(number) == 9:  # the old CMND carries no sex or birth year
        return None
    return _check_cccd_head(number[:6], sex, birth_year)


@lru_cache(maxsize=1 << 14)  # the first six digits repeat across a commune's people
def _check_cccd_head(number: str, sex: str, birth_year: int) -> IdCheck | None:
    century_sex = int(number[3])
    expected_century = 1900 + 100 * (century_sex // 2)
    expected_sex = "female" if century_sex % 2 else "male"
    sex_or_century = (
        century_sex > 3
        or expected_sex != sex
        or not (expected_century <= birth_year < expected_century + 100)
    )
    unknown_province = number[:3] not in cccd_province_codes()
    year_mismatch = int(number[4:6]) != birth_year % 100
    if not (sex_or_century or unknown_province or year_mismatch):
        return None
    return IdCheck(
        unknown_province=unknown_province,
        sex_or_century_mismatch=sex_or_century,
        birth_year_mismatch=year_mismatch,
    )
