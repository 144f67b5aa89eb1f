"""Commands on the commune database: init, demo, import, export, classify-all, standards."""

from __future__ import annotations

import argparse
import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from app.assessments import classify_round
from app.cli.context import CliContext
from app.communes import VillageSpec, create_commune, only_commune
from app.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from app.demo.commune import create_demo
from app.errors import RaSoatError
from app.exchange.exporting import export_file
from app.exchange.importing import import_file_into
from app.keys import DEMO_PASSPHRASE
from app.rounds import current_round
from app.standards import available_packs, get_pack
from app.users import bootstrap_administrator, has_users
from models.database import Database


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ (cần YYYY-MM-DD): {text}") from None


def _village(text: str) -> VillageSpec:
    name, _, area = text.partition(":")
    return VillageSpec(name, area or "rural")


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="tạo cơ sở dữ liệu cho một xã/phường")
    p.add_argument("--commune", required=True, help="mã xã/phường (5 chữ số, theo danh mục 2025)")
    p.add_argument(
        "--village",
        action="append",
        type=_village,
        default=[],
        metavar="TÊN[:urban]",
        help="thêm thôn/tổ (lặp lại được)",
    )
    p.add_argument("--reference-date", type=_date, help="ngày tham chiếu của đợt rà soát")
    p.add_argument(
        "--standard", help="mã gói chuẩn nghèo (mặc định: chuẩn áp dụng vào ngày tham chiếu)"
    )
    p.add_argument(
        "--admin-name", default="", help="họ tên quản trị viên đầu tiên (khi tạo tài khoản)"
    )
    p.set_defaults(handler=init)

    p = sub.add_parser("demo", help="tạo một xã mẫu với dữ liệu giả lập")
    p.add_argument("--households", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reference-date", type=_date)
    p.set_defaults(handler=demo)

    p = sub.add_parser("import", help="nhập tệp hộ gia đình (định dạng trao đổi v1)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=import_)

    p = sub.add_parser("export", help="xuất danh sách hộ gia đình")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=export)

    p = sub.add_parser("classify-all", help="kiểm tra và phân loại lại mọi hộ trong đợt hiện tại")
    p.set_defaults(handler=classify_all)

    p = sub.add_parser("standards", help="liệt kê các gói chuẩn nghèo và giá trị chưa xác minh")
    p.set_defaults(handler=standards)


def bootstrap_if_needed(ctx: CliContext, password: str, display_name: str = "") -> bool:
    """On a database without accounts, create the first administrator (`--user`, default
    "admin") with `password` and act as it. Returns whether it did."""
    db = ctx.database()
    with db.sessions.begin() as session:
        if has_users(session):
            return False
        username = ctx.user or "admin"
        ctx.act_as(bootstrap_administrator(session, username, password, display_name))
    ctx.say("cli.admin_created", username=username)
    return True


def init(ctx: CliContext, args: argparse.Namespace) -> int:
    db = ctx.database()
    with db.sessions() as session:
        fresh = not has_users(session)
    if fresh:
        if not ctx.user:
            raise RaSoatError("auth.no_users")
        bootstrap_if_needed(ctx, ctx.password(), args.admin_name)
    actor = ctx.actor
    with db.sessions.begin() as session:
        commune = create_commune(
            session, actor, args.commune, args.village, args.reference_date, args.standard
        )
        review_round = current_round(session, commune)
        ctx.say(
            "cli.init_done",
            commune=commune.name,
            province=commune.province_name,
            db=db.describe(),
            standard=review_round.standard_id,
            reference_date=review_round.reference_date.isoformat(),
        )
    _say_encryption(ctx, db)
    return 0


def demo(ctx: CliContext, args: argparse.Namespace) -> int:
    """The demo commune; on a database without accounts, also an administrator and one account
    per role (see app/demo/accounts.py), all with the password from RASOAT_PASSWORD or, if it
    is not set, a generated one that is printed once."""
    if args.households < 0:
        raise RaSoatError("cli.bad_count", value=args.households)
    db = ctx.database()
    password = os.environ.get("RASOAT_PASSWORD") or secrets.token_urlsafe(9)
    if not bootstrap_if_needed(ctx, password):
        actor = ctx.actor  # accounts exist: whoever signs in makes the demo
    else:
        with db.sessions.begin() as session:
            actor = create_demo_accounts(session, ctx.actor, password)["officer"]
        names = ", ".join(f"{u} ({r})" for u, r, _ in DEMO_ACCOUNTS)
        ctx.say("cli.demo_accounts", accounts=names)
        if not os.environ.get("RASOAT_PASSWORD"):
            ctx.say("cli.demo_password", password=password)
    create_demo(db, actor, args.households, args.seed, args.reference_date)
    ctx.say("cli.demo_done", households=args.households, seed=args.seed, db=db.describe())
    _say_encryption(ctx, db)
    ctx.say("keys.demo_created", passphrase=DEMO_PASSPHRASE)
    return 0


def _say_encryption(ctx: CliContext, db: Database) -> None:
    """Whether the personal data in the file is protected, said every time a database is made."""
    if db.encrypted:
        ctx.say("cli.db_encrypted", db=db.describe())
    elif db.is_sqlite:
        ctx.say("cli.db_not_encrypted", db=db.describe())


# Handlers sign in (ctx.actor) before they open their transaction: signing in writes too.


def import_(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    result = import_file_into(ctx.database(), actor, args.file)
    ctx.print_problems(result.warnings)
    ctx.say(
        "cli.import_done",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        warnings=len(result.warnings),
    )
    return 0


def export(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        count = export_file(session, actor, args.out)
    ctx.say("cli.export_done", households=count, path=str(args.out))
    return 0


def classify_all(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        commune = only_commune(session)
        summary = classify_round(session, actor, commune, current_round(session, commune))
    counts = {k: summary.by_class.get(k, 0) for k in ("poor", "near_poor", "average", "not_poor")}
    ctx.say(
        "cli.classify_all_done",
        total=summary.total,
        errors=summary.with_errors,
        warnings=summary.with_unconfirmed_warnings,
        **counts,
    )
    return 0


def standards(ctx: CliContext, args: argparse.Namespace) -> int:
    for pack_id in sorted(available_packs()):
        pack = get_pack(pack_id)
        state = ctx.tr("standard.draft") if pack.draft else ctx.tr("standard.final")
        print(
            f"{pack.id} (rev {pack.revision}, {state}): {pack.name_in(ctx.lang)} — "
            f"{pack.applies_from.isoformat()} → {pack.applies_until.isoformat()}",
            file=ctx.out,
        )
        unverified = pack.unverified_facts()
        ctx.say("standard.unverified_count", count=len(unverified))
        for where, fact in unverified:
            print(f"    {where} = {fact.value!r} [{fact.status}]", file=ctx.out)
    return 0
