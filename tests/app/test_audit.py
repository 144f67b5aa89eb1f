"""The audit trail's hash chain catches edits and deletions made behind the app's back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app import audit
from app.cli import main
from app.communes import only_commune
from app.households import save_household
from models.database import Database
from tests.builders import ASKED, household
from tests.conftest import OFFICER


def fill(db: Database) -> None:
    for n in range(3):
        with db.sessions.begin() as s:
            save_household(s, OFFICER, only_commune(s), household(id=f"H{n}"), survey=ASKED)


def verify(db: Database) -> audit.VerifyResult:
    with db.sessions() as s:
        return audit.verify(s)


def test_chain_intact(commune_db: Database) -> None:
    fill(commune_db)
    result = verify(commune_db)
    assert result.ok and result.checked >= 6


def test_editing_a_row_with_sql_is_caught(commune_db: Database, db_path: Path) -> None:
    fill(commune_db)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE audit_events SET actor = 'someone_else' WHERE id = 4")
    result = verify(commune_db)
    assert (result.broken_at, result.reason) == (4, "hash")
    assert main(["--db", str(db_path), "audit", "verify"]) == 1


def test_deleting_a_middle_row_is_caught(commune_db: Database, db_path: Path) -> None:
    fill(commune_db)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_events WHERE id = 3")
    assert verify(commune_db).broken_at == 3


def test_deleting_the_last_rows_is_caught(commune_db: Database, db_path: Path) -> None:
    fill(commune_db)
    with sqlite3.connect(db_path) as conn:
        last = conn.execute("SELECT max(id) FROM audit_events").fetchone()[0]
        conn.execute("DELETE FROM audit_events WHERE id = ?", (last,))
    result = verify(commune_db)
    assert (result.broken_at, result.reason) == (last, "head")


def test_rehashing_a_row_breaks_the_next_link(commune_db: Database, db_path: Path) -> None:
    """An attacker who recomputes the edited row's hash still breaks the link after it."""
    fill(commune_db)
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT id, at, actor, action, entity, entity_key, details, prev_hash "
            "FROM audit_events WHERE id = 2"
        ).fetchone()
        forged = audit.row_hash(row[0], row[1], "forger", *row[3:])
        conn.execute("UPDATE audit_events SET actor='forger', hash=? WHERE id=2", (forged,))
    assert (verify(commune_db).broken_at, verify(commune_db).reason) == (3, "link")
