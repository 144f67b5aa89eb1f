"""Locking the app after inactivity: the clock the GUI consults.

The GUI calls `touch()` on every key press and mouse click and asks `due()` on a timer; when it
is due, the window hides the data and asks for the account's password again
(`app.users.sign_in`), then calls `touch()`. Kept here, without Qt, so the rule is tested once.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class IdleLock:
    def __init__(self, minutes: int, clock: Callable[[], float] = time.monotonic) -> None:
        if minutes < 1:
            raise ValueError(minutes)
        self.seconds = minutes * 60
        self.clock = clock
        self.last = clock()

    def touch(self) -> None:
        """The user did something: the idle time starts again."""
        self.last = self.clock()

    def remaining(self) -> float:
        return max(0.0, self.seconds - (self.clock() - self.last))

    def due(self) -> bool:
        return self.remaining() == 0.0
