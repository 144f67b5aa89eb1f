"""The composition root: settings, translators, the startup sequence, then the main window.

It owns the objects every screen gets (ui/context.py) and rebuilds the window when the officer
opens another database or changes the language, so no screen needs to retranslate itself.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject

from app.drafts import DraftStore
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

    def start(self) -> bool:
        """Run the startup sequence and show the main window; False if the officer gave up."""
        apply_language(self.settings.language)
        state = StartupState(self.settings, self.prompts, self.db_target)
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
        """Close the current database and start again on `path`."""
        assert self.context is not None and self.window is not None
        if not self.window.close():
            return
        self.window.deleteLater()
        self.context.runner.wait()
        self.context.db.dispose()
        self.db_target = path
        self.window = None
        if not self.start():
            from PySide6.QtWidgets import QApplication

            QApplication.quit()

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
