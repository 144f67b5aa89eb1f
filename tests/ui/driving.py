"""Helpers that drive real widgets the way an officer does, including Vietnamese typing.

QTest's keyClicks only knows ASCII/Latin-1 keys and aborts the process on Vietnamese (see
../shared/notes.md), so text is sent as one QKeyEvent per character carrying the character, as
the keyboard layer delivers it; `commit_text` sends what an IME (Unikey, EVKey) delivers.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )
    QApplication.processEvents()


def commit_text(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
    QApplication.processEvents()


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, modifiers))
    QApplication.processEvents()


class ScriptedPrompts:
    """The Prompts service with answers given by the test; records every question."""

    def __init__(self) -> None:
        self.answers: deque[Any] = deque()
        self.asked: list[tuple[str, str]] = []

    def answer(self, *values: Any) -> None:
        self.answers.extend(values)

    def _next(self, kind: str, text: str, default: Any) -> Any:
        self.asked.append((kind, text))
        return self.answers.popleft() if self.answers else default

    def confirm(self, parent: Any, title: str, text: str) -> bool:
        return bool(self._next("confirm", text, False))

    def ask_text(self, parent: Any, title: str, label: str, text: str = "") -> str | None:
        return self._next("ask_text", label, None)

    def choose(
        self, parent: Any, title: str, label: str, items: list[str], current: int = 0
    ) -> str | None:
        return self._next("choose", label, None)

    def ask_secret(self, parent: Any, title: str, label: str) -> str | None:
        return self._next("ask_secret", label, None)

    def sign_in(
        self, parent: Any, title: str, message: str, username: str = ""
    ) -> tuple[str, str] | None:
        return self._next("sign_in", message, None)

    def create_administrator(self, parent: Any, lang: str, passphrase: Any, intro: str = "") -> Any:
        return self._next("create_administrator", str(passphrase), None)

    def inform(self, parent: Any, title: str, text: str) -> None:
        self.asked.append(("inform", text))

    def error(self, parent: Any, title: str, text: str) -> None:
        self.asked.append(("error", text))

    def open_file(self, parent: Any, title: str, filters: str) -> str | None:
        return self._next("open_file", title, None)

    def choose_directory(self, parent: Any, title: str) -> str | None:
        return self._next("choose_directory", title, None)

    def save_file(self, parent: Any, title: str, name: str, filters: str) -> str | None:
        return self._next("save_file", title, None)
