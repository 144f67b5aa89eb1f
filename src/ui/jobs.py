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
    """What the GUI thread needs when a job reports back."""

    on_done: Callable[[Any], None]
    on_error: Callable[[RaSoatError], None] | None
    parent: QWidget | None
    dialog: QProgressDialog | None


class _Runnable(QRunnable):
    """Runs one task on the worker thread and reports through the runner's signals.

    It holds no Qt object of its own: a per-job QObject created on the GUI thread could be freed
    on the worker thread when the pool deletes the runnable, racing with its queued signals
    (the rare crashes seen under load). The runner lives as long as its window.
    """

    def __init__(self, job: int, task: Task, runner: JobRunner, cancel: threading.Event) -> None:
        super().__init__()
        self.job, self.task, self.runner, self.cancel = job, task, runner, cancel
        self.setAutoDelete(True)

    def run(self) -> None:
        job, runner = self.job, self.runner

        def progress(done: int, total: int) -> None:
            runner.progressed.emit(job, done, total)

        try:
            result = self.task(progress, self.cancel.is_set)
        except Exception as exc:  # handed to the GUI thread: no exception dies silently
            runner.failed.emit(job, exc)
        else:
            runner.succeeded.emit(job, result)
        finally:
            # Let go of the task (and what its closure holds) here, not whenever the pool
            # deletes this runnable.
            self.task = _finished


def _finished(progress: Progress, cancelled: IsCancelled) -> None:
    raise AssertionError("a runnable runs once")


class JobRunner(QObject):
    """The single writer lane. `busy_changed(bool)` tells the window to disable writing actions."""

    busy_changed = Signal(bool)
    job_finished = Signal()
    # From the worker thread, delivered on the GUI thread (queued): job number and payload.
    progressed = Signal(int, int, int)
    succeeded = Signal(int, object)
    failed = Signal(int, object)

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
        self._numbers = itertools.count(1)
        queued = Qt.ConnectionType.QueuedConnection
        self.progressed.connect(self._on_progress, queued)
        self.succeeded.connect(self._on_done, queued)
        self.failed.connect(self._on_failed, queued)

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
        number = next(self._numbers)
        self._jobs[number] = _Job(on_done, on_error, parent, dialog)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Runnable(number, task, self, cancel))

    def _on_progress(self, number: int, done: int, total: int) -> None:
        job = self._jobs.get(number)
        if job is not None and job.dialog is not None:
            _show(job.dialog, done, total)

    def _finish(self, number: int) -> _Job:
        job = self._jobs.pop(number)
        if job.dialog is not None:
            job.dialog.reset()
            job.dialog.deleteLater()
        if not self._jobs:
            self.busy_changed.emit(False)
        self.job_finished.emit()
        return job

    def _on_done(self, number: int, result: Any) -> None:
        self._finish(number).on_done(result)

    def _on_failed(self, number: int, exc: Exception) -> None:
        job = self._finish(number)
        if not isinstance(exc, RaSoatError):  # a bug: the crash dialog (ui/crash_dialog.py)
            sys.excepthook(type(exc), exc, exc.__traceback__)
        elif job.on_error is not None:
            job.on_error(exc)
        else:
            self._report(exc, job.parent)

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
