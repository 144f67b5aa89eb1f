"""Workflow: movements of a 50,000-household commune, carrying its lists into a new round, and a
chairman's decision on 2,000 households, each beside a raw baseline in the same run.

Baselines: one sqlite3 query that reads the same assessment, household, village and member-count
rows the movements need; and sqlite3 executemany writing the same number of step rows and
assessment updates a decision writes (without checks or audit).
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from app.actor import Actor
from app.assessments import classify_round
from app.cli.data_commands import create_demo
from app.communes import only_commune
from app.movements import movement_table, round_movements
from app.rounds import create_round, current_round
from app.storage import open_database
from app.workflow.decisions import decide
from models import Assessment, Household

REFERENCE = date(2025, 11, 15)
OFFICER = Actor("bench-officer", "officer")  # no accounts in this database: roles only
CHAIRMAN = Actor("bench-chairman", "chairman")
DECIDED = 2_000


def raw_movement_read(path: Path, round_id: int) -> int:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT a.household_id, h.code, v.name, a.start_class, a.decided_class, "
            "a.proposed_class, a.basis, a.step, a.change_kind FROM assessments a "
            "JOIN households h ON h.id = a.household_id JOIN villages v ON v.id = h.village_id "
            "WHERE a.round_id = ? ORDER BY h.code",
            (round_id,),
        ).fetchall()
        sizes = conn.execute(
            "SELECT household_id, count(*) FROM members GROUP BY household_id"
        ).fetchall()
        return len(rows) + len(sizes)
    finally:
        conn.close()


def raw_decision_write(path: Path, ids: list[int]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executemany(
            "INSERT INTO assessment_steps (assessment_id, seq, action, from_step, to_step, "
            "on_date, actor, recorded_at, details) VALUES (?, 99, 'x', 'a', 'b', '2025-11-01', "
            "'raw', '2025-11-01 00:00:00', '{}')",
            [(i,) for i in ids],
        )
        conn.executemany("UPDATE assessments SET updated_at = updated_at WHERE id = ?",
                         [(i,) for i in ids])  # fmt: skip
        conn.rollback()
    finally:
        conn.close()


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def _lists(db: Any) -> int:
    """Put every fifth household on the poor list and every tenth on the near-poor one, and
    bring DECIDED poor ones to the step before the decision (setup, not measured)."""
    with db.sessions.begin() as s:
        r = current_round(s, only_commune(s))
        ids = s.scalars(select(Assessment.id).where(Assessment.round_id == r.id)).all()
        poor = ids[::5]
        near = [i for i in ids[::10] if i not in set(poor)]
        s.execute(update(Assessment).where(Assessment.id.in_(poor)).values(start_class="poor"))
        s.execute(update(Assessment).where(Assessment.id.in_(near)).values(start_class="near_poor"))
        s.execute(
            update(Assessment)
            .where(Assessment.id.in_(poor[:DECIDED]))
            .values(basis="list", track="standard", step="upper_opinion",
                    step_on=date(2025, 10, 20), proposed_class="near_poor")
        )  # fmt: skip
        return r.id


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    path = workdir / "bench.sqlite"
    db = open_database(path)
    create_demo(db, OFFICER, households, 1, REFERENCE)
    round_id = _lists(db)

    def movements() -> Any:
        with db.sessions() as s:
            r = current_round(s, only_commune(s))
            found = round_movements(s, r)
            return movement_table(found, "poor"), movement_table(found, "near_poor")

    move_s, (poor, _near) = timed(movements)
    raw_s = min(timed(raw_movement_read, path, round_id)[0] for _ in range(3))
    balance = f"{poor.total.households.start:,} poor at start; balanced={poor.balanced}"
    report.add("movements (both tables, by village)", f"{move_s:.2f} s", balance)
    report.add("raw baseline: sqlite3 read of the same rows", f"{raw_s:.2f} s")
    report.add("ratio movements / raw read", f"{move_s / raw_s:.1f}×")

    with db.sessions() as s:
        codes = s.scalars(
            select(Household.code)
            .join(Assessment, Assessment.household_id == Household.id)
            .where(Assessment.round_id == round_id, Assessment.step == "upper_opinion")
        ).all()
        ids = s.scalars(
            select(Assessment.id).where(
                Assessment.round_id == round_id, Assessment.step == "upper_opinion"
            )
        ).all()

    def decision() -> Any:
        with db.sessions.begin() as s:
            r = current_round(s, only_commune(s))
            return decide(s, CHAIRMAN, r, codes, date(2025, 11, 1), "99/QĐ-UBND")

    raw_w = min(timed(raw_decision_write, path, list(ids))[0] for _ in range(3))
    decide_s, _ = timed(decision)
    report.add(f"decision on {len(codes):,} households (checks, steps, audit)", f"{decide_s:.2f} s")
    report.add("raw baseline: sqlite3 executemany of the same rows", f"{raw_w:.3f} s")
    report.add("ratio decision / raw write", f"{decide_s / raw_w:.0f}×")

    def next_round() -> Any:
        with db.sessions.begin() as s:
            commune = only_commune(s)
            s.execute(update(Assessment).where(Assessment.basis.is_not(None),
                                               Assessment.step != "decided")
                      .values(step="decided"))  # fmt: skip
            return create_round(s, OFFICER, commune, date(2026, 11, 15))

    carry_s, _ = timed(next_round)
    report.add("new round carrying the lists over", f"{carry_s:.2f} s")
    with db.sessions.begin() as s:
        commune = only_commune(s)
        classify_s, _ = timed(classify_round, s, OFFICER, commune, current_round(s, commune))
    report.add("classify-all of the new round", f"{classify_s:.2f} s")
    db.dispose()
