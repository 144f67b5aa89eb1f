"""The whole journey on the command line, with real packages from a real commune database:
commune → signed package → office intake (refused until trusted, then accepted, then duplicate)
→ consolidated reports → the office's review response → imported by the commune, once."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app import keys
from app.cli import main
from app.review_responses import latest_comments
from app.storage import open_database
from models import Household
from models.database import Database
from tests.dbstate import file_state

KEY_PASSPHRASE = "khóa-bí-mật-2026"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0, err
    return out


class Laptops:
    """Two machines: each has its own data folder (keys, trust list, archive)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.mp = tmp_path, monkeypatch
        monkeypatch.setenv(keys.PASSPHRASE_ENV, KEY_PASSPHRASE)

    def commune(self) -> str:
        self.mp.setenv("RASOAT_HOME", str(self.tmp / "commune-home"))
        return str(self.tmp / "xa.sqlite")

    def office(self) -> str:
        self.mp.setenv("RASOAT_HOME", str(self.tmp / "office-home"))
        return str(self.tmp / "so.sqlite")


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Laptops:
    return Laptops(tmp_path, monkeypatch)


def commune_package(laptops: Laptops) -> tuple[str, Path, Path]:
    """A commune with its own (non-demo) key exports a package and its certificate."""
    db = laptops.commune()
    ok("--db", db, "demo", "--households", "40", "--seed", "3")
    out = ok("--db", db, "--user", "canbo", "keys", "create", "--name", "xa-ea-ly")
    assert "UBND Xã Ea Ly (66/22237)" in out
    ok("--db", db, "--user", "canbo", "export-package", "--out", str(laptops.tmp / "usb"))
    cert = laptops.tmp / "xa-ea-ly.pem"
    ok("--db", db, "--user", "canbo", "keys", "export-cert", "--out", str(cert))
    [package] = (laptops.tmp / "usb").iterdir()
    return db, package, cert


def set_up_office(laptops: Laptops) -> str:
    db = laptops.office()
    ok("--db", db, "users", "bootstrap", "quantri")
    out = ok(
        "--db",
        db,
        "--user",
        "quantri",
        "office",
        "init",
        "--name",
        "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk",
        "--province",
        "66",
    )
    assert "Tỉnh Đắk Lắk" in out
    ok("--db", db, "--user", "quantri", "users", "add", "tiepnhan", "--role", "office")
    return db


def test_commune_to_office_and_back(laptops: Laptops) -> None:
    xa, _, cert = commune_package(laptops)
    so = set_up_office(laptops)
    usb = str(laptops.tmp / "usb")
    as_office = ("--db", so, "--user", "tiepnhan")

    code, out, err = run(*as_office, "intake", usb)
    assert code == 2 and "[Từ chối]" in err and "chưa có trong danh sách tin cậy" in err
    out = ok(*as_office, "signers", "import", str(cert))
    assert "Đã tin cậy cho Xã Ea Ly (22237)" in out
    out = ok(*as_office, "intake", usb)
    assert "[Đã nhận]" in out and "Xã Ea Ly" in out and "40 hộ" in out
    out = ok(*as_office, "intake", usb)
    assert "[Trùng, không nhập lại]" in out and "0 gói được nhận" in out

    reports = laptops.tmp / "bao-cao"
    out = ok(*as_office, "consolidate", "--out", str(reports))
    assert "1 xã, phường, 40 hộ" in out
    assert sorted(p.name for p in reports.iterdir()) == [
        "tong-hop-66-2026.pdf",
        "tong-hop-66-2026.xlsx",
    ]

    listing = ok(*as_office, "respond", "list", "22237")
    first = listing.splitlines()[1].split()[0]
    ok(*as_office, "respond", "comment", "22237", first, "Thiếu thẻ BHYT của con thứ hai")
    assert "đề nghị sửa: Thiếu thẻ BHYT" in ok(
        *as_office, "respond", "list", "22237", "--corrections"
    )
    ok("--db", so, "--user", "quantri", "office", "key", "create", "--name", "so-dak-lak")
    office_cert = laptops.tmp / "so.pem"
    ok(*as_office, "office", "key", "export-cert", "--out", str(office_cert))
    out = ok(*as_office, "respond", "send", "22237", "--out", str(laptops.tmp / "phan-hoi"))
    assert "39 hộ chấp nhận, 1 hộ đề nghị sửa" in out
    [response] = (laptops.tmp / "phan-hoi").iterdir()

    log = laptops.tmp / "nhat-ky.csv"
    ok(*as_office, "intake-log", "--out", str(log))
    rows = list(csv.DictReader(io.StringIO(log.read_text(encoding="utf-8-sig"))))
    assert [r["Kết quả"] for r in rows] == ["Trùng, không nhập lại", "Đã nhận", "Từ chối"]
    assert "chưa có trong danh sách tin cậy" in rows[2]["Lý do"]

    xa = laptops.commune()
    as_commune = ("--db", xa, "--user", "canbo")
    code, _, err = run(*as_commune, "import-response", str(response))
    assert code == 1 and "không thuộc danh sách tin cậy" in err  # the office is not trusted yet
    out = ok(*as_commune, "import-response", str(response), "--trust", str(office_cert))
    assert "1 hộ cần sửa" in out and "Lưu ý" not in out  # the package is one this laptop made
    before = file_state(Path(xa))
    out = ok(*as_commune, "import-response", str(response), "--trust", str(office_cert))
    assert "đã được nhập trước đây" in out
    after = file_state(Path(xa))
    # Signing in records the account's last sign-in; nothing else may change.
    assert strip_users(after) == strip_users(before)
    db = open_database(xa)
    try:
        assert comment_of(db, first) == ("correction", "Thiếu thẻ BHYT của con thứ hai")
    finally:
        db.dispose()


