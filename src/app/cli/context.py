"""What every command handler gets: the language, the database on demand, output helpers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from app.actor import Actor, command_line_actor
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
    _db: Database | None = None

    @property
    def actor(self) -> Actor:
        return command_line_actor()

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
