"""What a list's title rows say: whose list it is, of which year, and of which households.

Above the header a list names its commune ("UBND XÃ EA LÂM", "Huyện Sông Hinh – Tỉnh Phú Yên"),
its year ("… NĂM 2025") and often its class ("DANH SÁCH HỘ NGHÈO"). The commune may be an old
one (before the July 2025 mergers); `app.old_admin_units` says which of today's communes it is
part of, so the import can refuse a list that belongs to another commune.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.excel.fields import cell_text, key
from app.excel.sheet import Grid
from app.old_admin_units import communes_named

_STOP = r"(?=\s+(?:huyen|quan|thi xa|thanh pho|tinh|nam|giai doan|ngay|thang|dot|tai)\b|$)"
_COMMUNE = re.compile(r"\b(xa|phuong|thi tran|dac khu)\s+([a-z0-9' ]+?)" + _STOP)
_DISTRICT = re.compile(r"\b(huyen|quan|thi xa|thanh pho)\s+([a-z0-9' ]+?)" + _STOP)
_PROVINCE = re.compile(r"\btinh\s+([a-z0-9' ]+?)" + _STOP)
_YEAR = re.compile(r"\bnam\s+(20\d\d)\b")
_CLASS_WORDS = (("near_poor", "ho can ngheo"), ("poor", "ho ngheo"))


@dataclass(frozen=True)
class TitleFacts:
    text: str  # the title rows, as read
    commune: str | None
    district: str | None
    province: str | None
    year: int | None
    list_class: str | None  # the class every household of the list has, if the title says so


def title_facts(grid: Grid, header_first: int) -> TitleFacts:
    lines: list[str] = []
    for row in grid.rows[: header_first - 1]:
        for value in row:
            text = cell_text(value)
            if text and text not in lines:
                lines.append(text)
    folded = " | ".join(key(line) for line in lines)
    # The national motto ("Cộng hòa xã hội chủ nghĩa …") is not a commune.
    parts = [p for p in (key(line) for line in lines) if "xa hoi chu nghia" not in p]
    commune = _first(_COMMUNE, parts, group=0)
    district = _first(_DISTRICT, parts, group=0)
    province = _first(_PROVINCE, parts, group=0)
    year = _YEAR.search(folded)
    return TitleFacts(
        " / ".join(lines),
        commune,
        district,
        province,
        int(year[1]) if year else None,
        _list_class(folded),
    )


def _first(pattern: re.Pattern[str], parts: list[str], group: int) -> str | None:
    for part in parts:
        match = pattern.search(part)
        if match:
            return match[group]
    return None


def _list_class(folded: str) -> str | None:
    """ "danh sach ho ngheo" -> poor; a list of both classes ("ho ngheo, ho can ngheo") -> None."""
    near = "ho can ngheo" in folded
    poor = "ho ngheo" in folded.replace("ho can ngheo", "")
    if near and not poor:
        return "near_poor"
    if poor and not near:
        return "poor"
    return None


def communes_of(
    commune: str | None, district: str | None, province: str | None
) -> frozenset[str] | None:
    """Today's communes a (possibly old) place may be; None when no commune is named."""
    if not commune:
        return None
    found = communes_named(commune, district, province)
    if not found and (district or province):
        found = communes_named(commune, None, province) or communes_named(commune)
    return found
