"""Turning a plain database into an encrypted one, and changing the passphrase.

A database made without a passphrase (a demo, or one from before the officer chose one) is
encrypted in place: SQLCipher's `sqlcipher_export` copies it into a new encrypted file under a
temporary name, the copy is checked, and only then renamed over the plain file, so a crash leaves
one or the other. Its plain backups are encrypted the same way: personal data must not stay
readable beside the encrypted file. The database must be closed meanwhile.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from app import audit, backups
from app.actor import Actor
from app.atomic import sync_dir
from app.errors import DatabaseError, RaSoatError
from app.permissions import require
from app.storage import open_database
from models import Commune, User
from models.database import Database
from models.sqlite_file import (
    PassphraseError,
    check_file,
    cipher_module,
    is_encrypted,
    key_pragma,
    open_file,
)

# A passphrase protects every household of the commune and cannot be recovered: long enough
# to resist guessing on a stolen laptop, short enough to be typed at every start.
MIN_PASSPHRASE_LENGTH = 10


def check_passphrase(passphrase: str, again: str | None = None) -> None:
    """The rule for a new database passphrase: at least MIN_PASSPHRASE_LENGTH characters, not
    one character repeated, letters and something else (digits, spaces or signs); the same
    twice when it was typed twice."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise RaSoatError("encryption.passphrase_short", minimum=MIN_PASSPHRASE_LENGTH)
    letters = any(ch.isalpha() for ch in passphrase)
    others = any(not ch.isalpha() for ch in passphrase)
    if len(set(passphrase)) < 4 or not (letters and others):
        raise RaSoatError("encryption.passphrase_weak")
    if again is not None and again != passphrase:
        raise RaSoatError("encryption.passphrase_mismatch")


def secure_new_database(db: Database, passphrase: str) -> Database:
    """Encrypt a database that was just created and holds nothing yet (no account, no commune):
    the first start of the desktop app opens the file before the officer chooses a passphrase.
    Returns the database reopened with `passphrase`; `db` is closed."""
    check_passphrase(passphrase)
    path = db.path
    if path is None:
        raise RaSoatError("backup.not_a_file", db=db.describe())
    if db.encrypted:
        raise RaSoatError("encryption.already", path=str(path))
    with db.sessions() as session:
        holds = session.scalar(select(User.id).limit(1)) or session.scalar(
            select(Commune.id).limit(1)
        )
    if holds is not None:
        raise RaSoatError("encryption.not_new", path=str(path))
    db.dispose()
    encrypt_database(path, passphrase)
    return open_database(path, passphrase=passphrase)


def rekey_database(db: Database, actor: Actor, old: str, new: str) -> int:
    """The administrator sets or changes the database passphrase: a plain database is encrypted,
    an encrypted one re-keyed (with its backups). `old` must be the current passphrase (empty
    for a plain database). `db` is closed on the way; returns how many files changed."""
    path = db.path
    if path is None:
        raise RaSoatError("backup.not_a_file", db=db.describe())
    with db.sessions() as session:
        require(session, actor, "database.rekey")
    if (db.passphrase or "") != old:
        raise DatabaseError("db.wrong_passphrase", path=str(path))
    check_passphrase(new)
    was_encrypted = db.encrypted
    db.dispose()
    files = change_passphrase(path, old, new) if was_encrypted else encrypt_database(path, new)
    done = open_database(path, passphrase=new)
    try:
        with done.sessions.begin() as session:
            audit.record(session, actor, "database.rekey", "database", path.name, files=files)
    finally:
        done.dispose()
    return files


def encrypt_database(path: Path, passphrase: str) -> int:
    """Encrypt the plain database at `path` and its plain backups with `passphrase`; returns
    how many files were encrypted."""
    if not passphrase:
        raise RaSoatError("encryption.empty_passphrase")
    if is_encrypted(path):
        raise RaSoatError("encryption.already", path=str(path))
    done = 0
    for backup in backups.list_backups(path):
        if not is_encrypted(backup.path):
            _encrypt_file(backup.path, passphrase)
            done += 1
    _encrypt_file(path, passphrase)
    return done + 1


def _encrypt_file(path: Path, passphrase: str) -> None:
    found = check_file(path)
    if not found.ok:
        raise DatabaseError("backup.source_damaged", path=str(path), detail=found.problems[0])
    part = path.with_name(f".{path.name}.encrypt.part")
    part.unlink(missing_ok=True)
    conn = cipher_module().connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY {_quoted(passphrase)}", (str(part),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    try:
        copy = check_file(part, passphrase, thorough=True)
        if not copy.ok or copy.revision != found.revision:
            raise DatabaseError("backup.check_failed", path=str(part), detail=str(copy.problems))
        _fsync(part)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    sync_dir(path.parent)


def change_passphrase(path: Path, old: str, new: str) -> int:
    """Re-key the database and every backup that opens with `old`; returns how many files."""
    if not new:
        raise RaSoatError("encryption.empty_passphrase")
    files = [path] + [b.path for b in backups.list_backups(path)]
    done = 0
    for file in files:
        try:
            conn = open_file(file, old)
        except PassphraseError:
            if file == path:
                raise DatabaseError("db.wrong_passphrase", path=str(path)) from None
            continue  # a backup from before an earlier change keeps its own passphrase
        try:
            conn.execute(f"PRAGMA rekey = {_quoted(new)}")
        finally:
            conn.close()
        done += 1
    return done


def _quoted(passphrase: str) -> str:
    return key_pragma(passphrase).removeprefix("PRAGMA key = ")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
