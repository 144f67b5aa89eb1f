"""Package: export (reports, signatures, zip) and verification, beside raw baselines.

Targets (issue #5): export ≤ 10 s for 5,000 households and ≤ 60 s for 50,000, peak memory
≤ 1 GB. Each export runs in a fresh process so its peak resident memory is its own.
Baselines measured in the same run: a raw sqlite3 read of the rows the export reads, and, for
verification, reading every zip entry and hashing it (the least any verifier must do).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from app import keys
from app.actor import Actor
from app.demo.commune import create_demo
from app.package.trust import TrustStore
from app.package.verify import verify_package
from app.storage import open_database
from benchmarks.bench_core import raw_read

ACTOR = Actor("bench", "officer")
CHILD = """
import json, resource, sys, time
from pathlib import Path
from app import keys
from app.actor import Actor
from app.package.build import build_package
from app.storage import open_database
db = open_database(sys.argv[1])
started = time.perf_counter()
cpu = time.process_time()
with db.sessions.begin() as session:
    identity = keys.load_identity(keys.assigned_key(session), keys.DEMO_PASSPHRASE.encode())
    result = build_package(session, Actor("bench", "officer"), Path(sys.argv[2]), identity)
seconds = time.perf_counter() - started
cpu = time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak, "path": str(result.path)}))
"""


def export_in_child(db_path: Path, out: Path) -> dict[str, Any]:
    src = Path(__file__).resolve().parents[1] / "src"
    env = dict(os.environ, PYTHONPATH=str(src))
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def raw_unzip_hash(path: Path) -> float:
    start = time.perf_counter()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            hashlib.sha256(zf.read(name)).hexdigest()
    return time.perf_counter() - start


def one_size(workdir: Path, report: Any, households: int) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / f"home-{households}")
    db_path = workdir / f"package-{households}.sqlite"
    db = open_database(db_path)
    create_demo(db, ACTOR, households, 1, date(2026, 11, 15))
    with db.sessions.begin() as session:
        root = keys.chain_of(keys.assigned_key(session))[-1]
    db.dispose()
    raw_s = min(timed(raw_read, db_path) for _ in range(3))
    out = workdir / f"out-{households}"
    out.mkdir()
    result = export_in_child(db_path, out)
    path = Path(result["path"])
    target = 10 if households <= 5_000 else 60
    report.add(
        f"export-package, {households:,} households",
        f"{result['seconds']:.2f} s",
        f"target ≤ {target} s; CPU {result['cpu']:.1f} s; "
        f"peak {result['peak'] / 2**20:,.0f} MB (≤ 1 GB); "
        f"{path.stat().st_size / 2**20:.1f} MB package; {result['seconds'] / raw_s:.0f}× raw read",
    )
    report.add(f"raw baseline: sqlite3 read of the same rows ({households:,})", f"{raw_s:.2f} s")
    trust = TrustStore((root,))
    full = timed(lambda: verify_package(path, trust))
    quick = timed(lambda: verify_package(path, trust, check_pdfs=False))
    raw = min(raw_unzip_hash(path) for _ in range(3))
    report.add(
        f"verify (with PDF signatures), {households:,}", f"{full:.2f} s", f"{full / raw:.1f}× raw"
    )
    report.add(
        f"verify (manifest, hashes, data), {households:,}",
        f"{quick:.2f} s",
        f"{quick / raw:.1f}× raw",
    )
    report.add(f"raw baseline: unzip + SHA-256 of every file ({households:,})", f"{raw:.2f} s")


def timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    for size in sorted({min(5_000, households), households}):
        one_size(workdir, report, size)
