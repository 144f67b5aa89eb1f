"""Build RaSoat for distribution: the one-folder bundle, the portable zip, the Windows installer.

    python installer/build.py bundle      # PyInstaller one-folder build, this machine (make dist)
    python installer/build.py installer   # the NSIS installer from the bundle (on Windows)
    python installer/build.py version     # the version, read from pyproject.toml

The version always comes from pyproject.toml. The portable variant is the same folder with a
`portable.txt` beside the programs: RaSoat then keeps its data in `data/` beside them
(app/paths.py), so a USB stick carries program and data together.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
PORTABLE_NOTE = (
    "RaSoat bản di động (portable): dữ liệu được lưu trong thư mục data\\ bên cạnh chương trình.\n"
    "Xóa tệp này để RaSoat lưu dữ liệu trong thư mục dữ liệu của người dùng như bản cài đặt.\n"
)


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on installer/rasoat.spec; returns the bundle folder (dist/RaSoat)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(INSTALLER / "rasoat.spec"),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
        ],
        check=True,
        cwd=ROOT,
    )
    folder = dist / "RaSoat"
    (folder / "VERSION.txt").write_text(version() + "\n", encoding="utf-8")
    return folder


def portable_zip(folder: Path, dist: Path) -> Path:
    """The portable variant: the bundle plus portable.txt, zipped as RaSoat-<version>-portable."""
    out = dist / f"RaSoat-{version()}-portable.zip"
    top = f"RaSoat-{version()}-portable"
    tmp = out.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        zf.writestr(f"{top}/portable.txt", PORTABLE_NOTE)
    os.replace(tmp, out)
    return out


def installer(folder: Path, out: Path, makensis: str = "makensis") -> Path:
    """Compile installer/rasoat.nsi around the bundle `folder` into `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            makensis,
            "-V2",
            "-WX",  # warnings are errors: CI keeps the script clean
            "-NOCD",
            f"-DVERSION={version()}",
            f"-DBUNDLE={folder}",
            f"-DOUTFILE={out}",
            str(INSTALLER / "rasoat.nsi"),
        ],
        check=True,
        cwd=INSTALLER,
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["bundle", "installer", "version"])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--no-zip", action="store_true", help="skip the portable zip")
    parser.add_argument("--makensis", default=shutil.which("makensis") or "makensis")
    args = parser.parse_args(argv)
    if args.what == "version":
        print(version())
        return 0
    if args.what == "bundle":
        folder = bundle(args.dist, args.work)
        print(f"bundle: {folder}")
        if not args.no_zip:
            print(f"portable: {portable_zip(folder, args.dist)}")
        return 0
    setup = args.dist / f"RaSoat-{version()}-setup.exe"
    out = installer(args.dist / "RaSoat", setup, args.makensis)
    print(f"installer: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
