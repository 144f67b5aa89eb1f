"""The report table model: computed once from the data, rendered twice (Excel and PDF).

A table is pure data: its title, a grid of header cells (with merges), typed columns and rows.
The renderers decide fonts and page layout; they never compute a number. Tests read the numbers
back from both files and compare them with the rows here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Column kinds: how a value is formatted (Excel number format, PDF text).
TEXT = "text"
INT = "int"
PCT = "pct"  # a fraction (0.125 is shown as 12,5 %)
MONEY = "money"
YEAR = "year"  # a whole number without grouping (1953)
RATIO = "ratio"  # a plain decimal with two places (3,25)

# Row kinds.
DATA = "data"
TOTAL = "total"
SUBTOTAL = "subtotal"  # bold like a total, but not the table's total
GROUP = "group"  # a heading row: its first value spans the whole width


class Column(NamedTuple):
    kind: str
    width: float  # relative width in characters of the body font
    align: str = ""  # "left" | "center" | "right"; default: text left, numbers right

    @property
    def alignment(self) -> str:
        return self.align or ("left" if self.kind == TEXT else "right")


class HeaderCell(NamedTuple):
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


class Row(NamedTuple):
    values: tuple[Any, ...]
    kind: str = DATA


@dataclass
class ReportTable:
    key: str  # stable id, also the base of file names
    sheet: str  # Excel sheet name (at most 31 characters)
    title: str
    columns: tuple[Column, ...]
    header: tuple[HeaderCell, ...]
    rows: list[Row] = field(default_factory=list)
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    @property
    def header_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.header), default=0)

    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind == DATA]

    def total_row(self) -> Row | None:
        for r in self.rows:
            if r.kind == TOTAL:
                return r
        return None


def header_grid(*rows: tuple[tuple[str, int, int], ...]) -> tuple[HeaderCell, ...]:
    """Header cells from rows of (text, rowspan, colspan), placed left to right around the cells
    that rows above already cover, as a spreadsheet's merged header reads."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for r, specs in enumerate(rows):
        c = 0
        for text, rowspan, colspan in specs:
            while (r, c) in taken:
                c += 1
            cells.append(HeaderCell(text, r, c, rowspan, colspan))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
    return tuple(cells)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as a dash)."""
    return part / whole if whole else None


def format_number(value: Any, kind: str) -> str:
    """How a value reads on paper, Vietnamese style: 1.234 and 12,5 (percent)."""
    if value == "":
        return ""
    if value is None:  # nothing to divide by
        return "" if kind == TEXT else "–"
    if kind == YEAR:
        return str(int(value))
    if kind in (INT, MONEY):
        return f"{int(value):,}".replace(",", ".")
    if kind == PCT:
        return f"{value * 100:.1f}".replace(".", ",")
    if kind == RATIO:
        return f"{value:.2f}".replace(".", ",")
    return str(value)
