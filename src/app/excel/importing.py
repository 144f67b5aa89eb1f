"""Importing last year's Excel lists: analyse and preview, then import all or nothing.

`analyse_excel` reads the sheet, finds the header, maps the columns (the officer's mapping, or a
guess from the titles), reads every household and marks every problem with its row and column,
checks the list belongs to this commune (old names accepted), and proposes matches with
households RaSoat already knows. It writes nothing.

`import_excel` repeats the analysis inside the caller's transaction, under the write lock, so
what is imported is exactly what the officer saw; it refuses anything with an error, and any
match the officer has not decided. Then:
- a household matched to a known one changes nothing in it: only last year's class is recorded;
- a new household whose list gives every fact of the exchange format goes through the same
  import as a JSON file (`app.exchange.importing.import_document`: validated, audited,
  listed in the round);
- a new household whose list lacks facts (the usual case: last year's lists carry names, years
  of birth, ID numbers and the class, not the 12 indicators' facts) is kept as a pending
  household (`app.pending_households`) until it is surveyed; nothing is invented for it;
- last year's class of every household is kept per household code and year
  (`app.previous_classes`), for the new round's movements.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app import audit, backups
from app.actor import Actor
from app.communes import only_commune, villages_by_name
from app.errors import RaSoatError
from app.excel.build import Built, build_households
from app.excel.layout import Layout, detect_layout, guess_fields
from app.excel.mapping import ExcelMapping, mapping_for, resolve_columns
from app.excel.matching import ProposedMatch, load_known, propose
from app.excel.place import TitleFacts, communes_of, title_facts
from app.excel.rows import ERROR, WARNING, ListedHousehold, RowProblem, read_rows
from app.excel.sheet import Grid, list_sheets, read_grid
from app.excel.writing import ImportCounts, write_import
from app.i18n import tr
from app.jobs import IsCancelled, Progress
from app.permissions import require
from app.rounds import current_round
from models.database import Database


@dataclass
class ExcelPreview:
    path: Path
    sha256: str
    sheet: str
    sheets: list[str]
    layout: Layout
    fields: dict[str, int]  # field id -> column index
    mapping: ExcelMapping  # the mapping in effect (to show, correct and save)
    title: TitleFacts
    list_year: int
    households: list[ListedHousehold]
    codes: list[str]  # the code each household has or will get
    complete: list[bool]  # the list gives every fact of the exchange format
    problems: list[RowProblem]
    skipped: list[tuple[int, str]]
    matches: list[ProposedMatch]
    new_villages: list[str] = field(default_factory=list)
    built: Built | None = None

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    def summary(self, lang: str) -> str:
        """The preview's headline: where the list was found and what it holds."""
        complete = sum(self.complete)
        return tr(
            "cli.excel_preview",
            lang,
            sheet=self.sheet,
            first=self.layout.header_first,
            last=self.layout.header_last,
            start=self.layout.data_start,
            year=self.list_year,
            households=len(self.households),
            complete=complete,
            pending=len(self.households) - complete,
            matches=len(self.matches),
            errors=len(self.errors),
            warnings=len(self.warnings),
        )

    def match_for(self, index: int) -> ProposedMatch | None:
        return next((m for m in self.matches if m.index == index), None)


