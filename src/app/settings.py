"""The officer's preferences on this laptop: typed, with defaults and a version, stored as JSON.

Declared once here (Picard's options.py): a preference has a name, a type and a default. Window
geometry and other widget state are not preferences; the GUI keeps them in QSettings. Nothing is
pickled. A damaged or hand-edited file never stops the app: a value of the wrong type falls back
to its default, and unknown keys from a newer RaSoat are kept when the file is written again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app import atomic
from app.i18n import DEFAULT_LANG, LANGS
from app.paths import data_dir

SETTINGS_VERSION = 1
RECENT_LIMIT = 8


@dataclass(frozen=True)
class Settings:
    language: str = DEFAULT_LANG
    last_database: str | None = None
    recent_databases: tuple[str, ...] = ()
    # Seconds between autosaves of an open editor's unsaved work (app/drafts.py).
    autosave_seconds: int = 3
    # Minutes without input after which the window locks and asks to sign in again
    # (app/idle_lock.py): a laptop left open in a village hall shows no one's data.
    lock_after_minutes: int = 10
    # Keys this version does not know, kept so an older RaSoat does not erase a newer one's.
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_database(self, path: str) -> Settings:
        """Remember `path` as the last database and at the top of the recent list."""
        recent = (path, *(p for p in self.recent_databases if p != path))[:RECENT_LIMIT]
        return replace(self, last_database=path, recent_databases=recent)


def settings_path() -> Path:
    return data_dir() / "settings.json"


def _valid(name: str, value: Any) -> bool:
    if name == "language":
        return value in LANGS
    if name == "last_database":
        return value is None or isinstance(value, str)
    if name == "recent_databases":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if name == "lock_after_minutes":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 240
    if name == "autosave_seconds":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 600
    return False


def from_dict(data: Mapping[str, Any]) -> Settings:
    known = {f.name for f in fields(Settings)} - {"extra"}
    values: dict[str, Any] = {}
    for name in known:
        if name in data and _valid(name, data[name]):
            value = data[name]
            values[name] = tuple(value) if isinstance(value, list) else value
    extra = {k: v for k, v in data.items() if k not in known and k != "version"}
    return Settings(**values, extra=extra)


def to_dict(settings: Settings) -> dict[str, Any]:
    data = asdict(settings)
    extra = dict(data.pop("extra") or {})
    data["recent_databases"] = list(settings.recent_databases)
    return {**extra, "version": SETTINGS_VERSION, **data}


def load_settings(path: Path | None = None) -> Settings:
    """The stored settings, or the defaults when there are none or the file is unreadable."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return Settings()
    return from_dict(data) if isinstance(data, dict) else Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    text = json.dumps(to_dict(settings), ensure_ascii=False, indent=2, sort_keys=True)
    atomic.write_bytes(path or settings_path(), text.encode("utf-8"))
