"""Accounts, for the administrator: add one, change its role, set a new password (which also
lifts a lock-out), lift a lock-out, disable or enable it. Every button calls app/users.py,
which checks the role and keeps at least one active administrator."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import users
from app.errors import RaSoatError
from app.permissions import role_label, roles
from ui.context import AppContext

COLUMNS = ("ui.sign_in.username", "ui.admin.display_name", "ui.users.role", "ui.users.state")


class UsersDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.accounts: list[users.UserInfo] = []
        self.setWindowTitle(self.t("ui.users.title"))
        self.resize(860, 420)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.t(k).rstrip(":") for k in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, slot in (
            ("add", self.add),
            ("role_button", self.change_role),
            ("password", self.reset_password),
            ("active", self.toggle_active),
            ("unlock", self.unlock),
        ):
            button = QPushButton(self.t(f"ui.users.{name}"))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=slot: s())
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def t(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    def reload(self) -> None:
        with self.context.db.sessions() as session:
            self.accounts = users.list_users(session, self.context.actor)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            state = "active" if account.active else "disabled"
            if account.locked_until is not None:
                state = "locked"
            values = (
                account.username,
                account.display_name,
                role_label(account.role, self.context.lang),
                self.t(f"ui.users.state.{state}"),
            )
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> users.UserInfo | None:
        row = self.table.currentRow()
        return self.accounts[row] if 0 <= row < len(self.accounts) else None

    def _apply(self, change: Any) -> bool:
        """Run `change(session, actor)` in one transaction; tell a refusal plainly."""
        try:
            with self.context.db.sessions.begin() as session:
                change(session, self.context.actor)
        except RaSoatError as exc:
            self.context.prompts.error(self, self.windowTitle(), exc.message(self.context.lang))
            return False
        self.reload()
        return True

    def _ask_role(self, current: str = "officer") -> str | None:
        names = [role_label(r, self.context.lang) for r in roles()]
        index = roles().index(current) if current in roles() else 0
        chosen = self.context.prompts.choose(
            self, self.windowTitle(), self.t("ui.users.role"), names, index
        )
        return None if chosen is None else roles()[names.index(chosen)]

    def _ask_password(self, username: str) -> str | None:
        prompts = self.context.prompts
        first = prompts.ask_secret(
            self, self.windowTitle(), self.t("ui.users.new_password", user=username)
        )
        if first is None:
            return None
        again = prompts.ask_secret(self, self.windowTitle(), self.t("ui.admin.again"))
        if again is None:
            return None
        try:
            users.check_new_password(first, again)
        except RaSoatError as exc:
            prompts.error(self, self.windowTitle(), exc.message(self.context.lang))
            return None
        return first

    def add(self) -> None:
        prompts = self.context.prompts
        username = prompts.ask_text(self, self.windowTitle(), self.t("ui.sign_in.username"))
        if not username:
            return
        name = prompts.ask_text(self, self.windowTitle(), self.t("ui.admin.display_name")) or ""
        role = self._ask_role()
        password = self._ask_password(username) if role else None
        if role and password:
            self._apply(lambda s, a: users.create_user(s, a, username, password, role, name))

    def change_role(self) -> None:
        account = self.selected()
        role = self._ask_role(account.role) if account else None
        if account and role:
            self._apply(lambda s, a: users.set_role(s, a, account.username, role))

    def reset_password(self) -> None:
        account = self.selected()
        password = self._ask_password(account.username) if account else None
        if account and password:
            self._apply(lambda s, a: users.reset_password(s, a, account.username, password))

    def unlock(self) -> None:
        """Lift a lock-out after wrong passwords, without changing the password."""
        account = self.selected()
        if account:
            self._apply(lambda s, a: users.unlock(s, a, account.username))

    def toggle_active(self) -> None:
        account = self.selected()
        if account:
            self._apply(lambda s, a: users.set_active(s, a, account.username, not account.active))
