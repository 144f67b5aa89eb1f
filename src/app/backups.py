"""Rotating backups of the commune database, made with SQLite's online backup API.

A backup is a consistent copy taken while the app may be running, written under a temporary
name, checked (`PRAGMA integrity_check` and the schema revision), synced, and only then renamed to
its final name: a file under a final name in the backup folder is always a whole, checked copy.
An encrypted database gives encrypted backups with the same passphrase.

Backups live in `backups/` beside the database, named `<db>-<YYYYmmdd>-<HHMMSS>[-n]-<reason>.sqlite`
(local time, so an officer can read the list). Each reason keeps its own number of copies:
the app makes them on close, daily, before every migration, before every import and before a
restore; the officer makes `manual` ones.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.atomic import sync_dir
from app.errors import DatabaseError, RaSoatError
from models.database import Database
from models.migrate import is_known
from models.sqlite_file import (
    FileCheck,
    PassphraseError,
    check_connection,
    check_file,
    is_database_error,
    online_backup,
    open_file,
)

# How many backups of each kind are kept; the oldest beyond that are removed after a new one.
KEEP = {
    "manual": 20,
    "close": 5,
    "daily": 7,
    "migration": 3,
    "import": 5,
    "restore": 5,
}
REASONS = tuple(KEEP)
FOLDER = "backups"
DAMAGED_FOLDER = "damaged"
# A temporary file older than this is left over from a crash, not a backup in progress.
STALE_PART_SECONDS = 3600

_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<day>\d{8})-(?P<time>\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z]+)\.sqlite$"
)


@dataclass(frozen=True)
class Backup:
    path: Path
    created: datetime
    seq: int  # tells apart backups made in the same second
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / FOLDER


def _file_of(db: Database) -> Path:
    if db.path is None:
        raise RaSoatError("backup.not_a_file", db=db.describe())
    return db.path


def list_backups(db_path: Path) -> list[Backup]:
    """The backups of the database at `db_path`, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match or match["stem"] != db_path.stem or match["reason"] not in KEEP:
            continue
        created = datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
        found.append(
            Backup(entry, created, int(match["n"] or 0), match["reason"], entry.stat().st_size)
        )
    found.sort(key=lambda b: (b.created, b.seq), reverse=True)
    return found


def _final_name(db_path: Path, reason: str, now: datetime) -> Path:
    folder = backup_dir(db_path)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite"
    n = 1
    while candidate.exists():
        candidate = folder / f"{db_path.stem}-{stamp}-{n}-{reason}.sqlite"
        n += 1
    return candidate


