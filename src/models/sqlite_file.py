"""A SQLite database file at the driver level: open it (keyed when encrypted), check it, copy it.

Used where SQLAlchemy would be in the way: checking a file before anything writes to it, and
SQLite's online backup API. An encrypted file is a SQLCipher database (AES-256, the key derived
from the passphrase with PBKDF2-HMAC-SHA512, an HMAC on every page), opened through `sqlcipher3`;
a plain file through the standard `sqlite3` module. Both have the same DB-API.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

# Every plain SQLite 3 file starts with these 16 bytes; an encrypted file starts with its random
# salt, so the header alone tells the two apart without a key.
SQLITE_HEADER = b"SQLite format 3\x00"


class PassphraseError(Exception):
    """The file is encrypted and no passphrase, or a wrong one, was given."""


def cipher_module() -> ModuleType:
    """The SQLCipher driver. Imported on demand: plain databases never need it."""
    import sqlcipher3

    module: ModuleType = sqlcipher3
    _quiet(module)
    return module


def _quiet(module: ModuleType) -> None:
    # SQLCipher logs every failed page decryption to stderr (a wrong passphrase is one); RaSoat
    # reports that itself in plain words. The setting is process-wide; set it once.
    if getattr(module, "_rasoat_quiet", False):
        return
    conn = module.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()
    module._rasoat_quiet = True  # type: ignore[attr-defined]


def is_encrypted(path: Path) -> bool:
    """True when `path` looks like a SQLCipher file: not a plain SQLite header, and whole pages
    (SQLCipher writes 4096-byte pages; other sizes are at least 512). Without the key nothing
    tells an encrypted file from random bytes of the same size; opening it with a key does."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return size > 0 and size % 512 == 0 and head != SQLITE_HEADER


def key_pragma(passphrase: str) -> str:
    """`PRAGMA key` with the passphrase as a quoted SQL string (quotes doubled)."""
    return "PRAGMA key = '{}'".format(passphrase.replace("'", "''"))


def open_file(
    path: Path, passphrase: str | None = None, *, readonly: bool = False, create: bool = False
) -> Any:
    """A DB-API connection to `path`, keyed with `passphrase` when given (SQLCipher).

    Raises PassphraseError when the file is encrypted and the passphrase is missing or wrong,
    and sqlite3.DatabaseError (or SQLCipher's) when the file is damaged. `readonly` opens it so
    that nothing, not even the journal mode, can be written; `create` allows a new file.
    """
    if not create and not path.exists():
        raise FileNotFoundError(path)
    module: Any = cipher_module() if passphrase is not None else sqlite3
    mode = "ro" if readonly else ("rwc" if create else "rw")
    conn = module.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, isolation_level=None)
    try:
        if passphrase is not None:
            conn.execute(key_pragma(passphrase))
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as exc:
        conn.close()
        if str(exc) == "file is not a database" and (passphrase is not None or is_encrypted(path)):
            raise PassphraseError(str(exc)) from None
        raise
    return conn


@dataclass(frozen=True)
class FileCheck:
    """What a quick look at a database file found."""

    problems: tuple[str, ...]  # from PRAGMA quick_check / integrity_check; () when healthy
    revision: str | None  # the Alembic revision stored in the file; None for an empty file

    @property
    def ok(self) -> bool:
        return not self.problems


def check_connection(conn: Any, thorough: bool = False) -> FileCheck:
    """`PRAGMA quick_check` (or the slower `integrity_check`, which also compares indexes with
    their tables) and the schema revision, on an open connection."""
    pragma = "integrity_check" if thorough else "quick_check"
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
    problems = () if rows == ["ok"] else tuple(rows)
    revision = None
    has_version = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if has_version:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(row[0]) if row else None
    return FileCheck(problems, revision)


def check_file(path: Path, passphrase: str | None = None, thorough: bool = False) -> FileCheck:
    """Check the file read-only. A file SQLite cannot even open counts as damaged; a missing or
    wrong passphrase raises PassphraseError."""
    try:
        conn = open_file(path, passphrase, readonly=True)
    except PassphraseError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError or SQLCipher's: both mean damaged here
        if not is_database_error(exc):
            raise
        return FileCheck((str(exc),), None)
    try:
        return check_connection(conn, thorough)
    except Exception as exc:
        if not is_database_error(exc):
            raise
        return FileCheck((str(exc),), None)
    finally:
        conn.close()


def is_database_error(exc: BaseException) -> bool:
    # sqlite3.DatabaseError and sqlcipher3.dbapi2.DatabaseError share no base class
    return type(exc).__name__ in ("DatabaseError", "OperationalError") or isinstance(
        exc, sqlite3.DatabaseError
    )


def online_backup(source: Any, dest_path: Path, passphrase: str | None) -> None:
    """Copy the open database `source` to a new file with SQLite's online backup API: a
    consistent snapshot even while others read, keyed like the source."""
    module: Any = cipher_module() if passphrase is not None else sqlite3
    dest = module.connect(str(dest_path), isolation_level=None)
    try:
        if passphrase is not None:
            dest.execute(key_pragma(passphrase))
        source.backup(dest)
        # A backup is one self-contained file: no -wal beside it to lose on the way.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
