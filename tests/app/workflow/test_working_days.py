"""Working-day arithmetic across weekends, Tết and swapped days."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.workflow import working_days
from app.workflow.working_days import calendar

D = date.fromisoformat


def test_posting_of_3_working_days_skips_the_weekend() -> None:
    cal = calendar()
    # Thursday 19 Nov 2026: Thursday, Friday, Monday.
    assert cal.period_end(D("2026-11-19"), 3) == D("2026-11-23")
    # Starting on a Saturday, the period begins on Monday.
    assert cal.period_end(D("2026-11-21"), 3) == D("2026-11-25")
    assert cal.working_days_between(D("2026-11-19"), D("2026-11-23")) == 3


def test_recheck_deadline_counts_from_the_next_day() -> None:
    # A complaint on Friday 20 Nov 2026: 7 working days → Tuesday 1 Dec.
    assert calendar().add_working_days(D("2026-11-20"), 7) == D("2026-12-01")


def test_posting_across_tet_2026() -> None:
    cal = calendar()
    # Tết Bính Ngọ: off from Sat 14 Feb to Sun 22 Feb 2026.
    assert not any(cal.is_working_day(D(f"2026-02-{d}")) for d in range(14, 23))
    # Posted on Friday 13 Feb: Friday, then Monday 23 and Tuesday 24 Feb.
    assert cal.period_end(D("2026-02-13"), 3) == D("2026-02-24")
    # The average-household track posts for 5 working days.
    assert cal.period_end(D("2026-02-12"), 5) == D("2026-02-25")
    # A re-check within 7 working days of a complaint on 12 Feb ends on Monday 2 March.
    assert cal.add_working_days(D("2026-02-12"), 7) == D("2026-03-02")


def test_swapped_saturday_is_a_working_day_and_holidays_mid_week() -> None:
    cal = calendar()
    assert cal.is_working_day(D("2025-04-26"))  # Saturday worked in exchange for 2 May 2025
    assert not cal.is_working_day(D("2025-05-02"))
    # Posting from Tuesday 29 Apr 2025: 29 Apr, (30 Apr–4 May off), 5 May, 6 May.
    assert cal.period_end(D("2025-04-29"), 3) == D("2025-05-06")
    assert cal.period_end(D("2026-08-31"), 3) == D("2026-09-04")  # 1–2 Sept off


def test_every_entry_has_a_source_and_status() -> None:
    cal = calendar()
    assert cal.covers(D("2025-01-01")) and cal.covers(D("2027-12-31"))
    assert not cal.covers(D("2028-01-03"))
    for holiday in cal.days.values():
        assert holiday.source and holiday.status in ("verified", "secondary", "unverified")
        assert holiday.name["vi"] and holiday.name["en"]
    tet_2027 = [h for h in cal.days.values() if h.day.year == 2027 and h.day.month == 2]
    assert tet_2027 and all(h.status == "unverified" for h in tet_2027)


def test_an_officer_adds_next_years_table(monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path(__import__("os").environ["RASOAT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "holidays.json").write_text(
        json.dumps(
            {
                "covers": {"from": "2028-01-01", "until": "2028-12-31"},
                "days": [
                    {
                        "date": "2028-01-26",
                        "kind": "holiday",
                        "name": {"vi": "Tết Mậu Thân", "en": "Tết"},
                        "status": "unverified",
                        "source": ["officer"],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    working_days.calendar.cache_clear()
    try:
        cal = calendar()
        assert cal.covers(D("2028-06-01")) and not cal.is_working_day(D("2028-01-26"))
    finally:
        working_days.calendar.cache_clear()