def strip_users(state: list) -> list:  # type: ignore[type-arg]
    return [
        (table, rows) for table, rows in state if table not in ("users", "audit_events", "settings")
    ]


def comment_of(db: Database, code: str) -> tuple[str, str]:
    from sqlalchemy import select

    with db.sessions() as session:
        hid = session.scalar(select(Household.id).where(Household.code == code))
        found = latest_comments(session)[hid]
    return found.verdict, found.comment


def test_office_on_postgresql_from_the_command_line(laptops: Laptops, pg_db: Database) -> None:
    _, package, cert = commune_package(laptops)
    laptops.office()
    url = pg_db.url.render_as_string(hide_password=False)
    ok("--db", url, "users", "bootstrap", "quantri")
    ok(
        "--db",
        url,
        "--user",
        "quantri",
        "office",
        "init",
        "--name",
        "Sở NN và MT",
        "--province",
        "66",
    )
    ok("--db", url, "--user", "quantri", "users", "add", "tiepnhan", "--role", "office")
    ok("--db", url, "--user", "tiepnhan", "signers", "import", str(cert))
    out = ok("--db", url, "--user", "tiepnhan", "intake", str(package))
    assert "[Đã nhận]" in out
    out = ok("--db", url, "--user", "tiepnhan", "consolidate", "--out", str(laptops.tmp / "r"))
    assert "40 hộ" in out


def test_a_new_commune_is_trusted_at_its_first_package_by_its_fingerprint(
    laptops: Laptops,
) -> None:
    from app.package.signing import cert_fingerprint
    from app.package.trust import load_certificates

    _, package, cert = commune_package(laptops)
    fingerprint = cert_fingerprint(load_certificates(cert)[0])
    so = set_up_office(laptops)
    as_office = ("--db", so, "--user", "tiepnhan")
    code, _, err = run(*as_office, "intake", str(package), "--accept-signer", fingerprint[:8])
    assert code == 1 and "16 chữ số" in err
    code, _, err = run(*as_office, "intake", str(package), "--accept-signer", "0" * 16)
    assert code == 2 and "chưa có trong danh sách tin cậy" in err
    grouped = ":".join(fingerprint[i : i + 2] for i in range(0, 20, 2))  # as some tools print it
    out = ok(*as_office, "intake", str(package), "--accept-signer", grouped)
    assert "[Đã nhận]" in out
    listed = ok(*as_office, "signers", "list")
    assert "Xã Ea Ly (22237)" in listed and fingerprint in listed
