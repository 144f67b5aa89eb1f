"""The report workbook (openpyxl): one protected sheet per report table, laid out like a
government form — title block, merged Vietnamese headers, number formats, totals, A4 landscape
with the header rows repeated on every printed page.

Written in openpyxl's write-only mode: the detailed lists of a large commune run to tens of
thousands of rows, and the normal mode holds every cell in memory (1.2 GB at 100k × 30 here).
Cells get named styles, registered once per workbook.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from copy import copy
from datetime import datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from app.reports.source import Printable
from app.reports.table import (
    GROUP,
    INT,
    MONEY,
    PCT,
    RATIO,
    SUBTOTAL,
    TEXT,
    TOTAL,
    YEAR,
    ReportTable,
)

FONT = "Times New Roman"  # the font of Vietnamese administrative documents (NĐ 30/2020)
NUMBER_FORMATS = {INT: "#,##0", MONEY: "#,##0", PCT: "0.0%", RATIO: "0.00", YEAR: "0", TEXT: "@"}
A4 = 9
TITLE_ROWS = 6  # rows above the table header: the title block


def _lines(text: str, width: float, factor: float = 1.0) -> int:
    """About how many lines `text` wraps to in a cell `width` characters wide (font size
    relative to the default: `factor`), rounded up with a margin for word breaks."""
    per_line = max(1.0, width / factor * 0.95)
    return max(1, math.ceil(len(text) * 1.1 / per_line))


def _styles() -> dict[str, NamedStyle]:
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    out: dict[str, NamedStyle] = {}

    def add(name: str, bold: bool = False, size: int = 11, **align: Any) -> NamedStyle:
        style = NamedStyle(name=name)
        style.font = Font(name=FONT, bold=bold, size=size)
        style.alignment = Alignment(vertical="center", **align)
        out[name] = style
        return style

    add("rs_org", bold=True, horizontal="center")
    add("rs_motto", bold=True, horizontal="center")
    add("rs_title", bold=True, size=13, horizontal="center", wrap_text=True)
    add("rs_sub", horizontal="center")
    add("rs_note", horizontal="left", wrap_text=True)
    add("rs_head", bold=True, size=10, horizontal="center", wrap_text=True).border = box
    add("rs_group", bold=True, horizontal="left").border = box
    for kind, fmt in NUMBER_FORMATS.items():
        for bold in (False, True):
            for align in ("left", "center", "right"):
                s = add(f"rs_{kind}_{align}{'_b' if bold else ''}", bold=bold, horizontal=align)
                s.number_format = fmt
                s.border = box
    return out


class WorkbookWriter:
    def __init__(
        self,
        source: Printable,
        created: datetime,
        fingerprint: str,
        fingerprint_label: str = "dấu vân tay gói dữ liệu",
    ) -> None:
        self.source = source
        self.created = created
        self.fingerprint = fingerprint
        self.fingerprint_label = fingerprint_label
        self.wb = Workbook(write_only=True)
        for style in _styles().values():
            self.wb.add_named_style(style)
        # Accidental edits only: Excel's protection is a weak legacy hash, not security. The
        # package's signatures are what make changes detectable.
        self.wb.security = WorkbookProtection(lockStructure=True)
        self._protos: dict[str, Any] = {}

    def add(self, table: ReportTable) -> None:
        ws: WriteOnlyWorksheet = self.wb.create_sheet(table.sheet[:31])
        width = len(table.columns)
        for i, col in enumerate(table.columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(4.0, col.width * 1.25)
        # Write-only sheets write their properties and each row's height with the first row
        # and with each row: everything about layout is set before any row is appended.
        self._print_setup(ws, table)
        self._row_heights(ws, table)
        merges: list[str] = []
        self._title_block(ws, table, width, merges)
        self._header(ws, table, merges)
        self._body(ws, table, width, merges)
        self._notes(ws, table, width, merges)
        for ref in merges:
            ws.merged_cells.add(CellRange(ref))

    def _row_heights(self, ws: WriteOnlyWorksheet, table: ReportTable) -> None:
        """Heights for the rows whose text wraps: the title, the header rows, the notes."""
        widths = [max(4.0, c.width * 1.25) for c in table.columns]
        total = sum(widths)
        ws.row_dimensions[4].height = 18 * _lines(table.title, total, 1.3)
        heights = [15.0] * table.header_rows
        for cell in sorted(table.header, key=lambda c: c.rowspan):
            span = sum(widths[cell.col : cell.col + cell.colspan])
            need = 13.5 * _lines(cell.text, span, 1.05) + 3
            have = sum(heights[cell.row : cell.row + cell.rowspan])
            if need > have:
                heights[cell.row + cell.rowspan - 1] += need - have
        for i, height in enumerate(heights):
            ws.row_dimensions[TITLE_ROWS + 1 + i].height = height
        first_note = TITLE_ROWS + table.header_rows + len(table.rows) + 2
        for k, note in enumerate(table.notes):
            ws.row_dimensions[first_note + k].height = 15 * _lines(f"Ghi chú: {note}", total)

    def _cell(self, ws: WriteOnlyWorksheet, value: Any, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value)
        # Copying a named style's resolved style array is ten times faster than assigning the
        # style by name (a lookup through every named style, for each of ~400,000 cells).
        proto = self._protos.get(style)
        if proto is None:
            cell.style = style
            self._protos[style] = copy(cell._style)
        else:
            cell._style = copy(proto)
        return cell

    def _row_of(self, ws: WriteOnlyWorksheet, width: int, text: str, style: str) -> list[Any]:
        return [self._cell(ws, text, style)] + [None] * (width - 1)

    def _title_block(
        self, ws: WriteOnlyWorksheet, table: ReportTable, width: int, merges: list[str]
    ) -> None:
        heading = self.source.heading()
        left = max(2, width // 3)
        right_start = max(left + 1, width - max(3, width // 2) + 1)
        for r, (a, b) in enumerate(
            (
                (heading.issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                (heading.issuer_detail, "Độc lập - Tự do - Hạnh phúc"),
            ),
            1,
        ):
            row: list[Any] = [None] * width
            row[0] = self._cell(ws, a, "rs_org")
            row[right_start - 1] = self._cell(ws, b, "rs_motto")
            ws.append(row)
            merges.append(f"A{r}:{get_column_letter(left)}{r}")
            merges.append(f"{get_column_letter(right_start)}{r}:{get_column_letter(width)}{r}")
        ws.append([])
        ws.append(self._row_of(ws, width, table.title, "rs_title"))
        ws.append(self._row_of(ws, width, heading.subtitle, "rs_sub"))
        ws.append([])
        end = get_column_letter(width)
        merges += [f"A4:{end}4", f"A5:{end}5"]

    def _header(self, ws: WriteOnlyWorksheet, table: ReportTable, merges: list[str]) -> None:
        grid: list[list[Any]] = [[None] * len(table.columns) for _ in range(table.header_rows)]
        for cell in table.header:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    # Covered cells carry the border too, so merged boxes are drawn whole.
                    grid[cell.row + dr][cell.col + dc] = self._cell(ws, None, "rs_head")
            grid[cell.row][cell.col] = self._cell(ws, cell.text, "rs_head")
            if cell.rowspan > 1 or cell.colspan > 1:
                top = TITLE_ROWS + 1 + cell.row
                merges.append(
                    f"{get_column_letter(cell.col + 1)}{top}:"
                    f"{get_column_letter(cell.col + cell.colspan)}{top + cell.rowspan - 1}"
                )
        for row in grid:
            ws.append(row)

    def _body(
        self, ws: WriteOnlyWorksheet, table: ReportTable, width: int, merges: list[str]
    ) -> None:
        styles = [
            (f"rs_{c.kind}_{c.alignment}", f"rs_{c.kind}_{c.alignment}_b") for c in table.columns
        ]
        n = TITLE_ROWS + table.header_rows
        make = self._cell
        end = get_column_letter(width)
        for row in table.rows:
            n += 1
            if row.kind == GROUP:
                ws.append(
                    [self._cell(ws, row.values[0], "rs_group")]
                    + [self._cell(ws, None, "rs_group") for _ in range(width - 1)]
                )
                merges.append(f"A{n}:{end}{n}")
                continue
            bold = 1 if row.kind in (TOTAL, SUBTOTAL) else 0
            out = []
            for value, pair in zip(row.values, styles, strict=True):
                out.append(make(ws, None if value == "" else value, pair[bold]))
            ws.append(out)

    def _notes(
        self, ws: WriteOnlyWorksheet, table: ReportTable, width: int, merges: list[str]
    ) -> None:
        ws.append([])
        n = TITLE_ROWS + table.header_rows + len(table.rows) + 1
        lines = [f"Ghi chú: {note}" for note in table.notes]
        lines.append(
            f"Lập bằng RaSoat lúc {self.created.strftime('%H:%M %d/%m/%Y')}; "
            f"{self.fingerprint_label}: {self.fingerprint}"
        )
        end = get_column_letter(width)
        for text in lines:
            n += 1
            ws.append(self._row_of(ws, width, text, "rs_note"))
            merges.append(f"A{n}:{end}{n}")

    def _print_setup(self, ws: WriteOnlyWorksheet, table: ReportTable) -> None:
        first = TITLE_ROWS + 1
        ws.print_title_rows = f"{first}:{first + table.header_rows - 1}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddHeader.left.text = self.source.place()
        ws.oddHeader.right.text = self.source.round_label
        ws.oddFooter.center.text = "Trang &P / &N"
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # officers may still widen a column to read it

    def save(self, out: IO[bytes]) -> None:
        self.wb.save(out)


def write_workbook(
    out: IO[bytes],
    source: Printable,
    tables: Sequence[ReportTable],
    created: datetime,
    fingerprint: str,
) -> None:
    writer = WorkbookWriter(source, created, fingerprint)
    for table in tables:
        writer.add(table)
    writer.save(out)
