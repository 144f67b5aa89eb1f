"""Bugs are never swallowed: any exception that reaches the event loop is shown with its
traceback, so the officer can copy it into a report (qutebrowser's crash dialog, much smaller).
Known errors (app.errors.RaSoatError) never come here: they are told in plain words."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.i18n import tr


def install(lang: str) -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        print(text, file=sys.stderr)
        if QApplication.instance() is None:
            return
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("RaSoat")
        box.setText(tr("ui.crash.text", lang))
        box.setDetailedText(f"RaSoat {__version__}\n\n{text}")
        box.exec()

    sys.excepthook = hook
