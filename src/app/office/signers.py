"""The office's register of trusted signers: which certificate may sign which commune's packages.

An entry pins one certificate (normally the commune's own signing certificate; a root when the
officer imports a file holding only a CA) to one commune code. A package is trusted only when
its signature chains to an active entry *for the commune the package is about*: a commune that
the office trusts cannot send data for its neighbour. Certificates arrive from a file the commune
sent (`rasoat keys export-cert`), or at a commune's first package after the officer compared its
fingerprint and confirmed it. Revoking keeps the entry, so the key is recognised and refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.admin_units import commune_by_code
from app.errors import RaSoatError
from app.keys import DEMO_MARK
from app.office.setup import office
from app.package.cms_verify import chain_to
from app.package.signing import cert_fingerprint, common_name
from app.package.trust import TrustStore, load_certificates
from app.permissions import require
from models import TrustedSigner
from models.base import utcnow

# The commune certificates RaSoat creates name their commune: "UBND Xã Ea Ly (66/22237)".
COMMUNE_IN_NAME = re.compile(r"\((\d{2})/(\d{5})\)")
MIN_PREFIX = 16  # hex digits of a fingerprint an officer must give to name a certificate


@dataclass(frozen=True)
class SignerEntry:
    fingerprint: str
    subject: str
    commune_code: str
    commune_name: str
    not_after: datetime
    source: str
    added_at: datetime
    added_by: str
    revoked_at: datetime | None
    revoke_reason: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _entry(row: TrustedSigner) -> SignerEntry:
    try:
        name = commune_by_code(row.commune_code).name
    except RaSoatError:
        name = row.commune_code
    return SignerEntry(
        row.fingerprint,
        row.subject,
        row.commune_code,
        name,
        row.not_after,
        row.source,
        row.added_at,
        row.added_by,
        row.revoked_at,
        row.revoke_reason,
    )


def commune_in_name(cert: x509.Certificate) -> str | None:
    found = COMMUNE_IN_NAME.search(common_name(cert))
    return found.group(2) if found else None


def is_demo(cert: x509.Certificate) -> bool:
    return DEMO_MARK in common_name(cert)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def register_certificate(
    session: Session,
    actor: Actor,
    cert: x509.Certificate,
    commune_code: str | None,
    source: str,
    allow_demo: bool = False,
) -> tuple[SignerEntry, bool]:
    """Trust `cert` for `commune_code` (default: the commune its name gives). Returns the entry
    and whether it is new; the same certificate for the same commune again changes nothing."""
    require(session, actor, "office.signers")
    office(session)
    named = commune_in_name(cert)
    code = commune_code or named
    if code is None:
        raise RaSoatError("signers.commune_missing", subject=common_name(cert))
    code = commune_by_code(code).code  # refuses codes that are not in the official list
    if named is not None and named != code:
        raise RaSoatError("signers.commune_conflict", subject=common_name(cert), code=code)
    if is_demo(cert) and not allow_demo:
        raise RaSoatError("signers.demo", subject=common_name(cert))
    fingerprint = cert_fingerprint(cert)
    existing = session.scalar(select(TrustedSigner).where(TrustedSigner.fingerprint == fingerprint))
    if existing is not None:
        if existing.revoked_at is not None:
            raise RaSoatError("signers.revoked_before", subject=existing.subject)
        if existing.commune_code != code:
            raise RaSoatError(
                "signers.other_commune", subject=existing.subject, code=existing.commune_code
            )
        return _entry(existing), False
    row = TrustedSigner(
        fingerprint=fingerprint,
        subject=common_name(cert)[:200],
        commune_code=code,
        certificate=_pem(cert),
        not_after=cert.not_valid_after_utc.replace(tzinfo=None),
        source=source,
        added_by=actor.username,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "office.signer_add",
        "signer",
        fingerprint,
        subject=row.subject,
        commune=code,
        source=source,
    )
    return _entry(row), True


def import_signers(
    session: Session,
    actor: Actor,
    path: Path,
    commune_code: str | None = None,
    allow_demo: bool = False,
) -> list[tuple[SignerEntry, bool]]:
    """Register the certificates of a file a commune sent: its signing certificates (the root
    of the chain, when the file holds nothing else)."""
    certs = load_certificates(path)
    pinned = [c for c in certs if not _is_ca(c)] or certs
    return [
        register_certificate(session, actor, c, commune_code, "file", allow_demo) for c in pinned
    ]


def _find(session: Session, fingerprint: str) -> TrustedSigner:
    wanted = fingerprint.strip().lower().replace(":", "")
    if len(wanted) < MIN_PREFIX or not re.fullmatch(r"[0-9a-f]+", wanted):
        raise RaSoatError("signers.prefix_short", digits=MIN_PREFIX)
    rows = session.scalars(
        select(TrustedSigner).where(TrustedSigner.fingerprint.startswith(wanted))
    ).all()
    if not rows:
        raise RaSoatError("signers.not_found", fingerprint=wanted)
    if len(rows) > 1:
        raise RaSoatError("signers.ambiguous", fingerprint=wanted)
    return rows[0]


def revoke_signer(session: Session, actor: Actor, fingerprint: str, reason: str) -> SignerEntry:
    """Stop trusting a certificate (a lost laptop, a key that leaked): every later package it
    signed is refused. Packages accepted before stay, and the log says who accepted them."""
    require(session, actor, "office.signers")
    row = _find(session, fingerprint)
    if not reason.strip():
        raise RaSoatError("signers.reason_missing")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_by = actor.username
        row.revoke_reason = reason.strip()
        session.flush()
        audit.record(
            session,
            actor,
            "office.signer_revoke",
            "signer",
            row.fingerprint,
            subject=row.subject,
            commune=row.commune_code,
            reason=row.revoke_reason,
        )
    return _entry(row)


def list_signers(session: Session) -> list[SignerEntry]:
    rows = session.scalars(
        select(TrustedSigner).order_by(TrustedSigner.commune_code, TrustedSigner.added_at)
    ).all()
    return [_entry(r) for r in rows]


@dataclass(frozen=True)
class Register:
    """The register as intake uses it: what to trust, for which commune, and what is revoked."""

    trust: TrustStore
    communes: dict[str, str]  # fingerprint of an active entry → commune code
    revoked_certs: tuple[x509.Certificate, ...]

    def commune_of(self, anchor: x509.Certificate) -> str | None:
        return self.communes.get(cert_fingerprint(anchor))

    def is_revoked(
        self,
        signer: x509.Certificate,
        pool: tuple[x509.Certificate, ...],
        when: datetime | None = None,
    ) -> bool:
        """Whether the signer is, or chains to, a revoked entry."""
        if not self.revoked_certs:
            return False
        when = when or datetime.now(UTC)
        return chain_to(signer, pool, self.revoked_certs, when) is not None


def load_register(session: Session) -> Register:
    anchors, communes, revoked_certs, revoked = [], {}, [], set()
    for row in session.scalars(select(TrustedSigner)):
        cert = x509.load_pem_x509_certificate(row.certificate.encode("ascii"))
        if row.revoked_at is None:
            anchors.append(cert)
            communes[row.fingerprint] = row.commune_code
        else:
            revoked_certs.append(cert)
            revoked.add(row.fingerprint)
    return Register(TrustStore(tuple(anchors), frozenset(revoked)), communes, tuple(revoked_certs))
