"""The package manifest (`manifest.json`, format `rasoat.package/1`): what the package holds
(SHA-256 and size of every file), whose data it is, and the counts a receiver can check."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

FORMAT = "rasoat.package/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.p7s"
DATA = "data/households.json"
# Every name a package may hold: the manifest and its signature, the data (the households, and
# the Phiếu B answers beside them: app/package/survey_file.py), the reports.
ALLOWED_NAME = re.compile(
    r"^(manifest\.json|manifest\.json\.p7s|data/(households|survey)\.json"
    r"|reports/[a-z0-9][a-z0-9.-]{0,120}\.(xlsx|pdf))$"
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(Exception):
    """The manifest is not a valid `rasoat.package/1` manifest; `detail` says where."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: str
    app_version: str
    commune: dict[str, str]
    round: dict[str, Any]
    standard: dict[str, Any]
    counts: dict[str, Any]
    fingerprint: str
    signer: dict[str, str]
    files: tuple[FileEntry, ...]
    format: str = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> bytes:
        doc = {
            "format": self.format,
            "created_at": self.created_at,
            "app": {"name": "RaSoat", "version": self.app_version},
            "commune": self.commune,
            "round": self.round,
            "standard": self.standard,
            "counts": self.counts,
            "fingerprint": self.fingerprint,
            "signer": self.signer,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
        }
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")

    def entry(self, path: str) -> FileEntry | None:
        for f in self.files:
            if f.path == path:
                return f
        return None


def _need(doc: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ManifestError(f"{where}{key}")
    return value


def parse(data: bytes) -> Manifest:
    """Parse and check a manifest strictly; raises ManifestError naming the first bad field."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ManifestError("json") from None
    if not isinstance(doc, dict):
        raise ManifestError("json")
    if doc.get("format") != FORMAT:
        raise ManifestError("format")
    app = _need(doc, "app", dict)
    fingerprint = _need(doc, "fingerprint", str)
    if not _HEX64.match(fingerprint):
        raise ManifestError("fingerprint")
    files = []
    seen: set[str] = set()
    for i, raw in enumerate(_need(doc, "files", list)):
        if not isinstance(raw, dict):
            raise ManifestError(f"files[{i}]")
        path = _need(raw, "path", str, f"files[{i}].")
        digest = _need(raw, "sha256", str, f"files[{i}].")
        size = _need(raw, "size", int, f"files[{i}].")
        if not ALLOWED_NAME.match(path) or path in (MANIFEST, SIGNATURE) or path in seen:
            raise ManifestError(f"files[{i}].path")
        if not _HEX64.match(digest) or size < 0:
            raise ManifestError(f"files[{i}]")
        seen.add(path)
        files.append(FileEntry(path, digest, size))
    if DATA not in seen:
        raise ManifestError("files")
    return Manifest(
        created_at=_need(doc, "created_at", str),
        app_version=str(app.get("version", "")),
        commune=_need(doc, "commune", dict),
        round=_need(doc, "round", dict),
        standard=_need(doc, "standard", dict),
        counts=_need(doc, "counts", dict),
        fingerprint=fingerprint,
        signer=_need(doc, "signer", dict),
        files=tuple(files),
    )
