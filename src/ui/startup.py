"""Starting up as a sequence of steps, so later steps can be inserted without touching the rest.

    open the database (asking its passphrase) → sign in → make sure there is a commune

Each step looks at and fills a StartupState and answers CONTINUE, ABORT or RESTART (start again
from the first step, e.g. after the officer picked another database file in the first-start
dialog). A further step (a consent notice) is one more entry in `default_steps()`; nothing else
changes.

No data shows before someone signs in (issue #6). A new, empty database has no account yet:
whatever the first start makes of it (a commune, the demo, an office, a reviewer's laptop)
creates its administrator first, with the passphrase that encrypts the file
(ui/account_setup.py). A database that holds data but no account gets its administrator before
anything shows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QWidget

from app import backups
from app.actor import Actor
from app.communes import find_commune
from app.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from app.demo.commune import create_demo
from app.errors import RaSoatError
from app.i18n import tr
from app.jobs import IsCancelled, Progress
from app.office.setup import is_office
from app.paths import data_dir, default_database_path
from app.settings import Settings
from app.storage import DamagedDatabase, needs_passphrase, open_database
from app.users import has_users, sign_in
from models.database import Database
from ui.account_setup import Passphrase, ensure_administrator
from ui.jobs import JobRunner
from ui.prompts import Prompts

DEMO_HOUSEHOLDS = 500
DEMO_SEED = 1


class Next(enum.Enum):
    CONTINUE = "continue"
    ABORT = "abort"
    RESTART = "restart"


@dataclass
class StartupState:
    settings: Settings
    prompts: Prompts
    db_target: str | None = None
    db: Database | None = None
    actor: Actor | None = None
    # Set by the first-start dialog: fill the (new, empty) database with the demo commune.
    demo_households: int | None = None
    parent: QWidget | None = None
    # The passphrase of db_target when it is already known (reopening after a restore or a
    # passphrase change): not asked again.
    passphrase: str | None = None
    # Reopening the same database for the same account (after a passphrase change): the
    # signed-in actor stays.
    keep_actor: bool = False
    # Set when this start created the database's first administrator (ui/account_setup.py).
    new_administrator: bool = False

    @property
    def lang(self) -> str:
        return self.settings.language

    def close_database(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.db = None


class StartupStep(Protocol):
    def run(self, state: StartupState) -> Next: ...


def demo_database_path() -> Path:
    """The demo commune lives in its own file, never in the officer's real database."""
    return data_dir() / "demo.sqlite"


class OpenDatabaseStep:
    """The database named on the command line, else the last one used, else the default file;
    an encrypted file first asks for its passphrase (issue #6)."""

    def run(self, state: StartupState) -> Next:
        target = state.db_target or state.settings.last_database or str(default_database_path())
        state.close_database()
        if not state.keep_actor:
            state.actor = None  # another database, or the same one restored: sign in again
        state.keep_actor = False
        passphrase, state.passphrase = state.passphrase, None
        if passphrase is None and needs_passphrase(target):
            passphrase = state.prompts.ask_secret(
                state.parent, "RaSoat", tr("ui.startup.passphrase", state.lang, db=target)
            )
            if passphrase is None:
                return Next.ABORT
        try:
            state.db = open_database(target, passphrase=passphrase)
        except DamagedDatabase as exc:
            if exc.backup is not None:
                return _offer_backup(state, exc, passphrase)
            state.prompts.error(state.parent, "RaSoat", exc.message(state.lang))
            return Next.ABORT
        except RaSoatError as exc:
            state.prompts.error(state.parent, "RaSoat", exc.message(state.lang))
            if state.db_target is None and target != str(default_database_path()):
                # The last database is gone or damaged: fall back to the default one.
                state.db_target = str(default_database_path())
                return Next.RESTART
            return Next.ABORT
        state.db_target = target
        _daily_backup(state)
        return Next.CONTINUE


def _offer_backup(state: StartupState, exc: DamagedDatabase, passphrase: str | None) -> Next:
    """A damaged database is never written to; the officer may put the latest good backup in
    its place (the damaged file is kept, see app/backups.py)."""
    assert exc.backup is not None
    question = (
        exc.message(state.lang)
        + "\n\n"
        + tr("ui.startup.restore_offer", state.lang, backup=exc.backup.name)
    )
    if not state.prompts.confirm(state.parent, "RaSoat", question):
        return Next.ABORT
    try:
        backups.restore_backup(exc.path, exc.backup.path, passphrase)
    except RaSoatError as failed:
        state.prompts.error(state.parent, "RaSoat", failed.message(state.lang))
        return Next.ABORT
    state.prompts.inform(
        state.parent,
        "RaSoat",
        tr("backup.restored", state.lang, backup=exc.backup.name, db=str(exc.path)),
    )
    return Next.RESTART


def _daily_backup(state: StartupState) -> None:
    """Today's backup, if none was made yet; a failure is told but does not stop the work."""
    assert state.db is not None
    if state.db.path is None:
        return
    try:
        backups.daily_backup_if_due(state.db.path, state.db.passphrase)
    except RaSoatError as exc:
        state.prompts.error(state.parent, "RaSoat", exc.message(state.lang))


