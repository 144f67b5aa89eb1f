"""`data/survey.json` (`rasoat.survey/1`): the round's Phiếu B causes of poverty and support
needs, beside the household exchange format in a handover package.

The households-v1 format is a fixed public interface that does not provide for these answers,
so they travel in a file of their own with its own schema
(`resources/schemas/survey-v1.schema.json`), listed in the signed manifest like every other
file: the verifier hashes it, refuses it changed or unlisted, and checks that it speaks of the
package's own commune and households with codes the code list knows. A package without it (made
before the answers were recorded) is still a valid package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from datetime import date
from functools import cache
from typing import Any

import jsonschema

from app.resources import resource_path
from app.survey import SurveyAnswers, code_problems
from app.survey_codes import code_list

FORMAT = "rasoat.survey/1"
SURVEY = "data/survey.json"


class SurveyFileError(ValueError):
    """The file is not a valid survey file for this package; `detail` says where and why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def survey_document(
    commune_code: str, reference_date: date, answers: Iterable[tuple[str, SurveyAnswers]]
) -> dict[str, Any]:
    """The file's content: (household id, answers) of every household that has any."""
    codes = code_list()
    return {
        "format": FORMAT,
        "commune": commune_code,
        "reference_date": reference_date.isoformat(),
        "codes": {"id": codes.id, "revision": codes.revision},
        "households": [{"id": code, **a.as_dict()} for code, a in answers if not a.empty],
    }


@cache
def _validator() -> jsonschema.Draft202012Validator:
    with resource_path("schemas", "survey-v1.schema.json").open(encoding="utf-8") as fh:
        schema = json.load(fh)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def read_survey_document(
    document: Any, commune_code: str, household_ids: Collection[str]
) -> dict[str, SurveyAnswers]:
    """household id -> answers, or SurveyFileError for a file that does not fit the package:
    the schema, the commune, ids of households the package holds (each once), known codes."""
    # The schema checks the top level; the entries, thousands of them, are checked by hand to
    # the same rules (jsonschema took 0.8 s for 4,400 entries, this takes a few ms).
    entries = document.get("households") if isinstance(document, dict) else None
    top = {**document, "households": []} if isinstance(entries, list) else document
    errors = sorted(_validator().iter_errors(top), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(gốc)"
        raise SurveyFileError(f"{where}: {errors[0].message}")
    assert isinstance(entries, list)
    if document["commune"] != commune_code:
        raise SurveyFileError(f"commune: {document['commune']} ≠ {commune_code}")
    known = set(household_ids)
    out: dict[str, SurveyAnswers] = {}
    for i, entry in enumerate(entries):
        _check_entry(entry, f"households/{i}")
        code = entry["id"]
        if code not in known or code in out:
            raise SurveyFileError(f"households/{i}/id: {code}")
        answers = SurveyAnswers.from_dict(entry)
        problems = code_problems(answers)
        if problems:
            raise SurveyFileError(f"households/{i}: {problems[0].message('vi')}")
        out[code] = answers
    return out


_ENTRY_KEYS = {"id", "causes", "main_cause", "support_needs"}
_CODE = re.compile(r"[a-z][a-z0-9_]{0,23}")


def _check_entry(entry: Any, where: str) -> None:
    """One household's entry as survey-v1.schema.json's `households` items define it."""
    if not isinstance(entry, dict) or not {"id", "causes", "support_needs"} <= entry.keys():
        raise SurveyFileError(f"{where}: id, causes, support_needs")
    extra = entry.keys() - _ENTRY_KEYS
    if extra:
        raise SurveyFileError(f"{where}/{sorted(extra)[0]}")
    code = entry["id"]
    if not isinstance(code, str) or not 1 <= len(code) <= 64:
        raise SurveyFileError(f"{where}/id")
    main = entry.get("main_cause")
    if "main_cause" in entry and not (isinstance(main, str) and _CODE.fullmatch(main)):
        raise SurveyFileError(f"{where}/main_cause")
    for key in ("causes", "support_needs"):
        given = entry[key]
        if (
            not isinstance(given, list)
            or len(given) > 20
            or not all(isinstance(c, str) and _CODE.fullmatch(c) for c in given)
            or len(set(given)) != len(given)
        ):
            raise SurveyFileError(f"{where}/{key}")
