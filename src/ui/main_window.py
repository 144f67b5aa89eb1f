"""The main window: the household list and the overview in tabs, the editor in front of them.

Kept small on purpose (the biggest files of Anki and Picard are their main windows): screens
live in their own modules, long jobs in ui/commune_jobs.py, menus in ui/menus.py. Other parts add
their own menus with `menu(name)`.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEventLoop, QSettings, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QStackedWidget, QTabWidget

from app import backups
from app.communes import only_commune
from app.errors import RaSoatError
from app.household_list import load_row, load_rows, village_choices
from app.households import SaveResult
from app.jobs import IsCancelled, Progress
from app.paths import data_dir
from app.rounds import current_round_or_none
from ui.context import AppContext
from ui.household_editor import HouseholdEditor
from ui.household_list import HouseholdListPage
from ui.lock_screen import WindowLock
from ui.overview_page import OverviewPage
from ui.status_bar import RaSoatStatusBar

WINDOW_STATE_FILE = "window.ini"


def window_settings() -> QSettings:
    """Window geometry: widget state, not a preference (app/settings.py), kept apart from it."""
    return QSettings(str(data_dir() / WINDOW_STATE_FILE), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    reopen_requested = Signal(str)  # another database file
    restart_requested = Signal()  # after a language change
    restore_requested = Signal(str)  # a backup file, chosen and confirmed (ui/data_menu.py)
    rekey_requested = Signal(str, str)  # the current and the new database passphrase
    sign_out_requested = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        with context.db.sessions() as session:
            commune = only_commune(session)
            self.commune_id = commune.id
            self.setWindowTitle(f"RaSoat — {commune.name}, {commune.province_name}")
        self.list_page = HouseholdListPage(context.lang)
        self.overview_page = OverviewPage(context.db, context.lang)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.list_page, context.tr("ui.tab.list"))
        self.tabs.addTab(self.overview_page, context.tr("ui.tab.overview"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.editor = HouseholdEditor(context)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.editor)
        # The lock screen replaces everything while the user is away (issue #6).
        self.window_lock = WindowLock(self, context, self.stack)
        self.window_lock.locking.connect(self._keep_draft)
        self.lock_screen, self.idle = self.window_lock.screen, self.window_lock.idle
        self.lock_screen.sign_out_requested.connect(self.sign_out_requested.emit)
        self._released = False  # the data let go (backed up): the window may close
        self._closing = False
        self.status = RaSoatStatusBar(context.db, context.lang)
        self.setStatusBar(self.status)
        self._overview_stale = True
        self.list_page.open_requested.connect(self.open_household)
        self.list_page.pending_requested.connect(self.open_pending)
        self.list_page.new_requested.connect(self.new_household)
        self.editor.closed.connect(self.show_list)
        self.editor.saved.connect(self.household_saved)
        self.editor.review_recorded.connect(self.refresh_row)
        from ui.menus import build_menus

        build_menus(self)
        self._restore_geometry()
        self.reload()

    # ---- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the whole list again (after an import or classify-all; not after one save)."""
        with self.context.db.sessions() as session:
            commune = only_commune(session)
            review_round = current_round_or_none(session, commune)
            self.round_id = review_round.id if review_round else None
            rows = load_rows(session.connection(), commune.id, self.round_id)
            villages = village_choices(session.connection(), commune.id)
        self.list_page.set_rows(rows, villages)
        self._overview_stale = True
        if self.tabs.currentWidget() is self.overview_page:
            self._tab_changed(self.tabs.currentIndex())
        self.status.refresh()

    def household_saved(self, result: SaveResult) -> None:
        self.refresh_row(result.household_id)
        self.statusBar().showMessage(self.context.tr("ui.editor.saved", code=result.code), 5000)

    def refresh_row(self, household_id: int) -> None:
        """One household changed (saved, or a review step recorded): its row, not the list."""
        with self.context.db.sessions() as session:
            row = load_row(session.connection(), self.commune_id, self.round_id, household_id)
        if row is not None:
            self.list_page.model.replace_row(row)
        self._overview_stale = True

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.overview_page and self._overview_stale:
            self.overview_page.refresh()
            self._overview_stale = False

    # ---- navigation --------------------------------------------------------------------------

    def open_household(self, household_id: int) -> None:
        self.editor.open_existing(household_id)
        self.stack.setCurrentWidget(self.editor)

    def open_pending(self, code: str) -> None:
        """A household listed but not surveyed yet: its survey starts from what the list said."""
        self.editor.open_pending(code)
        self.stack.setCurrentWidget(self.editor)

    def new_household(self) -> None:
        self.editor.open_new()
        self.stack.setCurrentWidget(self.editor)

    def open_draft(self, key: str, form: dict[str, object], household_id: int | None) -> None:
        self.editor.open_draft(key, form, household_id)
        self.stack.setCurrentWidget(self.editor)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.list_page)
        if self.editor.household_id is not None:
            self.list_page.select_household(self.editor.household_id)
        elif self.editor.form.get("code"):
            self.list_page.select_code(self.editor.form["code"])
        self.list_page.view.setFocus()

    def show_overview(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.overview_page)

    def runner_busy(self, busy: bool) -> None:
        """The writer lane started or finished its jobs: no second import meanwhile."""
        self.import_action.setEnabled(not busy)

    def menu(self, name: str) -> QMenu:
        """The menu called `name` (its translated title), created at the end if missing."""
        for action in self.menuBar().actions():
            if action.menu() and action.text() == name:
                menu = action.menu()
                assert isinstance(menu, QMenu)
                return menu
        return self.menuBar().addMenu(name)

    # ---- closing -----------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = window_settings().value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1320, 720)

    # ---- locking after inactivity ------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.window_lock.locked

    def lock(self) -> None:
        self.window_lock.lock()

    def unlock(self) -> None:
        self.window_lock.unlock()

    def _keep_draft(self) -> None:
        """Before locking: the editor's unsaved work stays open and is kept as a draft too."""
        if self.stack.currentWidget() is self.editor:
            self.editor.autosave()

    # ---- closing: the day's work backed up first, with progress -----------------------------

    def release_data(self, backup: bool = True) -> bool:
        """Let the window's data go: the editor closes (asking about unsaved work), the idle
        watch stops and, with `backup`, the database is backed up. False if the officer kept
        the editor open."""
        if self._released:
            return True
        if self.stack.currentWidget() is self.editor and not self.editor.request_close():
            return False
        if backup:
            self._backup_with_progress()
        self.idle.stop()
        self._released = True
        return True

    def _backup_with_progress(self) -> None:
        """The day's work in a checked backup (issue #6), made on the writer lane with the
        progress dialog (~4 s on an encrypted database) while the window waits for it."""
        db = self.context.db
        if db.path is None:
            return
        loop = QEventLoop(self)

        def task(progress: Progress, cancelled: IsCancelled) -> object:
            return backups.backup_database(db, "close")

        def failed(exc: RaSoatError) -> None:
            self.context.prompts.error(self, "RaSoat", exc.message(self.context.lang))
            loop.quit()

        self.context.runner.run(
            task,
            lambda _made: loop.quit(),
            title=self.context.tr("ui.data.closing_backup"),
            parent=self,
            on_error=failed,
        )
        loop.exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing or not self._start_closing():
            event.ignore()
            return
        window_settings().setValue("main/geometry", self.saveGeometry())
        event.accept()

    def _start_closing(self) -> bool:
        self._closing = True  # a second close while the backup runs is ignored
        try:
            return self.release_data()
        finally:
            self._closing = False
