"""Schema versions through Alembic: upgrade to the newest; refuse a database from a newer app."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaTooNew(Exception):
    """The database was written by a newer RaSoat; writing to it could lose data."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once: every open asks about them, and reading them loads
    each revision file."""
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """True when the database is older than the app; raises SchemaTooNew when it is newer."""
    _revision_known(engine)
    return current_revision(engine) != head_revision()


def is_known(revision: str) -> bool:
    """True when this app's migrations include `revision` (so the file is not from a newer app)."""
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:  # an id this app has never heard of
        return False


def _revision_known(engine: Engine) -> None:
    current = current_revision(engine)
    if current is not None and not is_known(current):
        raise SchemaTooNew(current)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction."""
    _revision_known(engine)
    migrate_to(engine, "head")


class BrokenReferences(Exception):
    """A migration left rows pointing at rows that do not exist; it was rolled back."""


def migrate_to(engine: Engine, revision: str, down: bool = False) -> None:
    """Upgrade (or, for developers, downgrade) to `revision`, in one transaction.

    On SQLite the foreign keys are off while the migration runs: batch mode rebuilds a table by
    copying it and dropping the old one, and with foreign keys on, that drop deletes every row
    that cascades from it (changing a column of households would empty members). Whether every
    reference still holds is checked before the commit instead (a file that already held
    broken ones still opens, as it did before).
    """
    cfg = _config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        # Outside any transaction (SQLite ignores this pragma inside one): the driver's own
        # connection, before SQLAlchemy begins.
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                broken = _broken_references(conn) if sqlite else set()
                cfg.attributes["connection"] = conn
                (command.downgrade if down else command.upgrade)(cfg, revision)
                if sqlite and _broken_references(conn) - broken:
                    raise BrokenReferences(head_revision() if revision == "head" else revision)
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _broken_references(conn: Connection) -> set[tuple[Any, ...]]:
    """(table, row, missing parent) of every row whose reference points at nothing."""
    return {tuple(r[:3]) for r in conn.exec_driver_sql("PRAGMA foreign_key_check")}
