"""Noto Sans ships with RaSoat so Vietnamese renders the same on every laptop."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.resources import resource_path

FONT_SIZE = 10


def load_fonts(app: QApplication) -> str | None:
    """Register the bundled Noto Sans faces and make the family the application font."""
    family = None
    for path in sorted(resource_path("fonts").glob("NotoSans-*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = family or (families[0] if families else None)
    if family:
        app.setFont(QFont(family, FONT_SIZE))
    return family
