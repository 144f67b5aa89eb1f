"""The sign-in dialog: username and password, with the reason of the last failure shown."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.i18n import tr


class SignInDialog(QDialog):
    def __init__(
        self, title: str, message: str, username: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        lang = "en" if title == tr("ui.sign_in.title", "en") else "vi"
        form = QFormLayout(self)
        note = QLabel(message)
        note.setWordWrap(True)
        form.addRow(note)
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("ui.sign_in.username", lang), self.username)
        form.addRow(tr("ui.sign_in.password", lang), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.password if username else self.username).setFocus()
        self.resize(420, self.sizeHint().height())

    def credentials(self) -> tuple[str, str]:
        return self.username.text(), self.password.text()
