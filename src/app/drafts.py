"""Unsaved editor work, kept on disk so a crash or a flat battery loses nothing.

An open editor writes its form (app/household_form.py: plain JSON values, exactly as typed) every
few seconds and on every change of household. Each draft is its own small file, written
atomically (app/atomic.py), in a folder per database, so two databases' drafts never mix. Saving
or discarding in the editor deletes the draft; at the next start the GUI offers the drafts left
behind.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import atomic
from app.paths import data_dir

DRAFT_FORMAT = "rasoat.draft/1"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Draft:
    key: str  # the household code, or "new-…" for a household not saved yet
    saved_at: str  # ISO-8601 UTC
    form: dict[str, Any]


class DraftStore:
    """The drafts of one database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_database(cls, database: str) -> DraftStore:
        """The store for the database described by `database` (its path or URL)."""
        digest = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
        return cls(data_dir() / "drafts" / digest)

    def _path(self, key: str) -> Path:
        # Keys are household codes typed by officers: keep them readable but never a path.
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
        return self.folder / f"{_SAFE.sub('_', key)[:40]}-{digest}.json"

    def save(self, key: str, form: Mapping[str, Any]) -> None:
        document = {
            "format": DRAFT_FORMAT,
            "key": key,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "form": dict(form),
        }
        data = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
        atomic.write_bytes(self._path(key), data)

    def load(self, key: str) -> Draft | None:
        return _read(self._path(key))

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def all(self) -> list[Draft]:
        """Every readable draft, oldest first; unreadable files are left alone, not deleted."""
        if not self.folder.is_dir():
            return []
        drafts = [d for d in map(_read, sorted(self.folder.glob("*.json"))) if d is not None]
        return sorted(drafts, key=lambda d: d.saved_at)


def _read(path: Path) -> Draft | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != DRAFT_FORMAT
        or not isinstance(data.get("key"), str)
        or not isinstance(data.get("form"), dict)
    ):
        return None
    return Draft(data["key"], str(data.get("saved_at", "")), data["form"])
