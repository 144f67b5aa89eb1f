"""Checking a PDF's PAdES signature with pyHanko's validator: intact, covering the whole file,
made by the package's signer, and chaining to a trusted certificate."""

from __future__ import annotations

import asyncio
import io
import logging
from functools import lru_cache

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleTrustManager

from app.package.signing import to_asn1
from app.package.trust import TrustStore

# pyHanko logs every untrusted path at WARNING; the verdict goes into the report instead.
logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)


@lru_cache(maxsize=8)
def _trust_manager(anchors: tuple[x509.Certificate, ...]) -> SimpleTrustManager:
    """pyHanko's index of the trusted certificates, built once per set of anchors: building it
    costs about half a millisecond per certificate (names are normalised for matching), and a
    receiving office trusts hundreds of communes, for every PDF of every package. It holds
    nothing but the anchors, so each PDF still gets a fresh validation context of its own."""
    return SimpleTrustManager.build(trust_roots=[to_asn1(c) for c in anchors])


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
        trust_manager=_trust_manager(trust.anchors),  # never the system list
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
