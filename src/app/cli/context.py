"""What every command handler gets: the language, the database on demand, the signed-in
account, output helpers.

Who acts: `--user NAME` (or RASOAT_USER) signs in with the password from RASOAT_PASSWORD, or
typed at a prompt when the command runs in a terminal; never a command-line argument, which other
users of the machine could read in the process list. A database without accounts must first get
its administrator (`rasoat --user NAME init …`, `rasoat demo`, `rasoat users bootstrap NAME`).
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from app.actor import Actor
from app.errors import RaSoatError
from app.i18n import tr
from app.paths import default_database_path
from app.storage import file_path, open_database
from app.validation import Problem
from models.database import Database


@dataclass
class CliContext:
    lang: str = "vi"
    db_target: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    user: str | None = None
    _db: Database | None = None
    _actor: Actor | None = None

    @property
    def actor(self) -> Actor:
        """The signed-in account (signing in on first use)."""
        if self._actor is None:
            from app.users import has_users, sign_in

            db = self.database()
            with db.sessions() as session:
                if not has_users(session):
                    raise RaSoatError("auth.no_users")
            if not self.user:
                raise RaSoatError("auth.user_missing")
            self._actor = sign_in(db.sessions, self.user, self.password())
        return self._actor

    def act_as(self, actor: Actor) -> None:
        """Use `actor` from now on (the administrator a bootstrap has just created)."""
        self._actor = actor

    def password(self, variable: str = "RASOAT_PASSWORD", prompt: str = "Mật khẩu: ") -> str:
        value = os.environ.get(variable)
        if value:
            return value
        if sys.stdin is not None and sys.stdin.isatty():
            return getpass.getpass(prompt)
        raise RaSoatError("auth.password_missing", variable=variable)

    @property
    def passphrase(self) -> str | None:
        """The database passphrase from RASOAT_PASSPHRASE (never a command-line argument, which
        other users of the machine could read in the process list); empty means none."""
        return os.environ.get("RASOAT_PASSPHRASE") or None

    @property
    def db_file(self) -> Path:
        """The database as a file path, for commands that work on the file itself (backups)."""
        path = file_path(self.db_target if self.db_target is not None else default_database_path())
        if path is None:
            raise RaSoatError("backup.not_a_file", db=str(self.db_target))
        return path

    def database(self) -> Database:
        if self._db is None:
            self._db = open_database(self.db_target, passphrase=self.passphrase)
        return self._db

    def plain_database(self) -> Database:
        """The database opened without a passphrase, whatever RASOAT_PASSPHRASE says (for
        `rasoat encrypt`, where that passphrase is the one the file is about to get)."""
        if self._db is None:
            self._db = open_database(self.db_target, passphrase=None)
        return self._db

    def tr(self, key: str, **params: Any) -> str:
        return tr(key, self.lang, **params)

    def say(self, key: str, **params: Any) -> None:
        print(self.tr(key, **params), file=self.out)

    def error(self, text: str) -> None:
        print(text, file=self.err)

    def print_problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            print(problem.line(self.lang), file=self.err)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
