"""GUI: launch to a usable list, one search keystroke, opening a household (50,000 households).

Targets (issue #3): launch to usable list ≤ 2 s, search keystroke ≤ 100 ms, open a household
≤ 150 ms. Each is printed beside a raw baseline measured in the same run: sqlite3 reading the
same rows, a bare Python scan of the same search keys, sqlite3 reading one household.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

REFERENCE = date(2026, 11, 15)
QUERY = "nguyen van hung"
OFFICER = "canbo"  # app/demo/accounts.py
PASSWORD = "bench-mat-khau-1"


def _raw_list(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT h.id, h.code, v.name, h.search_key, a.result_class, a.step, a.error_count "
            "FROM households h JOIN villages v ON v.id = h.village_id "
            "LEFT JOIN assessments a ON a.household_id = h.id"
        ).fetchall()
    finally:
        conn.close()


def _raw_household(path: Path, household_id: int) -> int:
    conn = sqlite3.connect(path)
    try:
        h = conn.execute("SELECT * FROM households WHERE id = ?", (household_id,)).fetchall()
        m = conn.execute(
            "SELECT * FROM members WHERE household_id = ? ORDER BY position", (household_id,)
        ).fetchall()
        return len(h) + len(m)
    finally:
        conn.close()


def _best(fn: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.demo.accounts import create_demo_accounts
    from app.demo.commune import create_demo
    from app.settings import Settings
    from app.storage import open_database
    from app.users import bootstrap_administrator
    from ui.app_root import RaSoatApp
    from ui.fonts import load_fonts
    from ui.prompts import Prompts

    class SignedIn(Prompts):
        """The officer types the password at once: the launch figure holds the program's
        time (the password check included), not the officer's."""

        def sign_in(self, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
            return (OFFICER, PASSWORD)

    app = QApplication.instance() or QApplication([])
    load_fonts(app)  # type: ignore[arg-type]
    db_path = workdir / "gui.sqlite"
    db = open_database(db_path)
    with db.sessions.begin() as session:
        admin = bootstrap_administrator(session, "quantri", PASSWORD, "Quản trị")
        officer = create_demo_accounts(session, admin, PASSWORD)["officer"]
    create_demo(db, officer, households, seed=1, reference_date=REFERENCE)
    db.dispose()

    raw_list = _best(lambda: _raw_list(db_path))
    start = time.perf_counter()
    root = RaSoatApp(str(db_path), prompts=SignedIn(), settings=Settings())
    assert root.start()
    window = root.window
    assert window is not None
    app.processEvents()
    launch = time.perf_counter() - start
    shown = window.list_page.model.rowCount()
    report.add(
        f"launch to usable list ({shown:,} households)",
        f"{launch:.2f} s",
        f"target ≤ 2 s; {launch / raw_list:.1f}× raw",
    )
    report.add("raw baseline: sqlite3 read of the list's rows", f"{raw_list:.3f} s")

    search = window.list_page.search
    keystrokes = []
    for _ in range(3):
        search.clear()
        app.processEvents()
        for n in range(1, len(QUERY) + 1):
            t0 = time.perf_counter()
            search.setText(QUERY[:n])  # what typing one more letter does: textChanged → filter
            app.processEvents()
            keystrokes.append(time.perf_counter() - t0)
    rows = window.list_page.model.all_rows
    words = QUERY.split()
    raw_scan = _best(lambda: [r for r in rows if all(w in r.search_key for w in words)])
    report.add(
        f"search keystroke, median of {len(keystrokes)} (“{QUERY}”)",
        f"{statistics.median(keystrokes) * 1000:.1f} ms",
        f"target ≤ 100 ms; slowest {max(keystrokes) * 1000:.1f} ms",
    )
    report.add("raw baseline: bare Python scan of the keys", f"{raw_scan * 1000:.1f} ms")

    search.clear()
    app.processEvents()
    ids = [window.list_page.model.row_at(i).household_id for i in range(0, shown, shown // 20)]
    opens = []
    for household_id in ids:
        t0 = time.perf_counter()
        window.open_household(household_id)
        app.processEvents()
        opens.append(time.perf_counter() - t0)
        window.editor.request_close()
    raw_open = statistics.median(_best(lambda i=i: _raw_household(db_path, i)) for i in ids)
    report.add(
        f"open a household in the editor, median of {len(opens)}",
        f"{statistics.median(opens) * 1000:.1f} ms",
        f"target ≤ 150 ms; slowest {max(opens) * 1000:.1f} ms",
    )
    report.add("raw baseline: sqlite3 read of one household", f"{raw_open * 1000:.2f} ms")
    root.shutdown()
    _pending(db_path, report)


PENDING = 10_000


def _pending(db_path: Path, report: Any) -> None:
    """Households listed but not surveyed yet are rows of the list too: reading 10,000 of them
    beside the 50,000 households, against sqlite3 reading the same columns."""
    from app.actor import Actor
    from app.communes import only_commune
    from app.household_list import load_pending_rows
    from app.pending_households import NewPending, add_pending
    from app.storage import open_database
    from models import Village

    db = open_database(db_path)
    with db.sessions.begin() as s:
        commune = only_commune(s)
        village = s.query(Village).filter_by(commune_id=commune.id).first()
        assert village is not None
        docs = (
            {
                "id": f"DS-{i:06d}",
                "village": village.name,
                "area": village.area,
                "members": [{"name": f"Nguyễn Văn Chờ {i}", "relation": "head"}],
            }
            for i in range(PENDING)
        )
        add_pending(
            s,
            Actor(OFFICER, "officer"),
            commune,
            [NewPending(d["id"], village.id, d, None, "bench", i) for i, d in enumerate(docs)],
        )
        commune_id = commune.id
    with db.engine.connect() as conn:
        rows = load_pending_rows(conn, commune_id)
        assert len(rows) == PENDING
        ours = _best(lambda: load_pending_rows(conn, commune_id))
    db.dispose()

    def raw() -> int:
        conn = sqlite3.connect(db_path)
        try:
            return len(
                conn.execute(
                    "SELECT p.code, p.head_name, v.name, p.data, p.search_key "
                    "FROM pending_households p JOIN villages v ON v.id = p.village_id"
                ).fetchall()
            )
        finally:
            conn.close()

    baseline = _best(raw)
    report.add(
        f"list rows of {PENDING:,} households not surveyed yet",
        f"{ours * 1000:.1f} ms",
        f"{ours / baseline:.1f}× raw; part of the launch",
    )
    report.add("raw baseline: sqlite3 read of the pending rows", f"{baseline * 1000:.1f} ms")
