"""Core: import and classify-all of a demo commune, against a raw SQLite read of the same rows.

Targets (issue #2, 50,000 households): import ≤ 10 s, classify-all ≤ 3 s, classify-all / raw
read ≤ 3.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

from app import atomic
from app.actor import Actor
from app.assessments import classify_round
from app.communes import VillageSpec, create_commune, only_commune
from app.demo.households import DEMO_COMMUNE, generate, villages
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_file
from app.exchange.write import document_dict, dumps
from app.rounds import current_round
from app.storage import open_database

REFERENCE = date(2026, 11, 15)
ACTOR = Actor("bench", "officer")  # a database without accounts: the role alone is checked


def raw_read(path: Path) -> int:
    """The baseline: read every household and member column classify-all reads, nothing more."""
    conn = sqlite3.connect(path)
    try:
        households = conn.execute(
            "SELECT h.*, v.name FROM households h JOIN villages v ON v.id = h.village_id "
            "ORDER BY h.id"
        ).fetchall()
        members = conn.execute("SELECT * FROM members ORDER BY household_id, position").fetchall()
        return len(households) + len(members)
    finally:
        conn.close()


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    db_path = workdir / "bench.sqlite"
    db = open_database(db_path)
    with db.sessions.begin() as session:
        commune = create_commune(
            session,
            ACTOR,
            DEMO_COMMUNE,
            [VillageSpec(v.name, v.area) for v in villages()],
            REFERENCE,
        )
        ref = commune_ref(commune)
    gen_s, facts = timed(lambda: list(generate(households, 1, REFERENCE)))
    source = workdir / "demo.json"
    atomic.write_bytes(source, dumps(document_dict(ref, "VN-MPS-2022-2025", REFERENCE, facts)))
    members = sum(len(h.members) for h in facts)
    # The generator's output is scaffolding: an officer's app holds none of it when it imports.
    del facts
    report.add(
        f"demo data generated ({households:,} households, {members:,} members)",
        f"{gen_s:.2f} s",
        f"{source.stat().st_size / 1e6:.0f} MB JSON",
    )

    def do_import() -> Any:
        with db.sessions.begin() as session:
            return import_file(session, ACTOR, source)

    import_s, result = timed(do_import)
    report.add(
        "import (read + validate + write + audit)",
        f"{import_s:.2f} s",
        f"target ≤ 10 s; {result.created:,} created, {households / import_s:,.0f} hh/s",
    )

    def do_classify() -> Any:
        with db.sessions.begin() as session:
            commune = only_commune(session)
            return classify_round(session, ACTOR, commune, current_round(session, commune))

    classify_s, summary = timed(do_classify)
    raw_s = min(timed(raw_read, db_path)[0] for _ in range(3))
    report.add(
        "classify-all (validation included, results written)",
        f"{classify_s:.2f} s",
        f"target ≤ 3 s; {dict(summary.by_class)}",
    )
    report.add("raw baseline: sqlite3 read of the same rows", f"{raw_s:.2f} s")
    report.add("ratio classify-all / raw read", f"{classify_s / raw_s:.1f}×", "target ≤ 3")
    again_s, _ = timed(do_classify)
    report.add(
        "classify-all again (results already stored)",
        f"{again_s:.2f} s",
        f"{again_s / raw_s:.1f}× raw",
    )
    db.dispose()
