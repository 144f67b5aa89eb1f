"""Safety: the cost of encryption at rest on the core work, and of backups and start-up checks.

The core benchmark's import and classify-all run twice on the same demo commune, into a plain
SQLite file and into a SQLCipher file; the encrypted figures are reported as ratios against the
plain run of the same session. Backups (online backup API + integrity check) and the start-up
quick_check are timed against a raw file copy of the same database.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

from app import atomic, backups
from app.actor import Actor
from app.assessments import classify_round
from app.communes import VillageSpec, create_commune, only_commune
from app.demo.households import DEMO_COMMUNE, generate, villages
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_file
from app.exchange.write import document_dict, dumps
from app.rounds import current_round
from app.storage import open_database
from models.database import Database
from models.sqlite_file import check_file

REFERENCE = date(2026, 11, 15)
ACTOR = Actor("bench", "administrator")
PASSPHRASE = "bench passphrase"


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def _commune(db: Database) -> Any:
    with db.sessions.begin() as session:
        commune = create_commune(
            session,
            ACTOR,
            DEMO_COMMUNE,
            [VillageSpec(v.name, v.area) for v in villages()],
            REFERENCE,
        )
        return commune_ref(commune)


def _work(db: Database, source: Path) -> tuple[float, float]:
    def do_import() -> Any:
        with db.sessions.begin() as session:
            return import_file(session, ACTOR, source)

    def do_classify() -> Any:
        with db.sessions.begin() as session:
            commune = only_commune(session)
            return classify_round(session, ACTOR, commune, current_round(session, commune))

    return timed(do_import)[0], timed(do_classify)[0]


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    plain_path, secret_path = workdir / "plain.sqlite", workdir / "secret.sqlite"
    plain = open_database(plain_path)
    ref = _commune(plain)
    facts = list(generate(households, 1, REFERENCE))
    source = workdir / "demo.json"
    atomic.write_bytes(source, dumps(document_dict(ref, "VN-MPS-2022-2025", REFERENCE, facts)))
    del facts
    secret = open_database(secret_path, passphrase=PASSPHRASE)
    _commune(secret)
    plain_import, plain_classify = _work(plain, source)
    secret_import, secret_classify = _work(secret, source)
    report.add("import, plain SQLite (raw baseline of this run)", f"{plain_import:.2f} s")
    report.add(
        "import, encrypted (SQLCipher)",
        f"{secret_import:.2f} s",
        f"{secret_import / plain_import:.2f}× plain",
    )
    report.add("classify-all, plain SQLite", f"{plain_classify:.2f} s")
    report.add(
        "classify-all, encrypted (SQLCipher)",
        f"{secret_classify:.2f} s",
        f"{secret_classify / plain_classify:.2f}× plain",
    )
    for db in (plain, secret):
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
    copy_s = min(timed(shutil.copyfile, plain_path, workdir / "copy.sqlite")[0] for _ in range(3))
    size_mb = plain_path.stat().st_size / 1e6
    report.add(f"raw baseline: file copy of the database ({size_mb:.0f} MB)", f"{copy_s:.2f} s")
    for label, path, key in (("plain", plain_path, None), ("encrypted", secret_path, PASSPHRASE)):
        check_s, _ = timed(check_file, path, key)
        report.add(
            f"start-up quick_check, {label}", f"{check_s:.2f} s", f"{check_s / copy_s:.1f}× copy"
        )
        backup_s, _ = timed(backups.create_backup, path, key, "manual")
        report.add(
            f"backup (online API + integrity check), {label}",
            f"{backup_s:.2f} s",
            f"{backup_s / copy_s:.1f}× copy",
        )
