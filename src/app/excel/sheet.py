"""Reading an .xlsx sheet as a grid of values, with merged cells filled in.

openpyxl's read-only mode streams a sheet fast and in little memory, but it does not report
merged cells, and real lists are full of them: a title merged across the page, "Năm sinh" merged
over its "Nam" and "Nữ" columns, a village name merged down over all its households. The merge
ranges are read from the sheet's XML (`<mergeCell ref="A1:C1"/>`, at the end of the file) and
each range is filled with its top-left value, as a person reading the printed list would.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import RaSoatError
from app.jobs import IsCancelled, Progress, Ticker

# A commune's list has at most tens of thousands of rows; anything far larger is a wrong file.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 200
# An .xlsx is a zip of XML. Its parts are read whole (shared strings, the merge ranges at the end
# of a sheet), so a few kilobytes that inflate to gigabytes would exhaust the laptop's memory:
# the sizes the zip's directory declares are checked before anything is inflated. Real sheets
# compress 5-20 times; a block of zeros, a thousand times.
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 8 * 1024 * 1024  # parts smaller than this may compress as well as they like
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int
    columns: int


@dataclass
class Grid:
    """A sheet's values, row by row (row 1 is `rows[0]`), merged ranges filled in."""

    sheet: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row), 1-based
    sheets: list[str] = field(default_factory=list)  # the workbook's visible sheets

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        """The value at 1-based (row, col); None outside the grid."""
        if row < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col - 1] if 0 < col <= len(values) else None

    def merged_value(self, row: int, col: int) -> Any:
        """The value shown at (row, col): the top-left value of a merged range it lies in."""
        for c1, r1, c2, r2 in self.merges:
            if c1 <= col <= c2 and r1 <= row <= r2:
                return self.value(r1, c1)
        return self.value(row, col)

    def merged_across(self, row: int, col: int) -> bool:
        """Whether (row, col) lies in a range merged over more than one column."""
        return any(
            c1 <= col <= c2 and r1 <= row <= r2 and c2 > c1 for c1, r1, c2, r2 in self.merges
        )


def _open(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RaSoatError(
            "file.unreadable", path=str(path), detail=exc.strerror or str(exc)
        ) from None
    if size > MAX_FILE_BYTES:
        raise RaSoatError("excel.too_large", size_mb=size // (1024 * 1024))
    try:
        _refuse_bomb(path)
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RaSoatError("excel.not_xlsx", path=path.name, detail=str(exc)[:200]) from None


def _refuse_bomb(path: Path) -> None:
    """Refuse a workbook whose parts would inflate far beyond any commune's list."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    inflated = [
        part.filename
        for part in parts
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1)
    ]
    if total > MAX_UNCOMPRESSED or inflated:
        raise RaSoatError(
            "excel.bomb",
            path=path.name,
            part=inflated[0] if inflated else "*",
            size_mb=total // (1024 * 1024),
        )


def list_sheets(path: Path) -> list[SheetInfo]:
    """The sheets of a workbook with their sizes, for the officer to pick one."""
    workbook = _open(path)
    try:
        return [
            SheetInfo(ws.title, ws.max_row or 0, ws.max_column or 0)
            for ws in workbook.worksheets
            if getattr(ws, "sheet_state", "visible") == "visible"
        ]
    finally:
        workbook.close()


def read_grid(
    path: Path,
    sheet: str | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> Grid:
    """The sheet named `sheet` (the first visible one if None) as a Grid."""
    workbook = _open(path)
    try:
        ws = _pick(workbook, sheet)
        total = min(ws.max_row or 0, MAX_ROWS)
        if (ws.max_row or 0) > MAX_ROWS:
            raise RaSoatError("excel.too_many_rows", rows=ws.max_row, limit=MAX_ROWS)
        ticker = Ticker(max(total, 1), progress, cancelled)
        rows: list[list[Any]] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), 1):
            row = list(values[:MAX_COLUMNS])
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
            rows.append(row)
            ticker.tick(min(n, total))
        while rows and not rows[-1]:
            rows.pop()
        merges = _merges(ws)
        names = [w.title for w in workbook.worksheets if getattr(w, "sheet_state", "") == "visible"]
    except RaSoatError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise RaSoatError("excel.not_xlsx", path=path.name, detail=str(exc)[:200]) from None
    finally:
        workbook.close()
    _fill(rows, merges)
    return Grid(ws.title, rows, merges, names)


def _pick(workbook: Any, sheet: str | None) -> Any:
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "") == "visible"]
    if sheet is None:
        if not visible:
            raise RaSoatError("excel.no_sheet", sheet="")
        return visible[0]
    for ws in workbook.worksheets:
        if ws.title == sheet:
            return ws
    raise RaSoatError("excel.no_sheet", sheet=sheet)


def _merges(ws: Any) -> list[tuple[int, int, int, int]]:
    """Merge ranges from the sheet XML, read in chunks (the list sits after the cell data).

    `_get_source()` is openpyxl's own accessor for the read-only sheet's XML stream.
    """
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with ws._get_source() as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            for match in _MERGE.finditer(data):
                found.append(range_boundaries(match[1].decode("ascii")))
            tail = data[-200:]  # a tag cut by the chunk edge; repeats are removed below
    return sorted(set(found))


def _fill(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> None:
    """Copy the value of each range merged down rows into its first column's cells."""
    for c1, r1, _c2, r2 in merges:
        if r2 == r1 or r1 > len(rows):
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 <= len(top) else None
        if value is None:
            continue
        for r in range(r1 + 1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            row[c1 - 1] = value
