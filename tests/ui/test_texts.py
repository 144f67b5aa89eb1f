"""Every message the GUI names exists in Vietnamese and English, and Qt's own strings are
translated too (PySide6 ships no qtbase_vi.qm; RaSoat carries its own)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.i18n import catalogue
from app.permissions import permissions_of, roles
from ui.app_root import apply_language

UI = Path(__file__).resolve().parents[2] / "src" / "ui"
KEY = re.compile(r"\"((?:ui|field|class|code|problem|cli|household)\.[a-z0-9_.]+[a-z0-9_])\"")


def test_every_literal_message_key_exists_in_both_languages() -> None:
    keys = {k for path in UI.glob("*.py") for k in KEY.findall(path.read_text("utf-8"))}
    assert len(keys) > 100
    known = catalogue()
    # Permission names (resources/roles.json, e.g. "field.assign") share the "field." prefix
    # with form-field labels but are not messages: their labels are "permission.<name>".
    permissions = {p for role in roles() for p in permissions_of(role)}
    keys -= permissions
    missing = sorted(k for k in keys if k not in known)
    assert missing == []
    assert all(known[k].get("vi") and known[k].get("en") for k in keys)


def test_standard_buttons_and_menus_speak_vietnamese(qtbot: QtBot) -> None:
    apply_language("vi")
    try:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Save
        )
        qtbot.addWidget(box)
        assert sorted(b.text() for b in box.buttons()) == ["Hủy", "Lưu", "Đồng ý"]
        message = QMessageBox()
        qtbot.addWidget(message)
        message.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        assert sorted(b.text() for b in message.buttons()) == ["&Có", "&Không"]
        edit = QLineEdit()
        qtbot.addWidget(edit)
        menu = edit.createStandardContextMenu()
        texts = [a.text() for a in menu.actions() if a.text()]
        assert any("Dán" in t for t in texts)
        assert not any("Paste" in t for t in texts)
    finally:
        apply_language("en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.buttons()[0].text() == "Cancel"
    apply_language("vi")
