"""What a window shows while locked after inactivity: no data, only who is signed in and a
password field. The password is checked like a sign-in (app.users.confirm_password: counted,
locked out after repeated failures, with the reason shown). WindowLock fits it to a window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import RaSoatError
from app.users import confirm_password
from ui.context import AppContext
from ui.idle_guard import IdleGuard


class LockScreen(QWidget):
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QVBoxLayout()
        title = QLabel(context.tr("ui.lock.title"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        box.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        self.note = QLabel(context.tr("ui.lock.note", user=context.actor.label))
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.note)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(context.tr("ui.sign_in.password").rstrip(":"))
        self.password.setMaximumWidth(360)
        self.password.returnPressed.connect(self.unlock)
        box.addWidget(self.password, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.problem)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.unlock_button = QPushButton(context.tr("ui.lock.unlock"))
        self.unlock_button.clicked.connect(lambda _c=False: self.unlock())
        self.sign_out_button = QPushButton(context.tr("ui.data.sign_out"))
        self.sign_out_button.setAutoDefault(False)
        self.sign_out_button.clicked.connect(lambda _c=False: self.sign_out_requested.emit())
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        outer.addLayout(box)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        self.problem.clear()
        self.password.setFocus()

    def unlock(self) -> None:
        ctx = self.context
        try:
            confirm_password(ctx.db.sessions, ctx.actor, self.password.text())
        except RaSoatError as exc:
            self.password.clear()
            self.problem.setText(exc.message(ctx.lang))
            return
        self.password.clear()
        self.problem.clear()
        self.unlocked.emit()


class WindowLock(QObject):
    """Puts a window's content and a LockScreen in one stack, watches for inactivity
    (ui/idle_guard.py) and locks: the content hidden, every action of the window disabled (no
    shortcut opens a dialog over the lock), the status bar hidden. `locking` is emitted first,
    so the window can keep unsaved work (the commune window saves the editor's draft).

    It keeps no Python reference to its window (only Qt's parent link): a reference cycle
    would keep a deleted window's wrapper alive."""

    locking = Signal()

    def __init__(self, window: QMainWindow, context: AppContext, content: QWidget) -> None:
        super().__init__(window)
        self.screen = LockScreen(context)
        self.screen.unlocked.connect(self.unlock)
        self.outer = QStackedWidget()
        self.outer.addWidget(content)
        self.outer.addWidget(self.screen)
        window.setCentralWidget(self.outer)
        self.idle = IdleGuard(
            context.settings.lock_after_minutes, lambda: context.runner.busy, parent=self
        )
        self.idle.lock_due.connect(self.lock)
        self._enabled: list[QAction] = []

    def _window(self) -> QMainWindow:
        window = self.parent()
        assert isinstance(window, QMainWindow)
        return window

    @property
    def locked(self) -> bool:
        return self.outer.currentWidget() is self.screen

    def lock(self) -> None:
        if self.locked:
            return
        self.locking.emit()
        window = self._window()
        self.outer.setCurrentWidget(self.screen)
        self._enabled = [a for a in window.findChildren(QAction) if a.isEnabled()]
        for action in self._enabled:
            action.setEnabled(False)
        window.menuBar().setEnabled(False)
        window.statusBar().hide()
        self.screen.reset()

    def unlock(self) -> None:
        window = self._window()
        self.outer.setCurrentWidget(self.outer.widget(0))
        for action in self._enabled:
            action.setEnabled(True)
        self._enabled = []
        window.menuBar().setEnabled(True)
        window.statusBar().show()
        self.idle.resume()
