"""Bulk writes through each database's fast path.

SQLAlchemy's Core executemany spends most of its time building parameters at 100,000+ rows; the
driver's own paths do not: a prepared statement run by sqlite3's `executemany`, and COPY on
PostgreSQL (psycopg 3). Callers pass plain tuples in the order of `columns`. Use these for
thousands of rows; use the ORM for editing one household.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Date, DateTime, Table

from models.base import Base

Target = type[Base] | Table


def _table(target: Target) -> Table:
    return target if isinstance(target, Table) else cast(Table, target.__table__)


def _is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _sqlite_converters(table: Table, columns: Sequence[str]) -> list[int]:
    """Positions of date/time columns: sqlite3's own date adapters are deprecated, and SQLAlchemy
    reads back exactly the text `str(value)` gives."""
    return [i for i, name in enumerate(columns) if isinstance(table.c[name].type, Date | DateTime)]


def _text_dates(rows: Iterable[Sequence[Any]], positions: list[int]) -> Iterable[Sequence[Any]]:
    if not positions:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i in positions:
            if isinstance(values[i], date | datetime):
                values[i] = str(values[i])
        out.append(tuple(values))
    return out


def date_param(conn: Connection, value: date | datetime) -> Any:
    """A date or time as the fast path stores it; callers that prepare every date value this
    way pass `dates_ready=True` and skip the per-row conversion."""
    return value if _is_postgres(conn) else str(value)


def insert_rows(
    conn: Connection,
    target: Target,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    dates_ready: bool = False,
) -> int:
    """Insert `rows` (tuples in `columns` order) into `target`; returns the number written."""
    if not rows:
        return 0
    table = _table(target)
    names = ", ".join(_quote(conn, c) for c in columns)
    if _is_postgres(conn):
        raw = conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {_quote(conn, table.name)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return len(rows)
    marks = ", ".join("?" for _ in columns)
    params = rows if dates_ready else _text_dates(rows, _sqlite_converters(table, columns))
    conn.exec_driver_sql(
        f"INSERT INTO {_quote(conn, table.name)} ({names}) VALUES ({marks})", list(params)
    )
    return len(rows)


def update_rows(
    conn: Connection,
    target: Target,
    key: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    dates_ready: bool = False,
) -> int:
    """UPDATE each row by `key`; every tuple is the `columns` values followed by the key value."""
    if not rows:
        return 0
    table = _table(target)
    mark = "%s" if _is_postgres(conn) else "?"
    sets = ", ".join(f"{_quote(conn, c)} = {mark}" for c in columns)
    sql = f"UPDATE {_quote(conn, table.name)} SET {sets} WHERE {_quote(conn, key)} = {mark}"
    params = (
        rows
        if _is_postgres(conn) or dates_ready
        else _text_dates(rows, _sqlite_converters(table, [*columns, key]))
    )
    conn.exec_driver_sql(sql, list(params))
    return len(rows)


def reserve_ids(conn: Connection, target: Target, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, so parents and children can be inserted in bulk.

    The caller must already hold the database's write lock (on SQLite, any earlier write in the
    same transaction), so no other writer can take the same numbers.
    """
    if count <= 0:
        return []
    table = _table(target)
    name = _quote(conn, table.name)
    if _is_postgres(conn):
        sequence = conn.exec_driver_sql(
            f"SELECT pg_get_serial_sequence('{table.name}', 'id')"
        ).scalar()
        rows = conn.exec_driver_sql(
            f"SELECT nextval('{sequence}') FROM generate_series(1, {int(count)})"
        ).all()
        return [r[0] for r in rows]
    start = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {name}").scalar() or 0
    return list(range(start + 1, start + 1 + count))
