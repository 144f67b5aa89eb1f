"""The first administrator and the database passphrase, asked before a new database gets data.

Creating a commune (and the demo, a receiving office, a reviewer's laptop) starts here: the
administrator's name and password (typed twice, the rule of app/users.py), and the passphrase
that encrypts the file (typed twice, the rule of app/encryption.py, with the plain warning that a
lost passphrase cannot be recovered). `ensure_administrator` then encrypts the still empty file
and creates the account; the startup continues signed in as it.

A database that already holds data but no account (made by an older RaSoat) gets its
administrator the same way, without the passphrase part (encrypting it is a menu item).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.encryption import MIN_PASSPHRASE_LENGTH, check_passphrase, secure_new_database
from app.errors import RaSoatError
from app.i18n import tr
from app.permissions import sign_in_policy
from app.users import bootstrap_administrator, check_new_password, check_username

DEFAULT_ADMIN = "quantri"


class Passphrase(enum.Enum):
    NONE = "none"  # the file exists with data: no passphrase here
    OPTIONAL = "optional"  # the demo: synthetic data, encryption is the officer's choice
    REQUIRED = "required"  # a real commune, an office, a reviewer's laptop


@dataclass(frozen=True)
class AdminSetup:
    username: str
    display_name: str
    password: str = ""
    passphrase: str | None = None

    def __repr__(self) -> str:  # never print secrets into a log or a crash report
        return f"AdminSetup({self.username!r})"


class AdministratorDialog(QDialog):
    """Accepted only with values that pass the rules; the reason of a refusal is shown inside."""

    def __init__(
        self,
        lang: str,
        passphrase: Passphrase,
        intro: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.lang, self.mode = lang, passphrase
        self.setup: AdminSetup | None = None
        self.setWindowTitle(self.t("ui.admin.title"))
        layout = QVBoxLayout(self)
        note = QLabel(intro or self.t("ui.admin.intro"))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self._account_box())
        if passphrase is not Passphrase.NONE:
            layout.addWidget(self._passphrase_box())
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.display_name.setFocus()
        self.resize(620, self.sizeHint().height())

    def t(self, key: str, **params: Any) -> str:
        return tr(key, self.lang, **params)

    def _account_box(self) -> QGroupBox:
        box = QGroupBox(self.t("ui.admin.account"))
        form = QFormLayout(box)
        self.display_name = QLineEdit()
        self.username = QLineEdit(DEFAULT_ADMIN)
        self.password = _secret()
        self.password_again = _secret()
        form.addRow(self.t("ui.admin.display_name"), self.display_name)
        form.addRow(self.t("ui.sign_in.username"), self.username)
        form.addRow(self.t("ui.sign_in.password"), self.password)
        form.addRow(self.t("ui.admin.again"), self.password_again)
        rule = QLabel(
            self.t("ui.admin.password_rule", minimum=sign_in_policy().min_password_length)
        )
        rule.setWordWrap(True)
        form.addRow(rule)
        return box

    def _passphrase_box(self) -> QGroupBox:
        box = QGroupBox(self.t("ui.admin.passphrase_box"))
        form = QFormLayout(box)
        explain = QLabel(self.t("ui.admin.passphrase_intro", minimum=MIN_PASSPHRASE_LENGTH))
        explain.setWordWrap(True)
        form.addRow(explain)
        self.passphrase = _secret()
        self.passphrase_again = _secret()
        form.addRow(self.t("ui.admin.passphrase"), self.passphrase)
        form.addRow(self.t("ui.admin.again"), self.passphrase_again)
        warning = QLabel(self.t("ui.admin.passphrase_warning"))
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #8a4b00; font-weight: bold;")
        form.addRow(warning)
        if self.mode is Passphrase.OPTIONAL:
            optional = QLabel(self.t("ui.admin.passphrase_optional"))
            optional.setWordWrap(True)
            form.addRow(optional)
        return box

    def values(self) -> AdminSetup:
        """The typed values, checked; RaSoatError with the first problem otherwise."""
        username = check_username(self.username.text())
        check_new_password(self.password.text(), self.password_again.text())
        passphrase = None
        if self.mode is not Passphrase.NONE:
            typed, again = self.passphrase.text(), self.passphrase_again.text()
            if typed or again or self.mode is Passphrase.REQUIRED:
                check_passphrase(typed, again)
                passphrase = typed
        return AdminSetup(
            username, self.display_name.text().strip(), self.password.text(), passphrase
        )

    def accept(self) -> None:
        try:
            self.setup = self.values()
        except RaSoatError as exc:
            self.problem.setText(exc.message(self.lang))
            self.problem.show()
            return
        super().accept()


def _secret() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def ensure_administrator(
    state: Any, parent: QWidget | None, mode: Passphrase, intro: str = ""
) -> AdminSetup | None:
    """Make sure the startup `state` has a signed-in actor: on a database without accounts, ask
    for the administrator (and the passphrase), encrypt the new file, create the account.
    Returns what was typed (None when the officer gave up or it failed, which was told)."""
    if state.actor is not None:
        return AdminSetup(state.actor.username, state.actor.display_name)
    setup = state.prompts.create_administrator(parent, state.lang, mode, intro)
    if setup is None:
        return None
    try:
        if setup.passphrase and not state.db.encrypted:
            state.db = secure_new_database(state.db, setup.passphrase)
        with state.db.sessions.begin() as session:
            state.actor = bootstrap_administrator(
                session, setup.username, setup.password, setup.display_name
            )
        state.new_administrator = True
    except RaSoatError as exc:
        state.prompts.error(parent, "RaSoat", exc.message(state.lang))
        return None
    return setup
