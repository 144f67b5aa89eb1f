"""The menu bar. Each action calls a function of a screen or of ui/commune_jobs.py; others add
their menus through MainWindow.menu(name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui import commune_jobs

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def _action(
    menu: QMenu, text: str, slot: Callable[[], object], shortcut: str | None = None
) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: slot())
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    return action


def build_menus(window: MainWindow) -> None:
    t = window.context.tr
    file_menu = window.menu(t("ui.menu.file"))
    _action(file_menu, t("ui.menu.open_database"), lambda: open_database(window), "Ctrl+O")
    file_menu.addSeparator()
    window.import_action = _action(
        file_menu, t("ui.menu.import"), lambda: commune_jobs.import_households(window)
    )
    _action(file_menu, t("ui.menu.export"), lambda: commune_jobs.export_households(window))
    from ui.excel_import_wizard import install as install_excel_import

    install_excel_import(window)
    file_menu.addSeparator()
    _action(file_menu, t("ui.menu.quit"), window.close, "Ctrl+Q")
    households = window.menu(t("ui.menu.households"))
    _action(households, t("ui.menu.list"), window.show_list, "Ctrl+1")
    _action(households, t("ui.menu.overview"), window.show_overview, "Ctrl+2")
    households.addSeparator()
    _action(households, t("ui.menu.classify_all"), lambda: commune_jobs.classify_all(window))
    from ui.workflow_menu import build_workflow_menu

    build_workflow_menu(window)
    from ui.field_menu import build_field_menu

    build_field_menu(window)
    from ui.package_menu import build_package_menu

    build_package_menu(window)
    from ui.review_responses import build_response_menu

    build_response_menu(window)
    from ui.data_menu import build_data_menu

    build_data_menu(window)
    tools = window.menu(t("ui.menu.tools"))
    _action(tools, t("ui.menu.settings"), lambda: open_settings(window))
    help_menu = window.menu(t("ui.menu.help"))
    _action(help_menu, t("ui.menu.about"), lambda: about(window))
    runner = window.context.runner
    # A bound slot, not a lambda: Qt drops it with the window (a window replaced after a
    # language change shares the runner; a lambda would reach its deleted actions).
    runner.busy_changed.connect(window.runner_busy)


def open_database(window: MainWindow) -> None:
    ctx = window.context
    path = ctx.prompts.open_file(
        window, ctx.tr("ui.menu.open_database"), ctx.tr("ui.file_filter.database")
    )
    if path:
        window.reopen_requested.emit(path)


def open_settings(window: MainWindow) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.context, window)
    if not dialog.exec():
        return
    window.idle.set_minutes(window.context.settings.lock_after_minutes)
    if dialog.language_changed:
        window.restart_requested.emit()


def about(window: MainWindow) -> None:
    from app import __version__

    ctx = window.context
    ctx.prompts.inform(window, ctx.tr("ui.menu.about"), ctx.tr("ui.about", version=__version__))
