"""Evaluating households (validation + classification) and storing results as assessments.

`evaluate` is the one place where a household's problems and class are decided; saving one
household and classifying a whole round both go through it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.classify import Classification, Classifier
from app.facts import HouseholdFacts
from app.household_rows import iter_commune_households
from app.jobs import IsCancelled, Progress, Ticker, collector_paused
from app.permissions import require
from app.standards import get_pack
from app.survey import (
    NO_ANSWERS,
    REVIEWED,
    SurveyAnswers,
    class_problems,
    code_problems,
    round_answers,
)
from app.validation import ERROR, WARNING, Problem, Validator
from models import Assessment, Commune, Household, Member, ReviewRound, WarningConfirmation
from models.base import utcnow
from models.bulk import date_param, insert_rows, update_rows


@dataclass(frozen=True)
class Evaluation:
    facts: HouseholdFacts
    classification: Classification | None
    problems: tuple[Problem, ...]
    unconfirmed: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)


class Evaluator:
    """Validation and classification for one round (its standard pack and reference date)."""

    def __init__(self, review_round: ReviewRound) -> None:
        pack = get_pack(review_round.standard_id)
        self.round = review_round
        self.pack = pack
        self.classifier = Classifier(pack, review_round.reference_date)
        self.validator = Validator(pack, review_round.reference_date)

    def evaluate(
        self,
        facts: HouseholdFacts,
        confirmed: Collection[tuple[str, str]] = (),
        extra: Iterable[Problem] = (),
        declared_size: int | None = None,
        explain: bool = True,
        survey: SurveyAnswers | None = None,
    ) -> Evaluation:
        """`survey`: the household's Phiếu B causes and needs in the round, checked with the
        facts; None where they are not known (a file being validated on its own)."""
        problems = tuple(self.validator.household(facts, declared_size)) + tuple(extra)
        if survey is not None:
            problems += tuple(code_problems(survey))
        has_error = any(p.severity == ERROR for p in problems)
        classification = None if has_error else self.classifier.classify(facts, explain)
        if survey is not None and classification is not None:
            problems += tuple(class_problems(survey, classification.cls))
        unconfirmed = tuple(
            p for p in problems if p.severity == WARNING and (p.code, p.path) not in confirmed
        )
        return Evaluation(facts, classification, problems, unconfirmed)


def duplicate_problems(
    facts: HouseholdFacts, owners: Mapping[str, Collection[str]]
) -> list[Problem]:
    """Errors for ID numbers of `facts` that other households of the commune also use."""
    out = []
    for i, m in enumerate(facts.members):
        if not m.id_number:
            continue
        others = sorted(o for o in owners.get(m.id_number, ()) if o != facts.id)
        if others:
            out.append(
                Problem(
                    "id_number_duplicate",
                    ERROR,
                    f"members[{i}].id_number",
                    {"value": m.id_number, "other": others[0]},
                )
            )
    return out


# Result columns of an assessment, in the order result_values() gives them.
RESULT_COLUMNS = (
    "standard_id",
    "standard_revision",
    "reference_date",
    "household_version",
    "result_class",
    "deprived",
    "deprived_count",
    "income_basis",
    "income_per_capita_month",
    "b1_score",
    "error_count",
    "warning_count",
    "unconfirmed_warnings",
    "classified_at",
    "classified_by",
    "updated_at",
)


def result_values(
    c: Classification | None,
    errors: int,
    warnings: int,
    unconfirmed: int,
    version: int,
    now: Any,
    username: str,
    reference: Any = None,
) -> tuple[Any, ...]:
    """An assessment's result columns (RESULT_COLUMNS order); `c` is None when errors kept the
    household from being classified. `now` and `reference` (default: the classification's
    reference date) may be given pre-converted for the bulk path."""
    if c is None:
        return (
            None,
            None,
            None,
            version,
            None,
            "",
            0,
            None,
            None,
            None,
            errors,
            warnings,
            unconfirmed,
            now,
            username,
            now,
        )
    return (
        c.standard_id,
        c.standard_revision,
        reference or c.reference_date,
        version,
        c.cls,
        ",".join(c.deprived),
        len(c.deprived),
        c.income_basis,
        c.income_per_capita_month,
        c.b1_score,
        errors,
        warnings,
        unconfirmed,
        now,
        username,
        now,
    )


def assessment_values(ev: Evaluation, version: int, actor: Actor) -> dict[str, Any]:
    values = result_values(
        ev.classification,
        len(ev.errors),
        len(ev.warnings),
        len(ev.unconfirmed),
        version,
        utcnow(),
        actor.username,
    )
    return dict(zip(RESULT_COLUMNS, values, strict=True))


def store_assessment(
    session: Session, review_round: ReviewRound, household_id: int, values: Mapping[str, Any]
) -> None:
    """Write one household's result into the round, creating its assessment if needed."""
    existing = session.scalar(
        select(Assessment).where(
            Assessment.round_id == review_round.id, Assessment.household_id == household_id
        )
    )
    if existing is None:
        session.add(Assessment(round_id=review_round.id, household_id=household_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)


@dataclass
class ClassifyAllSummary:
    total: int = 0
    by_class: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    with_errors: int = 0
    with_unconfirmed_warnings: int = 0


def _confirmations(conn: Connection, commune_id: int) -> dict[int, set[tuple[str, str]]]:
    out: dict[int, set[tuple[str, str]]] = defaultdict(set)
    rows = conn.execute(
        select(WarningConfirmation.household_id, WarningConfirmation.code, WarningConfirmation.path)
        .join(Household, Household.id == WarningConfirmation.household_id)
        .where(Household.commune_id == commune_id)
    )
    for household_id, code, path in rows:
        out[household_id].add((code, path))
    return out


def duplicate_owners(conn: Connection, commune_id: int) -> dict[str, set[str]]:
    """ID number → codes of the households using it, for numbers used by more than one."""
    # Numbers that appear twice anywhere, straight from the id_number index; only those are
    # then looked up with their households (usually none or a handful).
    repeated = (
        select(Member.id_number)
        .where(Member.id_number.is_not(None))
        .group_by(Member.id_number)
        .having(func.count() > 1)
    )
    owners: dict[str, set[str]] = defaultdict(set)
    rows = conn.execute(
        select(Member.id_number, Household.code)
        .join(Household, Household.id == Member.household_id)
        .where(Household.commune_id == commune_id, Member.id_number.in_(repeated))
    )
    for number, code in rows:
        owners[str(number)].add(code)
    return {number: codes for number, codes in owners.items() if len(codes) > 1}


def classify_round(
    session: Session,
    actor: Actor,
    commune: Commune,
    review_round: ReviewRound,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ClassifyAllSummary:
    """Validate and classify every household of the commune in `review_round`, in bulk.

    Runs in the caller's transaction; if `cancelled()` turns true the job raises JobCancelled before
    anything is written, so the caller's rollback leaves the database as it was.
    """
    require(session, actor, "round.classify")
    with collector_paused():
        return _classify_round(session, actor, commune, review_round, progress, cancelled)


def _classify_round(
    session: Session,
    actor: Actor,
    commune: Commune,
    review_round: ReviewRound,
    progress: Progress | None,
    cancelled: IsCancelled | None,
) -> ClassifyAllSummary:
    conn = session.connection()
    evaluator = Evaluator(review_round)
    validate, classify = evaluator.validator.household, evaluator.classifier.classify
    loaded = list(iter_commune_households(conn, commune.id))
    total = len(loaded)
    owners = duplicate_owners(conn, commune.id)
    confirmed = _confirmations(conn, commune.id)
    answers = round_answers(conn, review_round.id)
    existing = dict(
        conn.execute(
            select(Assessment.household_id, Assessment.id).where(
                Assessment.round_id == review_round.id
            )
        ).all()
    )
    updates: list[tuple[Any, ...]] = []
    inserts: list[tuple[Any, ...]] = []
    classes: list[str] = []
    with_errors = with_unconfirmed = 0
    ticker = Ticker(total, progress, cancelled)
    now, username = date_param(conn, utcnow()), actor.username
    reference = date_param(conn, review_round.reference_date)
    for n, (row, facts) in enumerate(loaded, 1):
        household_id, declared_size, version = row[0], row[18], row[19]
        problems = validate(facts, declared_size)
        if owners:
            problems += duplicate_problems(facts, owners)
        survey = answers.get(household_id, NO_ANSWERS)
        if survey is not NO_ANSWERS:
            problems += code_problems(survey)
        # Most households have no problem at all: their counts are all zero.
        errors = sum(p.severity == ERROR for p in problems) if problems else 0
        if errors:
            c = None
            with_errors += 1
        else:
            c = classify(facts, False)
            classes.append(c.cls)
            if c.cls in REVIEWED:
                problems += class_problems(survey, c.cls)
        warnings = unconfirmed = 0
        if len(problems) > errors:
            done = confirmed.get(household_id, ())
            for p in problems:
                if p.severity != ERROR:
                    warnings += 1
                    unconfirmed += (p.code, p.path) not in done
            with_unconfirmed += unconfirmed > 0
        values = result_values(c, errors, warnings, unconfirmed, version, now, username, reference)
        assessment_id = existing.get(household_id)
        if assessment_id is not None:
            updates.append((*values, assessment_id))
        else:
            inserts.append((review_round.id, household_id, "none", False, *values))
        ticker.tick(n)
    ticker.check()
    update_rows(conn, Assessment, "id", RESULT_COLUMNS, updates, dates_ready=True)
    insert_rows(
        conn,
        Assessment,
        ("round_id", "household_id", "step", "final", *RESULT_COLUMNS),
        inserts,
        dates_ready=True,
    )
    summary = ClassifyAllSummary(
        total, defaultdict(int, Counter(classes)), with_errors, with_unconfirmed
    )
    audit.record(
        conn,
        actor,
        "round.classify_all",
        "round",
        str(review_round.id),
        total=total,
        by_class=dict(summary.by_class),
        with_errors=summary.with_errors,
        standard=evaluator.pack.id,
        revision=evaluator.pack.revision,
    )
    return summary
