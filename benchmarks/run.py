"""`make bench`: run every benchmark module and print its figures.

Speed is reported as ratios against a raw baseline measured in the same run, so figures from a
slow laptop and a fast one can be compared. Each module `benchmarks/bench_*.py` exposes
`run(workdir, report, households=N)`.
Usage: python -m benchmarks.run [--households N] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path


def modules() -> list[str]:
    """Every benchmarks/bench_*.py, in name order."""
    return sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, name: str, value: str, note: str = "") -> None:
        self.rows.append((name, value, note))
        print(f"  {name:<58} {value:>14}  {note}", flush=True)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    report = Report()
    started = time.perf_counter()
    for name in modules():
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n== {name}: {module.__doc__.strip().splitlines()[0]}", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"rasoat-{name}-") as tmp:
            module.run(Path(tmp), report, households=args.households)
    print(f"\nbenchmarks done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
