"""`rasoat causes CODE …`: a household's Phiếu B causes of poverty and support needs in the
current round, shown or recorded through the same save as the editor's (app/households.py)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.context import CliContext
from app.communes import only_commune
from app.households import load_household, record_survey
from app.rounds import current_round
from app.survey import SurveyAnswers, stored_answers
from app.survey_codes import code_list


def register(sub: Any) -> None:
    p = sub.add_parser("causes", help="nguyên nhân nghèo và nhu cầu hỗ trợ của một hộ (Phiếu B)")
    p.add_argument("code", nargs="?", metavar="MÃ_HỘ")
    p.add_argument("--cause", action="append", default=[], metavar="MÃ", help="lặp lại được")
    p.add_argument("--main", metavar="MÃ", help="nguyên nhân chính (một trong các --cause)")
    p.add_argument("--need", action="append", default=[], metavar="MÃ", help="lặp lại được")
    p.add_argument("--clear", action="store_true", help="xóa các câu trả lời đã ghi")
    p.add_argument("--codes", action="store_true", help="liệt kê các mã trong danh mục")
    p.set_defaults(handler=causes)


def causes(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.codes or not args.code:
        _print_codes(ctx)
        return 0
    given = args.cause or args.need or args.main or args.clear
    actor = ctx.actor  # signing in writes too: before this command's transaction
    with ctx.database().sessions.begin() as session:
        commune = only_commune(session)
        if given:
            answers = SurveyAnswers(tuple(args.cause), args.main, tuple(args.need))
            result = record_survey(session, actor, commune, args.code, answers)
            ctx.say("survey.recorded", code=result.code)
            if result.evaluation.unconfirmed:
                ctx.print_problems(result.evaluation.unconfirmed)
        household = load_household(session, commune, args.code)
        shown = stored_answers(session, current_round(session, commune).id, household.id)
    _print_answers(ctx, shown)
    return 0


def _print_codes(ctx: CliContext) -> None:
    codes = code_list()
    for kind, key in (("causes", "field.survey.causes"), ("needs", "field.survey.support_needs")):
        print(f"{ctx.tr(key)}:", file=ctx.out)
        for code in codes.codes(kind):
            print(f"  {code:<12} {codes.name(kind, code, ctx.lang)}", file=ctx.out)
    if not codes.verified:
        print(ctx.tr("ui.editor.survey_unverified", revision=codes.revision), file=ctx.out)


def _print_answers(ctx: CliContext, answers: SurveyAnswers) -> None:
    codes = code_list()

    def names(kind: str, given: tuple[str, ...]) -> str:
        return ", ".join(codes.name(kind, c, ctx.lang) for c in given) or "—"

    main = codes.name("causes", answers.main_cause, ctx.lang) if answers.main_cause else "—"
    print(f"{ctx.tr('field.survey.causes')}: {names('causes', answers.causes)}", file=ctx.out)
    print(f"{ctx.tr('field.survey.main_cause')}: {main}", file=ctx.out)
    needs = names("needs", answers.support_needs)
    print(f"{ctx.tr('field.survey.support_needs')}: {needs}", file=ctx.out)
