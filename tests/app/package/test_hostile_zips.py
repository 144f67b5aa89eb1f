"""The package reader refuses unsafe zips before reading any content, each with its reason."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from app.package.read import Limits
from app.package.verify import verify_package
from tests.app.package.conftest import Built, members


def codes(report: object) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in report.problems]  # type: ignore[attr-defined]


def with_entry(built: Built, path: Path, info: zipfile.ZipInfo, data: bytes) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members(built.result.path).items():
            zf.writestr(name, content)
        zf.writestr(info, data)


def test_path_traversal_is_refused(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with_entry(built, path, zipfile.ZipInfo("../../evil.sh"), b"rm -rf /")
    assert ("zip_unsafe_name", "../../evil.sh") in codes(verify_package(path, built.trust))


def test_absolute_and_drive_paths_are_refused(built: Built, tmp_path: Path) -> None:
    for name in ("/etc/passwd", "C:/Windows/x.dll", "reports\\..\\x.pdf", "reports//x.pdf"):
        path = tmp_path / "p.zip"
        with_entry(built, path, zipfile.ZipInfo(name), b"x")
        assert ("zip_unsafe_name", name) in codes(verify_package(path, built.trust)), name


def test_symbolic_link_is_refused(built: Built, tmp_path: Path) -> None:
    info = zipfile.ZipInfo("reports/link.pdf")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = tmp_path / "p.zip"
    with_entry(built, path, info, b"/etc/shadow")
    assert ("zip_symlink", "reports/link.pdf") in codes(verify_package(path, built.trust))


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_names_are_refused(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with_entry(built, path, zipfile.ZipInfo("data/households.json"), b'{"format": "x"}')
    found = codes(verify_package(path, built.trust))
    assert ("zip_duplicate", "data/households.json") in found


def test_names_equal_after_case_folding_are_duplicates(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with_entry(built, path, zipfile.ZipInfo("Manifest.JSON"), b"{}")
    assert ("zip_duplicate", "Manifest.JSON") in codes(verify_package(path, built.trust))


def test_decompression_bomb_is_refused_from_its_header(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    info = zipfile.ZipInfo("reports/bomb.pdf")
    info.compress_type = zipfile.ZIP_DEFLATED
    with_entry(built, path, info, b"\0" * (64 << 20))  # 64 MB of zeros deflate to ~64 KB
    assert path.stat().st_size < 2 << 20
    assert ("zip_bomb", "reports/bomb.pdf") in codes(verify_package(path, built.trust))


def test_too_many_entries_are_refused(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(30):
            zf.writestr(f"reports/{i}.pdf", b"x")
    report = verify_package(path, built.trust, limits=Limits(max_entries=20))
    assert codes(report) == [("zip_too_many", "30"), ("manifest_missing", "manifest.json")]


def test_a_file_larger_than_declared_stops_reading(built: Built, tmp_path: Path) -> None:
    """A header that lies about the size: reading stops at the declared size."""
    files = members(built.result.path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    blob = bytearray(buf.getvalue())
    # Shrink the declared size of the data file in its central directory record.
    entry = central_record(blob, b"data/households.json")
    real = int.from_bytes(blob[entry + 24 : entry + 28], "little")
    blob[entry + 24 : entry + 28] = (real // 2).to_bytes(4, "little")
    path = tmp_path / "p.zip"
    path.write_bytes(bytes(blob))
    found = codes(verify_package(path, built.trust))
    assert found and found[0][0] in ("file_corrupt", "file_changed")


def central_record(blob: bytearray, name: bytes) -> int:
    """Offset of the central-directory record of `name` (its name follows 46 fixed bytes)."""
    entry = blob.rfind(name) - 46
    assert blob[entry : entry + 4] == b"PK\x01\x02"
    return entry


def test_encrypted_zip_entry_is_refused(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with_entry(built, path, zipfile.ZipInfo("reports/secret.pdf"), b"x")
    blob = bytearray(path.read_bytes())
    blob[central_record(blob, b"reports/secret.pdf") + 8] |= 0x1  # the "encrypted" flag
    path.write_bytes(bytes(blob))
    assert ("zip_encrypted_entry", "reports/secret.pdf") in codes(verify_package(path, built.trust))
