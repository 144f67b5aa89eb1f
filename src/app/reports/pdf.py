"""PDF reports (reportlab): report tables drawn straight on the canvas, with Noto Sans embedded,
a running header (commune and round), page numbers, and a QR code with the package fingerprint.

Tables are laid out by our own small engine rather than platypus: platypus tables run at about
550 rows a second here, and the detailed lists of a large commune have tens of thousands of
rows. The engine measures and wraps cells, paginates first (so "Trang 3/41" is known when a page
is drawn), then draws each page with the table header repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import IO

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app import __version__
from app.reports.source import Printable
from app.reports.table import GROUP, SUBTOTAL, TOTAL, ReportTable, Row, format_number
from app.resources import resource_path

REGULAR, BOLD, ITALIC = "NotoSans", "NotoSans-Bold", "NotoSans-Italic"
MARGIN = 28.0
HEADER_BAND = 30.0  # running header above the content
FOOTER_BAND = 50.0  # page number, fingerprint and QR code below it
QR_SIZE = 44.0
BODY_SIZE = 7.5
HEAD_SIZE = 7.0
LINE = 9.2  # body line height
PAD = 2.5


@cache
def register_fonts() -> None:
    """Embed Noto Sans (SIL OFL) and make it the canvas default, so no page refers to a
    non-embedded Helvetica."""
    files = {
        REGULAR: "NotoSans-Regular.ttf",
        BOLD: "NotoSans-Bold.ttf",
        ITALIC: "NotoSans-Italic.ttf",
        "NotoSans-BoldItalic": "NotoSans-BoldItalic.ttf",
    }
    for name, file in files.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic="NotoSans-BoldItalic"
    )
    rl_config.canvas_basefontname = REGULAR


def width_of(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word longer than the line is cut where it overflows."""
    # No glyph of Noto Sans is wider than one em: a short string fits without measuring.
    if len(text) * size <= width or width_of(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if width_of(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while width_of(word, font, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and width_of(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


FINGERPRINT_LABELS = {"PKG": "Dấu vân tay gói", "SUM": "Dấu vân tay tổng hợp"}


@dataclass(frozen=True)
class Stamp:
    """What every page of a package document carries: where it comes from and its fingerprint."""

    place: str  # "Xã Ea Ly, Tỉnh Đắk Lắk"
    round_label: str
    fingerprint: str  # SHA-256 (hex) of the package's data/households.json
    created: datetime
    # PKG: a commune's package; SUM: the receiving office's consolidation of packages.
    kind: str = "PKG"

    @property
    def qr_text(self) -> str:
        return f"RASOAT-{self.kind}:1:{self.fingerprint}"


def content_top(page_height: float) -> float:
    """The highest y content may use on a page: below the running header."""
    return page_height - MARGIN - HEADER_BAND + 14


CONTENT_BOTTOM = MARGIN + FOOTER_BAND - 14  # the lowest y: above page number, fingerprint, QR


class PageCanvas:
    """A canvas with the running header, footer and the QR code drawn once as a form."""

    def __init__(self, out: IO[bytes], stamp: Stamp, title: str, pagesize: tuple[float, float]):
        register_fonts()
        canvas = Canvas(out, pagesize=pagesize, pageCompression=1, initialFontName=REGULAR)
        self.attach(canvas, stamp, title, pagesize)

    @classmethod
    def around(
        cls, canvas: Canvas, stamp: Stamp, title: str, pagesize: tuple[float, float]
    ) -> PageCanvas:
        """The frame for a canvas made by someone else (platypus), set up once per canvas."""
        existing: PageCanvas | None = getattr(canvas, "_rasoat_frame", None)
        if existing is None:
            existing = cls.__new__(cls)
            existing.attach(canvas, stamp, title, pagesize)
            canvas._rasoat_frame = existing
        return existing

    def attach(
        self, canvas: Canvas, stamp: Stamp, title: str, pagesize: tuple[float, float]
    ) -> None:
        self.stamp = stamp
        self.pagesize = pagesize
        self.c = canvas
        canvas.setTitle(title)
        canvas.setAuthor(stamp.place)
        canvas.setCreator(f"RaSoat {__version__}")
        canvas.setSubject(f"{stamp.round_label}; {stamp.qr_text}")
        self._qr_form()

    def _qr_form(self) -> None:
        # Drawn from the encoder's module matrix, once, as a form XObject every page reuses
        # (reportlab's QR widget would also pull in a non-embedded Helvetica).
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(self.stamp.qr_text)
        qr.make()
        n = qr.getModuleCount()
        size = QR_SIZE / n
        c = self.c
        c.beginForm("qr")
        c.setFillGray(0)
        for r in range(n):
            y = QR_SIZE - (r + 1) * size
            col = 0
            while col < n:
                if not qr.isDark(r, col):
                    col += 1
                    continue
                start = col
                while col < n and qr.isDark(r, col):
                    col += 1
                c.rect(start * size, y, (col - start) * size, size, stroke=0, fill=1)
        c.endForm()

    def frame(self, page: int, pages: int) -> None:
        c = self.c
        w, h = self.pagesize
        c.setFont(REGULAR, 7.5)
        c.setFillGray(0.25)
        c.drawString(MARGIN, h - MARGIN + 8, self.stamp.place)
        c.drawRightString(w - MARGIN, h - MARGIN + 8, self.stamp.round_label)
        c.setLineWidth(0.4)
        c.line(MARGIN, h - MARGIN + 4, w - MARGIN, h - MARGIN + 4)
        c.drawRightString(w - MARGIN - QR_SIZE - 8, MARGIN - 4, f"Trang {page}/{pages}")
        c.setFont(REGULAR, 5.5)
        label = FINGERPRINT_LABELS.get(self.stamp.kind, FINGERPRINT_LABELS["PKG"])
        c.drawString(MARGIN, MARGIN - 4, f"{label}: {self.stamp.fingerprint}")
        c.drawString(
            MARGIN,
            MARGIN - 11,
            f"Lập bằng RaSoat {__version__} lúc {self.stamp.created.strftime('%H:%M %d/%m/%Y')}",
        )
        c.setFillGray(0)
        c.saveState()
        c.translate(w - MARGIN - QR_SIZE, MARGIN - 14)
        c.doForm("qr")
        c.restoreState()

    @property
    def content_top(self) -> float:
        return content_top(self.pagesize[1])

    @property
    def content_bottom(self) -> float:
        return CONTENT_BOTTOM

    def save(self) -> None:
        self.c.save()


def title_block(c: Canvas, src: Printable, title: str, top: float, width: float) -> float:
    """The heading of an administrative document: issuing body, national motto, title.
    Returns the y below it."""
    x0, x1 = MARGIN, MARGIN + width
    left_mid, right_mid = x0 + width * 0.18, x1 - width * 0.25
    c.setFont(BOLD, 9)
    heading = src.heading()
    c.drawCentredString(left_mid, top - 10, heading.issuer)
    c.drawCentredString(right_mid, top - 10, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont(REGULAR, 8.5)
    c.drawCentredString(left_mid, top - 21, heading.issuer_detail)
    c.setFont(BOLD, 9)
    c.drawCentredString(right_mid, top - 21, "Độc lập - Tự do - Hạnh phúc")
    motto = width_of("Độc lập - Tự do - Hạnh phúc", BOLD, 9)
    c.setLineWidth(0.5)
    c.line(right_mid - motto / 2, top - 24, right_mid + motto / 2, top - 24)
    y = top - 44
    c.setFont(BOLD, 11.5)
    for line in wrap(title, BOLD, 11.5, width * 0.9):
        c.drawCentredString(x0 + width / 2, y, line)
        y -= 14
    c.setFont(ITALIC, 8.5)
    c.drawCentredString(x0 + width / 2, y, heading.subtitle)
    return y - 12


class TableLayout:
    """Column widths, wrapped header and rows, and the page breaks of one table."""

    def __init__(self, table: ReportTable, width: float) -> None:
        self.table = table
        total = sum(c.width for c in table.columns)
        self.widths = [width * c.width / total for c in table.columns]
        self.xs = [MARGIN]
        for w in self.widths:
            self.xs.append(self.xs[-1] + w)
        self.width = width
        self.head_lines = self._header_lines()
        self.head_heights = self._header_heights()
        self.head_height = sum(self.head_heights)

    def _span_width(self, col: int, colspan: int) -> float:
        return self.xs[col + colspan] - self.xs[col]

    def _header_lines(self) -> list[list[str]]:
        return [
            wrap(h.text, BOLD, HEAD_SIZE, self._span_width(h.col, h.colspan) - 2 * PAD)
            for h in self.table.header
        ]

    def _header_heights(self) -> list[float]:
        rows = self.table.header_rows
        heights = [LINE + 2 * PAD] * rows
        # Single-row cells set their row's height; a taller spanning cell stretches its last row.
        for h, lines in sorted(
            zip(self.table.header, self.head_lines, strict=True), key=lambda p: p[0].rowspan
        ):
            need = len(lines) * (HEAD_SIZE + 1.6) + 2 * PAD
            have = sum(heights[h.row : h.row + h.rowspan])
            if need > have:
                heights[h.row + h.rowspan - 1] += need - have
        return heights

    def row_lines(self, row: Row) -> list[list[str]]:
        if row.kind == GROUP:
            return [wrap(str(row.values[0]), BOLD, BODY_SIZE, self.width - 2 * PAD)]
        font = BOLD if row.kind in (TOTAL, SUBTOTAL) else REGULAR
        return [
            wrap(format_number(v, col.kind), font, BODY_SIZE, w - 2 * PAD)
            for v, col, w in zip(row.values, self.table.columns, self.widths, strict=True)
        ]

    def paginate(
        self, first_space: float, page_space: float
    ) -> list[list[tuple[Row, list[list[str]], float]]]:
        pages: list[list[tuple[Row, list[list[str]], float]]] = [[]]
        space = first_space - self.head_height
        for row in self.table.rows:
            lines = self.row_lines(row)
            height = max(len(cell) for cell in lines) * LINE + 2 * PAD
            if height > space and pages[-1]:
                pages.append([])
                space = page_space - self.head_height
            pages[-1].append((row, lines, height))
            space -= height
        return pages


def _draw_header(c: Canvas, layout: TableLayout, top: float) -> float:
    tops = [top]
    for height in layout.head_heights:
        tops.append(tops[-1] - height)
    c.setLineWidth(0.5)
    c.setFont(BOLD, HEAD_SIZE)
    for h, lines in zip(layout.table.header, layout.head_lines, strict=True):
        x0, x1 = layout.xs[h.col], layout.xs[h.col + h.colspan]
        y0, y1 = tops[h.row], tops[h.row + h.rowspan]
        c.rect(x0, y1, x1 - x0, y0 - y1)
        text_h = len(lines) * (HEAD_SIZE + 1.6)
        y = (y0 + y1) / 2 + text_h / 2 - HEAD_SIZE
        for line in lines:
            c.drawCentredString((x0 + x1) / 2, y, line)
            y -= HEAD_SIZE + 1.6
    return tops[-1]


def _draw_rows(
    c: Canvas, layout: TableLayout, rows: Sequence[tuple[Row, list[list[str]], float]], top: float
) -> None:
    """The rows of one page: all their text in one PDF text object (a text object per string
    was half the drawing time), then the rules."""
    xs, columns = layout.xs, layout.table.columns
    aligns = [col.alignment for col in columns]
    left, right = xs[0], xs[-1]
    text = c.beginText()
    font = ""
    y = top
    run_top = top
    rules: list[tuple[float, float, float, float]] = []
    for row, lines, height in rows:
        bottom = y - height
        wanted = BOLD if row.kind in (TOTAL, SUBTOTAL, GROUP) else REGULAR
        if wanted != font:
            font = wanted
            text.setFont(font, BODY_SIZE)
        ty0 = y - PAD - BODY_SIZE + 0.5
        if row.kind == GROUP:
            rules += _vertical_rules(xs, run_top, y)
            for k, line in enumerate(lines[0]):
                text.setTextOrigin(left + PAD, ty0 - k * LINE)
                text.textOut(line)
            rules += [(left, y, left, bottom), (right, y, right, bottom)]
            run_top = bottom
        else:
            for i, cell in enumerate(lines):
                if not cell[0]:
                    continue
                align = aligns[i]
                for k, line in enumerate(cell):
                    if align == "left":
                        x = xs[i] + PAD
                    else:
                        w = width_of(line, font, BODY_SIZE)
                        x = xs[i + 1] - PAD - w if align == "right" else (xs[i] + xs[i + 1] - w) / 2
                    text.setTextOrigin(x, ty0 - k * LINE)
                    text.textOut(line)
        rules.append((left, bottom, right, bottom))
        y = bottom
    rules += _vertical_rules(xs, run_top, y)
    c.drawText(text)
    c.setLineWidth(0.4)
    c.lines(rules)


def _vertical_rules(
    xs: Sequence[float], top: float, bottom: float
) -> list[tuple[float, float, float, float]]:
    return [(x, top, x, bottom) for x in xs] if top - bottom > 0.01 else []


def _draw_notes(c: Canvas, notes: Iterable[str], top: float, width: float) -> float:
    c.setFont(ITALIC, 7)
    y = top - 10
    for note in notes:
        for line in wrap(f"Ghi chú: {note}", ITALIC, 7, width):
            c.drawString(MARGIN, y, line)
            y -= 9
    return y


PagePainter = Callable[[PageCanvas], None]


def write_tables_pdf(
    out: IO[bytes],
    source: Printable,
    tables: Sequence[ReportTable],
    stamp: Stamp,
    title: str,
    before: Sequence[PagePainter] = (),
) -> int:
    """Each table starting on a new A4 landscape page, after the pages `before` draws (a chart,
    each painter one page); returns the number of pages."""
    page = PageCanvas(out, stamp, title, landscape(A4))
    width = page.pagesize[0] - 2 * MARGIN
    laid = []
    for table in tables:
        layout = TableLayout(table, width)
        first_top = _title_height(page, source, table, width)
        notes_room = 12 + 9 * len(table.notes) * 2
        pages = layout.paginate(
            first_top - page.content_bottom - notes_room,
            page.content_top - page.content_bottom - notes_room,
        )
        laid.append((table, layout, pages))
    total = len(before) + sum(len(p) for _, _, p in laid)
    n = 0
    for paint in before:
        n += 1
        paint(page)
        page.frame(n, total)
        page.c.showPage()
    for table, layout, pages in laid:
        for k, rows in enumerate(pages):
            n += 1
            top = page.content_top
            if k == 0:
                top = title_block(page.c, source, table.title, top, width)
            body_top = _draw_header(page.c, layout, top)
            _draw_rows(page.c, layout, rows, body_top)
            if k == len(pages) - 1:
                used = sum(h for _, _, h in rows)
                _draw_notes(page.c, table.notes, body_top - used, width)
            page.frame(n, total)
            page.c.showPage()
    page.save()
    return total


def _title_height(page: PageCanvas, source: Printable, table: ReportTable, width: float) -> float:
    lines = len(wrap(table.title, BOLD, 11.5, width * 0.9))
    return page.content_top - 44 - 14 * lines - 12 + 14
