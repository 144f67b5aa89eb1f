"""Phiếu B's causes of poverty and support needs: one household's answers in one round.

They belong to the assessment (a household in a round), not to the register: the causes asked
this year say nothing of next year's. A household may have several causes, one of them marked
as the main one, and several support needs. Codes come from the versioned code list
(app/survey_codes.py); anything else is an error, and a poor or near-poor household without a
cause is a warning the officer confirms with a reason, like every other warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.survey_codes import CodeList, code_list
from app.validation import ERROR, WARNING, Problem
from models import Assessment
from models.bulk import update_rows

REVIEWED = frozenset(("poor", "near_poor"))
# Where the answers sit among a household's paths: problems, confirmations, field bundles.
CAUSES = "survey.causes"
MAIN_CAUSE = "survey.main_cause"
NEEDS = "survey.support_needs"
PATHS = (CAUSES, MAIN_CAUSE, NEEDS)
# The assessment columns that hold them (comma-separated codes: codes never hold a comma).
COLUMNS = ("causes", "main_cause", "support_needs")


class SurveyAnswers(NamedTuple):
    causes: tuple[str, ...] = ()
    main_cause: str | None = None
    support_needs: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.causes or self.main_cause or self.support_needs)

    def columns(self) -> dict[str, Any]:
        """The assessment's column values."""
        return {
            "causes": ",".join(self.causes),
            "main_cause": self.main_cause,
            "support_needs": ",".join(self.support_needs),
        }

    @classmethod
    def from_columns(cls, causes: str | None, main: str | None, needs: str | None) -> SurveyAnswers:
        return cls(_split(causes), main or None, _split(needs))

    def as_dict(self) -> dict[str, Any]:
        """As packages, snapshots and the audit trail write it (survey-v1 schema)."""
        out: dict[str, Any] = {"causes": list(self.causes)}
        if self.main_cause is not None:
            out["main_cause"] = self.main_cause
        out["support_needs"] = list(self.support_needs)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SurveyAnswers:
        """From as_dict's shape, already checked against the schema."""
        return cls(
            tuple(data.get("causes", ())),
            data.get("main_cause"),
            tuple(data.get("support_needs", ())),
        )


NO_ANSWERS = SurveyAnswers()


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def in_list_order(answers: SurveyAnswers, codes: CodeList | None = None) -> SurveyAnswers:
    """The answers in the code list's order, whatever order they were given in; codes the list
    does not know keep their place after the known ones, for the validator to report."""
    codes = codes or code_list()

    def ordered(kind: str, given: tuple[str, ...]) -> tuple[str, ...]:
        rank = {code: i for i, code in enumerate(codes.codes(kind))}
        return tuple(sorted(given, key=lambda c: rank.get(c, len(rank))))

    return answers._replace(
        causes=ordered("causes", answers.causes),
        support_needs=ordered("needs", answers.support_needs),
    )


def code_problems(answers: SurveyAnswers, codes: CodeList | None = None) -> list[Problem]:
    """Errors: a code not in the list, a code given twice, a main cause that is not a cause."""
    codes = codes or code_list()
    out: list[Problem] = []
    for kind, path, given in (
        ("causes", CAUSES, answers.causes),
        ("needs", NEEDS, answers.support_needs),
    ):
        known = codes.codes(kind)
        seen: set[str] = set()
        for i, code in enumerate(given):
            if code not in known:
                out.append(
                    Problem(f"survey_{kind}_unknown", ERROR, f"{path}[{i}]", {"value": code})
                )
            elif code in seen:
                out.append(Problem("survey_code_repeated", ERROR, f"{path}[{i}]", {"value": code}))
            seen.add(code)
    main = answers.main_cause
    if main is not None and main not in answers.causes:
        out.append(Problem("survey_main_cause_not_listed", ERROR, MAIN_CAUSE, {"value": main}))
    return out


def class_problems(answers: SurveyAnswers, cls: str | None) -> list[Problem]:
    """The warning for a poor or near-poor household whose causes were not recorded."""
    if cls in REVIEWED and not answers.causes:
        return [Problem("survey_causes_missing", WARNING, CAUSES, {})]
    return []


# ---- storage ----------------------------------------------------------------------------------


def stored_answers(session: Session, round_id: int, household_id: int) -> SurveyAnswers:
    row = session.execute(
        select(Assessment.causes, Assessment.main_cause, Assessment.support_needs).where(
            Assessment.round_id == round_id, Assessment.household_id == household_id
        )
    ).first()
    return SurveyAnswers.from_columns(*row) if row else NO_ANSWERS


def round_answers(conn: Connection, round_id: int) -> dict[int, SurveyAnswers]:
    """household id -> answers, for every household of the round that has any."""
    rows = conn.execute(
        select(
            Assessment.household_id,
            Assessment.causes,
            Assessment.main_cause,
            Assessment.support_needs,
        ).where(
            Assessment.round_id == round_id,
            (Assessment.causes != "") | (Assessment.support_needs != ""),
        )
    )
    return {hid: SurveyAnswers.from_columns(c, m, n) for hid, c, m, n in rows}


def write_round_answers(
    conn: Connection, round_id: int, answers: Mapping[int, SurveyAnswers]
) -> int:
    """Store answers of many households of a round at once (household id -> answers), on
    assessments that exist: the bulk paths (demo, intake, field bundles) create them first."""
    ids = dict(
        conn.execute(
            select(Assessment.household_id, Assessment.id).where(Assessment.round_id == round_id)
        ).all()
    )
    rows = [(*a.columns().values(), ids[hid]) for hid, a in answers.items() if hid in ids]
    return update_rows(conn, Assessment, "id", COLUMNS, rows)
