"""The receiving office's main window: intake, trusted signers, the consolidated round, and the
replies to communes, one tab each. Long work runs on the writer lane (ui/office_jobs.py)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QStatusBar, QTabWidget

from app.office.setup import office
from app.permissions import can
from ui import office_jobs
from ui.context import AppContext
from ui.lock_screen import WindowLock
from ui.main_window import window_settings
from ui.office_consolidation import ConsolidationPage
from ui.office_intake import IntakePage
from ui.office_responses import ResponsesPage
from ui.office_signers import SignersPage


class OfficeWindow(QMainWindow):
    reopen_requested = Signal(str)
    restart_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        with context.db.sessions() as session:
            self.office = office(session)
        self.setWindowTitle(context.tr("ui.office.title", name=self.office.name))
        self.intake_page = IntakePage(self)
        self.signers_page = SignersPage(self)
        self.consolidation_page = ConsolidationPage(self)
        self.responses_page = ResponsesPage(self)
        self.tabs = QTabWidget()
        for page, key in (
            (self.intake_page, "ui.office.tab.intake"),
            (self.signers_page, "ui.office.tab.signers"),
            (self.consolidation_page, "ui.office.tab.consolidation"),
            (self.responses_page, "ui.office.tab.responses"),
        ):
            self.tabs.addTab(page, context.tr(key))
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        # Locked after inactivity like the commune's window (issue #6).
        self.window_lock = WindowLock(self, context, self.tabs)
        self.window_lock.screen.sign_out_requested.connect(self.sign_out_requested.emit)
        status = QStatusBar()
        status.addPermanentWidget(
            QLabel(
                context.tr("ui.office.status", db=context.db.describe(), user=context.actor.label)
            )
        )
        self.setStatusBar(status)
        self._menus()
        self._restore_geometry()
        self.reload()

    def reload(self) -> None:
        """Read everything again (after an intake, a signer change, a verdict)."""
        self.intake_page.reload()
        self.signers_page.reload()
        self.responses_page.reload()
        self.consolidation_page.stale = True
        self._refresh_current()

    def _refresh_current(self) -> None:
        if self.tabs.currentWidget() is self.consolidation_page and self.consolidation_page.stale:
            self.consolidation_page.reload()

    def menu(self, name: str) -> QMenu:
        """The menu called `name` (its translated title), created at the end if missing."""
        for action in self.menuBar().actions():
            if action.menu() and action.text() == name:
                menu = action.menu()
                assert isinstance(menu, QMenu)
                return menu
        return self.menuBar().addMenu(name)

    def _add(self, menu: QMenu, key: str, slot: object, shortcut: str | None = None) -> QAction:
        action = menu.addAction(self.context.tr(key))
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _menus(self) -> None:
        t = self.context.tr
        file_menu = self.menu(t("ui.menu.file"))
        self._add(file_menu, "ui.menu.open_database", self._open_database, "Ctrl+O")
        file_menu.addSeparator()
        self._add(file_menu, "ui.menu.quit", self.close, "Ctrl+Q")
        work = self.menu(t("ui.office.menu"))
        self.intake_action = self._add(
            work, "ui.office.intake_folder", lambda: office_jobs.intake_folder(self), "Ctrl+I"
        )
        self._add(work, "ui.office.export_log", lambda: office_jobs.export_log(self))
        work.addSeparator()
        self._add(work, "ui.office.import_signer", lambda: office_jobs.import_signer(self))
        work.addSeparator()
        self._add(work, "ui.office.consolidate", lambda: office_jobs.consolidate_round(self))
        self._add(work, "ui.office.send_response", lambda: office_jobs.send_response(self))
        data = self.menu(t("ui.menu.data"))  # the office's accounts (issue #6)
        self.users_action = self._add(data, "ui.data.users", self._manage_users)
        self.users_action.setEnabled(can(self.context.actor, "users.manage"))
        self._add(data, "ui.data.sign_out", self.sign_out_requested.emit)
        help_menu = self.menu(t("ui.menu.help"))
        self._add(help_menu, "ui.menu.about", self._about)
        self.context.runner.busy_changed.connect(self.runner_busy)  # dropped with the window

    def runner_busy(self, busy: bool) -> None:
        self.intake_action.setEnabled(not busy)

    def _manage_users(self) -> None:
        from ui.users_dialog import UsersDialog

        UsersDialog(self.context, self).exec()

    def _open_database(self) -> None:
        ctx = self.context
        path = ctx.prompts.open_file(
            self, ctx.tr("ui.menu.open_database"), ctx.tr("ui.file_filter.database")
        )
        if path:
            self.reopen_requested.emit(path)

    def _about(self) -> None:
        from app import __version__

        ctx = self.context
        ctx.prompts.inform(self, ctx.tr("ui.menu.about"), ctx.tr("ui.about", version=__version__))

    def _restore_geometry(self) -> None:
        geometry = window_settings().value("office/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1320, 720)

    def open_draft(self, key: str, form: dict[str, object], household_id: int | None) -> None:
        """An office edits no household: a draft left here belongs to no screen."""
        self.context.drafts.discard(key)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.window_lock.idle.stop()
        if self.context.runner.busy:
            self.context.runner.wait()
        window_settings().setValue("office/geometry", self.saveGeometry())
        event.accept()
