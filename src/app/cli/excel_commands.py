"""`rasoat import-excel FILE [--mapping M]`: last year's Excel lists, previewed, then imported.

Without `--accept-matches`/`--match`, households that match known ones stop the import after the
preview, so the officer decides each one; `--dry-run` only previews. The exit status is 2 when
the list has errors (each printed with its row and column), as for other invalid input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.errors import RaSoatError
from app.excel.importing import ExcelInvalid, ExcelPreview, analyse_excel, import_excel_into
from app.excel.mapping import ExcelMapping, load_mapping, save_mapping
from app.i18n import label


def register(sub: Any) -> None:
    p = sub.add_parser("import-excel", help="nhập danh sách hộ từ tệp Excel (danh sách năm trước)")
    p.add_argument("file", type=Path)
    p.add_argument("--mapping", help="bảng ghép cột: tên đã lưu hoặc tệp JSON (mặc định: tự đoán)")
    p.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")
    p.add_argument("--year", type=int, help="năm của danh sách (mặc định: theo tiêu đề)")
    p.add_argument(
        "--class",
        dest="list_class",
        choices=["poor", "near_poor", "average", "not_poor"],
        help="phân loại của mọi hộ khi danh sách không có cột phân loại",
    )
    p.add_argument("--village", help="thôn của mọi hộ khi danh sách không ghi thôn")
    p.add_argument(
        "--area", choices=["rural", "urban"], help="khu vực của các thôn mới (mặc định: rural)"
    )
    p.add_argument("--save-mapping", metavar="TÊN", help="lưu bảng ghép cột để dùng lại")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không nhập")
    p.add_argument(
        "--accept-matches", action="store_true", help="xác nhận mọi hộ trùng với hộ đã có"
    )
    p.add_argument(
        "--match",
        action="append",
        default=[],
        metavar="DÒNG=yes|no",
        help="xác nhận (yes) hoặc bác (no) hộ trùng ở một dòng",
    )
    p.set_defaults(handler=import_excel_command)


def _mapping(args: argparse.Namespace) -> ExcelMapping:
    mapping = load_mapping(args.mapping) if args.mapping else ExcelMapping()
    if args.sheet:
        mapping.sheet = args.sheet
    if args.year:
        mapping.list_year = args.year
    if args.list_class:
        mapping.default_class = args.list_class
    if args.village:
        mapping.default_village = args.village
    if args.area:
        mapping.default_area = args.area
    return mapping


def _decisions(ctx: CliContext, args: argparse.Namespace, preview: ExcelPreview) -> dict[int, bool]:
    if args.accept_matches:
        return {m.row: True for m in preview.matches}
    out = {}
    for text in args.match:
        row, _, answer = text.partition("=")
        if not row.strip().isdigit() or answer.strip().lower() not in ("yes", "no"):
            raise RaSoatError("cli.excel_bad_match", value=text)
        out[int(row)] = answer.strip().lower() == "yes"
    return out


def print_preview(ctx: CliContext, preview: ExcelPreview) -> None:
    print(preview.summary(ctx.lang), file=ctx.out)
    for field_id, index in sorted(preview.fields.items(), key=lambda kv: kv[1]):
        column = preview.layout.column(index)
        ctx.say(
            "cli.excel_column",
            letter=column.letter if column else "?",
            title=column.title if column else "",
            field=label(f"excel.field.{field_id}", ctx.lang, field_id),
        )
    for row, reason in preview.skipped:
        ctx.say("cli.excel_skipped", row=row, reason=ctx.tr(f"excel.skip.{reason}"))
    if preview.new_villages:
        ctx.say(
            "cli.excel_new_villages",
            area=label(f"code.area.{preview.mapping.default_area}", ctx.lang),
            villages=", ".join(preview.new_villages),
        )
    for m in preview.matches:
        ctx.say(
            "cli.excel_match",
            row=m.row,
            kind=ctx.tr(f"excel.match.{m.known.kind}"),
            code=m.known.code,
            head=m.known.head,
            village=m.known.village,
            reason=ctx.tr(f"excel.match.{m.reason}"),
            value=m.value,
        )
    for problem in preview.problems:
        target = ctx.err if problem.is_error else ctx.out
        print(problem.line(ctx.lang), file=target)


def import_excel_command(ctx: CliContext, args: argparse.Namespace) -> int:
    mapping = _mapping(args)
    db = ctx.database()
    actor = ctx.actor
    with db.sessions() as session:
        preview = analyse_excel(session, actor, args.file, mapping)
    print_preview(ctx, preview)
    if args.save_mapping:
        path = save_mapping(preview.mapping, args.save_mapping)
        ctx.say("cli.excel_mapping_saved", path=str(path))
    if preview.errors:
        ctx.error(ctx.tr("excel.has_errors", count=len(preview.errors)))
        return 2
    if args.dry_run:
        ctx.say("cli.excel_dry_run")
        return 0
    decisions = _decisions(ctx, args, preview)
    if preview.matches and not args.accept_matches and len(decisions) < len(preview.matches):
        ctx.error(ctx.tr("excel.matches_undecided", count=len(preview.matches), rows=""))
        ctx.error(ctx.tr("cli.excel_decide"))
        return 1
    try:
        result = import_excel_into(db, actor, args.file, preview.mapping, decisions)
    except ExcelInvalid as exc:  # the data changed between preview and import
        for problem in exc.preview.errors:
            print(problem.line(ctx.lang), file=ctx.err)
        return 2
    ctx.say(
        "cli.excel_done",
        created=result.created,
        pending=result.pending,
        matched=result.matched,
        classes=result.previous_classes,
        year=preview.list_year,
    )
    return 0
