"""The minimal main window opens a database and shows where the officer is."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from models.database import Database
from ui.main import MainWindow


def test_main_window_shows_commune_and_status(qtbot: QtBot, commune_db: Database) -> None:
    window = MainWindow(commune_db)
    qtbot.addWidget(window)
    assert "Xã Ea Ly" in window.body.text()
    status = window.statusBar().currentMessage()
    assert str(commune_db.path) in status
    assert "Chuẩn nghèo đa chiều giai đoạn 2022–2025" in status
    assert "Rà soát định kỳ năm 2026" in status


def test_empty_database_invites_to_create(qtbot: QtBot, db: Database) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert "chưa có xã" in window.body.text()
