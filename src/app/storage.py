"""Opening RaSoat's database: default location, health check, schema upgrade, and the known ways
it can fail.

Before anything writes to an existing file (even the journal-mode setting), the file is checked
read-only: it must open (with the passphrase when it is encrypted), pass `PRAGMA quick_check`, and
carry a schema revision this app knows. A damaged or newer file is refused untouched, and a
damaged one comes with the latest good backup to offer (`DamagedDatabase.backup`). An older
schema is backed up before it is migrated.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from app import backups
from app.errors import DatabaseError
from app.paths import default_database_path
from models.database import Database, connect, to_url
from models.migrate import BrokenReferences, SchemaTooNew, is_known, needs_upgrade, upgrade
from models.sqlite_file import PassphraseError, check_file, is_encrypted


class DamagedDatabase(DatabaseError):
    """The file fails its integrity check. `backup` is the newest good backup, if any."""

    def __init__(self, path: Path, detail: str, backup: backups.Backup | None) -> None:
        if backup is None:
            super().__init__("db.damaged_no_backup", path=str(path), detail=detail)
        else:
            super().__init__("db.damaged", path=str(path), detail=detail, backup=backup.name)
        self.path = path
        self.backup = backup


def needs_passphrase(target: str | Path | None = None) -> bool:
    """True when the database file exists and is encrypted: ask for the passphrase first."""
    path = file_path(target)
    return path is not None and is_encrypted(path)


def file_path(target: str | Path | None) -> Path | None:
    """The SQLite file behind `target` (default: the data folder's), or None for a server URL."""
    url = to_url(target if target is not None else default_database_path())
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def check_existing(path: Path, passphrase: str | None) -> str | None:
    """Check an existing file read-only; returns its schema revision, or raises a DatabaseError
    saying why it must not be opened."""
    if passphrase is None and is_encrypted(path):
        raise DatabaseError("db.passphrase_required", path=str(path))
    try:
        found = check_file(path, passphrase)
    except PassphraseError:
        raise DatabaseError("db.wrong_passphrase", path=str(path)) from None
    if not found.ok:
        raise DamagedDatabase(path, found.problems[0], backups.latest_good_backup(path, passphrase))
    if found.revision is not None and not is_known(found.revision):
        raise DatabaseError("db.too_new", path=str(path), revision=found.revision)
    return found.revision


def open_database(
    target: str | Path | None = None, *, migrate: bool = True, passphrase: str | None = None
) -> Database:
    """Open (creating if needed) the database at `target`: a path, a URL, or the default file.

    With `passphrase`, a new file is created encrypted and an existing one must be the same
    encrypted file. A database that is damaged, or written by a newer RaSoat, is refused rather
    than written to.
    """
    target = target if target is not None else default_database_path()
    path = file_path(target)
    revision = None
    if path is not None and path.exists() and path.stat().st_size > 0:
        revision = check_existing(path, passphrase)
    try:
        db = connect(target, passphrase)
    except ValueError:
        raise DatabaseError(
            "db.unreadable", path=str(target), detail="encrypted in memory"
        ) from None
    try:
        if migrate and needs_upgrade(db.engine):
            if path is not None and revision is not None:
                backups.create_backup(path, passphrase, "migration")
            upgrade(db.engine)
    except SchemaTooNew as exc:
        db.dispose()
        raise DatabaseError("db.too_new", path=db.describe(), revision=exc.revision) from None
    except BrokenReferences as exc:
        db.dispose()
        raise DatabaseError(
            "db.migration_broken", path=db.describe(), revision=exc.args[0]
        ) from None
    except (OperationalError, SADatabaseError) as exc:
        db.dispose()
        raise DatabaseError("db.unreadable", path=db.describe(), detail=str(exc.orig)) from None
    except BaseException:
        db.dispose()
        raise
    return db
