"""Operations on one household (the ORM path): load, save with validation, delete.

The GUI's editor, the CLI and the tests call these same functions. Saving validates first: any
error refuses the save and nothing is written; every warning needs an officer's confirmation with
a reason (stored), unless the caller explicitly allows unconfirmed warnings (imports do, and the
household list then shows them in amber).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.actor import Actor
from app.assessments import (
    Evaluation,
    Evaluator,
    assessment_values,
    duplicate_problems,
    store_assessment,
)
from app.changes import diff
from app.communes import VillageSpec, insert_village
from app.errors import InvalidData, NotFound, RaSoatError
from app.exchange.write import household_dict
from app.facts import HouseholdFacts
from app.household_rows import facts_from_orm, household_values, member_values
from app.permissions import require
from app.rounds import current_round
from app.snapshots import VERSION_COLUMNS, version_row
from app.survey import NO_ANSWERS, SurveyAnswers, in_list_order, stored_answers
from app.textnorm import bad_char, nfc
from app.validation import ERROR, Problem
from models import (
    Assessment,
    Commune,
    Household,
    HouseholdVersion,
    Member,
    Village,
    WarningConfirmation,
)
from models.base import utcnow
from models.bulk import insert_rows

Confirmations = Mapping[tuple[str, str], str]  # (problem code, path) -> reason


class UnconfirmedWarnings(RaSoatError):
    def __init__(self, problems: list[object]) -> None:
        super().__init__("household.unconfirmed_warnings", count=len(problems))
        self.problems = problems


class StaleEdit(RaSoatError):
    pass


@dataclass(frozen=True)
class SaveResult:
    household_id: int
    code: str
    created: bool
    version: int
    evaluation: Evaluation
    changes: dict[str, list[object]]


def load_household(session: Session, commune: Commune, code: str) -> Household:
    found = session.scalar(
        select(Household)
        .where(Household.commune_id == commune.id, Household.code == code)
        .options(selectinload(Household.members), selectinload(Household.confirmations))
    )
    if found is None:
        raise NotFound("household.not_found", code=code)
    return found


def household_facts(session: Session, household: Household) -> HouseholdFacts:
    village = session.get(Village, household.village_id)
    assert village is not None
    return facts_from_orm(household, village.name)


def other_owners(session: Session, commune: Commune, facts: HouseholdFacts) -> dict[str, set[str]]:
    """For each ID number in `facts`, the codes of *other* households in the commune using it."""
    numbers = [m.id_number for m in facts.members if m.id_number]
    if not numbers:
        return {}
    rows = session.execute(
        select(Member.id_number, Household.code)
        .join(Household)
        .where(
            Household.commune_id == commune.id,
            Member.id_number.in_(numbers),
            Household.code != facts.id,
        )
    )
    owners: dict[str, set[str]] = {}
    for number, code in rows:
        owners.setdefault(str(number), set()).add(code)
    return owners


def evaluate_household(
    session: Session,
    commune: Commune,
    facts: HouseholdFacts,
    confirmed: Collection[tuple[str, str]] = (),
    declared_size: int | None = None,
    survey: SurveyAnswers | None = None,
) -> Evaluation:
    """Validation and classification as the editor shows them live, without saving anything.

    `survey`: the Phiếu B causes and needs as typed; None checks the ones stored in the round."""
    review_round = current_round(session, commune)
    if survey is None:
        survey = _stored_survey(session, review_round.id, commune, facts.id)
    extra = duplicate_problems(facts, other_owners(session, commune, facts))
    return Evaluator(review_round).evaluate(
        facts, set(confirmed), extra, declared_size, survey=survey
    )


def _stored_survey(session: Session, round_id: int, commune: Commune, code: str) -> SurveyAnswers:
    household_id = session.scalar(
        select(Household.id).where(Household.commune_id == commune.id, Household.code == code)
    )
    return stored_answers(session, round_id, household_id) if household_id else NO_ANSWERS


def save_household(
    session: Session,
    actor: Actor,
    commune: Commune,
    facts: HouseholdFacts,
    *,
    declared_size: int | None = None,
    confirmations: Confirmations | None = None,
    expected_version: int | None = None,
    allow_unconfirmed: bool = False,
    survey: SurveyAnswers | None = None,
) -> SaveResult:
    """Validate and save one household with its members, its confirmations and its result.

    `survey` replaces the household's Phiếu B causes and needs in the current round; None keeps
    the ones stored (they are checked again all the same: the class may have changed).

    Raises InvalidData (errors), UnconfirmedWarnings, or StaleEdit (someone saved this household
    after the editor loaded it); in each case nothing is written.
    """
    require(session, actor, "household.edit")
    facts = _normalised(facts)
    bad_text = _text_problems(facts)
    if bad_text:
        raise InvalidData(bad_text)
    existing = session.scalar(
        select(Household)
        .where(Household.commune_id == commune.id, Household.code == facts.id)
        .options(selectinload(Household.members), selectinload(Household.confirmations))
    )
    if expected_version is not None and (existing is None or existing.version != expected_version):
        raise StaleEdit("household.stale", code=facts.id)
    stored = {(c.code, c.path) for c in existing.confirmations} if existing else set()
    given = {key: nfc(reason) for key, reason in (confirmations or {}).items()}
    for (code, _path), reason in given.items():
        if not reason:
            raise RaSoatError("household.confirmation_reason_missing", code=code)
    review_round = current_round(session, commune)
    old_survey = stored_answers(session, review_round.id, existing.id) if existing else NO_ANSWERS
    new_survey = old_survey if survey is None else in_list_order(survey)
    evaluation = evaluate_household(
        session, commune, facts, stored | set(given), declared_size, new_survey
    )
    if evaluation.errors:
        raise InvalidData(list(evaluation.errors))
    if evaluation.unconfirmed and not allow_unconfirmed:
        raise UnconfirmedWarnings(list(evaluation.unconfirmed))
    old = household_dict(household_facts(session, existing)) if existing else None
    household = existing or Household(commune_id=commune.id, version=0)
    _apply(session, actor, commune, household, facts, declared_size)
    session.flush()
    _store_confirmations(session, actor, household, evaluation, given)
    changes = diff(old, household_dict(facts))
    changes.update(diff({"survey": old_survey.as_dict()}, {"survey": new_survey.as_dict()}))
    if declared_size != (existing.declared_size if existing else None):
        changes["declared_size"] = [existing.declared_size if existing else None, declared_size]
    row, digest = version_row(household.id, household.version, facts, actor.username, utcnow())
    insert_rows(session.connection(), HouseholdVersion, VERSION_COLUMNS, [row])
    audit.record(
        session,
        actor,
        "household.update" if existing else "household.create",
        "household",
        facts.id,
        version=household.version,
        sha256=digest,
        changes=changes,
    )
    values = assessment_values(evaluation, household.version, actor)
    store_assessment(session, review_round, household.id, {**values, **new_survey.columns()})
    return SaveResult(
        household.id, facts.id, existing is None, household.version, evaluation, changes
    )


def _normalised(facts: HouseholdFacts) -> HouseholdFacts:
    """Text as stored everywhere: NFC with single spaces (see app/textnorm.py)."""
    members = tuple(
        m._replace(
            name=nfc(m.name),
            ethnicity=nfc(m.ethnicity) if m.ethnicity else None,
            id_number=m.id_number.strip() if m.id_number else None,
        )
        for m in facts.members
    )
    return facts._replace(
        id=nfc(facts.id),
        village=nfc(facts.village),
        address=nfc(facts.address) if facts.address else None,
        members=members,
    )


def _text_problems(facts: HouseholdFacts) -> list[Problem]:
    """Characters no stored text may hold (pasted control characters, broken surrogates)."""
    fields = [("id", facts.id), ("village", facts.village), ("address", facts.address)]
    for i, m in enumerate(facts.members):
        fields += [
            (f"members[{i}].name", m.name),
            (f"members[{i}].ethnicity", m.ethnicity),
            (f"members[{i}].id_number", m.id_number),
        ]
    return [
        Problem("bad_character", ERROR, path, {"char": char})
        for path, value in fields
        if value and (char := bad_char(value)) is not None
    ]


def _apply(
    session: Session,
    actor: Actor,
    commune: Commune,
    household: Household,
    facts: HouseholdFacts,
    declared_size: int | None,
) -> None:
    village = session.scalar(
        select(Village).where(Village.commune_id == commune.id, Village.name == facts.village)
    )
    if village is None:
        village = insert_village(session, actor, commune, VillageSpec(facts.village, facts.area))
    for key, value in household_values(facts).items():
        setattr(household, key, value)
    household.village_id = village.id
    household.declared_size = declared_size
    household.version += 1
    household.updated_at = utcnow()
    household.members.clear()
    session.add(household)
    session.flush()
    household.members.extend(
        Member(position=i, **member_values(m)) for i, m in enumerate(facts.members)
    )


def _store_confirmations(
    session: Session,
    actor: Actor,
    household: Household,
    evaluation: Evaluation,
    given: dict[tuple[str, str], str],
) -> None:
    """Keep confirmations of warnings that still apply; drop the rest; add the new ones."""
    current = {(p.code, p.path) for p in evaluation.warnings}
    for confirmation in list(household.confirmations):
        if (confirmation.code, confirmation.path) not in current:
            household.confirmations.remove(confirmation)
    have = {(c.code, c.path) for c in household.confirmations}
    for (code, path), reason in given.items():
        if (code, path) in current and (code, path) not in have:
            household.confirmations.append(
                WarningConfirmation(
                    code=code, path=path, reason=reason, confirmed_by=actor.username
                )
            )
            audit.record(
                session,
                actor,
                "warning.confirm",
                "household",
                household.code,
                code=code,
                path=path,
                reason=reason,
            )


def _check_not_listed(session: Session, commune: Commune, household: Household) -> None:
    """A household on the poor / near-poor lists or under review leaves them by a decision
    (app/workflow: "leave"), never by deletion: the movement reports would no longer balance."""
    review_round = current_round(session, commune)
    row = session.execute(
        select(Assessment.start_class, Assessment.decided_class, Assessment.basis).where(
            Assessment.round_id == review_round.id, Assessment.household_id == household.id
        )
    ).first()
    if row is None:
        return
    start, decided, basis = row
    on_list = (decided or start) in ("poor", "near_poor", "average")
    if on_list or basis is not None:
        raise RaSoatError("household.delete_listed", code=household.code)


def delete_household(session: Session, actor: Actor, commune: Commune, code: str) -> None:
    require(session, actor, "household.delete")
    household = load_household(session, commune, code)
    _check_not_listed(session, commune, household)
    old = household_dict(household_facts(session, household))
    session.execute(delete(Household).where(Household.id == household.id))
    audit.record(session, actor, "household.delete", "household", code, changes=diff(old, None))


def record_survey(
    session: Session, actor: Actor, commune: Commune, code: str, answers: SurveyAnswers
) -> SaveResult:
    """Record a household's Phiếu B causes and needs on their own (the command line): saved as
    the household with its facts unchanged, so the answers are validated, audited and versioned
    as an edit in the editor is. Open warnings of the facts stay as they were (amber)."""
    household = load_household(session, commune, code)
    return save_household(
        session,
        actor,
        commune,
        household_facts(session, household),
        declared_size=household.declared_size,
        expected_version=household.version,
        allow_unconfirmed=True,
        survey=answers,
    )