class SignInStep:
    """Sign in with an account of the database (app.users.sign_in: argon2id, lock-out after
    repeated failures, told in the dialog). A new, empty database has no one to sign in yet:
    the first start creates its administrator (CommuneStep). A database with data but no
    account gets its administrator now, before anything shows."""

    def run(self, state: StartupState) -> Next:
        assert state.db is not None
        if state.actor is not None:
            return Next.CONTINUE
        with state.db.sessions() as session:
            accounts = has_users(session)
            empty = find_commune(session) is None and not is_office(session)
        if not accounts:
            if empty:
                return Next.CONTINUE
            intro = tr("ui.admin.intro_existing", state.lang, db=state.db.describe())
            if ensure_administrator(state, state.parent, Passphrase.NONE, intro) is None:
                return Next.ABORT
            return Next.CONTINUE
        message, username = tr("ui.sign_in.message", state.lang, db=state.db.describe()), ""
        while True:
            answer = state.prompts.sign_in(
                state.parent, tr("ui.sign_in.title", state.lang), message, username
            )
            if answer is None:
                return Next.ABORT
            username, password = answer
            try:
                state.actor = sign_in(state.db.sessions, username.strip(), password)
            except RaSoatError as exc:
                message = exc.message(state.lang)
                continue
            return Next.CONTINUE


class CommuneStep:
    """A database without a commune: fill it with the demo, or ask (ui/first_start.py). A
    receiving office's database holds the communes it received and needs none of its own."""

    def run(self, state: StartupState) -> Next:
        assert state.db is not None
        with state.db.sessions() as session:
            has_commune = find_commune(session) is not None or is_office(session)
        if has_commune:
            state.demo_households = None
            return Next.CONTINUE
        if state.demo_households is not None:
            return self._make_demo(state)
        from ui.first_start import FirstStartDialog

        dialog = FirstStartDialog(state)
        accepted = dialog.exec()
        chosen_file, demo_requested = dialog.chosen_file, dialog.demo_requested
        state.demo_households = dialog.demo_households if demo_requested else None
        # Deleted while Qt is alive: left to Python's exit, the dialog and its job runner's
        # thread pool were destroyed after the QApplication, which crashed.
        dialog.deleteLater()
        if not accepted:
            return Next.ABORT
        if chosen_file is not None:
            state.db_target = chosen_file
            return Next.RESTART
        if demo_requested:
            state.db_target = str(demo_database_path())
            return Next.RESTART
        if state.new_administrator:  # the work is done by other roles: say where they come from
            state.prompts.inform(state.parent, "RaSoat", tr("ui.admin.next_accounts", state.lang))
        return Next.CONTINUE  # the dialog created the commune (or the office), signed in

    def _make_demo(self, state: StartupState) -> Next:
        """The demo in its new file: its administrator first (the passphrase is the officer's
        choice: the data is synthetic), one account per role with the same password, then the
        households; the officer works on as the demo's commune officer."""
        assert state.db is not None
        count = state.demo_households or DEMO_HOUSEHOLDS
        state.demo_households = None
        intro = tr("ui.admin.intro_demo", state.lang)
        setup = ensure_administrator(state, state.parent, Passphrase.OPTIONAL, intro)
        if setup is None or state.actor is None:
            state.db_target = None  # back to the first start on the usual database
            return Next.RESTART
        db = state.db
        if setup.password:  # a new demo: its accounts (an existing one keeps who signed in)
            with db.sessions.begin() as session:
                state.actor = create_demo_accounts(session, state.actor, setup.password)["officer"]
            names = ", ".join(f"{u} ({r})" for u, r, _ in DEMO_ACCOUNTS)
            state.prompts.inform(
                state.parent, "RaSoat", tr("ui.admin.demo_accounts", state.lang, accounts=names)
            )
        actor = state.actor
        runner = JobRunner(db, state.lang, state.prompts)
        outcome: list[bool] = []

        def task(progress: Progress, cancelled: IsCancelled) -> bool:
            create_demo(db, actor, count, DEMO_SEED, None, progress, cancelled)
            return True

        runner.run(
            task,
            outcome.append,
            title=tr("ui.startup.demo_progress", state.lang, households=count),
            parent=state.parent,
            on_error=lambda e: state.prompts.error(state.parent, "RaSoat", e.message(state.lang)),
        )
        runner.wait(timeout_ms=-1)
        return Next.CONTINUE if outcome else Next.RESTART


def default_steps() -> list[StartupStep]:
    return [OpenDatabaseStep(), SignInStep(), CommuneStep()]


MAX_RESTARTS = 20  # a loop guard: each restart needs an action of the officer


def run_startup(state: StartupState, steps: list[StartupStep]) -> bool:
    """Run the steps; True when the state holds an open database with a commune and an actor."""
    for _ in range(MAX_RESTARTS):
        for step in steps:
            outcome = step.run(state)
            if outcome is Next.ABORT:
                state.close_database()
                return False
            if outcome is Next.RESTART:
                break
        else:
            return True
    state.close_database()
    return False
