"""Signed packages of many communes, made quickly, for the receiving office's tests and benchmark.

A package made here has exactly the shape `app.package.build.build_package` gives (the same
files, manifest fields, CMS signature over the manifest and PAdES signature on every PDF), but
without a commune database: the households come from the demo generator (seeded per commune),
their results from the classifier, and the reports are real renders of one small demo commune,
signed again with each commune's own key. The office never reads a report's contents, it only
verifies them, so this costs it exactly what a real package of the same size does. The
end-to-end tests use the real build_package as well.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app import __version__
from app.admin_units import commune_by_code
from app.classify import Classifier
from app.demo.households import generate
from app.exchange.read import Commune as CommuneRef
from app.exchange.write import document_dict, dumps
from app.facts import HouseholdFacts
from app.keys import issue_pair
from app.package.manifest import DATA, MANIFEST, SIGNATURE, FileEntry, Manifest
from app.package.signing import SigningIdentity, to_asn1
from app.package.survey_file import SURVEY, survey_document
from app.reports import summary_tables
from app.reports.pdf import Stamp, write_tables_pdf
from app.reports.source import CommuneInfo, ReportSource, Result, RoundInfo
from app.reports.workbook import write_workbook
from app.standards import get_pack
from app.survey import SurveyAnswers

STANDARD = "VN-MPS-2022-2025"
REFERENCE = date(2026, 11, 15)
CLASSES = ("poor", "near_poor", "average", "not_poor")
WORKBOOK = "reports/bao-cao-ra-soat.xlsx"
PDFS = (
    "reports/bao-cao-tong-hop.pdf",
    "reports/danh-sach-chi-tiet.pdf",
    "reports/phu-luc-vi-danh-sach-chinh-thuc.pdf",
    "reports/danh-sach-niem-yet.pdf",
)


@dataclass(frozen=True)
class CommuneSigner:
    code: str
    identity: SigningIdentity
    root: x509.Certificate

    @property
    def certificate(self) -> x509.Certificate:
        return self.identity.certificate

    def chain_pem(self) -> bytes:
        """What `rasoat keys export-cert` writes: the signing certificate, then its root."""
        return b"".join(
            c.public_bytes(serialization.Encoding.PEM) for c in (self.certificate, self.root)
        )


def commune_signer(code: str, key_size: int = 2048, name: str | None = None) -> CommuneSigner:
    """A signing key with its certificate and root, named as RaSoat names a commune's."""
    unit = commune_by_code(code)
    common = name or f"UBND {unit.name} ({unit.province_code}/{unit.code})"
    key, cert, root = issue_pair(
        common, f"UBND {unit.name}, {unit.province_name}", key_size=key_size
    )
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        to_asn1(cert),
        asn1_keys.PrivateKeyInfo.load(der),
        SimpleCertificateStore.from_certs([to_asn1(root)]),
    )
    return CommuneSigner(unit.code, SigningIdentity(signer, cert, (root,)), root)


def statuses(households: list[HouseholdFacts], reference: date = REFERENCE) -> list[dict[str, Any]]:
    """Each household's status as a commune's export writes it, classified here."""
    classifier = Classifier(get_pack(STANDARD), reference)
    out = []
    for h in households:
        c = classifier.classify(h, False)
        out.append(
            {
                "step": "none",
                "class": c.cls,
                "deprived": list(c.deprived),
                "standard": STANDARD,
                "final": False,
            }
        )
    return out


@cache
def template_reports() -> dict[str, bytes]:
    """The unsigned report files of a small demo commune, rendered once per process."""
    facts = list(generate(300, 99, REFERENCE))
    results = [
        Result(h, s["class"], tuple(s["deprived"]), "none", "income")
        for h, s in zip(facts, statuses(facts), strict=True)
    ]
    source = ReportSource(
        CommuneInfo("22237", "Xã Ea Ly", "66", "Tỉnh Đắk Lắk"),
        RoundInfo(
            1, "periodic", "Rà soát định kỳ năm 2026", 2026, None, REFERENCE, STANDARD, "open"
        ),
        get_pack(STANDARD),
        tuple(sorted({h.village for h in facts})),
        tuple(results),
    )
    created = datetime(2026, 11, 20, 9, 0).astimezone()
    tables = summary_tables(source)
    out = {}
    for name in PDFS:
        buf = io.BytesIO()
        write_tables_pdf(buf, source, tables, Stamp(source.place(), "R", "0" * 64, created), name)
        out[name] = buf.getvalue()
    book = io.BytesIO()
    write_workbook(book, source, tables, created, "0" * 64)
    out[WORKBOOK] = book.getvalue()
    return out


