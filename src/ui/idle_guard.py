"""The inactivity lock's eyes and clock: an application-wide event filter that tells
app/idle_lock.py about every key press, click and wheel turn, and a timer that asks it whether
the window should lock. A job running on the writer lane counts as activity (its progress
dialog is on screen; locking under it would only hide the progress)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.idle_lock import IdleLock

CHECK_EVERY_MS = 5_000
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class IdleGuard(QObject):
    """Emits `lock_due` once when the user has been idle for the configured minutes; `resume()`
    after the user signed in again starts the watch anew."""

    lock_due = Signal()

    def __init__(
        self,
        minutes: int,
        busy: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.lock = IdleLock(minutes, clock)
        self.busy = busy
        self.watching = True
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.lock = IdleLock(minutes, self.lock.clock)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.watching:
            self.lock.touch()
        return False

    def check(self) -> None:
        if not self.watching:
            return
        if self.busy():
            self.lock.touch()
        elif self.lock.due():
            self.watching = False
            self.lock_due.emit()

    def resume(self) -> None:
        self.lock.touch()
        self.watching = True

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
