"""Several laptops, one commune: `reviewer`, `assign`, `assignment open`, `bundle export|import`
and `conflicts`.

On the commune officer's laptop: `rasoat reviewer add`, `rasoat assign`, `rasoat bundle import`,
`rasoat conflicts list|resolve|duplicate`. On a reviewer's laptop: `rasoat reviewer key`,
`rasoat assignment open`, `rasoat bundle export`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app import atomic
from app.actor import Actor
from app.cli.context import CliContext
from app.cli.data_commands import bootstrap_if_needed
from app.communes import only_commune
from app.errors import RaSoatError
from app.fieldwork import laptop_keys
from app.fieldwork.assignment_open import open_assignment_file
from app.fieldwork.assignments import Selection, issue_assignment
from app.fieldwork.bundle_export import export_bundle
from app.fieldwork.bundle_merge import MergeResult, merge_bundle_file
from app.fieldwork.conflicts import (
    Conflict,
    duplicates,
    list_conflicts,
    resolve_conflict,
    resolve_duplicate,
)
from app.fieldwork.labels import path_label, value_text, when_text
from app.fieldwork.reviewers import ReviewerSpec, laptop_key, register_reviewer, reviewer_statuses
from app.fieldwork.signed_files import FileRejected
from app.users import has_users


def register(sub: Any) -> None:
    _reviewer(sub)
    p = sub.add_parser("assign", help="giao hộ cho rà soát viên (ghi tệp phân công)")
    p.add_argument("--reviewer", required=True, help="mã rà soát viên, ví dụ: nam")
    p.add_argument("--name", default="", help="họ tên rà soát viên (lần đầu)")
    p.add_argument("--key", type=Path, help="tệp khóa công khai của máy rà soát viên (lần đầu)")
    p.add_argument("--prefix", help="tiền tố mã hộ mới tạo trên máy đó (mặc định: mã viết hoa)")
    p.add_argument("--village", action="append", default=[], help="giao cả một thôn/tổ")
    p.add_argument("--household", action="append", default=[], help="giao một hộ theo mã")
    p.add_argument("--withdraw", action="append", default=[], help="rút một hộ khỏi phần giao")
    p.add_argument("--out", type=Path, required=True, help="tệp hoặc thư mục (USB) để ghi")
    p.set_defaults(handler=assign)

    p = sub.add_parser("assignment", help="tệp phân công trên máy rà soát viên")
    s = p.add_subparsers(dest="assignment_command", required=True, metavar="LỆNH")
    o = s.add_parser("open", help="mở tệp phân công làm bản làm việc (hoặc cập nhật)")
    o.add_argument("file", type=Path)
    o.set_defaults(handler=open_)

    p = sub.add_parser("bundle", help="gói dữ liệu thay đổi từ máy rà soát viên")
    s = p.add_subparsers(dest="bundle_command", required=True, metavar="LỆNH")
    e = s.add_parser("export", help="xuất các thay đổi kể từ gói trước")
    e.add_argument("--out", type=Path, required=True, help="tệp hoặc thư mục (USB) để ghi")
    e.add_argument("--all", action="store_true", help="xuất lại mọi thay đổi (khi gói bị mất)")
    e.set_defaults(handler=export)
    i = s.add_parser("import", help="gộp gói dữ liệu vào sổ hộ của xã")
    i.add_argument("files", type=Path, nargs="+")
    i.set_defaults(handler=import_)

    _conflicts(sub)


def _reviewer(sub: Any) -> None:
    p = sub.add_parser("reviewer", help="rà soát viên và khóa ký")
    s = p.add_subparsers(dest="reviewer_command", required=True, metavar="LỆNH")
    k = s.add_parser("key", help="(máy rà soát viên) tạo khóa và ghi khóa công khai ra tệp")
    k.add_argument("--out", type=Path, required=True)
    k.set_defaults(handler=key)
    a = s.add_parser("add", help="(máy xã) đăng ký hoặc sửa rà soát viên")
    a.add_argument("code")
    a.add_argument("--name", default="")
    a.add_argument("--key", type=Path)
    a.add_argument("--prefix")
    state = a.add_mutually_exclusive_group()
    state.add_argument("--stop", action="store_true", help="ngừng nhận gói của người này")
    state.add_argument("--resume", action="store_true", help="nhận lại gói của người này")
    a.set_defaults(handler=add)
    ls = s.add_parser("list", help="(máy xã) danh sách rà soát viên và các gói đã nhận")
    ls.set_defaults(handler=list_reviewers)


def _conflicts(sub: Any) -> None:
    p = sub.add_parser("conflicts", help="xung đột sau khi gộp, và hộ trùng số CCCD")
    s = p.add_subparsers(dest="conflicts_command", required=True, metavar="LỆNH")
    ls = s.add_parser("list", help="liệt kê các xung đột, từng trường")
    ls.add_argument("--household", help="chỉ một hộ")
    ls.set_defaults(handler=show_conflicts)
    r = s.add_parser("resolve", help="chọn giá trị cho một trường đang xung đột")
    r.add_argument("household")
    r.add_argument("path", help="trường, như trong «conflicts list»")
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("--pick", type=int, help="số thứ tự của giá trị trong danh sách (1, 2, …)")
    which.add_argument("--value", help='giá trị khác, dạng JSON (ví dụ 1200000, true, "none")')
    r.set_defaults(handler=resolve)
    d = s.add_parser("duplicate", help="hai hộ trùng số CCCD: giữ một hộ, xóa hộ kia")
    d.add_argument("--keep", required=True)
    d.add_argument("--remove", required=True)
    d.set_defaults(handler=duplicate)


def signed_in(ctx: CliContext) -> Actor:
    return ctx.actor


def _read_key(path: Path) -> str:
    try:
        if path.stat().st_size > laptop_keys.MAX_KEY_FILE:
            raise RaSoatError("key.invalid")
        return path.read_text("ascii")
    except (OSError, UnicodeDecodeError):
        raise RaSoatError("key.invalid") from None


def key(ctx: CliContext, args: argparse.Namespace) -> int:
    db = ctx.database()
    with db.sessions() as session:
        fresh = not has_users(session)
    if fresh:  # a new laptop: its first account, the administrator, sets it up
        if not ctx.user:
            raise RaSoatError("auth.no_users")
        bootstrap_if_needed(ctx, ctx.password())
    actor = ctx.actor
    with db.sessions.begin() as session:
        own = laptop_key(session, actor)
    atomic.write_bytes(args.out, own.public_key.encode("ascii"))
    ctx.say(
        "bundle_cli.key_written",
        path=str(args.out),
        fingerprint=laptop_keys.readable(own.fingerprint),
    )
    return 0


def _spec(args: argparse.Namespace, code: str) -> ReviewerSpec:
    public = _read_key(args.key) if args.key else None
    active = (
        False if getattr(args, "stop", False) else True if getattr(args, "resume", False) else None
    )
    return ReviewerSpec(code, args.name, public, args.prefix, active)


def add(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    db = ctx.database()
    with db.sessions.begin() as session:
        r = register_reviewer(session, actor, only_commune(session), _spec(args, args.code))
        ctx.say(
            "bundle_cli.reviewer_saved",
            code=r.code,
            name=r.display_name,
            prefix=r.code_prefix,
            fingerprint=laptop_keys.readable(r.key_fingerprint),
        )
        if not r.active:
            ctx.say("bundle_cli.reviewer_stopped", code=r.code)
    return 0


def list_reviewers(ctx: CliContext, args: argparse.Namespace) -> int:
    signed_in(ctx)  # personal data: only for an account
    db = ctx.database()
    with db.sessions() as session:
        statuses = reviewer_statuses(session, only_commune(session))
    for s in statuses:
        ctx.say(
            "bundle_cli.reviewer_line",
            code=s.code,
            name=s.display_name,
            prefix=s.prefix,
            fingerprint=laptop_keys.readable(s.fingerprint),
            households=s.households,
            bundles=s.bundles,
            last=s.last_bundle,
        )
        if not s.active:
            ctx.say("bundle_cli.reviewer_stopped", code=s.code)
        for start, end in s.missing:
            ctx.say("bundle_cli.missing", first=start + 1, last=end)
    return 0


def assign(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    db = ctx.database()
    with db.sessions.begin() as session:
        commune = only_commune(session)
        if args.key or args.name or args.prefix:
            register_reviewer(session, actor, commune, _spec(args, args.reviewer))
        selection = Selection(tuple(args.village), tuple(args.household), tuple(args.withdraw))
        issued = issue_assignment(session, actor, commune, args.reviewer, selection, args.out)
        own = laptop_keys.own_key(session)
        assert own is not None
    ctx.say(
        "bundle_cli.assigned",
        reviewer=issued.reviewer,
        serial=issued.serial,
        households=issued.households,
        deleted=issued.deleted,
        withdrawn=issued.withdrawn,
        conflicts=issued.in_conflict,
        path=str(issued.path),
        fingerprint=laptop_keys.readable(own.fingerprint),
    )
    return 0


def open_(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    opened = open_assignment_file(ctx.database(), actor, args.file)
    print(opened.summary(ctx.lang), file=ctx.out)
    return 0


def export(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    db = ctx.database()
    with db.sessions.begin() as session:
        bundle = export_bundle(session, actor, args.out, args.all)
    if bundle.path is None:
        ctx.say("bundle_cli.nothing_new", seq=bundle.seq)
        return 0
    ctx.say(
        "bundle_cli.exported",
        seq=bundle.seq,
        households=bundle.households,
        new=bundle.new_households,
        changes=bundle.changes,
        path=str(bundle.path),
    )
    return 0


def _merged(ctx: CliContext, path: Path, result: MergeResult) -> None:
    if result.already_merged:
        ctx.say(
            "bundle_cli.already_merged", file=path.name, seq=result.seq, reviewer=result.reviewer
        )
        return
    ctx.say(
        "bundle_cli.merged",
        file=path.name,
        seq=result.seq,
        reviewer=result.reviewer,
        created=len(result.created),
        updated=len(result.updated),
        deleted=len(result.deleted),
        opened=len(result.conflicts_opened),
        settled=len(result.conflicts_settled),
    )
    for number, codes in result.duplicates:
        ctx.say("bundle_cli.duplicate", id_number=number, codes=", ".join(codes))


def import_(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    db = ctx.database()
    status = 0
    for path in args.files:  # each file all or nothing, on its own
        try:
            _merged(ctx, path, merge_bundle_file(db, actor, path))
        except FileRejected as exc:
            ctx.error(ctx.tr("bundle_cli.rejected", reason=exc.message(ctx.lang)))
            status = 1
    return status


def _conflict_lines(ctx: CliContext, c: Conflict) -> None:
    ctx.say(
        "bundle_cli.conflict",
        code=c.code,
        path=c.path,
        field=path_label(c.path, c.values, ctx.lang),
        current=value_text(c.path, c.current, ctx.lang),
    )
    for i, cand in enumerate(c.candidates, 1):
        who = cand.source_name or (ctx.tr("sync.source.commune") if cand.by else "")
        ctx.say(
            "bundle_cli.candidate",
            n=i,
            value=value_text(c.path, cand.value, ctx.lang),
            by=cand.by or ctx.tr("sync.source.original"),
            source=who,
            at=when_text(cand.at),
        )


def show_conflicts(ctx: CliContext, args: argparse.Namespace) -> int:
    signed_in(ctx)  # personal data: only for an account
    db = ctx.database()
    with db.sessions() as session:
        commune = only_commune(session)
        found = list_conflicts(session, commune, args.household)
        dups = duplicates(session, commune)
    for c in found:
        _conflict_lines(ctx, c)
    for d in dups:
        homes = ", ".join(f"{h.code} ({h.head}, {h.village})" for h in d.households)
        ctx.say("bundle_cli.duplicate", id_number=d.id_number, codes=homes)
    ctx.say("bundle_cli.conflict_count", count=len(found), duplicates=len(dups))
    return 0


def resolve(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    db = ctx.database()
    with db.sessions.begin() as session:
        commune = only_commune(session)
        if args.pick is not None:
            found = [
                c for c in list_conflicts(session, commune, args.household) if c.path == args.path
            ]
            if not found or not 1 <= args.pick <= len(found[0].candidates):
                raise RaSoatError("conflict.not_found", code=args.household, path=args.path)
            value = found[0].candidates[args.pick - 1].value
        else:
            try:
                value = json.loads(args.value)
            except json.JSONDecodeError:
                raise RaSoatError("conflict.bad_value", path=args.path) from None
        decision = resolve_conflict(session, actor, commune, args.household, args.path, value)
    ctx.say(
        "bundle_cli.resolved",
        code=decision.code,
        path=decision.path,
        value=value_text(decision.path, decision.value, ctx.lang),
    )
    return 0


def duplicate(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor  # signed in before the transaction starts
    db = ctx.database()
    with db.sessions.begin() as session:
        resolve_duplicate(session, actor, only_commune(session), args.keep, args.remove)
    ctx.say("bundle_cli.duplicate_resolved", keep=args.keep, remove=args.remove)
    return 0
