"""`rasoat selftest`: every check passes on a good copy, and a broken copy is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.resources import resources_dir
from app.selftest import run_selftest
from tests.app.test_cli import run


def test_selftest_passes_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("RASOAT_HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    checks = run_selftest(work_dir=work)
    assert [c.detail for c in checks if not c.ok] == []
    assert {c.name for c in checks} >= {
        "selftest.resources",
        "selftest.database",
        "selftest.classify",
        "selftest.exchange",
        "selftest.excel",
        "selftest.package",
        "selftest.pdf",
    }
    package = next(c for c in checks if c.name == "selftest.package")
    assert "PDF signatures verified" in package.detail
    assert list(work.iterdir()) == []  # the temporary folder is gone
    assert not home.exists()  # the officer's data folder was never touched (no demo key there)


def test_selftest_cli_reports_each_check(tmp_path: Path) -> None:
    code, out, err = run("selftest", "--work-dir", str(tmp_path))
    assert code == 0 and err == ""
    assert "✓ Phân loại các hộ mẫu" in out and "Tự kiểm tra đạt" in out


def test_a_copy_missing_its_fonts_fails_the_selftest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "resources"
    shutil.copytree(resources_dir(), broken, ignore=shutil.ignore_patterns("*.ttf"))
    monkeypatch.setenv("RASOAT_RESOURCES", str(broken))
    code, out, err = run("--lang", "en", "selftest", "--work-dir", str(tmp_path))
    assert code == 1
    assert "✗ Shipped data" in out and "✗ Rendering a PDF page" in out
    assert "Self-test FAILED" in err
