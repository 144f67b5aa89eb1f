"""The end of a review: the final list (Phụ lục VI), the upper level's opinion, the chairman's
decision (Mẫu 02) and the certificates (Mẫu 03).

The decision is the chairman's alone (permission `workflow.decide`): it cannot be recorded
before the posting has ended and every complaint has its re-check (guards in the procedure).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import RaSoatError
from app.permissions import require
from app.textnorm import nfc
from app.workflow.steps import StepResult, StepWriter, check_all
from models import Assessment, ReviewRound, RoundDocument, Setting

RECEIVING_OFFICE_KEY = "receiving_office"
DEFAULT_OFFICE = "UBND tỉnh"  # since 1 July 2025 the province (no more districts)
CERTIFICATE_SUFFIX = "GCN-HN.HCN"


def receiving_office(session: Session) -> str:
    """The upper-level office that gives its opinion (configurable: settings)."""
    setting = session.get(Setting, RECEIVING_OFFICE_KEY)
    return setting.value if setting is not None else DEFAULT_OFFICE


def set_receiving_office(session: Session, actor: Actor, office: str) -> None:
    """The administrator names the office that receives the commune's reports."""
    require(session, actor, "settings.manage")
    name = nfc(office)
    if not name:
        raise RaSoatError("workflow.office_missing")
    setting = session.get(Setting, RECEIVING_OFFICE_KEY)
    old = setting.value if setting is not None else None
    if setting is None:
        session.add(Setting(key=RECEIVING_OFFICE_KEY, value=name))
    else:
        setting.value = name
    audit.record(session, actor, "settings.receiving_office", "settings", RECEIVING_OFFICE_KEY,
                 value=[old, name])  # fmt: skip


def _document(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    kind: str,
    dated: date,
    number: str = "",
    party: str = "",
    content: str = "",
) -> RoundDocument:
    document = RoundDocument(
        round_id=review_round.id,
        kind=kind,
        number=nfc(number),
        dated=dated,
        party=nfc(party),
        content=nfc(content),
        recorded_by=actor.username,
    )
    session.add(document)
    session.flush()
    return document


def final_list(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    codes: Sequence[str],
    on: date,
    number: str = "",
) -> StepResult:
    """Put the households on the final list sent to the chairman."""
    cases = check_all(session, actor, review_round, codes, "final_list", on)
    document = _document(session, actor, review_round, "final_list", on, number)
    steps = {}
    with StepWriter(session, actor) as writer:
        for case in cases:
            case.details = {"document": document.id, "proposed": case.assessment.proposed_class}
            steps[case.code] = writer.record(case, "final_list", on)
    return StepResult("final_list", steps, document.id)


def upper_opinion(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    codes: Sequence[str],
    on: date,
    opinion: str,
    reference: str = "",
    office: str | None = None,
) -> StepResult:
    """Record the upper level's opinion on the final list."""
    if not nfc(opinion):
        raise RaSoatError("workflow.opinion_missing")
    cases = check_all(session, actor, review_round, codes, "upper_opinion", on)
    party = office or receiving_office(session)
    document = _document(
        session, actor, review_round, "upper_opinion", on, reference, party, opinion
    )
    steps = {}
    with StepWriter(session, actor) as writer:
        for case in cases:
            case.details = {"document": document.id, "office": party}
            steps[case.code] = writer.record(case, "upper_opinion", on)
    return StepResult("upper_opinion", steps, document.id)


def decide(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    codes: Sequence[str],
    on: date,
    number: str,
) -> StepResult:
    """The chairman's decision: each household ends on the list its review proposed."""
    if not nfc(number):
        raise RaSoatError("workflow.decision_number_missing")
    cases = check_all(session, actor, review_round, codes, "decide", on)
    document = _document(session, actor, review_round, "decision", on, number, actor.label)
    steps = {}
    with StepWriter(session, actor) as writer:
        for case in cases:
            a = case.assessment
            a.decided_class = a.proposed_class or "none"
            a.decision_id, a.final = document.id, True
            case.details = {"decision": document.number, "decided": a.decided_class}
            steps[case.code] = writer.record(case, "decide", on)
    return StepResult("decide", steps, document.id)


def certify(
    session: Session,
    actor: Actor,
    review_round: ReviewRound,
    codes: Sequence[str],
    on: date,
) -> StepResult:
    """Issue certificates (Mẫu 03) to households decided poor or near-poor, numbered in order
    within the round: "1/GCN-HN.HCN", "2/GCN-HN.HCN", …"""
    cases = check_all(session, actor, review_round, codes, "certify", on)
    issued = (
        session.scalar(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.round_id == review_round.id, Assessment.certificate_no.is_not(None))
        )
        or 0
    )
    steps = {}
    with StepWriter(session, actor) as writer:
        for n, case in enumerate(cases, issued + 1):
            number = f"{n}/{CERTIFICATE_SUFFIX}"
            case.assessment.certificate_no, case.assessment.certificate_on = number, on
            case.details = {"certificate": number}
            steps[case.code] = writer.record(case, "certify", on)
    return StepResult("certify", steps)
