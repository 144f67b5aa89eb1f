"""`rasoat audit verify`: check the hash chain of the audit trail."""

from __future__ import annotations

import argparse
from typing import Any

from app import audit
from app.cli.context import CliContext


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="nhật ký thay đổi")
    audit_sub = p.add_subparsers(dest="audit_command", required=True, metavar="LỆNH")
    v = audit_sub.add_parser("verify", help="kiểm tra chuỗi băm của nhật ký")
    v.set_defaults(handler=verify)


def verify(ctx: CliContext, args: argparse.Namespace) -> int:
    db = ctx.database()
    with db.sessions.begin() as session:
        result = audit.verify(session)
    if result.ok:
        ctx.say("audit.verify_ok", count=result.checked)
        return 0
    ctx.error(ctx.tr(f"audit.verify_broken.{result.reason}", seq=result.broken_at))
    return 1