def package_name(code: str, round_slug: str, created: datetime) -> str:
    unit = commune_by_code(code)
    return f"{unit.province_code}-{code}-{round_slug}-{created:%Y%m%d%H%M}.rasoat.zip"


def build(
    out_dir: Path,
    signer: CommuneSigner,
    households: list[HouseholdFacts] | int,
    *,
    created: datetime,
    seed: int = 1,
    commune: str | None = None,
    kind: str = "periodic",
    month: int | None = None,
    reference: date = REFERENCE,
    with_reports: bool = True,
    document: dict[str, Any] | None = None,
    decided: dict[str, str] | None = None,
    survey: dict[str, SurveyAnswers] | None = None,
) -> Path:
    """A signed package of `commune` (default: the signer's) in `out_dir`; `households` is a
    list of facts or a number to generate. `decided` gives the chairman's decision of some
    households (by id); `document` replaces the data outright (tests that need a malformed one);
    `survey` adds data/survey.json with those Phiếu B answers (by id); without it the package is
    one made before they were carried."""
    code = commune or signer.code
    unit = commune_by_code(code)
    facts = (
        households if isinstance(households, list) else list(generate(households, seed, reference))
    )
    ref = CommuneRef(unit.code, unit.name, unit.province_code, unit.province_name)
    if document is None:
        stated = {h.id: s for h, s in zip(facts, statuses(facts, reference), strict=True)}
        for hid, decision in (decided or {}).items():
            stated[hid] = {**stated[hid], "step": "decided", "decided_class": decision}
        document = document_dict(ref, STANDARD, reference, facts, stated)
    data = dumps(document)
    files = {DATA: data}
    if survey is not None:  # data/survey.json, as packages carry it since the Phiếu B answers
        answers = survey_document(code, reference, survey.items())
        files[SURVEY] = json.dumps(answers, ensure_ascii=False).encode("utf-8")
    if with_reports:
        for name, blob in template_reports().items():
            files[name] = signer.identity.sign_pdf(blob) if name.endswith(".pdf") else blob
    slug = str(reference.year) if month is None else f"{reference.year}t{month:02d}"
    label = (
        f"Rà soát định kỳ năm {reference.year}"
        if kind == "periodic"
        else f"Rà soát thường xuyên tháng {month:02d}/{reference.year}"
    )
    manifest = Manifest(
        created_at=created.isoformat(),
        app_version=__version__,
        commune={
            "code": unit.code,
            "name": unit.name,
            "province_code": unit.province_code,
            "province_name": unit.province_name,
        },
        round={
            "id": 1,
            "kind": kind,
            "label": label,
            "year": reference.year,
            "month": month,
            "reference_date": reference.isoformat(),
            "status": "open",
        },
        standard={"id": STANDARD, "revision": get_pack(STANDARD).revision},
        counts=counts(document),
        fingerprint=hashlib.sha256(data).hexdigest(),
        signer={
            "subject": signer.identity.subject,
            "certificate_sha256": signer.identity.fingerprint,
        },
        files=tuple(
            FileEntry(n, hashlib.sha256(b).hexdigest(), len(b)) for n, b in sorted(files.items())
        ),
    )
    manifest_bytes = manifest.to_json()
    path = out_dir / package_name(code, slug, created)
    write_zip(
        path,
        {
            MANIFEST: manifest_bytes,
            SIGNATURE: signer.identity.sign_detached(manifest_bytes),
            **files,
        },
    )
    return path


def counts(document: dict[str, Any]) -> dict[str, Any]:
    classes = Counter(
        (h.get("status") or {}).get("class") or "unclassified" for h in document["households"]
    )
    return {
        "households": len(document["households"]),
        "members": sum(len(h["members"]) for h in document["households"]),
        "by_class": {c: classes.get(c, 0) for c in (*CLASSES, "unclassified")},
    }


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, blob in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 9, 0, 0))
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            packed = name.endswith(".json")
            info.compress_type = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
            zf.writestr(info, blob)
    path.write_bytes(buf.getvalue())


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def data_of(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(read_zip(path)[DATA])
    return result
