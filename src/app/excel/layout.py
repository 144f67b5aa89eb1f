"""Finding the header of a list and guessing which column holds which field.

Real lists start with title rows (the commune, "DANH SÁCH HỘ NGHÈO NĂM 2025", often merged across
the page), then a header of one or two rows ("Năm sinh" merged over "Nam" and "Nữ"), often a row
numbering the columns "(1) (2) (3)…", then the households. The header is the row among the first
forty whose cells name the most known fields; a second header row is taken when cells of the
first are merged across columns above it. Titles are compared without diacritics or case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from app.errors import RaSoatError
from app.excel.fields import cell_text, fields_catalogue, is_blank, key
from app.excel.sheet import Grid

SEARCH_ROWS = 40
_NUMBERING = re.compile(r"\(?\s*(\d{1,2}|[a-z])\s*\)?(\s*=.*)?")


@dataclass(frozen=True)
class Column:
    index: int  # 1-based
    letter: str
    title: str  # the header text as shown, both header rows joined
    key: str  # the title folded for comparison
    child_key: str = ""  # the second header row's text alone


@dataclass(frozen=True)
class Layout:
    header_first: int  # 1-based rows
    header_last: int
    data_start: int
    columns: tuple[Column, ...]

    def column(self, index: int) -> Column | None:
        for c in self.columns:
            if c.index == index:
                return c
        return None


def title_score(column_key: str, title: str) -> int:
    """How well a column title matches one catalogue title (0: not at all)."""
    if not column_key or not title:
        return 0
    if column_key == title:
        return 100 + len(title)
    if column_key.startswith(title + " "):
        return 50 + len(title)
    if f" {title} " in f" {column_key} " and len(title) >= 4:
        return 20 + len(title)
    return 0


def field_scores(column_key: str) -> dict[str, int]:
    """Each field's best score for a column title."""
    out = {}
    for f in fields_catalogue().fields.values():
        best = max((title_score(column_key, t) for t in f.titles), default=0)
        if best:
            out[f.id] = best
    return out


def _row_score(grid: Grid, row: int) -> int:
    seen: set[str] = set()
    for value in grid.rows[row - 1]:
        if isinstance(value, str):
            scores = field_scores(key(value))
            if scores:
                best = max(scores, key=lambda f: scores[f])
                if scores[best] >= 50:
                    seen.add(best)
    return len(seen)


def detect_layout(grid: Grid, header_rows: tuple[int, int] | None = None) -> Layout:
    """The header rows (guessed unless given) and the columns with their titles."""
    if header_rows is None:
        header_rows = _guess_header(grid)
    first, last = header_rows
    if not 1 <= first <= last <= len(grid.rows):
        raise RaSoatError("excel.header_rows_bad", first=first, last=last, rows=len(grid.rows))
    columns = _columns(grid, first, last)
    data_start = last + 1
    while data_start <= len(grid.rows) and _is_numbering(grid.rows[data_start - 1]):
        data_start += 1
    return Layout(first, last, data_start, tuple(columns))


def _guess_header(grid: Grid) -> tuple[int, int]:
    limit = min(SEARCH_ROWS, len(grid.rows))
    scored = [(_row_score(grid, r), -r) for r in range(1, limit + 1)]
    best = max(scored, default=(0, 0))
    if best[0] < 2:
        raise RaSoatError("excel.header_not_found", rows=limit)
    first = -best[1]
    last = first
    below = first + 1
    if below <= len(grid.rows) and not _is_numbering(grid.rows[below - 1]):
        spread = any(grid.merged_across(first, c) for c in range(1, grid.width + 1))
        if spread and _mostly_text(grid.rows[below - 1]):
            last = below
    return first, last


def _mostly_text(values: list[object]) -> bool:
    filled = [v for v in values if not is_blank(v)]
    return bool(filled) and sum(isinstance(v, str) for v in filled) * 2 > len(filled)


def _is_numbering(values: list[object]) -> bool:
    """A row such as "(1) (2) (3) …" or "1 2 3 …" under a header, numbering the columns."""
    filled = [cell_text(v) for v in values if not is_blank(v)]
    if len(filled) < 3:
        return False
    return all(_NUMBERING.fullmatch(key(t) or t.strip().lower()) for t in filled)


def _columns(grid: Grid, first: int, last: int) -> list[Column]:
    columns = []
    for col in range(1, grid.width + 1):
        parts: list[str] = []
        for row in range(first, last + 1):
            text = cell_text(grid.merged_value(row, col))
            if text and text not in parts:
                parts.append(text)
        if not parts:
            continue
        title = " ".join(parts)
        child = key(parts[-1]) if len(parts) > 1 else ""
        columns.append(Column(col, get_column_letter(col), title, key(title), child))
    return columns


def guess_fields(columns: Iterable[Column]) -> dict[str, int]:
    """field id -> column index: each column to at most one field and the reverse, best first."""
    candidates = []
    for column in columns:
        scores = field_scores(column.key)
        if not scores and column.child_key:
            scores = field_scores(column.child_key)
        for field_id, score in scores.items():
            candidates.append((score, -column.index, field_id, column.index))
    taken_fields: dict[str, int] = {}
    taken_columns: set[int] = set()
    for _score, _order, field_id, index in sorted(candidates, reverse=True):
        if field_id in taken_fields or index in taken_columns:
            continue
        taken_fields[field_id] = index
        taken_columns.add(index)
    return taken_fields
