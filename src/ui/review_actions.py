"""What the review page's buttons do: ask what the step needs (through the Prompts service),
then call the one function in app/workflow for it. Every refusal — role, order, dates — comes
from the core and is shown as the core words it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.actor import Actor
from app.communes import only_commune
from app.errors import RaSoatError
from app.rounds import current_round
from app.workflow import decisions, postings, review_actions
from app.workflow.meetings import GroupVote, record_meeting
from app.workflow.steps import action_label
from models import ReviewRound

if TYPE_CHECKING:
    from ui.review_page import ReviewPage

Call = Callable[[Session, Actor, ReviewRound], Any]
SINGLE = ("complain", "recheck", "reject", "leave")
ONE_HOUSEHOLD = (*SINGLE, "history")


class Cancelled(Exception):
    """The officer closed a question: nothing to do."""


def _ask(page: ReviewPage, key: str, required: bool = True) -> str:
    ctx = page.context
    answer = ctx.prompts.ask_text(page, ctx.tr("ui.review.title"), ctx.tr(key))
    if answer is None or (required and not answer.strip()):
        raise Cancelled
    return answer.strip()


def _number(page: ReviewPage, key: str) -> int:
    text = _ask(page, key)
    if not text.isdigit():
        raise RaSoatError("ui.review.not_a_number", value=text)
    return int(text)


def _meeting(page: ReviewPage, codes: list[str], on: date) -> Call:
    villages = {r.village for r in page.model.rows if r.code in codes}
    if len(villages) != 1:
        raise RaSoatError("ui.review.one_village")
    chair, secretary = _ask(page, "ui.review.ask.chair"), _ask(page, "ui.review.ask.secretary")
    attendees = _number(page, "ui.review.ask.attendees")
    agreeing = _number(page, "ui.review.ask.agreeing")
    group = GroupVote(page.context.tr("ui.review.group"), codes, agreeing)
    village = villages.pop()
    return lambda s, a, r: record_meeting(
        s, a, r, village, on, chair, secretary, attendees, [group]
    )


def _call(page: ReviewPage, action: str, codes: list[str], on: date) -> Call:
    """The core call for `action`, after asking what it needs."""
    code = codes[0]
    if action == "survey":
        return lambda s, a, r: [review_actions.survey(s, a, r, c, on) for c in codes]
    if action == "meeting":
        return _meeting(page, codes, on)
    if action == "post":
        places = _ask(page, "ui.review.ask.places", required=False)
        return lambda s, a, r: postings.post(s, a, r, codes, on, places)
    if action == "complain":
        who, what = _ask(page, "ui.review.ask.complainant"), _ask(page, "ui.review.ask.content")
        return lambda s, a, r: postings.complain(s, a, r, code, on, who, what)
    if action == "recheck":
        result = _ask(page, "ui.review.ask.result")
        return lambda s, a, r: postings.recheck(s, a, r, code, on, result)
    if action == "final_list":
        number = _ask(page, "ui.review.ask.list_number", required=False)
        return lambda s, a, r: decisions.final_list(s, a, r, codes, on, number)
    if action == "upper_opinion":
        opinion = _ask(page, "ui.review.ask.opinion")
        return lambda s, a, r: decisions.upper_opinion(s, a, r, codes, on, opinion)
    if action == "decide":
        number = _ask(page, "ui.workflow.decision_number")
        return lambda s, a, r: decisions.decide(s, a, r, codes, on, number)
    if action == "certify":
        return lambda s, a, r: decisions.certify(s, a, r, codes, on)
    reason = _ask(page, "ui.review.ask.reason")
    fn = review_actions.reject if action == "reject" else review_actions.leave
    return lambda s, a, r: fn(s, a, r, code, on, reason)


def run_action(page: ReviewPage, action: str) -> None:
    window = page.main_window()
    ctx = page.context
    title = action_label(action, ctx.lang) if action != "history" else ""
    codes = page.selected_codes()
    if not codes or (action in ONE_HOUSEHOLD and len(codes) != 1):
        key = "ui.select_one" if action in ONE_HOUSEHOLD else "ui.review.select_some"
        ctx.prompts.inform(page, ctx.tr("ui.review.title"), ctx.tr(key))
        return
    if action == "history":
        from ui.workflow_menu import open_history

        open_history(window, codes[0])
        return
    try:
        call = _call(page, action, codes, page.on_date.date().toPython())
        with ctx.db.sessions.begin() as session:
            call(session, ctx.actor, current_round(session, only_commune(session)))
    except Cancelled:
        return
    except RaSoatError as exc:
        ctx.prompts.error(page, title, exc.message(ctx.lang))
        return
    page.refresh()
    page.select_codes(codes)
    window.reload()
    window.statusBar().showMessage(ctx.tr("ui.review.done", action=title, count=len(codes)), 5000)
