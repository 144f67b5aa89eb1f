"""Today's date, in one place: steps may not be dated in the future, so a decision cannot be
recorded "after the posting ends" before it really has. Tests replace `today`."""

from __future__ import annotations

from datetime import date


def today() -> date:
    return date.today()