def create_backup(
    db_path: Path,
    passphrase: str | None = None,
    reason: str = "manual",
    now: datetime | None = None,
) -> Backup:
    """Back up the database file at `db_path` (which may be in use), check the copy, keep it
    under its final name, then drop the oldest copies of the same kind."""
    if reason not in KEEP:
        raise ValueError(reason)
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(folder)
    final = _final_name(db_path, reason, now or datetime.now())
    part = folder / f".{final.name}.part"
    try:
        source_revision = _copy(db_path, passphrase, part)
        _verify_copy(part, passphrase, source_revision)
        _fsync(part)
        os.replace(part, final)
    except BaseException:
        for leftover in (part, part.with_name(part.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    sync_dir(folder)
    rotate(db_path, reason)
    return next(b for b in list_backups(db_path) if b.path == final)


def backup_database(db: Database, reason: str = "manual") -> Backup:
    """Back up an open database (the GUI calls this on close with reason "close")."""
    return create_backup(_file_of(db), db.passphrase, reason)


def _copy(db_path: Path, passphrase: str | None, part: Path) -> str | None:
    try:
        source = open_file(db_path, passphrase)
    except FileNotFoundError:
        raise RaSoatError("backup.no_database", path=str(db_path)) from None
    except PassphraseError:
        raise DatabaseError("db.wrong_passphrase", path=str(db_path)) from None
    except Exception as exc:
        if not is_database_error(exc):
            raise
        raise DatabaseError("backup.source_damaged", path=str(db_path), detail=str(exc)) from None
    try:
        found = check_connection(source)
        if found.ok:
            online_backup(source, part, passphrase)
            return found.revision
        detail = found.problems[0]
    except Exception as exc:
        if not is_database_error(exc):
            raise
        detail = str(exc)
    finally:
        source.close()
    raise DatabaseError("backup.source_damaged", path=str(db_path), detail=detail)


def _verify_copy(part: Path, passphrase: str | None, revision: str | None) -> None:
    found = check_file(part, passphrase, thorough=True)
    if not found.ok or found.revision != revision:
        detail = found.problems[0] if found.problems else f"revision {found.revision}"
        raise DatabaseError("backup.check_failed", path=str(part), detail=detail)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_parts(folder: Path) -> None:
    cutoff = time.time() - STALE_PART_SECONDS
    for entry in folder.glob(".*.part*"):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except FileNotFoundError:
            pass


def rotate(db_path: Path, reason: str) -> list[Backup]:
    """Remove the oldest backups of `reason` beyond what KEEP allows; returns those removed."""
    same = [b for b in list_backups(db_path) if b.reason == reason]
    removed = same[KEEP[reason] :]
    for old in removed:
        old.path.unlink(missing_ok=True)
    if removed:
        sync_dir(backup_dir(db_path))
    return removed


def daily_backup_if_due(
    db_path: Path, passphrase: str | None = None, now: datetime | None = None
) -> Backup | None:
    """Make today's daily backup unless there is one already (the app calls this at start)."""
    now = now or datetime.now()
    if not db_path.exists():
        return None
    if any(b.reason == "daily" and b.created.date() == now.date() for b in list_backups(db_path)):
        return None
    return create_backup(db_path, passphrase, "daily", now)


def check_backup(backup: Path, passphrase: str | None = None) -> FileCheck:
    """A full integrity check of a backup file; PassphraseError when it cannot be unlocked."""
    return check_file(backup, passphrase, thorough=True)


def latest_good_backup(db_path: Path, passphrase: str | None = None) -> Backup | None:
    """The newest backup that passes its integrity check, opens with `passphrase` and comes from
    a schema this app knows: what the officer is offered when the database is damaged."""
    for backup in list_backups(db_path):
        try:
            found = check_backup(backup.path, passphrase)
        except PassphraseError:
            continue
        if found.ok and found.revision is not None and is_known(found.revision):
            return backup
    return None


@dataclass(frozen=True)
class RestoreResult:
    restored: Backup
    previous: Backup | None  # the backup of the file that was replaced (None: it was damaged)
    damaged_copy: Path | None  # where a damaged file was kept as it was


def restore_backup(
    db_path: Path, backup: Path, passphrase: str | None = None, now: datetime | None = None
) -> RestoreResult:
    """Put `backup` in place of the database at `db_path`. The database must be closed.

    The current file is backed up first (reason "restore"), or, when it is too damaged for
    that, copied as it is to `backups/damaged/`. The backup is checked before anything changes;
    a crash at any moment leaves either the old database or the restored one.
    """
    chosen = next((b for b in list_backups(db_path) if b.path == backup), None)
    found = _check_restorable(backup, passphrase)
    previous, damaged_copy = _keep_current(db_path, passphrase, now)
    part = db_path.with_name(f".{db_path.name}.restore.part")
    try:
        shutil.copyfile(backup, part)
        _fsync(part)
        _verify_copy(part, passphrase, found.revision)
        _retire_wal(db_path, passphrase)
        os.replace(part, db_path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    sync_dir(db_path.parent)
    restored = chosen or Backup(backup, datetime.now(), 0, "manual", backup.stat().st_size)
    return RestoreResult(restored, previous, damaged_copy)


def _check_restorable(backup: Path, passphrase: str | None) -> FileCheck:
    if not backup.is_file():
        raise RaSoatError("backup.not_found", path=str(backup))
    try:
        found = check_backup(backup, passphrase)
    except PassphraseError:
        raise DatabaseError("db.wrong_passphrase", path=str(backup)) from None
    if not found.ok or found.revision is None:
        detail = found.problems[0] if found.problems else "no schema"
        raise DatabaseError("backup.check_failed", path=str(backup), detail=detail)
    if not is_known(found.revision):
        raise DatabaseError("db.too_new", path=str(backup), revision=found.revision)
    return found


def _keep_current(
    db_path: Path, passphrase: str | None, now: datetime | None
) -> tuple[Backup | None, Path | None]:
    if not db_path.exists():
        return None, None
    try:
        return create_backup(db_path, passphrase, "restore", now), None
    except (DatabaseError, RaSoatError):
        pass
    # Too damaged (or locked with another passphrase) for SQLite to copy: keep the bytes.
    folder = backup_dir(db_path) / DAMAGED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}"
    target.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = db_path.with_name(db_path.name + suffix)
        if source.exists():
            shutil.copyfile(source, target / source.name)
            _fsync(target / source.name)
    sync_dir(target)
    return None, target


def _retire_wal(db_path: Path, passphrase: str | None) -> None:
    """Fold the WAL into the old file and remove it, so it can never be replayed onto the
    restored one (SQLite would apply a leftover -wal to whatever file carries the name)."""
    try:
        conn = open_file(db_path, passphrase)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except Exception:  # damaged or locked: its bytes were kept by _keep_current
        pass
    for suffix in ("-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    sync_dir(db_path.parent)
