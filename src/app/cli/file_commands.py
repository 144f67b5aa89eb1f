"""Commands on exchange files that need no database: `validate` and `classify`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.classify import Classifier
from app.cli.context import CliContext
from app.errors import InvalidData
from app.exchange.read import read_file
from app.explain import class_label
from app.i18n import format_money
from app.standards import get_pack
from app.validation import ERROR


def register(sub: Any) -> None:
    p = sub.add_parser("validate", help="kiểm tra một tệp hộ gia đình (định dạng trao đổi v1)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=validate)
    p = sub.add_parser("classify", help="phân loại các hộ trong một tệp theo chuẩn nghèo")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--json", action="store_true", help="in kết quả dạng JSON (rasoat.classification/1)"
    )
    p.set_defaults(handler=classify)


def validate(ctx: CliContext, args: argparse.Namespace) -> int:
    try:
        document = read_file(args.file)
    except InvalidData as exc:
        ctx.print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity == ERROR)
        ctx.error(ctx.tr("cli.validate_failed", errors=errors, warnings=len(exc.problems) - errors))
        return 2
    ctx.print_problems(document.warnings)
    ctx.say("cli.validate_ok", households=len(document.households), warnings=len(document.warnings))
    return 0


def classify(ctx: CliContext, args: argparse.Namespace) -> int:
    document = read_file(args.file)  # InvalidData -> exit 2 with `path: message` lines
    pack = get_pack(document.standard)
    classifier = Classifier(pack, document.reference_date)
    results = [classifier.classify(h) for h in document.households]
    if args.json:
        out = {
            "format": "rasoat.classification/1",
            "standard": pack.id,
            "reference_date": document.reference_date.isoformat(),
            "households": [r.to_contract() for r in results],
        }
        json.dump(out, ctx.out, ensure_ascii=False)
        ctx.out.write("\n")
        return 0
    header = ctx.tr("cli.classify_header")
    print(header, file=ctx.out)
    print("-" * len(header), file=ctx.out)
    for r in results:
        value = (
            format_money(r.income_per_capita_month, ctx.lang)
            if r.income_basis == "income"
            else f"B1 = {r.b1_score}"
        )
        print(
            f"{r.household_id:<12} {class_label(r.cls, ctx.lang):<28} "
            f"{r.deprived_count:>2}/{len(pack.indicators)}  {value:<16} {', '.join(r.deprived)}",
            file=ctx.out,
        )
    return 0
