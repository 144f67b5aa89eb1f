"""The first stage of intake, which writes nothing of the package: read the file, recognise a
package received before, decrypt, verify against the office's register, read the data.

It runs on a worker thread ahead of the writing stage (app/office/intake.py), so the next
package is verified while the database stores the previous one. The only thing it may write is
a signer the officer has just confirmed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import RaSoatError
from app.office.package_data import PackageData, PackageRefused, Reason, read_package_data, refuse
from app.office.setup import Office
from app.office.signers import Register, is_demo, load_register, register_certificate
from app.package_envelope import is_enveloped
from app.package_manifest import DATA, Manifest
from app.package_signing import cert_fingerprint, common_name
from app.package_verify import VerificationReport, verify_package
from models import ReceivedPackage
from models.database import Database

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


ConfirmSigner = Callable[[SignerCandidate], bool]
Decrypt = Callable[[bytes], bytes]


@dataclass(frozen=True)
class IntakeOptions:
    confirm_signer: ConfirmSigner | None = None
    decrypt: Decrypt | None = None  # the office's key, for packages encrypted for it
    allow_demo: bool = False  # a training office may take demo communes' packages
    check_pdfs: bool = True


@dataclass
class Prepared:
    """A package after the first stage: refused (`reasons`), known before (`known_id`), or
    ready to be written (`data`)."""

    path: Path
    file_sha: str = ""
    reasons: tuple[Reason, ...] = ()
    known_id: int | None = None
    report: VerificationReport | None = None
    blob: bytes = b""
    data: PackageData | None = None
    manifest_sha: str = ""


def known_package(session: Session, file_sha: str, manifest_sha: str = "") -> int | None:
    """The package received before (accepted, or superseded since) that this one repeats: the
    same file, or the same signed manifest in another zip or envelope."""
    same = ReceivedPackage.file_sha256 == file_sha
    if manifest_sha:
        same = same | (ReceivedPackage.manifest_sha256 == manifest_sha)
    found = session.scalar(
        select(ReceivedPackage.id)
        .where(same, ReceivedPackage.status.in_((ACCEPTED, SUPERSEDED)))
        .order_by(ReceivedPackage.id)
        .limit(1)
    )
    return int(found) if found is not None else None


def created_at(manifest: Manifest) -> datetime:
    """When the commune made the package (the manifest's own, signed, time)."""
    try:
        created = datetime.fromisoformat(manifest.created_at)
    except ValueError:
        raise refuse("intake.manifest_time", value=manifest.created_at[:40]) from None
    if created.tzinfo is None:
        raise refuse("intake.manifest_time", value=manifest.created_at[:40])
    return created


class Preparer:
    def __init__(self, db: Database, actor: Actor, office: Office, options: IntakeOptions):
        self.db, self.actor, self.office, self.options = db, actor, office, options

    def prepare(self, path: Path) -> Prepared:
        out = Prepared(path)
        self.last_report: VerificationReport | None = None
        try:
            raw = _read(path)
            out.file_sha = hashlib.sha256(raw).hexdigest()
            with self.db.sessions() as session:
                out.known_id = known_package(session, out.file_sha)
            if out.known_id is not None:
                return out
            out.blob = self._opened(raw)
            out.report = self._trusted(out.blob, path)
            manifest = out.report.manifest
            assert manifest is not None
            out.data = read_package_data(manifest, out.report.document)
            self._check_province(out.data)
            created_at(manifest)
            out.manifest_sha = hashlib.sha256(out.report.manifest_bytes).hexdigest()
        except PackageRefused as refused:
            out.reasons, out.data = refused.reasons, None
            # What a refused package claims (commune, round, signer) still helps the log.
            out.report = out.report or self.last_report
        return out

    def _check_province(self, data: PackageData) -> None:
        wanted = self.office.province_code
        if wanted and data.commune.province_code != wanted:
            raise refuse(
                "intake.other_province",
                province=data.commune.province_name,
                office=self.office.province_name or wanted,
            )

    def _opened(self, raw: bytes) -> bytes:
        if not is_enveloped(raw[:64]):
            return raw
        if self.options.decrypt is None:
            raise refuse("intake.encrypted_no_key")
        try:
            return self.options.decrypt(raw)
        except RaSoatError as exc:
            raise refuse(exc.key, **exc.params) from None

    def _verify(self, blob: bytes, register: Register) -> VerificationReport:
        return verify_package(blob, register.trust, keep=[DATA], check_pdfs=self.options.check_pdfs)

    def _register(self) -> Register:
        with self.db.sessions() as session:
            return load_register(session)

    def _trusted(self, blob: bytes, path: Path) -> VerificationReport:
        """The verified report of a package signed by a signer the register trusts for its
        commune; an unknown signer is offered to the officer once, a revoked one never."""
        register = self._register()
        report = self.last_report = self._verify(blob, register)
        if not report.ok and _unknown_signer_only(report):
            self._offer_signer(report, register, path)
            register = self._register()
            report = self.last_report = self._verify(blob, register)
        if not report.ok:
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
        return report

    def _offer_signer(self, report: VerificationReport, register: Register, path: Path) -> None:
        signer, manifest = report.signer, report.manifest
        assert signer is not None and manifest is not None
        name = common_name(signer)
        if register.is_revoked(signer, report.certificates, report.signing_time):
            raise refuse("intake.signer_revoked", signer=name)
        if is_demo(signer) and not self.options.allow_demo:
            raise refuse("intake.demo_signer", signer=name)
        offered = candidate(path, manifest, signer)
        confirm = self.options.confirm_signer
        if confirm is None or not confirm(offered):
            raise refuse("intake.signer_unknown", signer=name, fingerprint=offered.fingerprint)
        try:
            with self.db.sessions.begin() as session:
                audit.lock(session.connection())  # the write lock first (see intake_record)
                register_certificate(
                    session,
                    self.actor,
                    signer,
                    offered.commune_code,
                    "package",
                    self.options.allow_demo,
                )
        except RaSoatError as exc:
            raise refuse(exc.key, **exc.params) from None


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise refuse("intake.too_large", size_mb=size >> 20, limit_mb=MAX_PACKAGE_BYTES >> 20)
        return path.read_bytes()
    except OSError as exc:
        raise refuse("intake.unreadable", detail=exc.strerror or str(exc)) from None


def _unknown_signer_only(report: VerificationReport) -> bool:
    return (
        report.signer is not None
        and report.manifest is not None
        and {p.code for p in report.problems} == {"signer_unknown"}
    )


def verify_reasons(report: VerificationReport) -> list[Reason]:
    return [Reason(f"verify.{p.code}", {"path": p.path, **p.params}) for p in report.problems]


def candidate(path: Path, manifest: Manifest, signer: x509.Certificate) -> SignerCandidate:
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
    )
