"""Schema versions through Alembic: upgrade to the newest; refuse a database from a newer app."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

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
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
