"""The composition root: settings, translators, the startup sequence, then the main window.

It owns the objects every screen gets (ui/context.py) and rebuilds the window when the officer
opens another database or changes the language, so no screen needs to retranslate itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject
from PySide6.QtWidgets import QApplication

from app.actor import Actor
from app.backup_actions import check_may_restore, restore_database
from app.drafts import DraftStore
from app.encryption import rekey_database
from app.errors import RaSoatError
from app.i18n import tr
from app.office.setup import is_office
from app.settings import Settings, load_settings, save_settings
from ui import qt_translation
from ui.context import AppContext
from ui.jobs import JobRunner
from ui.main_window import MainWindow
from ui.office_window import OfficeWindow
from ui.prompts import Prompts
from ui.startup import StartupState, StartupStep, default_steps, run_startup

LOCALES = {"vi": QLocale.Language.Vietnamese, "en": QLocale.Language.English}


def apply_language(lang: str) -> None:
    """Qt's own strings and the locale (day and month names in date pickers) follow `lang`."""
    qt_translation.install(lang)
    QLocale.setDefault(QLocale(LOCALES.get(lang, QLocale.Language.Vietnamese)))


def main_window_for(context: AppContext) -> MainWindow | OfficeWindow:
    """A commune's window, or the receiving office's for an office's database."""
    with context.db.sessions() as session:
        office = is_office(session)
    return OfficeWindow(context) if office else MainWindow(context)


