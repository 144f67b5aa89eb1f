"""Backups and restores as an officer asks for them: checked against the role, recorded in the
audit trail. The file work itself is app/backups.py (which the automatic backups call directly:
no one acts when the app backs up on close).

Restoring replaces the whole database, so only roles with `backup.restore` may do it; a
reviewer is refused here, whatever the GUI shows. The one exception is a database too damaged
to open (no account can be checked in it): app/storage.py offers its latest good backup at
start, and `rasoat backup restore` accepts it, as before.
"""

from __future__ import annotations

from pathlib import Path

from app import audit, backups
from app.actor import Actor
from app.errors import RaSoatError
from app.permissions import require
from app.storage import open_database
from models.database import Database


def _file_of(db: Database) -> Path:
    if db.path is None:
        raise RaSoatError("backup.not_a_file", db=db.describe())
    return db.path


def backup_now(db: Database, actor: Actor) -> backups.Backup:
    """A manual backup of the open database, made by `actor`."""
    path = _file_of(db)
    with db.sessions() as session:
        require(session, actor, "backup.create")
    made = backups.create_backup(path, db.passphrase, "manual")
    with db.sessions.begin() as session:
        audit.record(session, actor, "backup.create", "database", path.name, backup=made.name)
    return made


def check_may_restore(db: Database, actor: Actor) -> None:
    """Refuse early (before the window closes its data) an account that may not restore."""
    with db.sessions() as session:
        require(session, actor, "backup.restore")


def restore_database(db: Database, actor: Actor, backup: Path) -> backups.RestoreResult:
    """Put `backup` in place of the open database `db` (closed on the way; the current file is
    kept as a "restore" backup by app/backups.py). The restore is recorded in the restored
    file's audit trail, so the trail says why its newest rows are older than the day."""
    path = _file_of(db)
    check_may_restore(db, actor)
    passphrase = db.passphrase
    db.dispose()
    result = backups.restore_backup(path, backup, passphrase)
    restored = open_database(path, passphrase=passphrase)
    try:
        with restored.sessions.begin() as session:
            audit.record(
                session,
                actor,
                "backup.restore",
                "database",
                path.name,
                backup=result.restored.name,
                previous=result.previous.name if result.previous else None,
            )
    finally:
        restored.dispose()
    return result
