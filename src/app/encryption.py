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

from app import backups
from app.atomic import sync_dir
from app.errors import DatabaseError, RaSoatError
from models.sqlite_file import (
    PassphraseError,
    check_file,
    cipher_module,
    is_encrypted,
    key_pragma,
    open_file,
)


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
