"""Drafts survive a crash and stay per database; settings are typed, versioned and forgiving."""

from __future__ import annotations

import json
from pathlib import Path

from app.drafts import DraftStore
from app.settings import SETTINGS_VERSION, Settings, load_settings, save_settings


def test_a_draft_is_written_read_back_and_discarded(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    form = {"code": "H0001", "members": [{"name": "Nguyễn Văn Hùng", "birth": "31/02"}]}
    store.save("H0001", form)
    draft = store.load("H0001")
    assert draft is not None and draft.form == form and draft.key == "H0001"
    assert [d.key for d in store.all()] == ["H0001"]
    store.discard("H0001")
    assert store.load("H0001") is None and store.all() == []


def test_draft_keys_never_become_paths(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    store.save("../../etc/passwd", {"code": "x"})
    files = list((tmp_path / "drafts").iterdir())
    assert len(files) == 1 and files[0].parent == tmp_path / "drafts"
    assert store.load("../../etc/passwd") is not None


def test_damaged_drafts_are_skipped_not_deleted(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    store.save("H1", {"code": "H1"})
    bad = tmp_path / "drafts" / "broken.json"
    bad.write_bytes(b"{not json")
    assert [d.key for d in store.all()] == ["H1"]
    assert bad.exists()


def test_each_database_has_its_own_drafts() -> None:
    one = DraftStore.for_database("/data/a.sqlite")
    two = DraftStore.for_database("/data/b.sqlite")
    one.save("H1", {"code": "H1"})
    assert two.all() == [] and len(one.all()) == 1


def test_settings_round_trip_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_settings(path) == Settings()
    settings = Settings(language="en").with_database("/a.sqlite").with_database("/b.sqlite")
    save_settings(settings, path)
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == SETTINGS_VERSION
    loaded = load_settings(path)
    assert loaded.language == "en"
    assert loaded.last_database == "/b.sqlite"
    assert loaded.recent_databases == ("/b.sqlite", "/a.sqlite")


def test_bad_values_fall_back_and_unknown_keys_survive(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"version": 9, "language": "fr", "autosave_seconds": "soon", "theme": "dark"}),
        "utf-8",
    )
    loaded = load_settings(path)
    assert loaded.language == "vi" and loaded.autosave_seconds == Settings().autosave_seconds
    save_settings(loaded, path)
    assert json.loads(path.read_text("utf-8"))["theme"] == "dark"
    path.write_bytes(b"\xff\xfe garbage")
    assert load_settings(path) == Settings()
