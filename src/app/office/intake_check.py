"""The first stage of intake, which touches no database: read a package, recognise a file
received before, decrypt, verify against a snapshot of the office's register, read the data
and plan the rows to write (app/office/loading.make_plan).

Everything it takes and returns can be sent to another process: intake runs it in worker
processes ahead of the writer when there are many packages (app/office/intake.py). Unknown
certificates are not asked about here: the officer confirms them before intake starts
(app/office/signer_scan.py), and they are in the register by then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509

from app import atomic
from app.errors import RaSoatError
from app.jobs import collector_paused
from app.office.loading import LoadPlan, make_plan
from app.office.package_data import PackageData, PackageRefused, Reason, read_package_data, refuse
from app.office.signers import Register, is_demo
from app.package.envelope import decrypt, is_enveloped
from app.package.manifest import DATA, Manifest
from app.package.signing import cert_fingerprint, common_name
from app.package.survey_file import SURVEY
from app.package.trust import TrustStore
from app.package.verify import VerificationReport, verify_package

ACCEPTED, SUPERSEDED, DUPLICATE, REJECTED = "accepted", "superseded", "duplicate", "rejected"
MAX_PACKAGE_BYTES = 1 << 30  # far above a 50,000-household commune's package


@dataclass(frozen=True)
class SignerCandidate:
    """An unknown certificate met on a package, shown to the officer to confirm or refuse."""

    file_name: str
    commune_code: str
    commune_name: str
    province_name: str
    subject: str
    issuer: str
    fingerprint: str
    not_after: datetime
    certificate: bytes = b""  # DER, registered when the officer confirms it


@dataclass(frozen=True)
class DecryptKey:
    """The office's key for packages encrypted for it (a `.p12` and its passphrase)."""

    p12: bytes
    passphrase: bytes | None

    def __call__(self, blob: bytes) -> bytes:
        return decrypt(blob, self.p12, self.passphrase)


@dataclass(frozen=True)
class IntakeOptions:
    # Certificates the officer confirmed (having compared fingerprints with the communes),
    # registered for their communes before the first package is read.
    trust_first: tuple[SignerCandidate, ...] = ()
    decrypt: DecryptKey | None = None
    allow_demo: bool = False  # a training office may take demo communes' packages
    check_pdfs: bool = True
    workers: int | None = None  # processes checking ahead; None: decided by the batch's size


@dataclass(frozen=True)
class Snapshot:
    """What the first stage needs of the office's database, in plain bytes and strings."""

    anchors: tuple[bytes, ...]  # DER of the active register entries
    communes: dict[str, str]  # their fingerprints → commune codes
    revoked: tuple[bytes, ...]  # DER of revoked entries
    known_files: frozenset[str]  # SHA-256 of files received before (accepted or superseded)
    province_code: str | None  # the office's, when it receives one province only
    province_name: str | None
    archive_dir: Path  # where verified packages are kept, by province, commune and round

    @cached_property
    def register(self) -> Register:
        anchors = tuple(x509.load_der_x509_certificate(d) for d in self.anchors)
        revoked = tuple(x509.load_der_x509_certificate(d) for d in self.revoked)
        fingerprints = frozenset(cert_fingerprint(c) for c in revoked)
        return Register(TrustStore(anchors, fingerprints), dict(self.communes), revoked)


@dataclass
class Checked:
    """A package after the first stage: refused (`reasons`), a file received before
    (`known`), or ready to be written (`plan`)."""

    path: Path
    file_sha: str = ""
    reasons: tuple[Reason, ...] = ()
    known: bool = False
    manifest: Manifest | None = None  # what it claims, even when refused
    manifest_sha: str = ""
    signer_name: str = ""
    signer_fingerprint: str = ""
    archived: Path | None = None  # the verified package, kept in the office's archive
    plan: LoadPlan | None = None

    @property
    def households(self) -> int:
        return self.plan.households if self.plan else 0


def check_package(path: Path, snapshot: Snapshot, options: IntakeOptions) -> Checked:
    out = Checked(path)
    try:
        raw = _read(path)
        out.file_sha = hashlib.sha256(raw).hexdigest()
        if out.file_sha in snapshot.known_files:
            out.known = True
            return out
        blob = _opened(raw, options)
        report = verify_package(
            blob, snapshot.register.trust, keep=[DATA, SURVEY], check_pdfs=options.check_pdfs
        )
        _describe(out, report)
        _trusted(report, snapshot.register, options)
        assert report.manifest is not None
        data = read_package_data(report.manifest, report.document, report.survey)
        _check_province(data, snapshot)
        created_at(report.manifest)
        out.plan = make_plan(data)
        out.archived = archive(snapshot.archive_dir, path, blob, out.plan, out.manifest_sha)
    except PackageRefused as refused:
        out.reasons = refused.reasons
    return out


