"""The code lists of Phiếu B that are facts from the forms: causes of poverty and support needs.

Their official wording was only observed in a province's report set (see the file's `source`),
so they are versioned data in `resources/survey/`, not code. An officer may drop a corrected
file with the same id and a higher `revision` into the data folder's `survey/` folder; it wins,
as a corrected standard pack does (app/standards.py). Codes are what the database, packages and
field bundles store; names are what forms and reports print, in the list's order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from app.errors import RaSoatError
from app.paths import user_survey_dir
from app.resources import resource_path

LIST_ID = "VN-SURVEY-CODES"
KINDS = ("causes", "needs")


@dataclass(frozen=True)
class CodeList:
    id: str
    revision: int
    status: str
    source: tuple[str, ...]
    causes: tuple[str, ...]
    needs: tuple[str, ...]
    names: Mapping[tuple[str, str], Mapping[str, str]]  # (kind, code) -> {"vi": …, "en": …}

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    def codes(self, kind: str) -> tuple[str, ...]:
        return self.causes if kind == "causes" else self.needs

    def name(self, kind: str, code: str, lang: str = "vi") -> str:
        """The printed name of a code; an unknown code (from a newer list) prints as itself."""
        names = self.names.get((kind, code))
        return (names.get(lang) or names["vi"]) if names else code


@cache
def _schema() -> dict[str, Any]:
    with resource_path("schemas", "survey-codes-v1.schema.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def parse_code_list(data: Any, origin: str = "<survey codes>") -> CodeList:
    """Check `data` against the schema and build a CodeList (a bad file: known error)."""
    errors = sorted(
        jsonschema.Draft202012Validator(_schema()).iter_errors(data),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(gốc)"
        raise RaSoatError(
            "survey.codes_invalid", origin=origin, path=where, detail=errors[0].message
        )
    for kind in KINDS:
        codes = [entry["code"] for entry in data[kind]]
        if len(set(codes)) != len(codes):
            raise RaSoatError(
                "survey.codes_invalid", origin=origin, path=kind, detail="duplicate code"
            )
    return CodeList(
        id=data["id"],
        revision=data["revision"],
        status=data["status"],
        source=tuple(data["source"]),
        causes=tuple(e["code"] for e in data["causes"]),
        needs=tuple(e["code"] for e in data["needs"]),
        names={(kind, e["code"]): e["name"] for kind in KINDS for e in data[kind]},
    )


def _load(path: Path) -> CodeList:
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RaSoatError("survey.codes_unreadable", origin=str(path), detail=str(exc)) from exc
    return parse_code_list(data, str(path))


@cache
def code_list() -> CodeList:
    """The code list in force: the highest revision among the shipped and the officer's files."""
    files = sorted(resource_path("survey").glob("*.json"))
    if user_survey_dir().is_dir():
        files += sorted(user_survey_dir().glob("*.json"))
    best: CodeList | None = None
    for path in files:
        found = _load(path)
        if found.id == LIST_ID and (best is None or found.revision > best.revision):
            best = found
    if best is None:
        raise RaSoatError("survey.codes_missing")
    return best
