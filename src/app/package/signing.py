"""Signing with the commune's identity: a detached CMS signature of the manifest and a PAdES
signature on each PDF, both through pyHanko, so a key in a `.p12` file and a key on a USB token
(PKCS#11) sign the same way.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

DIGEST = "sha256"


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def cert_fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


@dataclass
class SigningIdentity:
    """A pyHanko signer with its certificate and the chain up to (and including) its root."""

    signer: Any  # pyhanko.sign.signers.Signer (SimpleSigner or PKCS11Signer)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def fingerprint(self) -> str:
        return cert_fingerprint(self.certificate)

    @property
    def subject(self) -> str:
        return common_name(self.certificate)

    def sign_detached(self, data: bytes) -> bytes:
        """A detached CMS SignedData (DER) over `data`, carrying the certificate chain."""
        # The signing time is signed too, so a verifier checks the certificate at that moment.
        attrs = PdfCMSSignedAttributes(signing_time=datetime.now(UTC))
        info = asyncio.run(
            self.signer.async_sign_general_data(
                data, DIGEST, detached=True, signed_attr_settings=attrs
            )
        )
        return bytes(info.dump())

    def sign_pdf(self, pdf: bytes, reason: str = "", location: str = "") -> bytes:
        """The PDF with a PAdES baseline (B-B) signature covering the whole file."""
        meta = signers.PdfSignatureMetadata(
            field_name="RaSoat",
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm=DIGEST,
            reason=reason or None,
            location=location or None,
        )
        out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=self.signer)
        return bytes(out.getvalue())
