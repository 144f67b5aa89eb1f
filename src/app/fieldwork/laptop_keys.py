"""Signing keys of the laptops: each laptop's own Ed25519 key, fingerprints, sign and verify.

A reviewer's laptop makes its key before it gets any work; the officer registers the public key
(a small PEM file, checked by its fingerprint read out over the phone) when assigning households
to that reviewer, and from then on accepts only bundles that key signed. The commune laptop has a
key too: it signs assignments, and a reviewer's laptop pins it when it opens the first one.

Ed25519 because signatures are small and fast and `openssl pkeyutl -verify -rawin` checks them
independently. The handover package (issue #5) uses CMS with certificates; field files stay
inside the commune, between keys the officer registered by hand.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import RaSoatError
from models import FieldKey

MAX_KEY_FILE = 16 * 1024


def _public(text: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        raise RaSoatError("key.invalid") from None
    if not isinstance(key, Ed25519PublicKey):
        raise RaSoatError("key.invalid")
    return key


def _der(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(public_pem: str) -> str:
    """SHA-256 of the key's DER SubjectPublicKeyInfo, in hex (what `openssl pkey -pubin
    -outform DER | sha256sum` prints)."""
    return hashlib.sha256(_der(_public(public_pem))).hexdigest()


def readable(fp: str) -> str:
    """The first 64 bits of a fingerprint in groups, for reading aloud: "1A2B 3C4D 5E6F 7A8B"."""
    head = fp[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, 16, 4))


def normalised_public_key(text: str) -> str:
    """A public key file's content as stored: the PEM re-encoded (comments and blanks gone)."""
    return (
        _public(text.strip())
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def own_key(session: Session) -> FieldKey | None:
    return session.scalars(select(FieldKey).order_by(FieldKey.id.desc()).limit(1)).first()


def ensure_own_key(session: Session, actor: Actor) -> FieldKey:
    """This laptop's key, made the first time it is needed."""
    found = own_key(session)
    if found is not None:
        return found
    private = Ed25519PrivateKey.generate()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    key = FieldKey(
        private_key=private_pem, public_key=public_pem, fingerprint=fingerprint(public_pem)
    )
    session.add(key)
    session.flush()
    audit.record(session, actor, "key.create", "key", key.fingerprint[:16])
    return key


def sign(key: FieldKey, data: bytes) -> bytes:
    private = serialization.load_pem_private_key(key.private_key.encode("ascii"), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    return private.sign(data)


def verify(public_pem: str, data: bytes, signature: bytes) -> bool:
    try:
        _public(public_pem).verify(signature, data)
    except InvalidSignature:
        return False
    return True
