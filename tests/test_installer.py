"""The distribution: the NSIS installer script compiles, and the built bundle works.

`make dist` runs `installer/build.py bundle`; the slow test below runs the same code into a
temporary folder, then runs the bundled `rasoat selftest`, starts the bundled desktop program,
and checks the portable switch (portable.txt → data beside the program).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer"))
import build  # noqa: E402  (installer/build.py)


def _env(home: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASOAT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if home is not None:
        env["RASOAT_HOME"] = str(home)
    return env


def test_version_comes_from_pyproject() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    assert build.version() == version == __version__


def _makensis() -> str:
    found = shutil.which("makensis")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("makensis is missing (Debian package nsis, .ci/apt.d/excel.txt)")
        pytest.skip("makensis is not installed (Debian package nsis)")
    return found


def test_nsis_installer_script_compiles(tmp_path: Path) -> None:
    """The real script, around a stand-in bundle: makensis with warnings as errors."""
    bundle = tmp_path / "RaSoat"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("rasoat.exe", "rasoat-gui.exe", "_internal/python311.dll"):
        (bundle / name).write_bytes(b"stand-in")
    out = build.installer(bundle, tmp_path / "RaSoat-setup.exe", _makensis())
    data = out.read_bytes()
    assert data[:2] == b"MZ" and len(data) > 50_000  # a Windows executable


def test_installer_script_installs_per_user_and_keeps_data() -> None:
    script = (ROOT / "installer" / "rasoat.nsi").read_text("utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP}"' in script
    assert "HKLM" not in script  # nothing machine-wide
    assert "$DESKTOP\\${APP}.lnk" in script and "$SMPROGRAMS\\${APP}\\${APP}.lnk" in script
    uninstall = script[script.index('Section "Uninstall"') :]
    assert "DATA_DIR" in uninstall and 'RMDir /r "$INSTDIR"' not in uninstall


def test_portable_zip_carries_the_switch(tmp_path: Path) -> None:
    folder = tmp_path / "RaSoat"
    folder.mkdir()
    (folder / "rasoat").write_text("stand-in")
    out = build.portable_zip(folder, tmp_path)
    top = f"RaSoat-{__version__}-portable"
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == [f"{top}/portable.txt", f"{top}/rasoat"]


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The one-folder bundle built as `make dist` builds it (about 90 s here)."""
    dist = tmp_path_factory.mktemp("dist")
    yield build.bundle(dist, tmp_path_factory.mktemp("work"))


@pytest.mark.slow
def test_built_bundle_passes_its_selftest(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = subprocess.run(
        [str(bundle / "rasoat"), "selftest"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Tự kiểm tra đạt" in result.stdout
    assert f"data folder {home}" in result.stdout
    version = subprocess.run(
        [str(bundle / "rasoat"), "--version"], env=_env(home), capture_output=True, text=True
    )
    assert version.stdout.strip() == f"RaSoat {__version__}"
    assert (bundle / "VERSION.txt").read_text().strip() == __version__


@pytest.mark.slow
def test_built_desktop_program_starts(bundle: Path, tmp_path: Path) -> None:
    """It is still running after a few seconds: Qt and its platform plugin load from the bundle."""
    env = _env(tmp_path / "home")
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([str(bundle / "rasoat-gui")], env=env, capture_output=True, timeout=6)
    assert (tmp_path / "home" / "rasoat.sqlite").exists()  # it opened its database there


@pytest.mark.slow
def test_portable_bundle_keeps_data_beside_the_program(bundle: Path) -> None:
    (bundle / "portable.txt").write_text("portable")
    try:
        result = subprocess.run(
            [str(bundle / "rasoat"), "selftest"],
            env=_env(None),  # no RASOAT_HOME: the program decides
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        (bundle / "portable.txt").unlink()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"data folder {bundle / 'data'}" in result.stdout
