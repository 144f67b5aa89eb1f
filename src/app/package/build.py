"""Building the signed handover package for the upper level:

    <province>-<commune>-<round>-<yyyymmddHHMM>.rasoat.zip
        data/households.json     the register in the exchange format v1
        data/survey.json         the round's causes of poverty and support needs (Phiếu B)
        reports/*.xlsx           the report workbook
        reports/*.pdf            the report tables and lists, each PAdES-signed
        manifest.json            SHA-256 and size of every file, commune, round, counts
        manifest.json.p7s        detached CMS signature of the manifest

The package fingerprint is the SHA-256 of data/households.json: it is known before any report
is drawn, so every PDF page and the workbook carry it (and a QR code of it), and a printed page
can be matched to its package. The manifest states it and the verifier recomputes it.
Optionally the whole zip is encrypted for the receiving office (`.rasoat.zip.p7m`); then no
unencrypted copy is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import __version__, atomic, audit
from app.actor import Actor
from app.exchange.read import Commune as CommuneRef
from app.exchange.write import document_dict
from app.jobs import IsCancelled, JobCancelled, Progress
from app.keys import require_key_manager
from app.package.envelope import SUFFIX, encrypt
from app.package.manifest import DATA, MANIFEST, SIGNATURE, FileEntry, Manifest
from app.package.signing import SigningIdentity
from app.package.survey_file import SURVEY, survey_document
from app.reports import ReportSource, final_list, load_source, posting_list, summary_tables
from app.reports.documents import (
    certificate_story,
    decision_story,
    minutes_story,
    write_document,
)
from app.reports.list_tables import detailed_list
from app.reports.pdf import Stamp, write_tables_pdf
from app.reports.workbook import write_workbook
from app.reports.workflow_data import WorkflowData, load_workflow_data
from models import Assessment

PACKAGE_SUFFIX = ".rasoat.zip"
WORKBOOK = "reports/bao-cao-ra-soat.xlsx"
CLASSES = ("poor", "near_poor", "average", "not_poor")


@dataclass(frozen=True)
class PackageResult:
    path: Path
    fingerprint: str
    households: int
    by_class: dict[str, int]
    files: tuple[FileEntry, ...]
    encrypted: bool


def exchange_document(session: Session, source: ReportSource) -> dict[str, Any]:
    """The register as `rasoat.households/1`, exactly as `rasoat export` writes it, built from
    the facts the reports already loaded (reading 50,000 households twice cost 6 s)."""
    rows = session.execute(
        select(
            Assessment.household_id,
            Assessment.step,
            Assessment.result_class,
            Assessment.deprived,
            Assessment.standard_id,
            Assessment.final,
        ).where(Assessment.round_id == source.round.id)
    )
    by_id = {
        hid: {
            "step": step,
            "class": cls,
            "deprived": deprived.split(",") if deprived else [],
            "standard": standard,
            "final": final,
        }
        for hid, step, cls, deprived, standard, final in rows
    }
    c = source.commune
    return document_dict(
        CommuneRef(c.code, c.name, c.province_code, c.province_name),
        source.round.standard_id,
        source.round.reference_date,
        (r.facts for r in source.results),
        {r.facts.id: by_id[r.household_id] for r in source.results if r.household_id in by_id},
    )


def survey_file(source: ReportSource) -> bytes:
    """data/survey.json: the answers the reports already loaded, by household code."""
    answers = ((r.facts.id, r.survey) for r in source.results)
    c = source.commune
    return compact_json(survey_document(c.code, source.round.reference_date, answers))


def compact_json(document: dict[str, Any]) -> bytes:
    """The exchange document without indentation: the same format, but Python's C encoder
    only runs without `indent` (3× faster at 50,000 households, a quarter smaller)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def package_name(source: ReportSource, created: datetime) -> str:
    c = source.commune
    return f"{c.province_code}-{c.code}-{source.round.slug}-{created:%Y%m%d%H%M}{PACKAGE_SUFFIX}"


def report_pdfs(source: ReportSource, workflow: WorkflowData, stamp: Stamp) -> dict[str, bytes]:
    """The unsigned PDFs of the package, by name inside the package."""
    documents: dict[str, tuple[str, list[Any]]] = {
        "reports/bao-cao-tong-hop.pdf": ("Báo cáo tổng hợp", summary_tables(source)),
        "reports/danh-sach-chi-tiet.pdf": (
            "Danh sách chi tiết hộ nghèo, hộ cận nghèo",
            [detailed_list(source, "poor"), detailed_list(source, "near_poor")],
        ),
        "reports/phu-luc-vi-danh-sach-chinh-thuc.pdf": ("Phụ lục VI", [final_list(source)]),
        "reports/danh-sach-niem-yet.pdf": (
            "Danh sách niêm yết",
            [posting_list(source, workflow.postings)],
        ),
    }
    out = {}
    for name, (title, tables) in documents.items():
        buf = io.BytesIO()
        write_tables_pdf(buf, source, tables, stamp, title)
        out[name] = buf.getvalue()
    for name, title, story in (
        ("reports/bien-ban-hop-dan.pdf", "Biên bản họp dân", minutes_story),
        ("reports/quyet-dinh-mau-02.pdf", "Quyết định (Mẫu 02)", decision_story),
    ):
        buf = io.BytesIO()
        write_document(buf, partial(story, source, workflow), stamp, title)
        out[name] = buf.getvalue()
    return out


