"""Guard: the window stays responsive while the close backup runs, the cost of the inactivity
lock's application-wide event filter, and changing the passphrase.

The close backup used to run on the GUI thread; it now runs on the writer lane while the window
waits in an event loop with the progress dialog (ui/main_window.py). Both are timed on the same
encrypted database with a 10 ms timer on the GUI thread: the longest gap between its ticks is
how long the window was frozen. Raw baselines of the same run: a file copy of the database, and
events dispatched without the filter.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

PASSPHRASE = "bench passphrase 2026"
REFERENCE = date(2026, 11, 15)


class _Ticks:
    """A 10 ms timer on the GUI thread; `longest` is the largest gap between two ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self.tick()
        self.timer.stop()
        return self.longest


def _database(workdir: Path, households: int) -> Path:
    from app.actor import Actor
    from app.demo.commune import create_demo
    from app.storage import open_database

    path = workdir / "xa.sqlite"
    db = open_database(path, passphrase=PASSPHRASE)
    create_demo(db, Actor("bench", "officer"), households, 1, REFERENCE)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _window(path: Path) -> Any:
    from app.actor import Actor
    from app.drafts import DraftStore
    from app.settings import Settings
    from app.storage import open_database
    from ui.context import AppContext
    from ui.jobs import JobRunner
    from ui.main_window import MainWindow
    from ui.prompts import Prompts

    db = open_database(path, passphrase=PASSPHRASE)
    prompts = Prompts()
    runner = JobRunner(db, "vi", prompts)
    actor = Actor("bench", "officer")
    context = AppContext(db, actor, Settings(), prompts, runner, DraftStore.for_database("b"))
    return MainWindow(context)


def _frozen_while(app: Any, work: Any) -> tuple[float, float]:
    ticks = _Ticks()
    for _ in range(5):
        app.processEvents()
        time.sleep(0.01)
    start = time.perf_counter()
    work()
    wall = time.perf_counter() - start
    app.processEvents()
    return wall, ticks.stop()


def _event_cost(app: Any, count: int) -> float:
    from PySide6.QtCore import QEvent, QObject

    target = QObject()
    event = QEvent(QEvent.Type.User)
    start = time.perf_counter()
    for _ in range(count):
        app.sendEvent(target, event)
    return (time.perf_counter() - start) / count


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app import backups
    from app.encryption import change_passphrase

    app = QApplication.instance() or QApplication([])
    path = _database(workdir, households)
    size_mb = path.stat().st_size / 1e6
    copy_s = min(_timed(shutil.copyfile, path, workdir / "copy.sqlite") for _ in range(3))
    report.add(f"raw baseline: file copy of the database ({size_mb:.0f} MB)", f"{copy_s:.2f} s")
    window = _window(path)
    window.show()
    db = window.context.db
    wall, frozen = _frozen_while(app, lambda: backups.backup_database(db, "close"))
    report.add(
        "close backup on the GUI thread (before): wall",
        f"{wall:.2f} s",
        f"{wall / copy_s:.1f}× copy",
    )
    report.add("  longest freeze of the window", f"{frozen * 1000:.0f} ms")
    wall, frozen = _frozen_while(app, window._backup_with_progress)
    report.add(
        "close backup on the writer lane (now): wall", f"{wall:.2f} s", f"{wall / copy_s:.1f}× copy"
    )
    report.add("  longest freeze of the window", f"{frozen * 1000:.0f} ms", "progress dialog shown")
    window.idle.stop()
    bare = _event_cost(app, 100_000)
    window.idle.timer.start()
    app.installEventFilter(window.idle)
    filtered = _event_cost(app, 100_000)
    report.add("raw baseline: one event dispatched, no filter", f"{bare * 1e6:.2f} µs")
    report.add(
        "one event through the inactivity filter",
        f"{filtered * 1e6:.2f} µs",
        f"+{(filtered - bare) * 1e6:.2f} µs",
    )
    window.idle.stop()
    window.context.runner.wait()
    db.dispose()
    rekey_s = _timed(change_passphrase, path, PASSPHRASE, "another passphrase 2027")
    report.add(
        "change the passphrase (database + 2 backups)",
        f"{rekey_s:.2f} s",
        f"{rekey_s / copy_s:.1f}× copy",
    )
    window.deleteLater()
    app.processEvents()


def _timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start
