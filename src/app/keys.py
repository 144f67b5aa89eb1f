"""The commune's signing keys: created in the app, imported from a `.p12`, or a demo key.

A key lives in `<data folder>/keys/<name>.p12`, encrypted under the officer's passphrase (PKCS#12
with AES-256 and PBKDF2); the private key is never written anywhere unencrypted. Beside it,
`<name>.pem` holds the certificate chain (public) so keys can be listed without the passphrase.
The database names the key that signs its packages (setting `signing.key`).

A key created in the app comes with a small certificate authority of its own: a root that
issues the signing certificate and whose private key is then thrown away. Verifiers (pdfsig,
NSS, the receiving office) trust the root, as they would a real CA, and never a self-signed
end-entity certificate. A key from a certification authority arrives as a `.p12` instead; a USB
token is used through PKCS#11 (app/token_signing.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from sqlalchemy.orm import Session

from app import atomic, audit
from app.actor import Actor
from app.errors import RaSoatError
from app.package.cms_verify import HASHES
from app.package.signing import SigningIdentity, cert_fingerprint, common_name, to_asn1
from app.paths import data_dir
from app.permissions import can, require
from models import Setting

PASSPHRASE_ENV = "RASOAT_KEY_PASSPHRASE"
# Documented in the README: a demo commune exports at once. Demo certificates say DEMO in
# their names and are refused as official by `rasoat verify` (it says so).
DEMO_PASSPHRASE = "rasoat-demo"
DEMO_MARK = "DEMO"
SETTING = "signing.key"
MIN_PASSPHRASE = 8


@dataclass(frozen=True)
class KeyInfo:
    name: str
    subject: str
    fingerprint: str
    not_after: datetime
    demo: bool
    path: Path


def keys_dir() -> Path:
    return data_dir() / "keys"


def trust_dir() -> Path:
    """Certificates this laptop trusts when verifying packages (roots or signers), PEM."""
    return data_dir() / "trust"


def passphrase_from_env(variable: str = PASSPHRASE_ENV) -> bytes | None:
    value = os.environ.get(variable)
    return value.encode("utf-8") if value else None


def _fit(text: str, limit: int = 64) -> str:
    """`text` cut to `limit` bytes of UTF-8: X.509 caps these attributes at 64, and a
    Vietnamese letter takes two or three bytes (a long office name would be refused)."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.rstrip()


def _name(common: str, organisation: str, unit: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _fit(unit)))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common)))
    return x509.Name(parts)


def _usage(sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign,
        crl_sign=not sign,
        encipher_only=False,
        decipher_only=False,
    )


def issue_pair(
    common: str, organisation: str, unit: str = "", years: int = 3, key_size: int = 3072
) -> tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate]:
    """A signing key, its certificate, and the root certificate that issued it (whose key is
    discarded once it has signed, so nothing else can ever be issued under it)."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    until = now + timedelta(days=365 * years)
    root_key = rsa.generate_private_key(65537, key_size)
    root_name = _name(f"{_fit(common, 56)} (gốc)", organisation, unit)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(65537, key_size)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation, unit))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    return key, cert, root


def _check_passphrase(passphrase: bytes) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise RaSoatError("keys.passphrase_short", minimum=MIN_PASSPHRASE)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "key"


def _store(
    name: str,
    key: pkcs12.PKCS12PrivateKeyTypes,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: bytes,
) -> KeyInfo:
    path = keys_dir() / f"{name}.p12"
    if path.exists():
        raise RaSoatError("keys.exists", name=name)
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(200_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase)
    )
    blob = pkcs12.serialize_key_and_certificates(
        name.encode(),
        key,
        cert,
        chain or None,
        encryption,
    )
    atomic.write_bytes(path, blob)
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain])
    atomic.write_bytes(path.with_suffix(".pem"), pem)
    return key_info(name)


def create_key(
    name: str,
    common: str,
    organisation: str,
    passphrase: bytes,
    *,
    unit: str = "",
    key_size: int = 3072,
) -> KeyInfo:
    """Create a key pair with its certificate; the root is added to this laptop's trust list so
    the commune can verify its own packages."""
    _check_passphrase(passphrase)
    key, cert, root = issue_pair(common, organisation, unit, key_size=key_size)
    info = _store(_slug(name), key, cert, [root], passphrase)
    trust(root)
    return info


def import_p12(path: Path, passphrase: bytes, name: str | None = None) -> KeyInfo:
    """Import a `.p12` from a certification authority, re-encrypted under `passphrase`."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    except OSError as exc:
        raise RaSoatError("keys.unreadable", path=str(path), detail=exc.strerror) from None
    except ValueError:
        raise RaSoatError("keys.bad_p12", path=str(path)) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) or cert is None:
        raise RaSoatError("keys.bad_p12", path=str(path))  # no key, or one we cannot sign with
    _check_passphrase(passphrase)
    return _store(_slug(name or path.stem), key, cert, list(extra), passphrase)


