"""The chart of poverty rates by commune: a horizontal bar per commune (poor, then near-poor,
stacked), highest first, with the province-wide rate as a dashed line; as many PDF pages as the
communes need, and the same figures as a native chart in the workbook.

Drawn straight on the canvas with the embedded Noto Sans (reportlab's chart widgets would pull
in a non-embedded Helvetica), like the tables in app/reports/pdf.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook import Workbook

from app.office.consolidation import ConsolidatedSource
from app.reports.pdf import (
    BOLD,
    CONTENT_BOTTOM,
    MARGIN,
    REGULAR,
    PageCanvas,
    PagePainter,
    content_top,
    title_block,
    width_of,
)
from app.reports.table import format_number

POOR_RGB = (0.70, 0.09, 0.17)
NEAR_RGB = (0.94, 0.54, 0.38)
PITCH = 12.5  # points per commune
AXIS_LABELS = 14  # the tick labels drawn below the last bar
FIRST_HEADING = 72  # the administrative heading and title on the first page (title_block)
LABEL_WIDTH = 170.0
TITLE = "TỶ LỆ HỘ NGHÈO, HỘ CẬN NGHÈO THEO XÃ, PHƯỜNG"
SHEET = "Biểu đồ tỷ lệ nghèo"


@dataclass(frozen=True)
class Bar:
    name: str
    poor: float
    near_poor: float


def bars(source: ConsolidatedSource) -> list[Bar]:
    """A bar per commune with households, the poorest first (then by name, for a stable order)."""
    out = [
        Bar(c.name, c.rate("poor") or 0.0, c.rate("near_poor") or 0.0)
        for c in source.communes
        if c.features
    ]
    return sorted(out, key=lambda b: (-b.poor, -b.near_poor, b.name))


def province_rate(source: ConsolidatedSource, cls: str) -> float:
    total = len(source.features)
    return sum(1 for f in source.features if f.cls == cls) / total if total else 0.0


def _scale(top: float) -> tuple[float, float]:
    """The axis end and tick step (fractions) for rates up to `top`."""
    for step in (0.02, 0.05, 0.1, 0.2):
        end = max(step, math.ceil(top / step - 1e-9) * step)
        if end / step <= 10:
            return end, step
    return 1.0, 0.2


def chart_pages(source: ConsolidatedSource, page_height: float) -> list[PagePainter]:
    """One painter per PDF page of the chart."""
    all_bars = bars(source)
    if not all_bars:
        return []
    end, step = _scale(max(b.poor + b.near_poor for b in all_bars))
    # The bars run from below the title (and, on the first page, the document's heading) and
    # the legend down to the axis labels above the footer band.
    bottom = CONTENT_BOTTOM + AXIS_LABELS
    top = content_top(page_height)
    first = max(5, int((top - FIRST_HEADING - 36 - bottom) // PITCH))
    later = max(5, int((top - 14 - 36 - bottom) // PITCH))
    pages = [all_bars[:first]]
    pages += [all_bars[i : i + later] for i in range(first, len(all_bars), later)]
    average = province_rate(source, "poor")
    return [_painter(source, chunk, end, step, average, n == 0) for n, chunk in enumerate(pages)]


def _painter(
    source: ConsolidatedSource,
    chunk: Sequence[Bar],
    end: float,
    step: float,
    average: float,
    first: bool,
) -> PagePainter:
    def paint(page: PageCanvas) -> None:
        _draw(page, source, chunk, end, step, average, first)

    return paint


def _pct(value: float) -> str:
    return f"{format_number(value, 'pct')} %"


def _draw(
    page: PageCanvas,
    source: ConsolidatedSource,
    chunk: Sequence[Bar],
    end: float,
    step: float,
    average: float,
    first: bool,
) -> None:
    c = page.c
    width = page.pagesize[0] - 2 * MARGIN
    top = page.content_top
    if first:
        top = title_block(c, source, TITLE, top, width) + 14
    else:
        c.setFont(BOLD, 11.5)
        c.drawCentredString(MARGIN + width / 2, top - 14, f"{TITLE} (tiếp theo)")
        top -= 14
    _legend(page, top - 18, average)
    x0 = MARGIN + LABEL_WIDTH
    x1 = MARGIN + width - 90
    y_top = top - 36
    y_bottom = y_top - PITCH * len(chunk)

    def x_of(rate: float) -> float:
        return x0 + (x1 - x0) * min(rate, end) / end

    _axis(page, x_of, end, step, y_top, y_bottom)
    for i, bar in enumerate(chunk):
        y = y_top - (i + 1) * PITCH + 2.5
        c.setFillColorRGB(0, 0, 0)
        c.setFont(REGULAR, 7)
        c.drawRightString(x0 - 4, y + 2.5, _fit(bar.name, LABEL_WIDTH - 8))
        c.setFillColorRGB(*POOR_RGB)
        c.rect(x0, y, x_of(bar.poor) - x0, PITCH - 5, stroke=0, fill=1)
        c.setFillColorRGB(*NEAR_RGB)
        c.rect(
            x_of(bar.poor),
            y,
            x_of(bar.poor + bar.near_poor) - x_of(bar.poor),
            PITCH - 5,
            stroke=0,
            fill=1,
        )
        c.setFillColorRGB(0.2, 0.2, 0.2)
        c.setFont(REGULAR, 6.5)
        c.drawString(
            x_of(bar.poor + bar.near_poor) + 3, y + 2, f"{_pct(bar.poor)} + {_pct(bar.near_poor)}"
        )
    c.setStrokeColorRGB(0.1, 0.1, 0.1)
    c.setDash(3, 2)
    c.setLineWidth(0.8)
    c.line(x_of(average), y_top + 4, x_of(average), y_bottom)
    c.setDash()
    c.setFillColorRGB(0, 0, 0)


def _fit(text: str, width: float) -> str:
    if width_of(text, REGULAR, 7) <= width:
        return text
    while text and width_of(text + "…", REGULAR, 7) > width:
        text = text[:-1]
    return text + "…"


def _legend(page: PageCanvas, y: float, average: float) -> None:
    c = page.c
    x = MARGIN + LABEL_WIDTH
    c.setFont(REGULAR, 7.5)
    for rgb, text in ((POOR_RGB, "Tỷ lệ hộ nghèo"), (NEAR_RGB, "Tỷ lệ hộ cận nghèo")):
        c.setFillColorRGB(*rgb)
        c.rect(x, y, 14, 7, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(x + 18, y + 0.5, text)
        x += 28 + width_of(text, REGULAR, 7.5)
    c.setDash(3, 2)
    c.line(x, y + 3.5, x + 14, y + 3.5)
    c.setDash()
    c.drawString(x + 18, y + 0.5, f"Tỷ lệ hộ nghèo chung: {_pct(average)}")


def _axis(
    page: PageCanvas,
    x_of: Callable[[float], float],
    end: float,
    step: float,
    y_top: float,
    y_bottom: float,
) -> None:
    c = page.c
    c.setLineWidth(0.3)
    c.setFont(REGULAR, 6.5)
    ticks = round(end / step)
    for k in range(ticks + 1):
        rate = k * step
        x = x_of(rate)
        c.setStrokeColorRGB(0.8, 0.8, 0.8)
        c.line(x, y_top, x, y_bottom)
        c.setFillColorRGB(0.3, 0.3, 0.3)
        label = f"{round(rate * 100)} %"
        c.drawCentredString(x, y_bottom - 9, label)
        c.drawCentredString(x, y_top + 3, label)
    c.setStrokeColorRGB(0, 0, 0)
    c.line(x_of(0), y_top, x_of(0), y_bottom)


def add_chart_sheet(
    wb: Workbook, source: ConsolidatedSource, percent_style: str, text_style: str
) -> None:
    """The figures and a native (stacked bar) chart of them, on a sheet of their own."""
    ws = wb.create_sheet(SHEET)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 18
    data = bars(source)

    def cell(value: object, style: str) -> WriteOnlyCell:
        out = WriteOnlyCell(ws, value)
        out.style = style
        return out

    ws.append(
        [
            cell("Xã, phường", text_style),
            cell("Tỷ lệ hộ nghèo", text_style),
            cell("Tỷ lệ hộ cận nghèo", text_style),
        ]
    )
    # The chart draws the first row at the bottom: the poorest commune is written last.
    for bar in reversed(data):
        ws.append(
            [
                cell(bar.name, text_style),
                cell(bar.poor, percent_style),
                cell(bar.near_poor, percent_style),
            ]
        )
    if not data:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = TITLE
    chart.y_axis.title = "Tỷ lệ"
    chart.y_axis.numFmt = "0%"
    chart.height = max(8.0, 0.45 * len(data) + 3)
    chart.width = 24
    chart.add_data(
        Reference(ws, min_col=2, max_col=3, min_row=1, max_row=len(data) + 1), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(data) + 1))
    ws.add_chart(chart, "E2")
