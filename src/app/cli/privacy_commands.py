"""`rasoat privacy erase|retention|due`: erasing personal data and the retention period."""

from __future__ import annotations

import argparse
from typing import Any

from app import erasure
from app.cli.context import CliContext
from app.communes import only_commune


def register(sub: Any) -> None:
    p = sub.add_parser("privacy", help="dữ liệu cá nhân: xoá theo yêu cầu, thời hạn lưu giữ")
    privacy_sub = p.add_subparsers(dest="privacy_command", required=True, metavar="LỆNH")
    e = privacy_sub.add_parser("erase", help="xoá dữ liệu cá nhân của một hộ (ghi vào nhật ký)")
    e.add_argument("code", help="mã hộ")
    e.add_argument("--reason", required=True, help="lý do xoá (bắt buộc)")
    e.set_defaults(handler=erase)
    r = privacy_sub.add_parser("retention", help="xem hoặc đặt thời hạn lưu giữ (năm)")
    r.add_argument("--years", type=int, help="số năm sau đợt rà soát cuối cùng của hộ")
    r.set_defaults(handler=retention)
    d = privacy_sub.add_parser("due", help="các hộ đã quá thời hạn lưu giữ")
    d.add_argument("--erase", action="store_true", help="xoá dữ liệu cá nhân của các hộ đó")
    d.set_defaults(handler=due)


def erase(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signing in writes: before the transaction
    done = erasure.erase_and_scrub(ctx.database(), actor, args.code, args.reason)
    ctx.say(
        "cli.erased",
        code=done.code,
        members=done.members,
        snapshots=done.snapshots_removed,
        redacted=done.audit_rows_redacted,
    )
    return 0


def retention(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.years is not None:
        actor = ctx.actor
        with ctx.database().sessions.begin() as session:
            erasure.set_retention_years(session, actor, args.years)
    with ctx.database().sessions() as session:
        ctx.say("cli.retention", years=erasure.retention_years(session))
    return 0


def due(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        commune = only_commune(session)
        codes = erasure.due_for_erasure(session, commune)
        years = erasure.retention_years(session)
        if not codes:
            ctx.say("cli.due_none")
            return 0
        ctx.say("cli.due_list", count=len(codes), years=years, codes=", ".join(codes))
        if args.erase:
            for done in erasure.erase_due(session, actor, commune):
                ctx.say(
                    "cli.erased",
                    code=done.code,
                    members=done.members,
                    snapshots=done.snapshots_removed,
                    redacted=done.audit_rows_redacted,
                )
    if args.erase:
        erasure.scrub(ctx.database())
    return 0
