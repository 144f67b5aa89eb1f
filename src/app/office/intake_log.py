"""The intake log: every package the office met, what became of it and why, to read on screen
and to export (CSV for any tool, or an Excel workbook) for the office's records."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import atomic, audit
from app.actor import Actor
from app.errors import RaSoatError
from app.i18n import tr
from app.office.package_data import Reason, reason_text
from app.permissions import require
from models import ReceivedPackage


@dataclass(frozen=True)
class LogEntry:
    id: int
    received_at: datetime
    received_by: str
    file_name: str
    status: str
    reasons: tuple[Reason, ...]
    commune_code: str
    commune_name: str
    round_label: str
    households: int | None
    created_at: str
    signer: str
    fingerprint: str
    related_id: int | None  # the package it superseded by, or duplicates

    def status_text(self, lang: str = "vi") -> str:
        return tr(f"intake.status.{self.status}", lang)

    def reason_text(self, lang: str = "vi") -> str:
        return "; ".join(reason_text(r, lang) for r in self.reasons)


def _reasons(text: str) -> tuple[Reason, ...]:
    try:
        raw = json.loads(text or "[]")
        return tuple(Reason(str(key), dict(params)) for key, params in raw)
    except (ValueError, TypeError):
        return ()


def log_entries(
    session: Session, status: str | None = None, commune_code: str | None = None
) -> list[LogEntry]:
    """The log, newest first, optionally only one status or one commune."""
    query = select(ReceivedPackage).order_by(ReceivedPackage.id.desc())
    if status:
        query = query.where(ReceivedPackage.status == status)
    if commune_code:
        query = query.where(ReceivedPackage.commune_code == commune_code)
    return [
        LogEntry(
            p.id,
            p.received_at,
            p.received_by,
            p.file_name,
            p.status,
            _reasons(p.reasons),
            p.commune_code or "",
            p.commune_name or "",
            p.round_label or "",
            p.households,
            p.created_at or "",
            p.signer_subject or "",
            p.fingerprint or "",
            p.superseded_by_id or p.duplicate_of_id,
        )
        for p in session.scalars(query)
    ]


COLUMNS = (
    "intake.log.id",
    "intake.log.received_at",
    "intake.log.received_by",
    "intake.log.file",
    "intake.log.commune_code",
    "intake.log.commune",
    "intake.log.round",
    "intake.log.households",
    "intake.log.status",
    "intake.log.reasons",
    "intake.log.related",
    "intake.log.created_at",
    "intake.log.signer",
    "intake.log.fingerprint",
)


def log_rows(entries: list[LogEntry], lang: str = "vi") -> list[list[object]]:
    return [
        [
            e.id,
            e.received_at.strftime("%d/%m/%Y %H:%M:%S"),
            e.received_by,
            e.file_name,
            e.commune_code,
            e.commune_name,
            e.round_label,
            e.households,
            e.status_text(lang),
            e.reason_text(lang),
            e.related_id,
            e.created_at,
            e.signer,
            e.fingerprint,
        ]
        for e in entries
    ]


def export_log(session: Session, actor: Actor, path: Path, lang: str = "vi") -> int:
    """Write the whole log to `path` (.csv or .xlsx); returns the number of entries."""
    require(session, actor, "office.intake")
    entries = log_entries(session)
    header = [tr(c, lang) for c in COLUMNS]
    rows = log_rows(entries, lang)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        # With a byte-order mark, Excel opens UTF-8 Vietnamese correctly.
        atomic.write_bytes(path, text.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        atomic.write_bytes(path, _workbook(header, rows))
    else:
        raise RaSoatError("intake.log_format", suffix=suffix or path.name)
    audit.record(session, actor, "office.log_export", "office", path.name, entries=len(entries))
    return len(entries)


def _workbook(header: list[str], rows: list[list[object]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhật ký tiếp nhận")
    for i, width in enumerate((6, 20, 12, 44, 8, 24, 28, 9, 16, 80, 8, 26, 36, 66)):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(ws, text)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
