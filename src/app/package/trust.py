"""Which signers a verifier trusts: certificates (roots, or signers pinned directly) from this
laptop's trust folder and from files named on the command line, minus revoked ones.

The receiving office (issue #8) keeps its own register and passes a TrustStore built from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from app.errors import RaSoatError
from app.keys import trust_dir


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Certificates from a PEM (one or many) or DER file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RaSoatError("trust.unreadable", path=str(path), detail=exc.strerror) from None
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise RaSoatError("trust.not_a_certificate", path=str(path)) from None


@dataclass(frozen=True)
class TrustStore:
    anchors: tuple[x509.Certificate, ...] = ()
    revoked: frozenset[str] = field(default_factory=frozenset)  # SHA-256 fingerprints (hex)

    @classmethod
    def from_files(cls, paths: Iterable[Path], revoked: Iterable[str] = ()) -> TrustStore:
        certs = [c for p in paths for c in load_certificates(p)]
        return cls(tuple(certs), frozenset(revoked))

    @classmethod
    def local(cls, extra: Iterable[Path] = ()) -> TrustStore:
        """This laptop's trust folder plus `extra` files."""
        folder = trust_dir()
        files = sorted(folder.glob("*.pem")) if folder.is_dir() else []
        return cls.from_files([*files, *extra])
