"""Database work off the GUI thread: one writer lane, a new Session per task (Anki's TaskManager).

Every write and every long job (import, classify all, export, the demo commune) is submitted
here. One worker thread runs the tasks one after the other, so two writers never race for
SQLite's lock (Vorta #1081, "database is locked"). Results come back to the GUI thread through
queued signals. A long job gets a QProgressDialog that appears only after 600 ms (as Anki does,
so quick saves never flash a dialog) and whose Cancel button makes the job's `cancelled()` true;
the job then raises JobCancelled before writing and its transaction rolls back.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from sqlalchemy.orm import Session

from app.errors import RaSoatError
from app.jobs import IsCancelled, JobCancelled, Progress
from models.database import Database
from ui.prompts import Prompts

SHOW_PROGRESS_AFTER_MS = 600

Task = Callable[[Progress, IsCancelled], Any]
SessionTask = Callable[[Session, Progress, IsCancelled], Any]


@dataclass
class _Job:
    """One submitted task. The GUI thread holds it (JobRunner._jobs) from submission until it
    has handled the outcome, so the worker thread never drops the last reference to anything
    the task or its outcome holds: dropping the last reference to a Python object that has Qt
    connections runs PySide's disconnection on the worker thread, racing with the GUI thread
    (the crashes seen under load; core dump: QMetaObject::Connection::~Connection on the pool
    thread while the GUI thread destroyed widgets)."""

    number: int
    task: Task | None
    cancel: threading.Event
    on_done: Callable[[Any], None]
    on_error: Callable[[RaSoatError], None] | None
    parent: QWidget | None
    dialog: QProgressDialog | None
    outcome: tuple[bool, Any] | None = None  # (succeeded, result or exception)


class _Relay(QObject):
    """Carries job numbers from the worker thread to the GUI thread (queued).

    One for the whole process, created on the GUI thread and never freed, so no thread but the
    GUI thread ever destroys it. Every runner listens and keeps the numbers it owns."""

    progressed = Signal(int, int, int)
    finished = Signal(int)


_relay: _Relay | None = None
_numbers = itertools.count(1)


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class _Runnable(QRunnable):
    """Runs one job on the worker thread; holds the job only while it runs."""

    def __init__(self, job: _Job) -> None:
        super().__init__()
        self.job: _Job | None = job
        self.setAutoDelete(True)

    def run(self) -> None:
        job, self.job = self.job, None
        assert job is not None and job.task is not None
        number, relay = job.number, _the_relay()

        def progress(done: int, total: int) -> None:
            relay.progressed.emit(number, done, total)

        try:
            job.outcome = (True, job.task(progress, job.cancel.is_set))
        except Exception as exc:  # handed to the GUI thread: no exception dies silently
            job.outcome = (False, exc)
        # Let go before telling the GUI thread, which still holds the job: after the signal it
        # may drop its reference at any moment, and then ours would be the last.
        del job
        relay.finished.emit(number)


class JobRunner(QObject):
    """The single writer lane. `busy_changed(bool)` tells the window to disable writing actions."""

    busy_changed = Signal(bool)
    job_finished = Signal()

    def __init__(
        self, db: Database, lang: str, prompts: Prompts, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.prompts = prompts
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._jobs: dict[int, _Job] = {}
        relay = _the_relay()  # created here, on the GUI thread
        queued = Qt.ConnectionType.QueuedConnection
        relay.progressed.connect(self._on_progress, queued)
        relay.finished.connect(self._on_finished, queued)

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def run_in_session(
        self,
        task: SessionTask,
        on_done: Callable[[Any], None],
        *,
        title: str | None = None,
        parent: QWidget | None = None,
        on_error: Callable[[RaSoatError], None] | None = None,
    ) -> None:
        """Run `task(session, progress, cancelled)` in one transaction on the writer lane."""
        db = self.db

        def in_transaction(progress: Progress, cancelled: IsCancelled) -> Any:
            with db.sessions.begin() as session:
                return task(session, progress, cancelled)

        self.run(in_transaction, on_done, title=title, parent=parent, on_error=on_error)

    def run(
        self,
        task: Task,
        on_done: Callable[[Any], None],
        *,
        title: str | None = None,
        parent: QWidget | None = None,
        on_error: Callable[[RaSoatError], None] | None = None,
    ) -> None:
        """Run `task(progress, cancelled)` on the writer lane; with a `title`, show progress."""
        cancel = threading.Event()
        dialog = self._progress_dialog(title, parent, cancel) if title else None
        job = _Job(next(_numbers), task, cancel, on_done, on_error, parent, dialog)
        self._jobs[job.number] = job
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Runnable(job))

    def _on_progress(self, number: int, done: int, total: int) -> None:
        job = self._jobs.get(number)
        if job is not None and job.dialog is not None:
            _show(job.dialog, done, total)

    def _on_finished(self, number: int) -> None:
        job = self._jobs.pop(number, None)
        if job is None:  # another runner's job
            return
        if job.dialog is not None:
            job.dialog.reset()
            job.dialog.deleteLater()
        if not self._jobs:
            self.busy_changed.emit(False)
        self.job_finished.emit()
        assert job.outcome is not None
        succeeded, value = job.outcome
        if succeeded:
            job.on_done(value)
        elif not isinstance(value, RaSoatError):  # a bug: the crash dialog (ui/crash_dialog.py)
            sys.excepthook(type(value), value, value.__traceback__)
        elif job.on_error is not None:
            job.on_error(value)
        else:
            self._report(value, job.parent)

    def _progress_dialog(
        self, title: str, parent: QWidget | None, cancel: threading.Event
    ) -> QProgressDialog:
        dialog = QProgressDialog(title, None, 0, 0, parent)
        dialog.setWindowTitle("RaSoat")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(cancel.set)
        # Cancel is honoured at the job's next check, before it writes anything.
        dialog.canceled.connect(lambda: dialog.setLabelText(f"{title}\n…"))
        return dialog

    def _report(self, exc: RaSoatError, parent: QWidget | None) -> None:
        if isinstance(exc, JobCancelled):
            self.prompts.inform(parent, "RaSoat", exc.message(self.lang))
        else:
            self.prompts.error(parent, "RaSoat", exc.message(self.lang))

    @Slot()
    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until every submitted task has finished and delivered its result (tests)."""
        if not self.pool.waitForDone(timeout_ms):
            return False
        app = QApplication.instance()
        while self._jobs and app is not None:
            app.processEvents()
        return True


def _show(dialog: QProgressDialog, done: int, total: int) -> None:
    if dialog.maximum() != total:
        dialog.setMaximum(total)
    dialog.setValue(min(done, total))
