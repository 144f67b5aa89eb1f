"""Every message has both languages and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from app.i18n import catalogue, format_date, format_money

SRC = Path(__file__).resolve().parents[2] / "src"


def test_every_entry_has_vietnamese_and_english_with_same_placeholders() -> None:
    fields = lambda t: {f for _, f, _, _ in string.Formatter().parse(t) if f}  # noqa: E731
    for key, entry in catalogue().items():
        assert entry.get("vi") and entry.get("en"), key
        assert fields(entry["vi"]) == fields(entry["en"]), key


def test_literal_keys_used_in_code_exist() -> None:
    keys = set(catalogue())
    used = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text("utf-8")
        used |= set(
            re.findall(
                r'(?:tr|say|RaSoatError|NotFound|DatabaseError)\(\s*"([a-z_]+\.[a-z_.]+)"', text
            )
        )
        used |= set(re.findall(r'\b(?:Error|Found)\("([a-z_]+\.[a-z_.]+)"', text))
    missing = sorted(k for k in used if k not in keys)
    assert missing == []


def test_problem_codes_have_messages() -> None:
    codes = set()
    for path in SRC.rglob("*.py"):
        codes |= set(re.findall(r'Problem\(\s*"([a-z_0-9]+)"', path.read_text("utf-8")))
        codes |= set(re.findall(r'self\.fail\([^,]+,\s*"([a-z_0-9]+)"', path.read_text("utf-8")))
    assert codes and all(f"problem.{c}" in catalogue() for c in codes)


def test_money_and_dates() -> None:
    from datetime import date

    assert format_money(1_500_000) == "1.500.000 đ"
    assert format_money(1_500_000, "en") == "1,500,000 VND"
    assert format_date(date(2026, 9, 1)) == "01/09/2026"
