"""Starting the desktop app: the QApplication, the bundled font, the crash dialog, the root."""

from __future__ import annotations

import multiprocessing
import sys

from PySide6.QtWidgets import QApplication

from ui import crash_dialog
from ui.app_root import RaSoatApp
from ui.fonts import load_fonts


def main(db_target: str | None = None, lang: str | None = None) -> int:
    multiprocessing.freeze_support()  # intake's checking processes in an installed RaSoat
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("RaSoat")
    load_fonts(app)
    root = RaSoatApp(db_target, lang)
    crash_dialog.install(root.settings.language if lang is None else lang)
    if not root.start():
        root.shutdown()
        return 1
    try:
        return app.exec()
    finally:
        root.shutdown()


if __name__ == "__main__":
    sys.exit(main())