class RaSoatApp(QObject):
    def __init__(
        self,
        db_target: str | None = None,
        lang: str | None = None,
        prompts: Prompts | None = None,
        steps: list[StartupStep] | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        if lang and lang != self.settings.language:
            self.settings = replace(self.settings, language=lang)
        self.prompts = prompts or Prompts()
        self.steps = steps if steps is not None else default_steps()
        self.db_target = db_target
        self.window: MainWindow | OfficeWindow | None = None
        self.context: AppContext | None = None

    def start(self, passphrase: str | None = None, actor: Actor | None = None) -> bool:
        """Run the startup sequence and show the main window; False if the officer gave up.
        A known `passphrase` is not asked again; an `actor` stays signed in (same database)."""
        apply_language(self.settings.language)
        state = StartupState(self.settings, self.prompts, self.db_target, passphrase=passphrase)
        if actor is not None:
            state.actor, state.keep_actor = actor, True
        if not run_startup(state, self.steps):
            return False
        assert state.db is not None and state.actor is not None
        self.settings = self.settings.with_database(state.db.describe())
        save_settings(self.settings)
        runner = JobRunner(state.db, self.settings.language, self.prompts, self)
        self.context = AppContext(
            state.db,
            state.actor,
            self.settings,
            self.prompts,
            runner,
            DraftStore.for_database(state.db.describe()),
        )
        self._show_window()
        return True

    def _show_window(self) -> None:
        assert self.context is not None
        self.window = main_window_for(self.context)
        self.window.reopen_requested.connect(self.reopen)
        self.window.restart_requested.connect(self.relaunch_window)
        self.window.sign_out_requested.connect(self.sign_out)
        if isinstance(self.window, MainWindow):
            self.window.restore_requested.connect(self.restore)
            self.window.rekey_requested.connect(self.rekey)
        self.window.show()
        self.offer_drafts()

    def offer_drafts(self) -> None:
        """Unsaved work left by a crash: offer to continue it (the newest first)."""
        assert self.context is not None and self.window is not None
        drafts = self.context.drafts.all()
        if not drafts:
            return
        draft = drafts[-1]
        lang = self.context.lang
        if self.prompts.confirm(
            self.window,
            tr("ui.drafts.title", lang),
            tr("ui.drafts.question", lang, code=draft.form.get("code", ""), when=draft.saved_at),
        ):
            household_id = draft.form.get("_household_id")
            form = {k: v for k, v in draft.form.items() if k != "_household_id"}
            self.window.open_draft(draft.key, form, household_id)
        else:
            self.context.drafts.discard(draft.key)

    def relaunch_window(self) -> None:
        """After a language change: the same database, a window built in the new language."""
        assert self.context is not None and self.window is not None
        self.settings = self.context.settings
        apply_language(self.settings.language)
        self.context.runner.lang = self.settings.language
        old = self.window
        self._show_window()
        old.close()
        old.deleteLater()

    def reopen(self, path: str) -> None:
        """Close the current database (backed up) and start again on `path`."""
        assert self.window is not None
        if self.window.close():
            self._start_again(path)

    def _start_again(
        self, path: str, passphrase: str | None = None, actor: Actor | None = None
    ) -> None:
        """The window goes, the database closes, the startup runs again on `path`."""
        assert self.context is not None and self.window is not None
        app = QApplication.instance()
        quits = QApplication.quitOnLastWindowClosed()
        QApplication.setQuitOnLastWindowClosed(False)  # the sign-in comes before a new window
        try:
            self.window.close()
            self.window.deleteLater()
            self.context.runner.wait()
            self.context.db.dispose()
            self.db_target = path
            self.window = None
            started = self.start(passphrase, actor)
        finally:
            QApplication.setQuitOnLastWindowClosed(quits)
        if not started and app is not None:
            QApplication.quit()

    # ---- replacing or re-keying the open file (ui/data_menu.py) --------------------------------

    def restore(self, backup: str) -> None:
        """Restore `backup` in place of the open database, then sign in again on it."""
        assert self.context is not None
        ctx = self.context
        try:
            check_may_restore(ctx.db, ctx.actor)  # before the window lets its data go
        except RaSoatError as exc:
            self.prompts.error(self.window, "RaSoat", exc.message(ctx.lang))
            return
        db, actor, path = ctx.db, ctx.actor, str(ctx.db.path)

        def job() -> str:
            result = restore_database(db, actor, Path(backup))
            return tr("backup.restored", ctx.lang, backup=result.restored.name, db=path)

        self._file_job(job, "ui.data.restoring", path, db.passphrase, None)

    def rekey(self, old: str, new: str) -> None:
        """Set or change the database passphrase; the same account works on."""
        assert self.context is not None
        ctx = self.context
        db, actor, path = ctx.db, ctx.actor, str(ctx.db.path)

        def job() -> str:
            files = rekey_database(db, actor, old, new)
            return tr("cli.rekeyed", ctx.lang, db=path, files=files)

        self._file_job(job, "ui.data.rekeying", path, new, actor, failed_passphrase=None)

    def sign_out(self) -> None:
        assert self.context is not None
        ctx = self.context
        path, passphrase = str(ctx.db.path or ctx.db.describe()), ctx.db.passphrase
        assert self.window is not None
        if isinstance(self.window, MainWindow):
            if self.window.release_data(backup=False):
                self._start_again(path, passphrase)
        elif self.window.close():
            self._start_again(path, passphrase)

    def _file_job(
        self,
        job: Callable[[], str],
        title_key: str,
        path: str,
        passphrase: str | None,
        actor: Actor | None,
        failed_passphrase: str | bool | None = False,
    ) -> None:
        """Let the window's data go (editor asked, no close backup: the job keeps its own), run
        `job` off the GUI thread with progress, tell its result, start again on `path`."""
        assert self.context is not None and isinstance(self.window, MainWindow)
        ctx, window = self.context, self.window

        if not window.release_data(backup=False):
            return

        def done(message: str) -> None:
            self.prompts.inform(window, "RaSoat", message)
            self._start_again(path, passphrase, actor)

        def failed(exc: RaSoatError) -> None:
            self.prompts.error(window, "RaSoat", exc.message(ctx.lang))
            keep = passphrase if failed_passphrase is False else failed_passphrase
            self._start_again(path, keep if isinstance(keep, str) else None, ctx.actor)

        ctx.runner.run(
            lambda progress, cancelled: job(),
            done,
            title=ctx.tr(title_key),
            parent=window,
            on_error=failed,
        )

    def shutdown(self) -> None:
        """Finish the writer lane, close the database, and delete the windows while Qt is still
        alive: left to Python's exit, their destruction order crashed now and then."""
        if self.context is not None:
            self.context.runner.wait()
            self.context.db.dispose()
        if self.window is not None:
            self.window.deleteLater()
            self.window = None
        if self.context is not None:
            self.context.runner.deleteLater()
            self.context = None
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
