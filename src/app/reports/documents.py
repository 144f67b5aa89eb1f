"""The documents of the review as PDFs: village meeting minutes (Phụ lục V), the draft chairman's
decision (Mẫu 02) with its list, and a certificate per poor or near-poor household (Mẫu 03).

Wording comes from `resources/reports/documents.json` (secondary: correct it there). What the
review procedure recorded (meetings, decision number, certificate numbers) fills the documents;
what it has not recorded yet is left as dotted lines to fill in by hand. Every page carries the
package frame (commune, round, page number, fingerprint and QR code).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import IO, Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from app.i18n import tr
from app.reports.groups import head_ethnicity
from app.reports.pdf import (
    BOLD,
    FOOTER_BAND,
    HEADER_BAND,
    ITALIC,
    MARGIN,
    REGULAR,
    PageCanvas,
    Stamp,
    register_fonts,
)
from app.reports.source import ReportSource, Result
from app.reports.summary_tables import CLASS_TITLES
from app.reports.workflow_data import Meeting, WorkflowData
from app.resources import resource_path

FRAME_WIDTH = A4[0] - 4 * MARGIN - 2  # the text width of a portrait page
BLANK_DATE = "ngày …… tháng …… năm ……"
DOTS = "…………………………"


@cache
def wording() -> dict[str, Any]:
    with resource_path("reports", "documents.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=11, leading=15, alignment=TA_JUSTIFY)
    return {
        "body": base,
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceBefore=8,
        ),
        "subject": ParagraphStyle("subject", parent=base, fontName=BOLD, alignment=TA_CENTER),
        "italic": ParagraphStyle("italic", parent=base, fontName=ITALIC),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11, alignment=0),
        "head": ParagraphStyle(
            "head", parent=base, fontName=BOLD, fontSize=9, leading=11, alignment=TA_CENTER
        ),
        "mark": ParagraphStyle(
            "mark",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            alignment=TA_CENTER,
            textColor="#b00000",
        ),
    }


def _date(value: Any, place: str = "") -> str:
    text = (
        BLANK_DATE
        if value is None
        else (f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}")
    )
    return f"{place}, {text}" if place else text


def heading(source: ReportSource, right_note: str = "") -> Table:
    """Issuing body and national motto, side by side, as on every administrative document."""
    s = styles()
    commune = source.commune.name.upper()
    left = [
        Paragraph(f"<b>UBND {commune}</b>", s["center"]),
        Paragraph(source.commune.province_name, s["center"]),
    ]
    right = [
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", s["center"]),
        Paragraph("<b><u>Độc lập - Tự do - Hạnh phúc</u></b>", s["center"]),
    ]
    if right_note:
        right.append(Paragraph(f"<i>{right_note}</i>", s["center"]))
    table = Table([[left, right]], colWidths=["40%", "60%"])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), REGULAR)])
    )
    return table


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], header_rows: int = 1) -> Table:
    s = styles()
    # Header cells wrap (Paragraph); body cells are plain strings, several times faster to lay
    # out, in columns wide enough for them.
    body = [
        [Paragraph(str(v), s["head"]) for v in row] if i < header_rows else [str(v) for v in row]
        for i, row in enumerate(rows)
    ]
    scale = FRAME_WIDTH / sum(widths)
    table = Table(body, colWidths=[w * scale for w in widths], repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, header_rows), (-1, -1), 9),
            ]
        )
    )
    return table


def signatures(*pairs: tuple[str, str]) -> Table:
    """Signature blocks: (title, name) side by side, with room to sign."""
    s = styles()
    cells = [
        [
            Paragraph(f"<b>{title}</b>", s["center"]),
            Paragraph("<i>(Ký, ghi rõ họ tên)</i>", s["center"]),
            Spacer(1, 48),
            Paragraph(f"<b>{name or DOTS}</b>", s["center"]),
        ]
        for title, name in pairs
    ]
    table = Table([cells])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)]))  # not Helvetica
    return table


class _FramedCanvas(Canvas):  # type: ignore[misc]
    """Keeps each laid-out page until the end, then draws the frame with "Trang x/y" on every
    page: one layout pass instead of two (platypus is the slow part)."""

    stamp: Stamp
    title: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = REGULAR  # no page may refer to a non-embedded Helvetica
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            PageCanvas.around(self, self.stamp, self.title, A4).frame(self._pageNumber, total)
            super().showPage()
        super().save()


def build(out: IO[bytes], story: Callable[[], list[Flowable]], stamp: Stamp, title: str) -> int:
    """Lay out the flowables `story()` makes on A4 portrait pages with the package frame."""
    canvas_class = type("DocumentCanvas", (_FramedCanvas,), {"stamp": stamp, "title": title})
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author=stamp.place,
        leftMargin=MARGIN * 2,
        rightMargin=MARGIN * 2,
        topMargin=MARGIN + HEADER_BAND,
        bottomMargin=MARGIN + FOOTER_BAND,
    )
    doc.build(story(), canvasmaker=canvas_class)
    return int(doc.page)


def _proposed(source: ReportSource, village: str) -> list[Result]:
    return [
        r for r in source.results if r.facts.village == village and r.cls in ("poor", "near_poor")
    ]


def minutes_story(source: ReportSource, data: WorkflowData) -> list[Flowable]:
    s, w = styles(), wording()["minutes"]
    story: list[Flowable] = []
    for village in source.villages:
        proposed = _proposed(source, village)
        meetings: list[Meeting | None] = list(data.meetings.get(village, ())) or [None]
        for meeting in meetings:
            if story:
                story.append(PageBreak())
            story += _minutes(source, village, proposed, meeting, s, w)
    return story


def _minutes(
    source: ReportSource,
    village: str,
    proposed: list[Result],
    meeting: Meeting | None,
    s: dict[str, ParagraphStyle],
    w: dict[str, str],
) -> list[Flowable]:
    year = source.round.year
    held = meeting.held_on if meeting else None
    story: list[Flowable] = [
        heading(source),
        Paragraph(f"{w['title']} {village.upper()}", s["title"]),
        Paragraph(w["subject"].format(year=year), s["subject"]),
        Spacer(1, 8),
        Paragraph(f"Hôm nay, {_date(held)}, tại {village}, {source.place()}.", s["body"]),
        Paragraph("<b>I. Thành phần tham dự</b>", s["body"]),
        Paragraph(f"Chủ trì: {meeting.chair if meeting else DOTS} (Trưởng thôn)", s["body"]),
        Paragraph(f"Thư ký: {meeting.secretary if meeting else DOTS}", s["body"]),
        Paragraph(
            f"Đại diện Ban công tác Mặt trận: {(meeting.supervisor if meeting else '') or DOTS}",
            s["body"],
        ),
        Paragraph(f"Số người tham dự: {meeting.attendees if meeting else DOTS} người.", s["body"]),
        Paragraph("<b>II. Danh sách hộ được đưa ra bình xét</b>", s["body"]),
    ]
    rows: list[list[Any]] = [["STT", "Họ và tên chủ hộ", "Mã hộ", "Số khẩu", "Đề xuất"]]
    for n, r in enumerate(proposed, 1):
        head = r.facts.head
        rows.append(
            [
                n,
                head.name if head else "",
                r.facts.id,
                len(r.facts.members),
                CLASS_TITLES[r.cls or "poor"],
            ]
        )
    if len(rows) == 1:
        rows.append(["", "Không có hộ được đề xuất", "", "", ""])
    story.append(grid(rows, [30, 190, 80, 50, 110]))
    story.append(Paragraph("<b>III. Kết quả biểu quyết</b>", s["body"]))
    story.append(_votes(meeting))
    story += [
        Spacer(1, 6),
        Paragraph(w["closing"], s["italic"]),
        Spacer(1, 10),
        KeepTogether(
            signatures(
                ("THƯ KÝ", meeting.secretary if meeting else ""),
                ("ĐẠI DIỆN MẶT TRẬN", meeting.supervisor if meeting else ""),
                ("CHỦ TRÌ", meeting.chair if meeting else ""),
            )
        ),
    ]
    return story


def _votes(meeting: Meeting | None) -> Table:
    rows: list[list[Any]] = [
        ["Nhóm hộ", "Số người đồng ý", "Tỷ lệ (%)", "Kết quả (cần từ 50% đồng ý)"]
    ]
    if meeting is None or not meeting.votes:
        rows.append([DOTS, DOTS, DOTS, DOTS])
    else:
        for v in meeting.votes:
            rate = v.agreeing / meeting.attendees if meeting.attendees else 0
            rows.append(
                [
                    f"{v.label} ({len(v.codes)} hộ)",
                    f"{v.agreeing}/{meeting.attendees}",
                    f"{rate * 100:.1f}".replace(".", ","),
                    "Thống nhất" if v.agreed else "Không đạt: rà soát lại",
                ]
            )
    return grid(rows, [200, 100, 70, 120])


def decision_story(source: ReportSource, data: WorkflowData) -> list[Flowable]:
    s, w = styles(), wording()["decision"]
    commune, year = source.commune.name, source.round.year
    poor, near = source.of_class("poor"), source.of_class("near_poor")
    params = dict(
        commune=commune,
        COMMUNE=commune.upper(),
        year=year,
        poor=len(poor),
        near_poor=len(near),
        poor_members=sum(len(r.facts.members) for r in poor),
        near_poor_members=sum(len(r.facts.members) for r in near),
    )
    decided = data.decision
    number = f"Số: {decided.number}" if decided else "Số: ……/QĐ-UBND"
    story: list[Flowable] = []
    if decided is None:
        story.append(Paragraph(w["draft_mark"], s["mark"]))
    story += [
        heading(source, _date(decided.dated if decided else None, commune)),
        Paragraph(number, s["center"]),
        Paragraph(w["title"], s["title"]),
        Paragraph(w["subject"].format(**params), s["subject"]),
        Spacer(1, 8),
        Paragraph(f"<b>{w['authority'].format(**params)}</b>", s["center"]),
        Spacer(1, 6),
        *[Paragraph(f"<i>{b.format(**params)}</i>", s["body"]) for b in w["bases"]],
        Spacer(1, 6),
        Paragraph("<b>QUYẾT ĐỊNH:</b>", s["center"]),
        *[Paragraph(a.format(**params), s["body"]) for a in w["articles"]],
        Spacer(1, 10),
        KeepTogether(signatures(("CHỦ TỊCH", decided.signer if decided else ""))),
        Spacer(1, 6),
        Paragraph(
            "<i>Danh sách kèm theo: Phụ lục VI (tệp reports/phu-luc-vi-danh-sach-chinh-thuc.pdf "
            "trong cùng gói dữ liệu, cùng dấu vân tay).</i>",
            s["small"],
        ),
    ]
    return story


def certificate_story(source: ReportSource, data: WorkflowData) -> list[Flowable]:
    s, w = styles(), wording()["certificate"]

    def relation(code: str) -> str:
        return tr(f"code.relation.{code}")

    story: list[Flowable] = []
    decision = data.decision
    for r in [*source.of_class("poor"), *source.of_class("near_poor")]:
        cls = r.cls or "poor"
        number, _issued = data.certificates.get(r.facts.id, (None, None))
        head = r.facts.head
        if story:
            story.append(PageBreak())
        story += [
            heading(source),
            Paragraph(w["title"][cls], s["title"]),
            Paragraph(f"Số: {number or '……/' + w['number_suffix']}", s["center"]),
            Spacer(1, 8),
            Paragraph(
                w["body"].format(
                    commune=source.commune.name,
                    class_name=CLASS_TITLES[cls].lower(),
                    year=source.round.year,
                ),
                s["body"],
            ),
            Paragraph(f"Họ và tên chủ hộ: <b>{head.name if head else DOTS}</b>", s["body"]),
            Paragraph(f"Dân tộc: {head_ethnicity(r.facts) or DOTS}", s["body"]),
            Paragraph(
                f"Số định danh cá nhân: {(head.id_number if head else None) or DOTS}", s["body"]
            ),
            Paragraph(f"Nơi cư trú: {r.facts.address or r.facts.village}", s["body"]),
            Paragraph(f"Mã hộ: {r.facts.id}", s["body"]),
            Paragraph("Danh sách thành viên hộ gia đình:", s["body"]),
        ]
        rows: list[list[Any]] = [
            [
                "STT",
                "Họ và tên",
                "Dân tộc",
                "Quan hệ với chủ hộ",
                "Năm sinh (Nam)",
                "Năm sinh (Nữ)",
                "Ghi chú",
            ]
        ]
        for k, m in enumerate(r.facts.members, 1):
            year = m.birth_date[:4]
            rows.append(
                [
                    k,
                    m.name,
                    m.ethnicity or "",
                    relation(m.relation),
                    year if m.sex == "male" else "",
                    year if m.sex == "female" else "",
                    "",
                ]
            )
        story.append(grid(rows, [28, 150, 60, 80, 55, 55, 60]))
        if decision is not None:
            story.append(
                Paragraph(
                    f"Theo Quyết định số {decision.number} {_date(decision.dated)}.", s["body"]
                )
            )
        story += [
            Paragraph(w["valid"].format(year=source.round.year), s["italic"]),
            Spacer(1, 8),
            KeepTogether(signatures(("CHỦ TỊCH UBND", decision.signer if decision else ""))),
        ]
    if not story:
        story.append(Paragraph("Không có hộ nghèo, hộ cận nghèo.", s["body"]))
    return story


def write_document(
    out: IO[bytes], story: Callable[[], list[Flowable]], stamp: Stamp, title: str
) -> int:
    """Write a document whose flowables `story()` makes; returns the number of pages."""
    return build(out, story, stamp, title)
