"""`make screenshots`: PNGs of the main screens at 1366×768 (a common field laptop) for the README.

Runs the real windows on the offscreen platform over a fresh demo commune: first start, the
household list, the editor showing an error, the overview. Usage:
    python tools/screenshots.py [OUT_DIR]   (default docs/screenshots)
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

SIZE = (1366, 768)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="rasoat-shots-")
    os.environ["RASOAT_HOME"] = home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

    from PySide6.QtWidgets import QApplication

    from app.demo.commune import create_demo
    from app.settings import Settings
    from app.storage import open_database
    from ui.app_root import RaSoatApp, apply_language
    from ui.first_start import FirstStartDialog
    from ui.fonts import load_fonts
    from ui.prompts import Prompts
    from ui.startup import StartupState, local_actor

    app = QApplication.instance() or QApplication(sys.argv)
    load_fonts(app)  # type: ignore[arg-type]
    apply_language("vi")

    empty = open_database(Path(home) / "new.sqlite")
    dialog = FirstStartDialog(StartupState(Settings(), Prompts(), None, empty, local_actor()))
    dialog.search.setText("ea ly")
    dialog.results.setCurrentRow(0)
    for name, area in (("Thôn 1", 0), ("Thôn Hòa Bình", 0), ("Buôn Ea Ly", 0), ("Khu phố Chợ", 1)):
        dialog.village_name.setText(name)
        dialog.village_area.setCurrentIndex(area)
        dialog.add_village()
    dialog.resize(960, 680)
    _save(app, dialog, out / "first-start.png")
    dialog.deleteLater()
    empty.dispose()

    db_path = Path(home) / "demo.sqlite"
    db = open_database(db_path)
    create_demo(db, local_actor(), 2000, seed=7, reference_date=date(2026, 11, 15))
    db.dispose()
    root = RaSoatApp(str(db_path), settings=Settings())
    assert root.start()
    window = root.window
    assert window is not None
    window.resize(*SIZE)
    _save(app, window, out / "household-list.png")
    window.list_page.search.setText("nguyen van")
    _save(app, window, out / "household-search.png")
    window.list_page.search.clear()
    window.open_household(window.list_page.model.row_at(3).household_id)
    editor = window.editor
    editor.form["members"][1]["birth"] = "31/02/1975"
    editor.form["members"][1]["health_insurance"] = None
    editor.roster.model.set_members(editor.form["members"])
    editor.check_now()
    _save(app, window, out / "editor-error.png")
    editor.tabs.setCurrentIndex(1)
    _save(app, window, out / "editor-phieu-b.png")
    editor.original = editor.form  # leave without the discard question
    editor.request_close()
    window.show_overview()
    _save(app, window, out / "overview.png")
    root.shutdown()
    print(f"screenshots written to {out}")
    return 0


def _save(app: object, widget: object, path: Path) -> None:
    widget.show()  # type: ignore[attr-defined]
    for _ in range(3):
        app.processEvents()  # type: ignore[attr-defined]
    widget.grab().save(str(path))  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