def archive(folder: Path, path: Path, blob: bytes, plan: LoadPlan, manifest_sha: str) -> Path:
    """Keep the verified package (decrypted) in the office's archive, by commune and round; a
    different package of the same name is kept beside it, never over it."""
    unit = plan.commune
    folder = folder / unit.province_code / unit.code / plan.round.key
    name = path.name.removesuffix(".p7m")
    target = folder / name
    if target.exists() and target.read_bytes() != blob:
        target = folder / f"{name.removesuffix('.rasoat.zip')}-{manifest_sha[:8]}.rasoat.zip"
    if not target.exists():
        atomic.write_bytes(target, blob)
    return target


def _describe(out: Checked, report: VerificationReport) -> None:
    """What the package claims and who signed it: kept for the log, even when refused."""
    out.manifest = report.manifest
    if report.manifest is not None:
        out.manifest_sha = hashlib.sha256(report.manifest_bytes).hexdigest()
    if report.signer is not None:
        out.signer_name, out.signer_fingerprint = report.signer_name, report.signer_fingerprint


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise refuse("intake.too_large", size_mb=size >> 20, limit_mb=MAX_PACKAGE_BYTES >> 20)
        return path.read_bytes()
    except OSError as exc:
        raise refuse("intake.unreadable", detail=exc.strerror or str(exc)) from None


def _opened(raw: bytes, options: IntakeOptions) -> bytes:
    if not is_enveloped(raw[:64]):
        return raw
    if options.decrypt is None:
        raise refuse("intake.encrypted_no_key")
    try:
        return options.decrypt(raw)
    except RaSoatError as exc:
        raise refuse(exc.key, **exc.params) from None


def _trusted(report: VerificationReport, register: Register, options: IntakeOptions) -> None:
    """Refused unless the signature chains to a register entry *for the package's commune*."""
    if not report.ok:
        signer = report.signer
        codes = {p.code for p in report.problems}
        if signer is not None and codes == {"signer_unknown"}:
            name = common_name(signer)
            if register.is_revoked(signer, report.certificates, report.signing_time):
                raise refuse("intake.signer_revoked", signer=name)
            if is_demo(signer) and not options.allow_demo:
                raise refuse("intake.demo_signer", signer=name)
            raise refuse(
                "intake.signer_unknown", signer=name, fingerprint=report.signer_fingerprint
            )
        raise PackageRefused(*verify_reasons(report))
    assert report.manifest is not None and report.chain
    registered = register.commune_of(report.chain[-1])
    claimed = str(report.manifest.commune.get("code", ""))
    if registered != claimed:
        raise refuse(
            "intake.signer_other_commune",
            signer=report.signer_name,
            commune=claimed,
            registered=registered or "",
        )


def _check_province(data: PackageData, snapshot: Snapshot) -> None:
    wanted = snapshot.province_code
    if wanted and data.commune.province_code != wanted:
        raise refuse(
            "intake.other_province",
            province=data.commune.province_name,
            office=snapshot.province_name or wanted,
        )


def verify_reasons(report: VerificationReport) -> list[Reason]:
    return [Reason(f"verify.{p.code}", {"path": p.path, **p.params}) for p in report.problems]


def created_at(manifest: Manifest) -> datetime:
    """When the commune made the package (the manifest's own, signed, time)."""
    try:
        created = datetime.fromisoformat(manifest.created_at)
    except ValueError:
        raise refuse("intake.manifest_time", value=manifest.created_at[:40]) from None
    if created.tzinfo is None:
        raise refuse("intake.manifest_time", value=manifest.created_at[:40])
    return created


def candidate(path: Path, manifest: Manifest, signer: x509.Certificate) -> SignerCandidate:
    from cryptography.hazmat.primitives.serialization import Encoding

    commune: dict[str, Any] = manifest.commune
    return SignerCandidate(
        path.name,
        str(commune.get("code", "")),
        str(commune.get("name", "")),
        str(commune.get("province_name", "")),
        common_name(signer),
        signer.issuer.rfc4514_string(),
        cert_fingerprint(signer),
        signer.not_valid_after_utc,
        signer.public_bytes(Encoding.DER),
    )


# ---- in a worker process ---------------------------------------------------------------------

_WORKER: tuple[Snapshot, IntakeOptions] | None = None


def start_worker(snapshot: Snapshot, options: IntakeOptions) -> None:
    """The worker process's initializer: the snapshot and options arrive once, not per package."""
    global _WORKER
    _WORKER = (snapshot, options)


def check_in_worker(path: Path) -> Checked:
    assert _WORKER is not None, "start_worker was not run"
    with collector_paused():  # as in the writer: many short-lived tuples, no cycles
        return check_package(path, *_WORKER)
