"""Ages on a review's reference date.

Ages are counted in completed years (or months) on the reference date: a child who turns 6 on that
day is 6. Rather than computing an age per person, we compute once the latest birth date that
reaches an age, as an ISO string, and compare birth dates with it. ISO dates compare in date order
as strings, so this is exact, fast over thousands of members, and works for year-only births
("YYYY-01-01"). The cut-off may name a day that does not exist (2027-02-29, 2026-02-31); as a
string it still sorts where it should, which is exactly the leap-day and month-end behaviour of
"completed years/months".
"""

from __future__ import annotations

from datetime import date


class AgeClock:
    def __init__(self, reference_date: date) -> None:
        self.reference_date = reference_date
        self._years: dict[int, str] = {}
        self._months: dict[int, str] = {}
        self._ages: dict[str, int] = {}

    def year_cutoff(self, years: int) -> str:
        """Born on or before this ISO string ⇔ at least `years` old on the reference date."""
        cut = self._years.get(years)
        if cut is None:
            ref = self.reference_date
            cut = f"{ref.year - years:04d}-{ref.month:02d}-{ref.day:02d}"
            self._years[years] = cut
        return cut

    def month_cutoff(self, months: int) -> str:
        """Born on or before this ISO string ⇔ at least `months` months old on that date."""
        cut = self._months.get(months)
        if cut is None:
            ref = self.reference_date
            total = ref.year * 12 + (ref.month - 1) - months
            cut = f"{total // 12:04d}-{total % 12 + 1:02d}-{ref.day:02d}"
            self._months[months] = cut
        return cut

    def at_least(self, birth_date: str, years: int) -> bool:
        return birth_date <= self.year_cutoff(years)

    def age(self, birth_date: str) -> int:
        """Completed years on the reference date (negative years are reported as -1)."""
        known = self._ages.get(birth_date)
        if known is None:
            known = self._ages[birth_date] = self._compute_age(birth_date)
        return known

    def _compute_age(self, birth_date: str) -> int:
        ref = self.reference_date
        year, month, day = int(birth_date[:4]), int(birth_date[5:7]), int(birth_date[8:10])
        age = ref.year - year - ((ref.month, ref.day) < (month, day))
        return max(age, -1)