def write_certificates(
    session: Session, actor: Actor, out_dir: Path, identity: SigningIdentity
) -> Path:
    """The certificates (Mẫu 03) of every poor and near-poor household, one signed PDF for the
    commune to print. Not part of the package: they go to the households, not the upper level."""
    require_key_manager(session, actor)
    source = load_source(session)
    data = compact_json(exchange_document(session, source))
    stamp = Stamp(
        source.place(),
        source.round.label,
        hashlib.sha256(data).hexdigest(),
        datetime.now().astimezone().replace(microsecond=0),
    )
    workflow = load_workflow_data(session, source.round.id)
    buf = io.BytesIO()
    write_document(buf, lambda: certificate_story(source, workflow), stamp, "Giấy chứng nhận")
    c = source.commune
    path = out_dir / f"{c.province_code}-{c.code}-{source.round.slug}-giay-chung-nhan.pdf"
    atomic.write_bytes(path, identity.sign_pdf(buf.getvalue(), location=source.place()))
    audit.record(
        session, actor, "certificates.print", "round", str(source.round.id), file=path.name
    )
    return path


def _counts(document: dict[str, Any]) -> dict[str, Any]:
    classes = Counter(
        (h.get("status") or {}).get("class") or "unclassified" for h in document["households"]
    )
    return {
        "households": len(document["households"]),
        "members": sum(len(h["members"]) for h in document["households"]),
        "by_class": {c: classes.get(c, 0) for c in (*CLASSES, "unclassified")},
    }


class _Steps:
    def __init__(self, total: int, progress: Progress | None, cancelled: IsCancelled | None):
        self.total, self.done = total, 0
        self.progress, self.cancelled = progress, cancelled

    def next(self) -> None:
        if self.cancelled and self.cancelled():
            raise JobCancelled()
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)


def build_package(
    session: Session,
    actor: Actor,
    out_dir: Path,
    identity: SigningIdentity,
    *,
    encrypt_for: x509.Certificate | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
    now: datetime | None = None,
) -> PackageResult:
    """Build, sign and write the package into `out_dir`; records an audit event."""
    require_key_manager(session, actor)
    steps = _Steps(7, progress, cancelled)
    created = (now or datetime.now()).astimezone().replace(microsecond=0)
    source = load_source(session)
    document = exchange_document(session, source)
    data = compact_json(document)
    counts = _counts(document)
    del document  # a few hundred MB at 50,000 households; the bytes are what is kept
    fingerprint = hashlib.sha256(data).hexdigest()
    steps.next()
    stamp = Stamp(source.place(), source.round.label, fingerprint, created)
    steps.next()
    files: dict[str, bytes] = {DATA: data, SURVEY: survey_file(source)}
    book = io.BytesIO()
    write_workbook(
        book,
        source,
        [
            *summary_tables(source),
            detailed_list(source, "poor"),
            detailed_list(source, "near_poor"),
        ],
        created,
        fingerprint,
    )
    files[WORKBOOK] = book.getvalue()
    steps.next()
    pdfs = report_pdfs(source, load_workflow_data(session, source.round.id), stamp)
    steps.next()
    for name, pdf in pdfs.items():
        files[name] = identity.sign_pdf(
            pdf, reason="Bàn giao kết quả rà soát", location=source.place()
        )
    steps.next()
    manifest = _manifest(source, counts, files, fingerprint, identity, created)
    manifest_bytes = manifest.to_json()
    signature = identity.sign_detached(manifest_bytes)
    steps.next()
    name = package_name(source, created)
    blob = _zip(files, manifest_bytes, signature, created)
    if encrypt_for is not None:
        blob = encrypt(blob, encrypt_for)
        name += SUFFIX
    path = out_dir / name
    atomic.write_bytes(path, blob)
    steps.next()
    audit.record(
        session,
        actor,
        "package.export",
        "round",
        str(source.round.id),
        file=name,
        fingerprint=fingerprint,
        households=manifest.counts["households"],
        encrypted=encrypt_for is not None,
        signer=identity.fingerprint,
    )
    return PackageResult(
        path,
        fingerprint,
        manifest.counts["households"],
        dict(manifest.counts["by_class"]),
        manifest.files,
        encrypt_for is not None,
    )


def _manifest(
    source: ReportSource,
    counts: dict[str, Any],
    files: dict[str, bytes],
    fingerprint: str,
    identity: SigningIdentity,
    created: datetime,
) -> Manifest:
    c, r = source.commune, source.round
    return Manifest(
        created_at=created.isoformat(),
        app_version=__version__,
        commune={
            "code": c.code,
            "name": c.name,
            "province_code": c.province_code,
            "province_name": c.province_name,
        },
        round={
            "id": r.id,
            "kind": r.kind,
            "label": r.label,
            "year": r.year,
            "month": r.month,
            "reference_date": r.reference_date.isoformat(),
            "status": r.status,
        },
        standard={"id": source.pack.id, "revision": source.pack.revision},
        counts=counts,
        fingerprint=fingerprint,
        signer={"subject": identity.subject, "certificate_sha256": identity.fingerprint},
        files=tuple(
            FileEntry(n, hashlib.sha256(b).hexdigest(), len(b)) for n, b in sorted(files.items())
        ),
    )


def _zip(files: dict[str, bytes], manifest: bytes, signature: bytes, created: datetime) -> bytes:
    buf = io.BytesIO()
    stamp = created.timetuple()[:6]
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in [(MANIFEST, manifest), (SIGNATURE, signature), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            # xlsx and PDF are compressed already; deflating them again gains nothing.
            packed = name.endswith(".json")
            info.compress_type = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
            zf.writestr(info, data, compresslevel=6 if packed else None)
    return buf.getvalue()
