"""The consolidated reports of a round: one workbook and one PDF in the chosen folder.

Both hold the same tables, computed once: the packages the figures come from, then the summary
report tables of app/reports with a row per commune (subtotals per province), and the chart of
poverty rates by commune (PDF pages; a native chart on a sheet of the workbook). Every page and
sheet carries the consolidation's fingerprint, which names exactly the packages it is built on.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from sqlalchemy.orm import Session

from app import atomic, audit
from app.actor import Actor
from app.i18n import tr
from app.jobs import IsCancelled, Progress
from app.office.consolidation import CommuneResult, ConsolidatedSource, load_consolidation
from app.office.rate_chart import add_chart_sheet, chart_pages
from app.permissions import require
from app.reports import place_tables
from app.reports.pdf import Stamp, write_tables_pdf
from app.reports.table import (
    GROUP,
    INT,
    PCT,
    SUBTOTAL,
    TEXT,
    TOTAL,
    Column,
    ReportTable,
    Row,
    header_grid,
    share,
)
from app.reports.workbook import WorkbookWriter

FINGERPRINT_LABEL = "dấu vân tay dữ liệu tổng hợp (các gói đã dùng)"


@dataclass(frozen=True)
class ConsolidatedFiles:
    workbook: Path
    pdf: Path
    round_key: str
    communes: int
    households: int
    excluded: tuple[tuple[str, str], ...]
    fingerprint: str

    def summary(self, lang: str) -> str:
        """What was written, and which communes were left out for another standard."""
        lines = [
            tr(
                "consolidate.done",
                lang,
                round=self.round_key,
                communes=self.communes,
                households=f"{self.households:,}".replace(",", "."),
                workbook=str(self.workbook),
                pdf=str(self.pdf),
                fingerprint=self.fingerprint,
            )
        ]
        lines += [
            tr("consolidate.excluded", lang, commune=name, standard=standard)
            for name, standard in self.excluded
        ]
        return "\n".join(lines)


def packages_table(source: ConsolidatedSource) -> ReportTable:
    """Which package each commune's figures come from, with its headline numbers."""
    rows: list[Row] = []
    n = 0
    provinces = source.provinces()

    def cells(communes: Sequence[CommuneResult]) -> list[object]:
        features = [f for c in communes for f in c.features]
        poor = sum(1 for f in features if f.cls == "poor")
        near = sum(1 for f in features if f.cls == "near_poor")
        return [len(features), poor, share(poor, len(features)), near, share(near, len(features))]

    for name, communes in provinces:
        if len(provinces) > 1:
            rows.append(Row((name,), GROUP))
        for c in communes:
            n += 1
            created = when_made(c.created_at)
            rows.append(
                Row((n, c.name, c.code, *cells([c]), created, c.signer, c.manifest_sha256[:16]))
            )
        if len(provinces) > 1:
            rows.append(Row(("", f"Cộng {name}", "", *cells(communes), "", "", ""), SUBTOTAL))
    rows.append(Row(("", "Tổng cộng", "", *cells(list(source.communes)), "", "", ""), TOTAL))
    notes = [
        "Mỗi xã được tổng hợp từ gói mới nhất đã được xác minh chữ ký; các gói cũ hơn chỉ được "
        "lưu trong nhật ký tiếp nhận.",
    ]
    if source.excluded:
        listed = "; ".join(f"{name} ({standard})" for name, standard in source.excluded)
        notes.append(f"Không tổng hợp vì dùng chuẩn khác {source.pack.id}: {listed}.")
    return ReportTable(
        "cac-goi-tong-hop",
        "Các gói đã tổng hợp",
        "DANH SÁCH XÃ, PHƯỜNG VÀ GÓI DỮ LIỆU ĐÃ TỔNG HỢP",
        (
            Column(INT, 4, "center"),
            Column(TEXT, 18),
            Column(TEXT, 6, "center"),
            Column(INT, 7),
            Column(INT, 7),
            Column(PCT, 6),
            Column(INT, 7),
            Column(PCT, 6),
            Column(TEXT, 11, "center"),
            Column(TEXT, 18),
            Column(TEXT, 13),
        ),
        header_grid(
            (
                ("STT", 2, 1),
                ("Xã, phường", 2, 1),
                ("Mã", 2, 1),
                ("Tổng số hộ", 2, 1),
                ("Hộ nghèo", 1, 2),
                ("Hộ cận nghèo", 1, 2),
                ("Gói lập lúc", 2, 1),
                ("Người ký", 2, 1),
                ("Dấu vân tay bản kê khai", 2, 1),
            ),
            (("Số hộ", 1, 1), ("Tỷ lệ (%)", 1, 1), ("Số hộ", 1, 1), ("Tỷ lệ (%)", 1, 1)),
        ),
        rows,
        notes=tuple(notes),
    )


def when_made(iso: str) -> str:
    """The manifest's time as Vietnamese forms write it: 09:30 20/11/2026."""
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return iso[:16]


def _base_name(source: ConsolidatedSource) -> str:
    province = source.office.province_code or "tinh"
    return f"tong-hop-{province}-{source.round_key}"


def write_consolidated(
    source: ConsolidatedSource, out_dir: Path, created: datetime | None = None
) -> ConsolidatedFiles:
    """Write the workbook and the PDF of `source` into `out_dir` (each atomically)."""
    created = created or source.created
    tables = [packages_table(source), *place_tables(source)]
    base = _base_name(source)
    book = io.BytesIO()
    writer = WorkbookWriter(source, created, source.fingerprint, FINGERPRINT_LABEL)
    for table in tables:
        writer.add(table)
    add_chart_sheet(writer.wb, source, "rs_pct_right", "rs_text_left")
    writer.save(book)
    workbook = out_dir / f"{base}.xlsx"
    atomic.write_bytes(workbook, book.getvalue())
    stamp = Stamp(source.place(), source.round_label, source.fingerprint, created, kind="SUM")
    pdf_bytes = io.BytesIO()
    title = f"Tổng hợp kết quả rà soát — {source.round_label}"
    write_tables_pdf(pdf_bytes, source, tables, stamp, title, chart_pages(source, landscape(A4)[1]))
    pdf = out_dir / f"{base}.pdf"
    atomic.write_bytes(pdf, pdf_bytes.getvalue())
    return ConsolidatedFiles(
        workbook,
        pdf,
        source.round_key,
        len(source.communes),
        len(source.features),
        source.excluded,
        source.fingerprint,
    )


def consolidate(
    session: Session,
    actor: Actor,
    out_dir: Path,
    round_key: str | None = None,
    standard_id: str | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ConsolidatedFiles:
    """The officer's action: consolidate a round (default: the newest) into `out_dir`."""
    require(session, actor, "office.consolidate")
    source = load_consolidation(session, round_key, standard_id, progress, cancelled)
    files = write_consolidated(source, out_dir)
    audit.record(
        session,
        actor,
        "office.consolidate",
        "round",
        source.round_key,
        communes=files.communes,
        households=files.households,
        fingerprint=files.fingerprint,
        files=[files.workbook.name, files.pdf.name],
    )
    return files
