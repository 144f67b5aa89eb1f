"""Starting the desktop app: the QApplication, the font, and the main window on a database."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from app.communes import find_commune
from app.errors import RaSoatError
from app.i18n import tr
from app.resources import resource_path
from app.rounds import current_round_or_none
from app.standards import get_pack
from app.storage import open_database
from models.database import Database


def load_fonts(app: QApplication) -> None:
    """Noto Sans ships with RaSoat so Vietnamese renders the same on every laptop."""
    family = None
    for path in sorted(resource_path("fonts").glob("NotoSans-*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = family or (families[0] if families else None)
    if family:
        app.setFont(QFont(family, 10))


class MainWindow(QMainWindow):
    def __init__(self, db: Database, lang: str = "vi") -> None:
        super().__init__()
        self.db = db
        self.lang = lang
        self.setWindowTitle("RaSoat")
        self.resize(1280, 720)
        self.body = QLabel()
        self.body.setMargin(24)
        self.setCentralWidget(self.body)
        self.refresh()

    def refresh(self) -> None:
        with self.db.sessions() as session:
            commune = find_commune(session)
            review_round = current_round_or_none(session, commune) if commune else None
            if commune is None:
                self.body.setText(tr("ui.no_commune", self.lang))
            else:
                self.body.setText(f"<h2>{commune.name}, {commune.province_name}</h2>")
            parts = [tr("ui.status.database", self.lang, path=self.db.describe())]
            if review_round is not None:
                pack = get_pack(review_round.standard_id)
                parts.append(tr("ui.status.standard", self.lang, standard=pack.name_in(self.lang)))
                parts.append(tr("ui.status.round", self.lang, round=review_round.label))
        self.statusBar().showMessage("   |   ".join(parts))


def main(db_target: str | None = None, lang: str = "vi") -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    load_fonts(app)
    try:
        db = open_database(db_target)
    except RaSoatError as exc:
        QMessageBox.critical(None, "RaSoat", exc.message(lang))
        return 1
    window = MainWindow(db, lang)
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
