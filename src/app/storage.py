"""Opening RaSoat's database: default location, schema upgrade, and the known ways it can fail."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from app.errors import DatabaseError
from app.paths import default_database_path
from models.database import Database, connect
from models.migrate import SchemaTooNew, needs_upgrade, upgrade


def open_database(target: str | Path | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at `target`: a path, a URL, or the default file.

    A database written by a newer RaSoat is refused rather than written to.
    """
    db = connect(target if target is not None else default_database_path())
    try:
        if migrate and needs_upgrade(db.engine):
            upgrade(db.engine)
    except SchemaTooNew as exc:
        db.dispose()
        raise DatabaseError("db.too_new", path=db.describe(), revision=exc.revision) from None
    except (OperationalError, SADatabaseError) as exc:
        db.dispose()
        raise DatabaseError("db.unreadable", path=db.describe(), detail=str(exc.orig)) from None
    return db
