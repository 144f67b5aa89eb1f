"""Working days: Monday to Friday, less public holidays, plus Saturdays worked in exchange.

The holidays are data (resources/workflow/holidays.json, merged with `<data folder>/holidays.json`
when an officer adds a year): Tết follows the lunar calendar and the government moves days off
each year, so no rule in code could know them. Outside the years the table covers, only weekends
are skipped, and `covers()` lets the UI say so.

Periods are counted the way the procedure states them:
- a posting of n working days *starting* on a day includes that day when it is a working day
  (posting from Thursday for 3 days: Thursday, Friday, Monday);
- a deadline of n working days *after* an event (a re-check within 7 working days of the
  complaint) starts counting the next day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from app.paths import data_dir
from app.resources import resource_path

DAYS_OFF = ("holiday", "compensatory", "swap_off")


@dataclass(frozen=True)
class Holiday:
    day: date
    kind: str
    name: dict[str, str]
    status: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class Calendar:
    days: dict[date, Holiday]
    first: date
    last: date

    def is_working_day(self, day: date) -> bool:
        entry = self.days.get(day)
        if entry is not None:
            return entry.kind == "working_day"
        return day.weekday() < 5

    def covers(self, day: date) -> bool:
        """Whether the holiday table knows `day`'s year (else only weekends are skipped)."""
        return self.first <= day <= self.last

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n ≥ 1), not counting `day` itself."""
        current, left = day, n
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def period_end(self, start: date, n: int) -> date:
        """The last day of a period of n working days that starts on `start`."""
        return self.add_working_days(start - timedelta(days=1), n)

    def working_days_between(self, first: date, last: date) -> int:
        """Working days from `first` to `last`, both included."""
        count, day = 0, first
        while day <= last:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _entries(data: dict[str, Any]) -> list[Holiday]:
    return [
        Holiday(
            date.fromisoformat(d["date"]),
            d["kind"],
            dict(d["name"]),
            d["status"],
            tuple(d.get("source", ())),
        )
        for d in data["days"]
    ]


@cache
def calendar() -> Calendar:
    """The shipped table, with the officer's own file (if any) merged over it."""
    shipped = _read(resource_path("workflow", "holidays.json"))
    days = {h.day: h for h in _entries(shipped)}
    first = date.fromisoformat(shipped["covers"]["from"])
    last = date.fromisoformat(shipped["covers"]["until"])
    local = data_dir() / "holidays.json"
    if local.is_file():
        extra = _read(local)
        days.update({h.day: h for h in _entries(extra)})
        if "covers" in extra:
            first = min(first, date.fromisoformat(extra["covers"]["from"]))
            last = max(last, date.fromisoformat(extra["covers"]["until"]))
    return Calendar(days, first, last)
