"""Verifying a detached CMS signature (the manifest's `.p7s`) and the signer's certificate chain.

`cryptography` can sign PKCS#7 but not verify it, so this reads the structure with asn1crypto and
checks it with `cryptography` primitives: the signed attributes carry the digest of the content,
and the signature covers those attributes (RFC 5652 §5.4). The chain is then built from the
certificates in the signature up to a certificate this laptop trusts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from app.package.signing import cert_fingerprint

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
MAX_DEPTH = 5


class CmsError(Exception):
    """The signature is malformed or does not verify; `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CmsResult:
    signer: x509.Certificate
    certificates: tuple[x509.Certificate, ...]
    signing_time: datetime | None


def verify_detached(signature: bytes, content: bytes) -> CmsResult:
    """Check that `signature` is a valid detached signature over `content`; says nothing yet
    about whether the signer is trusted (see `chain_to`)."""
    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise CmsError("not_signed_data")
        signed = info["content"]
        signer_infos = signed["signer_infos"]
        certs = [
            x509.load_der_x509_certificate(c.chosen.dump())
            for c in signed["certificates"] or []
            if c.name == "certificate"
        ]
        if len(signer_infos) != 1:
            raise CmsError("signer_count")
        si = signer_infos[0]
        digest_name = si["digest_algorithm"]["algorithm"].native
        attrs = si["signed_attrs"]
    except CmsError:
        raise
    except Exception:  # asn1crypto raises many types on malformed input
        raise CmsError("malformed") from None
    if digest_name not in HASHES or not attrs:
        raise CmsError("algorithm")
    signer = _find_signer(si, certs)
    values = {a["type"].native: a["values"] for a in attrs}
    digest = values.get("message_digest")
    if digest is None or digest[0].native != hashlib.new(digest_name, content).digest():
        raise CmsError("digest")
    if values.get("content_type") is None or values["content_type"][0].native != "data":
        raise CmsError("content_type")
    # The signature covers the DER of the attributes as a SET OF, not as the [0] field.
    _check_signature(signer, si["signature"].native, attrs.untag().dump(), HASHES[digest_name]())
    when = values.get("signing_time")
    signing_time = when[0].native if when is not None else None
    return CmsResult(signer, tuple(certs), signing_time)


def _find_signer(si: cms.SignerInfo, certs: list[x509.Certificate]) -> x509.Certificate:
    sid = si["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer.public_bytes() == wanted["issuer"].dump()
            ):
                return cert
        else:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.chosen.native:
                return cert
    raise CmsError("no_signer_certificate")


def _check_signature(
    cert: x509.Certificate, signature: bytes, data: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm))
        else:
            raise CmsError("algorithm")
    except InvalidSignature:
        raise CmsError("signature") from None


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        basic = parent.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not basic.ca:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _valid_at(cert: x509.Certificate, when: datetime) -> bool:
    return cert.not_valid_before_utc <= when <= cert.not_valid_after_utc


def chain_to(
    signer: x509.Certificate,
    pool: tuple[x509.Certificate, ...],
    anchors: tuple[x509.Certificate, ...],
    when: datetime | None = None,
    revoked: frozenset[str] = frozenset(),
) -> tuple[x509.Certificate, ...] | None:
    """The chain from `signer` up to a trusted anchor, each certificate valid at `when` and not
    revoked; None when there is no such chain. An anchor may be the signer itself (pinned)."""
    when = when or datetime.now(UTC)
    trusted = {cert_fingerprint(a): a for a in anchors}
    chain = [signer]
    current = signer
    for _ in range(MAX_DEPTH):
        fp = cert_fingerprint(current)
        if fp in revoked or not _valid_at(current, when):
            return None
        if fp in trusted:
            return tuple(chain)
        parent = next(
            (p for p in (*anchors, *pool) if p is not current and _issued_by(current, p)), None
        )
        if parent is None:
            return None
        chain.append(parent)
        current = parent
    return None


def pem_bundle(certs: tuple[x509.Certificate, ...]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
