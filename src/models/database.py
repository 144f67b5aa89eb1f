"""Opening a database (a file path or a SQLAlchemy URL) with the SQLite settings we rely on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from models.sqlite_file import cipher_module

# How long a connection waits for another writer before giving up, in milliseconds. Long enough
# for a background import to commit, short enough that a stuck lock is reported, not hung on.
BUSY_TIMEOUT_MS = 10_000


def to_url(target: str | Path, passphrase: str | None = None) -> URL:
    """A file path becomes a SQLite URL; anything with "://" is taken as a SQLAlchemy URL.

    With a passphrase, a SQLite file is opened through SQLCipher (`sqlite+pysqlcipher`): the
    whole file, its WAL and its journal are encrypted (see models/sqlite_file.py).
    """
    text = str(target)
    url = (
        make_url(text)
        if "://" in text
        else make_url(f"sqlite:///{Path(text).expanduser().resolve()}")
    )
    if passphrase is not None and url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("an encrypted database must be a file")
        url = url.set(drivername="sqlite+pysqlcipher", password=passphrase)
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (the documented
    # pysqlite recipe): otherwise SAVEPOINTs and transactional DDL in migrations misbehave.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # WAL lets the GUI read while the one writer lane writes.
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL, not NORMAL: in WAL mode NORMAL survives an application crash but may lose the last
    # commits on a power cut, and field laptops do run out of battery mid-save. FULL syncs the WAL
    # at every commit; bulk work is one transaction, so the cost is one sync per save.
    cursor.execute("PRAGMA synchronous = FULL")
    # Deleted and overwritten content is zeroed on its page, not left in free space: erasing a
    # person's data (app/erasure.py) must leave no readable trace in the file.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def create_db_engine(url: URL, **kwargs: Any) -> Engine:
    if url.get_backend_name() == "sqlite":
        if url.get_driver_name() == "pysqlcipher":
            cipher_module()  # silences SQLCipher's own stderr log before the first connection
            # The dialect's default, one connection per thread, never closes connections of
            # finished worker threads; a file database wants the same pool as plain SQLite.
            kwargs.setdefault("poolclass", QueuePool)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


@dataclass
class Database:
    """An open database: the engine and a session factory. Passed down from one composition root."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def encrypted(self) -> bool:
        return self.url.get_driver_name() == "pysqlcipher"

    @property
    def passphrase(self) -> str | None:
        return self.url.password if self.encrypted else None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    def describe(self) -> str:
        """The database as shown to the user: the file path, or the URL without its password."""
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def connect(target: str | Path, passphrase: str | None = None, **kwargs: Any) -> Database:
    url = to_url(target, passphrase)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(url, **kwargs)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))
