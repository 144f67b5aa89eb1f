"""The editor's actions on one household: open it as a form, check the form live, save it.

The GUI's editor calls only these (and the tests call them the same way); the rules stay in
app.households (save_household, evaluate_household) and app.household_form (reading the form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.actor import Actor
from app.assessments import Evaluation
from app.errors import InvalidData, NotFound, RaSoatError
from app.household_form import (
    Form,
    FormReading,
    combine,
    form_from_document,
    form_from_facts,
    new_form,
    read_form,
)
from app.households import SaveResult, evaluate_household, household_facts, save_household
from app.pending_households import complete_survey, pending_entry
from app.rounds import current_round
from app.standards import StandardPack, get_pack
from app.survey import stored_answers
from app.validation import ERROR, Problem
from models import Commune, Household, Village

# The form key marking a household listed but not yet surveyed (app/pending_households.py):
# saving it completes the survey instead of creating a household from nothing.
PENDING = "pending"


@dataclass(frozen=True)
class OpenedHousehold:
    household_id: int
    form: Form
    # Warnings confirmed earlier, with their reasons: (code, path) -> reason.
    confirmed: dict[tuple[str, str], str]


def open_household(session: Session, commune: Commune, household_id: int) -> OpenedHousehold:
    household = session.scalar(
        select(Household)
        .where(Household.id == household_id, Household.commune_id == commune.id)
        .options(selectinload(Household.members), selectinload(Household.confirmations))
    )
    if household is None:
        raise NotFound("household.not_found", code=str(household_id))
    facts = household_facts(session, household)
    survey = stored_answers(session, current_round(session, commune).id, household.id)
    form = form_from_facts(facts, household.declared_size, household.version, survey)
    confirmed = {(c.code, c.path): c.reason for c in household.confirmations}
    return OpenedHousehold(household.id, form, confirmed)


def open_pending(session: Session, commune: Commune, code: str) -> Form:
    """The form of a pending household, from what its list said (its draft)."""
    entry = pending_entry(session, commune, code)
    form = form_from_document(entry.document, entry.declared_size)
    form[PENDING] = True
    return form


def villages(session: Session, commune: Commune) -> list[tuple[str, str]]:
    """(name, area) of the commune's villages, in their order."""
    rows = session.execute(
        select(Village.name, Village.area)
        .where(Village.commune_id == commune.id)
        .order_by(Village.position, Village.name)
    )
    return [(name, area) for name, area in rows]


_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")


def suggest_code(session: Session, commune: Commune) -> str:
    """The next free household code, following the commune's numbering ("H0042" -> "H0043")."""
    codes = set(session.scalars(select(Household.code).where(Household.commune_id == commune.id)))
    best: tuple[int, str, int] | None = None
    for code in codes:
        found = _TRAILING_NUMBER.match(code)
        if found and (best is None or int(found.group(2)) > best[0]):
            best = (int(found.group(2)), found.group(1), len(found.group(2)))
    number, prefix, width = best if best else (0, "H", 4)
    while True:
        number += 1
        code = f"{prefix}{number:0{width}d}"
        if code not in codes:
            return code


def new_household_form(session: Session, commune: Commune, village: str | None = None) -> Form:
    known = villages(session, commune)
    default = known[0] if known else ("", "rural")
    name, area = next(((n, a) for n, a in known if n == village), default)
    return new_form(suggest_code(session, commune), name, area)


@dataclass(frozen=True)
class FormCheck:
    """What the editor shows live: every problem, which are still unconfirmed, the result."""

    reading: FormReading
    problems: tuple[Problem, ...]
    unconfirmed: tuple[Problem, ...]
    evaluation: Evaluation
    pack: StandardPack

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def classification(self) -> Any:
        """The result, only when the form was read completely and has no error."""
        return None if self.reading.problems else self.evaluation.classification


def check_form(
    session: Session,
    commune: Commune,
    form: Form,
    confirmed: dict[tuple[str, str], str] | None = None,
) -> FormCheck:
    """Validate and classify the form as typed, without saving anything."""
    reading = read_form(form)
    known = set(confirmed or {}) | set(reading.confirmations)
    evaluation = evaluate_household(
        session, commune, reading.facts, known, reading.declared_size, reading.survey
    )
    problems = combine(reading, evaluation.problems)
    unconfirmed = tuple(
        p for p in problems if p.severity != ERROR and (p.code, p.path) not in known
    )
    pack = get_pack(current_round(session, commune).standard_id)
    return FormCheck(reading, problems, unconfirmed, evaluation, pack)


def save_form(session: Session, actor: Actor, commune: Commune, form: Form) -> SaveResult:
    """Save the household the form describes (all or nothing; see save_household).

    A form that cannot be read completely is refused like a validation error. A stored
    household is saved only if nobody saved it since the form was opened (its version).
    """
    reading = read_form(form)
    if reading.problems:
        raise InvalidData(list(reading.problems))
    if form.get("version") is None and session.scalar(
        select(Household.id).where(
            Household.commune_id == commune.id, Household.code == reading.facts.id
        )
    ):
        # A new household must not overwrite an existing one that has the same code.
        raise RaSoatError("household.code_taken", code=reading.facts.id)
    save = complete_survey if form.get(PENDING) else save_household
    return save(
        session,
        actor,
        commune,
        reading.facts,
        declared_size=reading.declared_size,
        confirmations=reading.confirmations,
        expected_version=form.get("version"),
        survey=reading.survey,
    )
