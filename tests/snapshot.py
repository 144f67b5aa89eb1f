"""A whole-database snapshot, to show that a refused operation changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from models.database import Database


def db_snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).all()
            out[table] = [tuple(r) for r in rows]
    return out
