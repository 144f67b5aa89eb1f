"""`rasoat backup list|create|restore`: the database's rotating backups (app/backups.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app import backups
from app.backup_actions import backup_now, restore_database
from app.cli.context import CliContext
from app.errors import RaSoatError
from app.storage import DamagedDatabase


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="sao lưu và khôi phục cơ sở dữ liệu")
    backup_sub = p.add_subparsers(dest="backup_command", required=True, metavar="LỆNH")
    backup_sub.add_parser("list", help="liệt kê các bản sao lưu").set_defaults(handler=list_)
    backup_sub.add_parser("create", help="tạo một bản sao lưu ngay").set_defaults(handler=create)
    r = backup_sub.add_parser(
        "restore", help="khôi phục từ một bản sao lưu (tệp hiện tại được sao lưu trước)"
    )
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", type=Path, help="tệp sao lưu (xem «rasoat backup list»)")
    which.add_argument("--latest", action="store_true", help="bản sao lưu mới nhất còn nguyên vẹn")
    r.set_defaults(handler=restore)


def list_(ctx: CliContext, args: argparse.Namespace) -> int:
    found = backups.list_backups(ctx.db_file)
    if not found:
        ctx.say("backup.none", folder=str(backups.backup_dir(ctx.db_file)))
        return 0
    ctx.say("backup.list_header", folder=str(backups.backup_dir(ctx.db_file)))
    for b in found:
        reason = ctx.tr(f"backup.reason.{b.reason}")
        print(
            f"  {b.created:%d/%m/%Y %H:%M:%S}  {reason:<28} {b.size / 1e6:8.1f} MB  {b.name}",
            file=ctx.out,
        )
    return 0


def create(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # backups are made by an account that may make them
    made = backup_now(ctx.database(), actor)
    ctx.say("backup.created", path=str(made.path))
    return 0


def restore(ctx: CliContext, args: argparse.Namespace) -> int:
    db_file = ctx.db_file
    if args.latest:
        chosen = backups.latest_good_backup(db_file, ctx.passphrase)
        if chosen is None:
            raise RaSoatError("backup.no_good_backup", folder=str(backups.backup_dir(db_file)))
        source = chosen.path
    else:
        source = args.file
        if not source.exists() and source.parent == Path():  # a name from `rasoat backup list`
            source = backups.backup_dir(db_file) / source
    try:
        actor = ctx.actor  # signs in: only roles with backup.restore may replace the data
    except DamagedDatabase:
        # No account can be checked in a file that does not open: the latest good backup is
        # the way back, as the desktop app offers it at start (app/storage.py).
        result = backups.restore_backup(db_file, source, ctx.passphrase)
    else:
        result = restore_database(ctx.database(), actor, source)
    ctx.say("backup.restored", backup=source.name, db=str(db_file))
    if result.previous is not None:
        ctx.say("backup.previous_kept", path=result.previous.name)
    if result.damaged_copy is not None:
        ctx.say("backup.damaged_kept", path=str(result.damaged_copy))
    return 0
