"""`make bench` must keep working as the code under it changes: the core and GUI benchmarks run
end to end on a small commune (a renamed function once broke bench_gui unnoticed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = [sys.executable, "-m", "benchmarks.run"]


def test_core_and_gui_benchmarks_run_on_a_small_commune(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RASOAT_HOME": str(tmp_path)}
    done = subprocess.run(
        [*BENCH, "--households", "300", "--only", "bench_core", "bench_gui"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "classify-all (validation included" in done.stdout
    assert "launch to usable list (300 households)" in done.stdout
    assert "open a household in the editor" in done.stdout
