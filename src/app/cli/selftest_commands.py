"""`rasoat selftest`: prove that this copy of RaSoat works (see app/selftest.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app import __version__
from app.cli.context import CliContext
from app.selftest import run_selftest


def register(sub: Any) -> None:
    p = sub.add_parser("selftest", help="tự kiểm tra bản cài đặt (không đụng đến dữ liệu)")
    p.add_argument("--work-dir", type=Path, help="thư mục tạm (mặc định: thư mục tạm hệ thống)")
    p.set_defaults(handler=selftest)


def selftest(ctx: CliContext, args: argparse.Namespace) -> int:
    ctx.say("selftest.start", version=__version__)
    checks = run_selftest(work_dir=args.work_dir)
    for check in checks:
        mark = "✓" if check.ok else "✗"
        print(f"{mark} {ctx.tr(check.name)} ({check.seconds:.1f} s): {check.detail}", file=ctx.out)
    failed = [c for c in checks if not c.ok]
    if failed:
        ctx.error(ctx.tr("selftest.failed", count=len(failed)))
        return 1
    ctx.say("selftest.passed", count=len(checks))
    return 0
