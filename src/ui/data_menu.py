"""The Data menu (issue #6): back up now, restore from a backup, the retention period, erase a
household's personal data, the database passphrase, accounts, signing out. Each action is
checked against the role in `app` (a menu item greyed out is only a hint); long work runs on
the writer lane with the progress dialog. Replacing or re-keying the open file goes through the
composition root (ui/app_root.py), which closes the window's data and opens it again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app import backup_actions, erasure
from app.encryption import check_passphrase
from app.errors import RaSoatError
from app.permissions import can

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def _add(menu: QMenu, text: str, slot: Callable[[], object], enabled: bool = True) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: slot())
    action.setEnabled(enabled)
    return action


def build_data_menu(window: MainWindow) -> None:
    ctx = window.context
    t, actor, on_file = ctx.tr, ctx.actor, ctx.db.path is not None
    menu = window.menu(t("ui.menu.data"))
    window.backup_action = _add(
        menu,
        t("ui.data.backup_now"),
        lambda: backup_now(window),
        on_file and can(actor, "backup.create"),
    )
    window.restore_action = _add(
        menu,
        t("ui.data.restore"),
        lambda: choose_backup(window),
        on_file and can(actor, "backup.restore"),
    )
    menu.addSeparator()
    window.retention_action = _add(
        menu, t("ui.data.retention"), lambda: set_retention(window), can(actor, "settings.manage")
    )
    window.erase_action = _add(
        menu, t("ui.data.erase"), lambda: erase_household(window), can(actor, "household.erase")
    )
    menu.addSeparator()
    window.rekey_action = _add(
        menu,
        t("ui.data.rekey"),
        lambda: change_passphrase(window),
        on_file and can(actor, "database.rekey"),
    )
    window.users_action = _add(
        menu, t("ui.data.users"), lambda: manage_users(window), can(actor, "users.manage")
    )
    window.sign_out_action = _add(menu, t("ui.data.sign_out"), window.sign_out_requested.emit)


def backup_now(window: MainWindow) -> None:
    ctx = window.context
    db, actor = ctx.db, ctx.actor

    def task(progress, cancelled):  # type: ignore[no-untyped-def]
        return backup_actions.backup_now(db, actor)

    def done(made) -> None:  # type: ignore[no-untyped-def]
        ctx.prompts.inform(
            window, ctx.tr("ui.data.backup_now"), ctx.tr("backup.created", path=str(made.path))
        )

    ctx.runner.run(task, done, title=ctx.tr("ui.data.backing_up"), parent=window)


def choose_backup(window: MainWindow, dialog_ready: Callable[[object], None] | None = None) -> None:
    """The backups, checked as the dialog opens; the one chosen and confirmed is restored by the
    composition root, which reopens the app on the restored file."""
    from ui.restore_dialog import RestoreDialog

    ctx = window.context
    dialog = RestoreDialog(ctx, window)
    QTimer.singleShot(0, dialog.start_checks)
    if dialog_ready is not None:
        QTimer.singleShot(0, lambda: dialog_ready(dialog))
    if dialog.exec() and dialog.chosen is not None:
        window.restore_requested.emit(str(dialog.chosen))


def set_retention(window: MainWindow) -> None:
    ctx = window.context
    with ctx.db.sessions() as session:
        years = erasure.retention_years(session)
    typed = ctx.prompts.ask_text(
        window,
        ctx.tr("ui.data.retention"),
        ctx.tr("ui.data.retention_ask", years=years),
        str(years),
    )
    if typed is None:
        return
    try:
        value = int(typed.strip())
    except ValueError:
        ctx.prompts.error(
            window, ctx.tr("ui.data.retention"), ctx.tr("erasure.bad_retention", years=typed)
        )
        return
    actor = ctx.actor

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        erasure.set_retention_years(session, actor, value)
        return value

    def done(saved: int) -> None:
        ctx.prompts.inform(
            window, ctx.tr("ui.data.retention"), ctx.tr("cli.retention", years=saved)
        )

    ctx.runner.run_in_session(task, done, parent=window)


def erase_household(window: MainWindow) -> None:
    from ui.erasure_dialog import ErasureDialog

    dialog = ErasureDialog(window.context, window.list_page.current_code(), window)
    dialog.exec()
    if dialog.erased:
        window.reload()


def change_passphrase(window: MainWindow) -> None:
    """Ask the current passphrase (an encrypted database), the new one twice, with the warning
    that a lost passphrase cannot be recovered; the composition root re-keys off the GUI thread
    and reopens the database with the new one."""
    ctx = window.context
    title, prompts = ctx.tr("ui.data.rekey"), ctx.prompts
    old = ""
    if ctx.db.encrypted:
        typed = prompts.ask_secret(window, title, ctx.tr("ui.rekey.current"))
        if typed is None:
            return
        old = typed
    new = prompts.ask_secret(
        window, title, ctx.tr("ui.rekey.new") + "\n\n" + ctx.tr("ui.admin.passphrase_warning")
    )
    if new is None:
        return
    again = prompts.ask_secret(window, title, ctx.tr("ui.admin.again"))
    if again is None:
        return
    try:
        check_passphrase(new, again)
    except RaSoatError as exc:
        prompts.error(window, title, exc.message(ctx.lang))
        return
    window.rekey_requested.emit(old, new)


def manage_users(window: MainWindow) -> None:
    from ui.users_dialog import UsersDialog

    UsersDialog(window.context, window).exec()
