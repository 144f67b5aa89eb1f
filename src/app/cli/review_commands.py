"""`rasoat round …`, `rasoat review …` and `rasoat movements`: the review procedure from the
command line, through the same functions as the GUI (app/workflow)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.actor import Actor
from app.cli.context import CliContext
from app.communes import only_commune
from app.i18n import format_date
from app.movements import COLUMNS, column_label, movement_table, round_movements
from app.permissions import require
from app.rounds import KINDS, create_round, current_round
from app.workflow import decisions, listing, postings, review_actions
from app.workflow.history import household_history
from app.workflow.meetings import GroupVote, record_meeting
from app.workflow.steps import step_label
from models import Assessment, ReviewRound


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ (cần YYYY-MM-DD): {text}") from None


def _group(text: str) -> GroupVote:
    """ "Hộ nghèo:H1,H2:12" → a voting group (label, households, number agreeing)."""
    try:
        label, codes, agreeing = text.rsplit(":", 2)
        return GroupVote(label, [c.strip() for c in codes.split(",") if c.strip()], int(agreeing))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"nhóm không hợp lệ (cần «Nhãn:H1,H2:số đồng ý»): {text}"
        ) from None


def register(sub: Any) -> None:
    _register_round(sub)
    p = sub.add_parser("review", help="các bước rà soát của từng hộ")
    s = p.add_subparsers(dest="review_command", required=True, metavar="BƯỚC")
    for name, handler, extra in _STEPS:
        c = s.add_parser(name, help=_HELP.get(name))
        c.add_argument("codes", nargs="+", metavar="MÃ_HỘ")
        c.add_argument("--on", type=_date, help="ngày thực hiện (mặc định: hôm nay)")
        for flag, kwargs in extra:
            c.add_argument(flag, **kwargs)
        c.set_defaults(handler=_stepper(handler))
    m = s.add_parser("meeting", help="ghi biên bản họp dân")
    m.add_argument("--village", required=True)
    m.add_argument("--chair", required=True)
    m.add_argument("--secretary", required=True)
    m.add_argument("--attendees", type=int, required=True)
    m.add_argument("--group", type=_group, action="append", required=True, metavar="NHÃN:MÃ,…:SỐ")
    m.add_argument("--supervisor", default="")
    m.add_argument("--on", type=_date)
    m.set_defaults(handler=meeting)
    h = s.add_parser("history", help="lịch sử của một hộ")
    h.add_argument("code")
    h.set_defaults(handler=history)
    mv = sub.add_parser("movements", help="diễn biến hộ nghèo, cận nghèo của đợt hiện tại")
    mv.add_argument("--list", choices=["poor", "near_poor"], default="poor")
    mv.add_argument("--provisional", action="store_true", help="tính cả kết quả chưa quyết định")
    mv.set_defaults(handler=movements)


def _register_round(sub: Any) -> None:
    p = sub.add_parser("round", help="đợt rà soát")
    s = p.add_subparsers(dest="round_command", required=True, metavar="LỆNH")
    n = s.add_parser("new", help="mở đợt mới từ danh sách của đợt trước")
    n.add_argument("--kind", choices=KINDS, default="periodic")
    n.add_argument("--reference-date", type=_date, required=True)
    n.add_argument("--month", type=int)
    n.add_argument("--standard")
    n.set_defaults(handler=new_round)
    s.add_parser("status", help="số hộ ở mỗi bước").set_defaults(handler=status)


_HELP = {
    "apply": "nhận giấy đề nghị (Mẫu 01 hoặc 04)",
    "screen": "rà soát nhanh (Phiếu A)",
    "survey": "ghi kết quả khảo sát (Phiếu B)",
    "post": "niêm yết công khai",
    "complain": "ghi khiếu nại",
    "recheck": "ghi kết quả phúc tra",
    "final-list": "đưa vào danh sách cuối cùng",
    "opinion": "ghi ý kiến cấp trên",
    "decide": "ghi quyết định của Chủ tịch",
    "certify": "cấp giấy chứng nhận",
    "reject": "kết luận không đủ điều kiện",
    "leave": "hộ chuyển đi, ra khỏi danh sách",
}

Step = Callable[[Session, Actor, ReviewRound, list[str], date, argparse.Namespace], object]


def _each(fn: Callable[..., object], *names: str) -> Step:
    """An action on one household at a time, with the named options as keyword arguments."""

    def run(s: Session, a: Actor, r: ReviewRound, codes: list[str], on: date, ns: Any) -> None:
        for code in codes:
            fn(s, a, r, code, on, **{n: getattr(ns, n) for n in names})

    return run


def _batch(fn: Callable[..., object], *names: str) -> Step:
    def run(s: Session, a: Actor, r: ReviewRound, codes: list[str], on: date, ns: Any) -> None:
        fn(s, a, r, codes, on, **{n: getattr(ns, n) for n in names})

    return run


def _apply(fn: Callable[..., object]) -> Step:
    def run(s: Session, a: Actor, r: ReviewRound, codes: list[str], on: date, ns: Any) -> None:
        for code in codes:
            fn(s, a, r, code, ns.form, on, ns.applicant, ns.request, ns.reason,
               moved_in=ns.moved_in)  # fmt: skip

    return run


def _screen(s: Session, a: Actor, r: ReviewRound, codes: list[str], on: date, ns: Any) -> None:
    criteria = [int(c) for c in ns.criteria.split(",") if c.strip()] if ns.criteria else []
    for code in codes:
        review_actions.screen(s, a, r, code, on, criteria, ns.count)


_STEPS: list[tuple[str, Step, list[tuple[str, dict[str, Any]]]]] = [
    ("apply", _apply(listing.register_application), [
        ("--form", {"choices": ["01", "04"], "required": True}),
        ("--applicant", {"required": True}),
        ("--request", {"choices": ["poor", "near_poor", "average"]}),
        ("--reason", {"default": ""}),
        ("--moved-in", {"action": "store_true"}),
    ]),
    ("screen", _screen, [("--criteria", {"help": "ví dụ 1,4,7"}), ("--count", {"type": int})]),
    ("survey", _each(review_actions.survey), []),
    ("post", _batch(postings.post, "places"), [("--places", {"default": ""})]),
    ("complain", _each(postings.complain, "complainant", "content"), [
        ("--complainant", {"required": True}), ("--content", {"required": True}),
    ]),
    ("recheck", _each(postings.recheck, "result", "new_class"), [
        ("--result", {"required": True}),
        ("--new-class", {"choices": ["poor", "near_poor", "average", "none"]}),
    ]),
    ("final-list", _batch(decisions.final_list, "number"), [("--number", {"default": ""})]),
    ("opinion", _batch(decisions.upper_opinion, "opinion", "reference", "office"), [
        ("--opinion", {"required": True}), ("--reference", {"default": ""}), ("--office", {}),
    ]),
    ("decide", _batch(decisions.decide, "number"), [("--number", {"required": True})]),
    ("certify", _batch(decisions.certify), []),
    ("reject", _each(review_actions.reject, "reason"), [("--reason", {"required": True})]),
    ("leave", _each(review_actions.leave, "reason"), [("--reason", {"required": True})]),
]  # fmt: skip


def _stepper(step: Step) -> Callable[[CliContext, argparse.Namespace], int]:
    def handler(ctx: CliContext, args: argparse.Namespace) -> int:
        actor = ctx.actor
        with ctx.database().sessions.begin() as session:
            review_round = current_round(session, only_commune(session))
            step(session, actor, review_round, args.codes, args.on or clock.today(), args)
        ctx.say("cli.review_done", count=len(args.codes))
        return 0

    return handler


def meeting(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        review_round = current_round(session, only_commune(session))
        result = record_meeting(
            session, actor, review_round, args.village, args.on or clock.today(), args.chair,
            args.secretary, args.attendees, args.group, supervisor=args.supervisor,
        )  # fmt: skip
    ctx.say(
        "cli.meeting_done",
        agreed=", ".join(result.agreed) or "—",
        resurvey=", ".join(result.resurvey) or "—",
    )
    return 0


def new_round(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        r = create_round(
            session, actor, only_commune(session), args.reference_date, args.standard,
            args.kind, args.month,
        )  # fmt: skip
        ctx.say(
            "cli.round_created",
            label=r.label,
            starts=format_date(r.starts_on),
            ends=format_date(r.ends_on),
        )
    return 0


def status(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions() as session:
        require(session, actor, "data.view")
        r = current_round(session, only_commune(session))
        rows = session.execute(
            select(Assessment.step, func.count())
            .where(Assessment.round_id == r.id, Assessment.basis.is_not(None))
            .group_by(Assessment.step)
        ).all()
        print(f"{r.label} ({format_date(r.starts_on)} – {format_date(r.ends_on)})", file=ctx.out)
        for step, count in sorted(rows):
            print(f"  {step_label(step, ctx.lang):<48} {count:>6}", file=ctx.out)
    return 0


def history(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions() as session:
        require(session, actor, "audit.view")
        for e in household_history(session, args.code):
            print(f"{e.at[:19]}  {e.actor_name:<24} {e.title(ctx.lang)}", file=ctx.out)
    return 0


def movements(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions() as session:
        require(session, actor, "data.view")
        r = current_round(session, only_commune(session))
        table = movement_table(round_movements(session, r, args.provisional), args.list)
    for column in COLUMNS:
        values = [getattr(table.total.households, column), getattr(table.total.members, column)]
        label = column_label(args.list, column, ctx.lang)
        print(f"{label:<64} {values[0]:>7} {values[1]:>8}", file=ctx.out)
    return 0
