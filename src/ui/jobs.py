"""Database work off the GUI thread: one writer lane, a new Session per task (Anki's TaskManager).

Every write and every long job (import, classify all, export, the demo commune) is submitted
here. One worker thread runs the tasks one after the other, so two writers never race for
SQLite's lock (Vorta #1081, "database is locked"). Results come back to the GUI thread through
queued signals. A long job gets a QProgressDialog that appears only after 600 ms (as Anki does,
so quick saves never flash a dialog) and whose Cancel button makes the job's `cancelled()` true;
the job then raises JobCancelled before writing and its transaction rolls back.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
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


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, task: Task, signals: _Signals, cancel: threading.Event) -> None:
        super().__init__()
        self.task, self.signals, self.cancel = task, signals, cancel
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.task(self.signals.progress.emit, self.cancel.is_set)
        except Exception as exc:  # handed to the GUI thread: no exception dies silently
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


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
        self._pending = 0
        self._keep: set[_Signals] = set()

    @property
    def busy(self) -> bool:
        return self._pending > 0

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

        def in_transaction(progress: Progress, cancelled: IsCancelled) -> Any:
            with self.db.sessions.begin() as session:
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
        signals = _Signals()
        self._keep.add(signals)
        dialog = self._progress_dialog(title, parent, cancel) if title else None
        if dialog is not None:
            signals.progress.connect(lambda done, total: _show(dialog, done, total))

        def finish() -> None:
            self._keep.discard(signals)
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            self._pending -= 1
            if not self._pending:
                self.busy_changed.emit(False)
            self.job_finished.emit()

        def done(result: Any) -> None:
            finish()
            on_done(result)

        def failed(exc: Exception) -> None:
            finish()
            if not isinstance(exc, RaSoatError):  # a bug: the crash dialog (ui/crash_dialog.py)
                sys.excepthook(type(exc), exc, exc.__traceback__)
            elif on_error is not None:
                on_error(exc)
            else:
                self._report(exc, parent)

        signals.done.connect(done, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Runnable(task, signals, cancel))

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
        while self._pending and app is not None:
            app.processEvents()
        return True


def _show(dialog: QProgressDialog, done: int, total: int) -> None:
    if dialog.maximum() != total:
        dialog.setMaximum(total)
    dialog.setValue(min(done, total))
