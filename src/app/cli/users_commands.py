"""`rasoat users …` and `rasoat passwd`: accounts, roles, lock-outs.

New passwords come from RASOAT_NEW_PASSWORD (or a prompt in a terminal), the signed-in user's
own from RASOAT_PASSWORD, never from the command line.
"""

from __future__ import annotations

import argparse
from typing import Any

from app import users
from app.cli.context import CliContext
from app.i18n import format_date
from app.permissions import role_label, roles

NEW = "RASOAT_NEW_PASSWORD"


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="tài khoản và vai trò")
    s = p.add_subparsers(dest="users_command", required=True, metavar="LỆNH")
    b = s.add_parser("bootstrap", help="tạo quản trị viên đầu tiên (khi chưa có tài khoản nào)")
    b.add_argument("username")
    b.add_argument("--name", default="")
    b.set_defaults(handler=bootstrap)
    a = s.add_parser("add", help="tạo tài khoản (mật khẩu trong RASOAT_NEW_PASSWORD)")
    a.add_argument("username")
    a.add_argument("--role", required=True, choices=roles())
    a.add_argument("--name", default="")
    a.set_defaults(handler=add)
    s.add_parser("list", help="liệt kê tài khoản").set_defaults(handler=list_)
    r = s.add_parser("role", help="đổi vai trò")
    r.add_argument("username")
    r.add_argument("role", choices=roles())
    r.set_defaults(handler=role)
    for name, handler in (
        ("disable", disable),
        ("enable", enable),
        ("unlock", unlock),
        ("reset-password", reset_password),
    ):
        c = s.add_parser(name)
        c.add_argument("username")
        c.set_defaults(handler=handler)
    sub.add_parser("passwd", help="đổi mật khẩu của mình").set_defaults(handler=passwd)


def bootstrap(ctx: CliContext, args: argparse.Namespace) -> int:
    db = ctx.database()
    with db.sessions.begin() as session:
        users.bootstrap_administrator(session, args.username, ctx.password(), args.name)
    ctx.say("cli.admin_created", username=args.username)
    return 0


def add(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    password = ctx.password(NEW, "Mật khẩu mới: ")
    with ctx.database().sessions.begin() as session:
        users.create_user(session, actor, args.username, password, args.role, args.name)
    ctx.say("cli.user_created", username=args.username, role=role_label(args.role, ctx.lang))
    return 0


def list_(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions() as session:
        for u in users.list_users(session, actor):
            state = "" if u.active else " [x]"
            last = format_date(u.last_sign_in_at.date()) if u.last_sign_in_at else "—"
            print(
                f"{u.username:<16} {role_label(u.role, ctx.lang):<20} {u.display_name}{state}"
                f"  ({last})",
                file=ctx.out,
            )
    return 0


def role(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        users.set_role(session, actor, args.username, args.role)
    ctx.say("cli.user_changed", username=args.username)
    return 0


def _set_active(ctx: CliContext, username: str, active: bool) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        users.set_active(session, actor, username, active)
    ctx.say("cli.user_changed", username=username)
    return 0


def disable(ctx: CliContext, args: argparse.Namespace) -> int:
    return _set_active(ctx, args.username, False)


def enable(ctx: CliContext, args: argparse.Namespace) -> int:
    return _set_active(ctx, args.username, True)


def unlock(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        users.unlock(session, actor, args.username)
    ctx.say("cli.user_changed", username=args.username)
    return 0


def reset_password(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    password = ctx.password(NEW, "Mật khẩu mới: ")
    with ctx.database().sessions.begin() as session:
        users.reset_password(session, actor, args.username, password)
    ctx.say("cli.user_changed", username=args.username)
    return 0


def passwd(ctx: CliContext, args: argparse.Namespace) -> int:
    if not ctx.user:
        from app.errors import RaSoatError

        raise RaSoatError("auth.user_missing")
    users.change_password(
        ctx.database().sessions, ctx.user, ctx.password(), ctx.password(NEW, "Mật khẩu mới: ")
    )
    ctx.say("cli.password_changed")
    return 0
