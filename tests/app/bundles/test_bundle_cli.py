"""The field round trip on the command line only, as an officer and a reviewer would run it, and
the signature checked by a tool we did not write (openssl)."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app.actor import Actor
from app.cli import main
from app.facts import HouseholdFacts
from app.fieldwork import signed_files
from app.storage import open_database
from tests.app.bundles.laptops import Laptop


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0, err
    return out


@pytest.fixture
def journey(tmp_path: Path) -> dict[str, Path]:
    hub, nam, usb = tmp_path / "xa.sqlite", tmp_path / "nam.sqlite", tmp_path / "usb"
    usb.mkdir()
    # The commune laptop: a demo commune, with its officer account "canbo".
    ok(
        "--db",
        str(hub),
        "demo",
        "--households",
        "40",
        "--seed",
        "3",
        "--reference-date",
        "2026-11-15",
    )
    # A new laptop for the reviewer: its administrator makes the key, and Nam's account.
    out = ok(
        "--db", str(nam), "--user", "quantri", "reviewer", "key", "--out", str(usb / "nam.pub")
    )
    assert "Dấu vân tay" in out
    ok("--db", str(nam), "--user", "quantri", "users", "add", "nam", "--role", "reviewer")
    out = ok(
        "--db", str(hub), "--user", "canbo", "assign", "--reviewer", "nam",
        "--name", "Nguyễn Văn Nam", "--key", str(usb / "nam.pub"), "--village", "Thôn 1",
        "--out", str(usb),
    )  # fmt: skip
    assert "phân công số 1 cho nam" in out
    (assignment,) = usb.glob("*.rasoat-assignment")
    out = ok("--db", str(nam), "--user", "nam", "assignment", "open", str(assignment))
    assert "Đã mở phân công số 1" in out
    return {"hub": hub, "nam": nam, "usb": usb, "assignment": assignment}


def field_edit(
    path: Path, edit: Callable[[HouseholdFacts], HouseholdFacts], count: int = 1
) -> list[str]:
    """Nam edits households in the editor of his laptop (the GUI's save, called directly)."""
    laptop = Laptop(open_database(path), Actor("nam", "reviewer", "Nam"))
    try:
        state = laptop.register_state()
        codes = sorted(state)[:count]
        for code in codes:
            facts = laptop.facts(code)
            assert facts is not None
            laptop.save(edit(facts))
        return codes
    finally:
        laptop.db.dispose()


def test_field_round_trip_on_the_command_line(journey: dict[str, Path]) -> None:
    hub, nam, usb = journey["hub"], journey["nam"], journey["usb"]
    edited = field_edit(nam, lambda f: f._replace(income_per_capita_month=1_234_000), count=3)
    out = ok("--db", str(nam), "--user", "nam", "bundle", "export", "--out", str(usb))
    assert "gói số 1: 3 hộ" in out
    again = ok("--db", str(nam), "--user", "nam", "bundle", "export", "--out", str(usb))
    assert "Không có thay đổi" in again

    (bundle,) = usb.glob("*.rasoat-bundle")
    out = ok("--db", str(hub), "--user", "canbo", "bundle", "import", str(bundle))
    assert "3 hộ cập nhật" in out
    out = ok("--db", str(hub), "--user", "canbo", "bundle", "import", str(bundle))
    assert "đã được gộp trước đây" in out
    ok("--db", str(hub), "--user", "canbo", "export", "--out", str(usb / "xa.json"))
    merged = {h["id"]: h for h in json.loads((usb / "xa.json").read_text("utf-8"))["households"]}
    assert all(merged[code]["income_per_capita_month"] == 1_234_000 for code in edited)
    listing = ok("--db", str(hub), "--user", "canbo", "conflicts", "list")
    assert "0 trường đang xung đột" in listing
    listing = ok("--db", str(hub), "--user", "canbo", "reviewer", "list")
    assert "nam  Nguyễn Văn Nam  tiền tố NAM" in listing and "1 gói đã nhận" in listing
    assert "nguyên vẹn" in ok("--db", str(hub), "--user", "canbo", "audit", "verify")

    tampered = usb / "tampered.rasoat-bundle"
    data = bytearray(bundle.read_bytes())
    data[-10] ^= 1
    tampered.write_bytes(bytes(data))
    code, _out, err = run("--db", str(hub), "--user", "canbo", "bundle", "import", str(tampered))
    assert code == 1 and "Không nhập" in err and "mã kiểm tra" in err


def test_conflict_decided_on_the_command_line(journey: dict[str, Path]) -> None:
    hub, nam, usb = journey["hub"], journey["nam"], journey["usb"]
    choices = ["hanging", "double_vault", "none"]
    theirs: list[str] = []

    def nam_edit(facts: HouseholdFacts) -> HouseholdFacts:
        theirs.extend(v for v in choices if v != facts.latrine)
        return facts._replace(latrine=theirs[0])

    (code,) = field_edit(nam, nam_edit)
    b1 = str(usb / "b1.rasoat-bundle")
    ok("--db", str(nam), "--user", "nam", "bundle", "export", "--out", b1)

    # Meanwhile the officer changed the same field, through an export edited and imported back.
    ok("--db", str(hub), "--user", "canbo", "export", "--out", str(usb / "xa.json"))
    doc = json.loads((usb / "xa.json").read_text("utf-8"))
    doc["households"] = [h for h in doc["households"] if h["id"] == code]
    doc["households"][0]["latrine"] = theirs[1]
    (usb / "xa.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    ok("--db", str(hub), "--user", "canbo", "import", str(usb / "xa.json"))
    out = ok("--db", str(hub), "--user", "canbo", "bundle", "import", b1)
    assert "1 xung đột mới" in out
    listing = ok("--db", str(hub), "--user", "canbo", "conflicts", "list")
    assert f"Hộ {code} — Nhà tiêu [latrine]" in listing
    assert "nam Nguyễn Văn Nam" in listing and "canbo Cán bộ xã" in listing
    out = ok(
        "--db", str(hub), "--user", "canbo", "conflicts", "resolve", code, "latrine", "--pick", "1"
    )
    assert "đã chọn" in out
    assert "0 trường đang xung đột" in ok("--db", str(hub), "--user", "canbo", "conflicts", "list")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_verifies_the_signature(journey: dict[str, Path], tmp_path: Path) -> None:
    """The signature is plain Ed25519 over the stored content: OpenSSL checks it on its own."""
    usb = journey["usb"]
    signed = signed_files.unpack(journey["assignment"].read_bytes(), "a")
    header = json.loads(journey["assignment"].read_bytes().split(b"\n")[1])
    (tmp_path / "content.bin").write_bytes(signed.stored)
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(header["signature"]))
    # The commune laptop's public key, as pinned on the reviewer's laptop.
    (tmp_path / "xa.pub").write_text(signed.content()["commune_key"])

    def verify(content: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "xa.pub"),
             "-rawin", "-in", str(content), "-sigfile", str(tmp_path / "sig.bin")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    good = verify(tmp_path / "content.bin")
    assert good.returncode == 0 and "Signature Verified Successfully" in good.stdout
    changed = bytearray(signed.stored)
    changed[5] ^= 1
    (tmp_path / "changed.bin").write_bytes(bytes(changed))
    bad = verify(tmp_path / "changed.bin")
    assert bad.returncode != 0 and "Signature Verified Successfully" not in bad.stdout
    # And the reviewer's key file is what openssl reads as an Ed25519 public key.
    shown = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(usb / "nam.pub"), "-noout", "-text"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "ED25519 Public-Key" in shown.stdout
