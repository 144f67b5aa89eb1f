"""The inactivity lock's clock and its setting."""

from __future__ import annotations

from pathlib import Path

from app.idle_lock import IdleLock
from app.settings import Settings, load_settings, save_settings


def test_locks_after_the_idle_minutes_and_input_resets_it() -> None:
    now = [1000.0]
    lock = IdleLock(10, clock=lambda: now[0])
    now[0] += 599
    assert not lock.due() and lock.remaining() == 1
    lock.touch()
    now[0] += 599
    assert not lock.due()
    now[0] += 1
    assert lock.due()


def test_the_lock_delay_is_a_setting_with_a_safe_fallback(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Settings().lock_after_minutes == 10
    save_settings(Settings(lock_after_minutes=3), path)
    assert load_settings(path).lock_after_minutes == 3
    path.write_text('{"lock_after_minutes": 0}', encoding="utf-8")  # never "never lock"
    assert load_settings(path).lock_after_minutes == 10
