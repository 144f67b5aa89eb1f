"""Checking a PDF's PAdES signature with pyHanko's validator: intact, covering the whole file,
made by the package's signer, and chaining to a trusted certificate."""

from __future__ import annotations

import asyncio
import io
import logging

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.package.signing import to_asn1
from app.package.trust import TrustStore

# pyHanko logs every untrusted path at WARNING; the verdict goes into the report instead.
logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)


def check_pdf_signature(
    data: bytes, signer: x509.Certificate, trust: TrustStore, io_name: str = ""
) -> str:
    """An empty string when the PDF is properly signed, otherwise the reason (a short code)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a broken PDF raises many kinds of errors
        return "unreadable"
    if len(signatures) != 1:
        return "no_signature" if not signatures else "several_signatures"
    context = ValidationContext(
        trust_roots=[to_asn1(c) for c in trust.anchors],  # never the system list
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = asyncio.run(async_validate_pdf_signature(signatures[0], context))
    except (SignatureValidationError, ValueError):
        return "malformed"
    if not (status.intact and status.valid):
        return "broken"
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return "partial"
    if status.signing_cert.dump() != to_asn1(signer).dump():
        return "other_signer"
    if not status.trusted:
        return "untrusted"
    return ""
