"""Messages of the core in Vietnamese (the source language) and English.

The catalogue is data (`resources/i18n/*.json`, one file per part of the program) so a wording
can be corrected without a code change. Keys are stable and unique across files; every key has
both languages (tests/app/test_i18n.py checks it).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

from app.resources import resource_path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(resource_path("i18n").glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            part: dict[str, dict[str, str]] = json.load(fh)
        clash = merged.keys() & part.keys()
        if clash:
            raise ValueError(f"message keys defined twice ({path.name}): {sorted(clash)[:5]}")
        merged.update(part)
    return merged


def tr(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The message `key` in `lang`, with `{name}` placeholders filled from `params`."""
    entry = catalogue()[key]
    template = entry.get(lang) or entry[DEFAULT_LANG]
    return template.format_map(params) if params else template


def label(key: str, lang: str = DEFAULT_LANG, default: str = "") -> str:
    """A label from the catalogue, or `default` when the catalogue has none for `key`."""
    entry = catalogue().get(key)
    if entry is None:
        return default
    return entry.get(lang) or entry[DEFAULT_LANG]


def format_money(amount: int | None, lang: str = DEFAULT_LANG) -> str:
    """1500000 -> "1.500.000 đ" (Vietnamese grouping); English uses commas and "VND"."""
    if amount is None:
        return "—"
    grouped = f"{amount:,}"
    if lang == "vi":
        return grouped.replace(",", ".") + " đ"
    return grouped + " VND"


def format_date(value: date | None) -> str:
    """Dates are shown as dd/mm/yyyy in both languages, as on Vietnamese forms."""
    return value.strftime("%d/%m/%Y") if value else ""