@dataclass(frozen=True)
class ExcelImportResult:
    created: int  # new households with every fact, through the exchange-format import
    pending: int  # new households waiting for their survey
    matched: int  # households already known: only last year's class recorded
    previous_classes: int
    villages_created: list[str]
    warnings: int


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def analyse_excel(
    session: Session,
    actor: Actor,
    path: Path,
    mapping: ExcelMapping | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ExcelPreview:
    """Everything the officer needs to see before importing; nothing is written."""
    require(session, actor, "household.import")  # before reading: the preview shows the data
    mapping = mapping or ExcelMapping()
    mapping.check()
    commune = only_commune(session)
    review_round = current_round(session, commune)
    today = today or date.today()
    grid = read_grid(Path(path), mapping.sheet, progress, cancelled)
    layout = detect_layout(grid, mapping.header_rows)
    problems: list[RowProblem] = []
    fields = _fields(mapping, layout, problems)
    title = title_facts(grid, layout.header_first)
    effective = mapping_for(layout, fields, mapping)
    effective.sheet = grid.sheet
    if effective.default_class is None and "previous_class" not in fields:
        effective.default_class = title.list_class
    list_year = effective.list_year or title.year or review_round.year - 1
    if effective.list_year is None and title.year is None:
        problems.append(
            RowProblem(0, None, None, "excel.year_assumed", WARNING, {"year": list_year})
        )
    parsed = read_rows(grid, layout, fields, effective, today)
    problems.extend(parsed.problems)
    _check_commune(commune.code, title, parsed.households, problems)
    known = load_known(session.connection(), commune)
    villages = villages_by_name(session, commune)
    built = build_households(
        parsed.households, known.codes(), list_year, villages, effective, review_round, today
    )
    problems.extend(built.problems)
    matches = propose(parsed.households, built.codes, known)
    return ExcelPreview(
        Path(path),
        _file_digest(Path(path)),
        grid.sheet,
        grid.sheets,
        layout,
        fields,
        effective,
        title,
        list_year,
        parsed.households,
        built.codes,
        built.complete,
        sorted(problems, key=lambda p: (p.row, p.column or "")),
        parsed.skipped,
        matches,
        built.new_villages,
        built,
    )


def _fields(mapping: ExcelMapping, layout: Layout, problems: list[RowProblem]) -> dict[str, int]:
    if not mapping.columns:
        fields = guess_fields(layout.columns)
    else:
        fields, missing = resolve_columns(mapping, layout)
        for field_id in missing:
            problems.append(
                RowProblem(
                    0,
                    None,
                    field_id,
                    "excel.column_missing",
                    ERROR,
                    {"column": mapping.columns[field_id]},
                )
            )
    if "name" not in fields and "head_name" not in fields:
        problems.append(RowProblem(0, None, "head_name", "excel.no_name_column", ERROR))
    return fields


def _check_commune(
    code: str, title: TitleFacts, households: list[ListedHousehold], problems: list[RowProblem]
) -> None:
    """Refuse a list that names another commune, old or new; say when the name is unknown."""
    places = [(0, (title.commune, title.district, title.province))]
    places += [(h.row, h.place) for h in households if h.place[0]]
    seen: dict[tuple[str | None, str | None, str | None], frozenset[str] | None] = {}
    for row, place in places:
        if place not in seen:
            seen[place] = communes_of(*place)
        found = seen[place]
        if found is None:
            continue
        name = " – ".join(p for p in place if p)
        if not found:
            problems.append(
                RowProblem(row, None, None, "excel.place_unknown", WARNING, {"place": name})
            )
        elif code not in found:
            problems.append(
                RowProblem(row, None, None, "excel.other_commune", ERROR, {"place": name})
            )


def import_excel(
    session: Session,
    actor: Actor,
    path: Path,
    mapping: ExcelMapping | None = None,
    decisions: Mapping[int, bool] | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ExcelImportResult:
    """Import the list all or nothing, in the caller's transaction.

    `decisions` maps the first sheet row of each proposed match to the officer's answer (True:
    same household). Raises InvalidData-like RaSoatError when the list has errors or a match is
    undecided; nothing is written then.
    """
    require(session, actor, "household.import")
    audit.lock(session.connection())  # the write lock first: nobody changes what we match
    preview = analyse_excel(
        session, actor, path, mapping, today=today, progress=progress, cancelled=cancelled
    )
    if preview.errors:
        raise ExcelInvalid(preview)
    decided = _decisions(preview, decisions or {})
    counts: ImportCounts = write_import(session, actor, preview, decided, cancelled)
    return ExcelImportResult(
        counts.created,
        counts.pending,
        counts.matched,
        counts.previous_classes,
        counts.villages_created,
        len(preview.warnings),
    )


def import_excel_into(
    db: Database,
    actor: Actor,
    path: Path,
    mapping: ExcelMapping | None = None,
    decisions: Mapping[int, bool] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ExcelImportResult:
    """The import as the officer starts it (CLI, wizard): the database is backed up first, then
    the list is imported in one transaction."""
    if db.path is not None:
        backups.backup_database(db, "import")
    with db.sessions.begin() as session:
        return import_excel(
            session, actor, path, mapping, decisions, progress=progress, cancelled=cancelled
        )


class ExcelInvalid(RaSoatError):
    """The list has errors; `preview.errors` lists each with its row and column."""

    def __init__(self, preview: ExcelPreview) -> None:
        super().__init__("excel.has_errors", count=len(preview.errors))
        self.preview = preview


def _decisions(preview: ExcelPreview, decisions: Mapping[int, bool]) -> dict[int, bool]:
    """household index -> accepted, for every proposed match; refuses gaps and bad answers."""
    out = {}
    undecided = [m.row for m in preview.matches if m.row not in decisions]
    if undecided:
        raise RaSoatError(
            "excel.matches_undecided",
            count=len(undecided),
            rows=", ".join(map(str, undecided[:10])),
        )
    for match in preview.matches:
        accepted = bool(decisions[match.row])
        if not accepted and not match.rejectable:
            raise RaSoatError(
                "excel.match_must_accept", row=match.row, reason=match.reason, value=match.value
            )
        out[match.index] = accepted
    stray = set(decisions) - {m.row for m in preview.matches}
    if stray:
        raise RaSoatError("excel.matches_changed", rows=", ".join(map(str, sorted(stray)[:10])))
    return out


__all__ = [
    "ExcelImportResult",
    "ExcelInvalid",
    "ExcelMapping",
    "ExcelPreview",
    "Grid",
    "analyse_excel",
    "import_excel",
    "import_excel_into",
    "list_sheets",
]
