"""Encrypting a package for the receiving office (CMS EnvelopedData, AES-256) so it can travel by
email, and decrypting it there with the office's key. `openssl cms -decrypt` reads the same file.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from app.errors import RaSoatError

SUFFIX = ".p7m"
# DER of the OID 1.2.840.113549.1.7.3 (envelopedData), found near the start of the file.
_ENVELOPED_OID = bytes.fromhex("06092a864886f70d010703")


def is_enveloped(head: bytes) -> bool:
    return head[:1] == b"\x30" and _ENVELOPED_OID in head[:32]


def encrypt(data: bytes, recipient: x509.Certificate) -> bytes:
    if not isinstance(recipient.public_key(), rsa.RSAPublicKey):
        raise RaSoatError("envelope.rsa_only")
    return (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(data)
        .add_recipient(recipient)
        .set_content_encryption_algorithm(algorithms.AES256)  # AES-256-CBC
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


def decrypt(data: bytes, p12: bytes, passphrase: bytes | None) -> bytes:
    """The package inside an encrypted one, with the office's key from a `.p12`."""
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(p12, passphrase)
    except ValueError:
        raise RaSoatError("envelope.bad_key") from None
    if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
        raise RaSoatError("envelope.bad_key")
    try:
        return pkcs7.pkcs7_decrypt_der(data, cert, key, [])
    except ValueError:
        raise RaSoatError("envelope.not_for_us") from None
