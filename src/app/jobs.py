"""Progress and cancellation for long jobs (import, classify-all, export, backup).

Jobs take two plain callables, so the GUI adapts them to a progress dialog and tests pass stubs
(qutebrowser's injected progress object). A cancelled job raises JobCancelled before it writes
anything; the caller's transaction rolls back and the database is as it was.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

from app.errors import RaSoatError

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


class JobCancelled(RaSoatError):
    def __init__(self) -> None:
        super().__init__("job.cancelled")


class Ticker:
    """Reports progress about a hundred times over `total` items and checks for cancellation."""

    def __init__(
        self, total: int, progress: Progress | None = None, cancelled: IsCancelled | None = None
    ) -> None:
        self.total = total
        self.progress = progress
        self.cancelled = cancelled
        self.step = max(1, total // 100)

    def tick(self, done: int) -> None:
        if done % self.step and done != self.total:
            return
        self.check()
        if self.progress:
            self.progress(done, self.total)

    def check(self) -> None:
        if self.cancelled and self.cancelled():
            raise JobCancelled()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a bulk job.

    Bulk jobs allocate hundreds of thousands of small tuples that live until the job ends; the
    collector would scan them again and again (a third of classify-all's time here). They hold
    no reference cycles, so nothing is lost by collecting once afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
