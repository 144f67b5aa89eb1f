"""The full state of a database, for tests that assert 'unchanged' (every row of every table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.sqlite_file import open_file

State = list[tuple[str, list[tuple[Any, ...]]]]


def file_state(path: Path, passphrase: str | None = None) -> State:
    """Every row of every table of the SQLite file at `path`, read at the driver level."""
    conn = open_file(path, passphrase)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            ).fetchall()
        ]
        return [
            (t, sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)) for t in tables
        ]
    finally:
        conn.close()


def count(path: Path, table: str, passphrase: str | None = None) -> int:
    conn = open_file(path, passphrase)
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    finally:
        conn.close()


def corrupt(path: Path, offset: int = 4096 * 3, length: int = 4096 * 4) -> None:
    """Overwrite part of the file with garbage, as a failing disk or a torn copy would."""
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xa5" * length)