def trust(cert: x509.Certificate) -> Path:
    """Add a certificate (a root, or a signer pinned directly) to this laptop's trust list."""
    path = trust_dir() / f"{cert_fingerprint(cert)[:16]}.pem"
    atomic.write_bytes(path, cert.public_bytes(serialization.Encoding.PEM))
    return path


def chain_of(name: str) -> list[x509.Certificate]:
    path = keys_dir() / f"{name}.pem"
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError):
        raise RaSoatError("keys.not_found", name=name) from None


def chain_pem(name: str) -> bytes:
    """The public certificate chain of key `name` (signer first), for the receiving office."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain_of(name))


def key_info(name: str) -> KeyInfo:
    cert = chain_of(name)[0]
    subject = common_name(cert)
    return KeyInfo(
        name,
        subject,
        cert_fingerprint(cert),
        cert.not_valid_after_utc,
        DEMO_MARK in subject,
        keys_dir() / f"{name}.p12",
    )


def list_keys() -> list[KeyInfo]:
    return [key_info(p.stem) for p in sorted(keys_dir().glob("*.p12"))]


def load_identity(name: str, passphrase: bytes | None) -> SigningIdentity:
    """The signing identity of key `name`, unlocked with `passphrase`."""
    path = keys_dir() / f"{name}.p12"
    if not path.exists():
        raise RaSoatError("keys.not_found", name=name)
    if not passphrase:
        raise RaSoatError("keys.passphrase_missing", env=PASSPHRASE_ENV)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    except ValueError:
        raise RaSoatError("keys.wrong_passphrase", name=name) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) or cert is None:
        raise RaSoatError("keys.bad_p12", path=str(path))
    return SigningIdentity(loaded_key_signer(key, cert, extra), cert, tuple(extra))


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-reads the private key from DER for every signature, and
    `cryptography` checks an RSA key at each load (0.1 s, twice per PDF). This one signs with
    the key object loaded once."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = HASHES[digest_algorithm]()
        if isinstance(self.key, rsa.RSAPrivateKey):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism != "rsassa_pkcs1v15":
                return bytes(super().sign_raw(data, digest_algorithm))
            return self.key.sign(data, padding.PKCS1v15(), algorithm)
        return self.key.sign(data, ec.ECDSA(algorithm))


def loaded_key_signer(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
) -> signers.SimpleSigner:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = _LoadedKeySigner(
        to_asn1(cert),
        asn1_keys.PrivateKeyInfo.load(der),
        SimpleCertificateStore.from_certs([to_asn1(c) for c in chain]),  # type: ignore[no-untyped-call]
    )
    signer.key = key
    return signer


def require_key_manager(session: Session, actor: Actor) -> None:
    """Who may give the commune a signing key: whoever prepares or signs its packages."""
    if not can(actor, "package.sign"):
        require(session, actor, "package.prepare")


def assign_key(session: Session, actor: Actor, name: str) -> None:
    """Make key `name` the one that signs this commune's packages."""
    require_key_manager(session, actor)
    _set_key(session, actor, name)


def _set_key(session: Session, actor: Actor, name: str) -> None:
    info = key_info(name)
    setting = session.get(Setting, SETTING)
    if setting is None:
        session.add(Setting(key=SETTING, value=name))
    else:
        setting.value = name
    audit.record(session, actor, "keys.assign", "key", name, certificate=info.fingerprint)


def assigned_key(session: Session) -> str:
    setting = session.get(Setting, SETTING)
    if setting is None:
        raise RaSoatError("keys.none_assigned")
    return setting.value


def create_demo_key(session: Session, actor: Actor, commune_name: str) -> KeyInfo:
    """The demo commune's key: DEMO in every name, the documented demo passphrase, 2048 bits
    (a demonstration needs no more and starts faster)."""
    stamp = datetime.now().strftime("%Y%m%d%H%M%S%f")
    info = create_key(
        f"demo-{stamp}",
        f"{DEMO_MARK} {commune_name}",
        f"RaSoat {DEMO_MARK}",
        DEMO_PASSPHRASE.encode(),
        unit="KHÔNG có giá trị chính thức",
        key_size=2048,
    )
    _set_key(session, actor, info.name)  # part of creating the demo (demo.create)
    return info
