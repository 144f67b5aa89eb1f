"""Commands on the commune database: init, demo, import, export, classify-all, standards."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from app.actor import Actor
from app.assessments import classify_round
from app.cli.context import CliContext
from app.communes import VillageSpec, create_commune, only_commune
from app.demo import DEMO_COMMUNE, generate, villages
from app.errors import RaSoatError
from app.exchange_read import ExchangeDocument
from app.exporting import commune_ref, export_file
from app.importing import import_document, import_file_into
from app.rounds import current_round
from app.standards import available_packs, get_pack
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


def init(ctx: CliContext, args: argparse.Namespace) -> int:
    db = ctx.database()
    with db.sessions.begin() as session:
        commune = create_commune(
            session, ctx.actor, args.commune, args.village, args.reference_date, args.standard
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


def create_demo(
    db: Database, actor: Actor, households: int, seed: int, reference_date: date | None = None
) -> ExchangeDocument:
    """Create the demo commune and import `households` synthetic households, classified."""
    reference_date = reference_date or date.today()
    with db.sessions.begin() as session:
        commune = create_commune(
            session,
            actor,
            DEMO_COMMUNE,
            [VillageSpec(v.name, v.area) for v in villages()],
            reference_date,
        )
        review_round = current_round(session, commune)
        document = ExchangeDocument(
            review_round.standard_id,
            reference_date,
            commune_ref(commune),
            list(generate(households, seed, reference_date)),
        )
        import_document(session, actor, document, source=f"demo seed={seed}")
        classify_round(session, actor, commune, review_round)
    return document


def demo(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.households < 0:
        raise RaSoatError("cli.bad_count", value=args.households)
    db = ctx.database()
    create_demo(db, ctx.actor, args.households, args.seed, args.reference_date)
    ctx.say("cli.demo_done", households=args.households, seed=args.seed, db=db.describe())
    _say_encryption(ctx, db)
    return 0


def _say_encryption(ctx: CliContext, db: Database) -> None:
    """Whether the personal data in the file is protected, said every time a database is made."""
    if db.encrypted:
        ctx.say("cli.db_encrypted", db=db.describe())
    elif db.is_sqlite:
        ctx.say("cli.db_not_encrypted", db=db.describe())


def import_(ctx: CliContext, args: argparse.Namespace) -> int:
    result = import_file_into(ctx.database(), ctx.actor, args.file)
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
    db = ctx.database()
    with db.sessions.begin() as session:
        count = export_file(session, ctx.actor, args.out)
    ctx.say("cli.export_done", households=count, path=str(args.out))
    return 0


def classify_all(ctx: CliContext, args: argparse.Namespace) -> int:
    db = ctx.database()
    with db.sessions.begin() as session:
        commune = only_commune(session)
        summary = classify_round(session, ctx.actor, commune, current_round(session, commune))
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
