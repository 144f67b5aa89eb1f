"""Every question the GUI asks the officer goes through one small service (Picard's
UserDialogService): the real one shows Qt dialogs, tests replace it with scripted answers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


class Prompts:
    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """A yes/no question; No is the default, so Enter never discards work by accident."""
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, text: str = ""
    ) -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def choose(
        self, parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0
    ) -> str | None:
        """One of `items` from a list, or None."""
        value, ok = QInputDialog.getItem(parent, title, label, items, current, False)
        return value if ok else None

    def ask_secret(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A passphrase or password: typed hidden, never echoed."""
        value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
        return value if ok else None

    def sign_in(
        self, parent: QWidget | None, title: str, message: str, username: str = ""
    ) -> tuple[str, str] | None:
        """(username, password), or None when the officer gives up."""
        from ui.sign_in_dialog import SignInDialog

        dialog = SignInDialog(title, message, username, parent)
        return dialog.credentials() if dialog.exec() else None

    def create_administrator(
        self, parent: QWidget | None, lang: str, passphrase: Any, intro: str = ""
    ) -> Any:
        """The first administrator (and the database passphrase, per `passphrase`, a
        ui.account_setup.Passphrase): an AdminSetup, or None when the officer gives up."""
        from ui.account_setup import AdministratorDialog

        dialog = AdministratorDialog(lang, passphrase, intro, parent)
        return dialog.setup if dialog.exec() else None

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
        return path or None

    def choose_directory(self, parent: QWidget | None, title: str) -> str | None:
        path = QFileDialog.getExistingDirectory(parent, title)
        return path or None

    def save_file(self, parent: QWidget | None, title: str, name: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, name, filters)
        return path or None
