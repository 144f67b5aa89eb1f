"""Signing with a USB token (PKCS#11), as Vietnamese officials sign with their CA's token.

The key never leaves the token: pyHanko asks the token to sign each digest. The certificate and
its chain are read from the token. Tested with SoftHSM2 standing in for a token; a real token's
PKCS#11 module (the .dll/.so its vendor ships) is used the same way.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from app.errors import RaSoatError
from app.package.signing import SigningIdentity

PIN_ENV = "RASOAT_TOKEN_PIN"


@dataclass
class TokenIdentity:
    """An open token session with its signing identity; close it when done."""

    identity: SigningIdentity
    session: Any

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> SigningIdentity:
        return self.identity

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_token(
    module: str, pin: str | None, token_label: str | None = None, key_label: str | None = None
) -> TokenIdentity:
    """Sign in to the token at `module` (a PKCS#11 library) and find its key and certificate."""
    try:
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError:  # python-pkcs11 is an optional dependency (extra "token")
        raise RaSoatError("token.unsupported") from None
    pin = pin or os.environ.get(PIN_ENV)
    if not pin:
        raise RaSoatError("token.pin_missing", env=PIN_ENV)
    try:
        session = open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except (PKCS11Error, OSError, RuntimeError) as exc:
        raise RaSoatError("token.unavailable", module=module, detail=type(exc).__name__) from None
    try:
        signer = PKCS11Signer(
            session, key_label=key_label, cert_label=key_label, other_certs_to_pull=None
        )
        asyncio.run(signer.ensure_objects_loaded())  # type: ignore[no-untyped-call]
        cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
        chain = tuple(
            x509.load_der_x509_certificate(c.dump())
            for c in signer.cert_registry
            if c.dump() != signer.signing_cert.dump()
        )
    except Exception as exc:
        session.close()
        raise RaSoatError("token.no_key", detail=type(exc).__name__) from None
    return TokenIdentity(SigningIdentity(signer, cert, chain), session)
