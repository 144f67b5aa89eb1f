"""Before intake: which certificates signed the packages chosen, that the office neither trusts
nor has revoked, so the officer can be asked about each once, up front (in the desktop app, on
the GUI thread, before the intake job starts; at the terminal, before the work begins).

A quick pass: each package's manifest and its CMS signature only. Whatever it cannot read is
left for intake, which verifies everything and words every problem.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from app.errors import RaSoatError
from app.office.intake_check import MAX_PACKAGE_BYTES, DecryptKey, SignerCandidate, candidate
from app.office.signers import is_demo, load_register
from app.package.cms_verify import CmsError, CmsResult, chain_to, verify_detached
from app.package.envelope import is_enveloped
from app.package.manifest import MANIFEST, SIGNATURE, Manifest, ManifestError, parse
from app.package.read import NotAZip, PackageZip
from app.package.signing import cert_fingerprint
from models.database import Database


def new_signers(
    db: Database,
    paths: Sequence[Path],
    decrypt: DecryptKey | None = None,
    allow_demo: bool = False,
) -> list[SignerCandidate]:
    """One candidate per unknown certificate, in the order the packages are given."""
    with db.sessions() as session:
        register = load_register(session)
    seen: set[str] = set()
    out: list[SignerCandidate] = []
    for path in paths:
        found = _signed_manifest(path, decrypt)
        if found is None:
            continue
        manifest, result = found
        fingerprint = cert_fingerprint(result.signer)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        when = result.signing_time or datetime.now(UTC)
        trust = register.trust
        if chain_to(result.signer, result.certificates, trust.anchors, when, trust.revoked):
            continue
        if register.is_revoked(result.signer, result.certificates, when):
            continue
        if is_demo(result.signer) and not allow_demo:
            continue
        out.append(candidate(path, manifest, result.signer))
    return out


def _signed_manifest(path: Path, decrypt: DecryptKey | None) -> tuple[Manifest, CmsResult] | None:
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            return None
        raw = path.read_bytes()
        if is_enveloped(raw[:64]):
            if decrypt is None:
                return None
            raw = decrypt(raw)
        package = PackageZip(raw)
        try:
            manifest_bytes = package.read(MANIFEST, package.limits.max_manifest)
            signature = package.read(SIGNATURE, 1 << 20)
        finally:
            package.close()
        return parse(manifest_bytes), verify_detached(signature, manifest_bytes)
    except (OSError, RaSoatError, NotAZip, KeyError, zipfile.BadZipFile, ManifestError, CmsError):
        return None
