"""Verifying a handover package: `verify_package(path) -> VerificationReport`.

Every problem found is reported, each with its own reason, rather than stopping at the first:
a changed, missing or extra file; a manifest that is not valid; a signature that does not verify
or comes from a signer nobody trusts; data that does not match the manifest; an unsafe zip.
The receiving office's intake (issue #8) calls this and reads `report.contents` — the verified
bytes of the files it asked to keep — and, when it keeps the data, `report.document` (the data
decoded once, with the same protections as an import), so nothing is read twice from a file that
could change.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from app.errors import RaSoatError
from app.exchange.read import decode
from app.i18n import tr
from app.keys import DEMO_MARK
from app.package.cms_verify import CmsError, chain_to, verify_detached
from app.package.envelope import is_enveloped
from app.package.manifest import DATA, MANIFEST, SIGNATURE, Manifest, ManifestError, parse
from app.package.read import Limits, NotAZip, PackageZip
from app.package.signing import cert_fingerprint, common_name
from app.package.survey_file import SURVEY, SurveyFileError, read_survey_document
from app.package.trust import TrustStore
from app.survey import SurveyAnswers

CLASSES = ("poor", "near_poor", "average", "not_poor")
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    code: str
    path: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "vi") -> str:
        return tr(f"verify.{self.code}", lang, path=self.path, **self.params)


@dataclass
class VerificationReport:
    source: str
    problems: list[Problem] = field(default_factory=list)
    manifest: Manifest | None = None
    signer: x509.Certificate | None = None
    chain: tuple[x509.Certificate, ...] = ()
    # Every certificate the signature carried, and the time it says it was made (signed).
    certificates: tuple[x509.Certificate, ...] = ()
    signing_time: datetime | None = None
    manifest_bytes: bytes = b""
    document: Any = None  # the decoded data, when the caller kept DATA
    # The Phiếu B answers by household id, when the caller kept SURVEY and the package has it.
    survey: dict[str, SurveyAnswers] | None = None
    files_checked: int = 0
    pdf_signatures_checked: int = 0
    contents: dict[str, bytes] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def demo(self) -> bool:
        return self.signer is not None and DEMO_MARK in common_name(self.signer)

    @property
    def signer_name(self) -> str:
        return common_name(self.signer) if self.signer is not None else ""

    @property
    def signer_fingerprint(self) -> str:
        return cert_fingerprint(self.signer) if self.signer is not None else ""

    def add(self, code: str, path: str = "", **params: Any) -> None:
        self.problems.append(Problem(code, path, params))

    def summary(self, lang: str) -> str:
        """What the officer reads: the verdict, then each problem (or the package's headline
        figures and, for a demo signer, the warning) on its own line."""
        if not self.ok:
            lines = [tr("verify.failed", lang, count=len(self.problems))]
            lines += [f"• {p.message(lang)}" for p in self.problems]
            return "\n".join(lines)
        m = self.manifest
        assert m is not None
        by_class = m.counts.get("by_class", {})
        text = tr(
            "verify.ok",
            lang,
            commune=m.commune.get("name", ""),
            province=m.commune.get("province_name", ""),
            round=m.round.get("label", ""),
            households=m.counts.get("households", 0),
            poor=by_class.get("poor", 0),
            near_poor=by_class.get("near_poor", 0),
            files=self.files_checked,
            pdfs=self.pdf_signatures_checked,
            signer=self.signer_name,
            created=m.created_at,
        )
        return text + ("\n" + tr("verify.demo_warning", lang) if self.demo else "")


def verify_package(
    source: Path | bytes,
    trust: TrustStore | None = None,
    *,
    check_pdfs: bool = True,
    keep: Collection[str] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> VerificationReport:
    """Check a package file (or its bytes) completely; see the module docstring."""
    trust = trust if trust is not None else TrustStore.local()
    report = VerificationReport(str(source) if isinstance(source, Path) else "<bytes>")
    try:
        head = source[:64] if isinstance(source, bytes) else _head(source)
    except OSError as exc:
        report.add("unreadable", str(source), detail=exc.strerror or "")
        return report
    if is_enveloped(head):
        report.add("encrypted")
        return report
    try:
        package = PackageZip(source, limits)
    except NotAZip:
        report.add("not_a_package")
        return report
    try:
        _verify_open(package, report, trust, check_pdfs, set(keep))
    finally:
        package.close()
    return report


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(64)


def _verify_open(
    package: PackageZip,
    report: VerificationReport,
    trust: TrustStore,
    check_pdfs: bool,
    keep: set[str],
) -> None:
    for p in package.problems:
        report.add(f"zip_{p.code}", p.path)
    names = set(package.names())
    if MANIFEST not in names:
        report.add("manifest_missing", MANIFEST)
        return
    try:
        manifest_bytes = package.read(MANIFEST, package.limits.max_manifest)
        manifest = parse(manifest_bytes)
    except zipfile.BadZipFile:
        report.add("file_corrupt", MANIFEST)
        return
    except ManifestError as exc:
        report.add("manifest_invalid", MANIFEST, field=exc.detail)
        return
    report.manifest = manifest
    report.manifest_bytes = manifest_bytes
    _check_signature(package, names, manifest_bytes, manifest, report, trust)
    digests = _check_files(package, names, manifest, report, keep | {DATA, SURVEY})
    data = report.contents.get(DATA) if DATA in digests else None
    survey = report.contents.get(SURVEY) if SURVEY in digests else None
    for name in (DATA, SURVEY):
        if name not in keep:
            report.contents.pop(name, None)
    if data is not None:
        doc = _check_data(data, manifest, report)
        if DATA in keep:
            report.document = doc
        if digests[DATA] != manifest.fingerprint:  # the SHA-256 of the data, just checked
            report.add("fingerprint_mismatch", DATA)
        if survey is not None and doc is not None:
            answers = _check_survey(survey, doc, report)
            if SURVEY in keep:
                report.survey = answers
    if check_pdfs and report.signer is not None:
        _check_pdfs(package, manifest, digests, report, trust)


def _check_signature(
    package: PackageZip,
    names: set[str],
    manifest_bytes: bytes,
    manifest: Manifest,
    report: VerificationReport,
    trust: TrustStore,
) -> None:
    if SIGNATURE not in names:
        report.add("signature_missing", SIGNATURE)
        return
    try:
        result = verify_detached(package.read(SIGNATURE, 1 << 20), manifest_bytes)
    except zipfile.BadZipFile:
        report.add("file_corrupt", SIGNATURE)
        return
    except CmsError as exc:
        report.add("signature_invalid", SIGNATURE, reason=exc.code)
        return
    report.signer = result.signer
    report.certificates = result.certificates
    report.signing_time = result.signing_time
    if manifest.signer.get("certificate_sha256") != cert_fingerprint(result.signer):
        report.add("signer_mismatch", MANIFEST)
    # The signed signing time when there is one; the manifest's own date is only a claim.
    when = result.signing_time or datetime.now(UTC)
    chain = chain_to(result.signer, result.certificates, trust.anchors, when, trust.revoked)
    if chain is None:
        report.add("signer_unknown", SIGNATURE, signer=common_name(result.signer))
    else:
        report.chain = chain


def _check_files(
    package: PackageZip,
    names: set[str],
    manifest: Manifest,
    report: VerificationReport,
    keep: set[str],
) -> dict[str, str]:
    """Hash every listed file; report changed, missing and unlisted ones. Returns the digests
    of the files that match."""
    good: dict[str, str] = {}
    for entry in manifest.files:
        if entry.path not in names:
            report.add("file_missing", entry.path)
            continue
        try:
            if entry.path in keep:
                data = package.read(entry.path)
                digest, size = hashlib.sha256(data).hexdigest(), len(data)
            else:
                digest, size = package.digest(entry.path)
        except zipfile.BadZipFile:
            report.add("file_corrupt", entry.path)
            continue
        report.files_checked += 1
        if digest != entry.sha256 or size != entry.size:
            report.add("file_changed", entry.path)
            continue
        good[entry.path] = digest
        if entry.path in keep:
            report.contents[entry.path] = data
    listed = {e.path for e in manifest.files} | {MANIFEST, SIGNATURE}
    for name in sorted(names - listed):
        if not package.entries[name].is_dir():
            report.add("file_extra", name)
    return good


def _check_data(data: bytes, manifest: Manifest, report: VerificationReport) -> Any:
    """The data must be the exchange format of the commune and round the manifest names, with
    the counts it states. Returns the decoded document (None when it is not one)."""
    try:
        doc = decode(data)  # as an import reads it: UTF-8, no NaN, not too deep, not too big
        households = doc["households"]
        ok = doc.get("format") == "rasoat.households/1" and isinstance(households, list)
    except (RaSoatError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        report.add("data_invalid", DATA)
        return None
    if doc.get("commune", {}).get("code") != manifest.commune.get("code"):
        report.add("data_mismatch", DATA, field="commune")
    classes = Counter(_stated_class(h) for h in households if isinstance(h, dict))
    counts = manifest.counts
    if counts.get("households") != len(households):
        report.add("data_mismatch", DATA, field="households")
    stated = counts.get("by_class", {})
    if any(stated.get(c, 0) != classes.get(c, 0) for c in (*CLASSES, "unclassified")):
        report.add("data_mismatch", DATA, field="by_class")
    return doc


def _check_survey(
    raw: bytes, doc: Any, report: VerificationReport
) -> dict[str, SurveyAnswers] | None:
    """The survey file must speak of the data's commune and households, with known codes."""
    try:
        ids = [h.get("id") for h in doc["households"] if isinstance(h, dict)]
        commune = doc.get("commune", {}).get("code")
        return read_survey_document(decode(raw), str(commune), [i for i in ids if i])
    except RaSoatError as exc:
        report.add("survey_invalid", SURVEY, detail=exc.message("vi"))
    except SurveyFileError as exc:
        report.add("survey_invalid", SURVEY, detail=exc.detail)
    return None


def _stated_class(household: dict[str, Any]) -> Any:
    status = household.get("status")
    found = status.get("class") if isinstance(status, dict) else None
    return found if isinstance(found, str) and found else "unclassified"


def _check_pdfs(
    package: PackageZip,
    manifest: Manifest,
    digests: dict[str, str],
    report: VerificationReport,
    trust: TrustStore,
) -> None:
    from app.package.pdf_verify import check_pdf_signature  # pyHanko's validator: loaded only here

    assert report.signer is not None
    for entry in manifest.files:
        if not entry.path.endswith(".pdf") or entry.path not in digests:
            continue
        reason = check_pdf_signature(
            package.read(entry.path), report.signer, trust, io_name=entry.path
        )
        report.pdf_signatures_checked += 1
        if reason == "untrusted" and not report.chain:
            continue  # already reported once, as signer_unknown
        if reason:
            report.add("pdf_signature_invalid", entry.path, reason=reason)
