"""`rasoat export-package`, `verify`, `decrypt` and `keys` as an officer and an office use them."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from app import keys
from app.cli import main
from app.package.envelope import SUFFIX
from app.storage import open_database
from tests.app.package.conftest import tool


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    db = str(tmp_path / "demo.sqlite")
    code, out, _ = run("--db", db, "demo", "--households", "60", "--seed", "5")
    assert code == 0 and "rasoat-demo" in out
    monkeypatch.setenv(keys.PASSPHRASE_ENV, keys.DEMO_PASSPHRASE)
    return db


def exported(db: str, out: Path, *extra: str) -> Path:
    code, text, err = run(
        "--db", db, "--user", "canbo", "export-package", "--out", str(out), *extra
    )
    assert code == 0, err
    found = sorted(out.iterdir())
    assert len(found) == 1 and str(found[0]) in text
    return found[0]


def test_demo_exports_and_verifies_at_once(demo_db: str, tmp_path: Path) -> None:
    package = exported(demo_db, tmp_path / "out")
    assert package.name.startswith("66-22237-") and package.name.endswith(".rasoat.zip")
    code, out, err = run("verify", str(package))
    assert code == 0, err
    assert "Gói hợp lệ" in out and "60 hộ" in out and "DEMO" in out


def test_verify_names_the_changed_file_and_fails(demo_db: str, tmp_path: Path) -> None:
    package = exported(demo_db, tmp_path / "out")
    with zipfile.ZipFile(package) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["data/households.json"] = files["data/households.json"].replace(
        b'"poor"', b'"average"', 1
    )
    with zipfile.ZipFile(package, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    code, out, err = run("verify", str(package))
    assert code == 2 and out == ""
    assert "Tệp đã bị thay đổi: data/households.json" in err
    assert "Gói KHÔNG hợp lệ" in err
    code, _, err = run("--lang", "en", "verify", str(package))
    assert code == 2 and "Changed file: data/households.json" in err


def test_a_stranger_with_no_trust_refuses_the_package(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = exported(demo_db, tmp_path / "out")
    monkeypatch.setenv("RASOAT_HOME", str(tmp_path / "office"))
    code, _, err = run("verify", str(package))
    assert code == 2 and "Người ký không được tin cậy" in err


def test_office_trusts_the_exported_certificate(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = exported(demo_db, tmp_path / "out")
    cert = tmp_path / "xa.pem"
    code, _, err = run("--db", demo_db, "keys", "export-cert", "--out", str(cert))
    assert code == 0, err
    assert b"PRIVATE" not in cert.read_bytes()
    monkeypatch.setenv("RASOAT_HOME", str(tmp_path / "office"))
    code, _, _ = run("verify", "--trust", str(cert), str(package))
    assert code == 0
    code, out, _ = run("keys", "trust", str(cert))
    assert code == 0 and "2" in out
    assert run("verify", str(package))[0] == 0


def office_key(tmp_path: Path) -> tuple[Path, Path]:
    """The receiving office's key (.p12) and certificate, as its CA would issue them."""
    key, cert, _root = keys.issue_pair("Sở Nông nghiệp và Môi trường", "UBND Tỉnh", key_size=2048)
    p12 = tmp_path / "office.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"office", key, cert, None, serialization.BestAvailableEncryption(b"office-secret")
        )
    )
    pem = tmp_path / "office.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return p12, pem


def test_encrypted_package_travels_and_decrypts(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p12, pem = office_key(tmp_path)
    package = exported(demo_db, tmp_path / "out", "--encrypt-for", str(pem))
    assert package.name.endswith(".rasoat.zip" + SUFFIX)
    blob = package.read_bytes()
    assert b"households" not in blob and b"PK\x03\x04" not in blob
    code, _, err = run("verify", str(package))
    assert code == 2 and "đã được mã hóa" in err
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "office-secret")
    code, _, err = run("verify", "--decrypt-key", str(p12), str(package))
    assert code == 0, err
    code, _, err = run("decrypt", str(package), "--key", str(p12), "--out", str(tmp_path))
    assert code == 0, err
    plain = tmp_path / package.name.removesuffix(SUFFIX)
    assert zipfile.is_zipfile(plain)
    # The office can also open it with openssl alone.
    key_pem = tmp_path / "office-key.pem"
    key, _, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), b"office-secret")
    assert key is not None
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    out_zip = tmp_path / "openssl.zip"
    proc = tool(
        "openssl",
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(package),
        "-inkey",
        str(key_pem),
        "-recip",
        str(pem),
        "-out",
        str(out_zip),
    )
    assert proc.returncode == 0, proc.stderr
    assert out_zip.read_bytes() == plain.read_bytes()


def test_wrong_decryption_key_is_told_plainly(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, pem = office_key(tmp_path)
    package = exported(demo_db, tmp_path / "out", "--encrypt-for", str(pem))
    other = tmp_path / "other"
    other.mkdir()
    p12, _ = office_key(other)
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "office-secret")
    code, _, err = run("verify", "--decrypt-key", str(p12), str(package))
    assert code == 1 and "không được mã hóa cho khóa này" in err


def test_wrong_or_missing_passphrase_exports_nothing(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "not-the-passphrase")
    code, _, err = run("--db", demo_db, "--user", "canbo", "export-package", "--out", str(out))
    assert code == 1 and "Sai mật khẩu" in err
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    code, _, err = run("--db", demo_db, "--user", "canbo", "export-package", "--out", str(out))
    assert code == 1 and keys.PASSPHRASE_ENV in err
    assert not out.exists() or not any(out.iterdir())


def test_commune_creates_its_own_key_and_signs_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "xa.sqlite")
    assert run("--db", db, "init", "--commune", "22237", "--village", "Thôn 1")[0] == 0
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "một mật khẩu dài")
    # The administrator manages accounts, not the commune's signing key.
    code, _, err = run("--db", db, "keys", "create", "--name", "Ea Ly 2026")
    assert code == 1 and "không có quyền" in err
    assert run("--db", db, "users", "add", "canbo", "--role", "officer")[0] == 0
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "short")
    code, _, err = run("--db", db, "--user", "canbo", "keys", "create", "--name", "Ea Ly 2026")
    assert code == 1 and "ít nhất 8" in err
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "một mật khẩu dài")
    code, out, err = run("--db", db, "--user", "canbo", "keys", "create", "--name", "Ea Ly 2026")
    assert code == 0, err
    stored = keys.keys_dir() / "ea-ly-2026.p12"
    # The private key is stored encrypted: no passphrase, no key.
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(stored.read_bytes(), None)
    code, out, _ = run("keys", "list")
    assert "ea-ly-2026" in out and "UBND Xã Ea Ly" in out
    package = exported(db, tmp_path / "out")
    code, out, err = run("verify", str(package))
    assert code == 0, err
    assert "DEMO" not in out and "0 hộ" in out


def test_import_p12_from_a_certification_authority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "xa.sqlite")
    run("--db", db, "init", "--commune", "22237", "--village", "Thôn 1")
    run("--db", db, "users", "add", "canbo", "--role", "officer")
    key, cert, root = keys.issue_pair("Nguyễn Văn A - Chủ tịch", "UBND Xã Ea Ly", key_size=2048)
    p12 = tmp_path / "ca-issued.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", key, cert, [root], serialization.BestAvailableEncryption(b"ca-password-1")
        )
    )
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "wrong-password")
    code, _, err = run("--db", db, "--user", "canbo", "keys", "import", str(p12))
    assert code == 1 and "ca-issued.p12" in err
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "ca-password-1")
    code, _, err = run("--db", db, "--user", "canbo", "keys", "import", str(p12))
    assert code == 0, err
    package = exported(db, tmp_path / "out")
    root_pem = tmp_path / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    assert run("verify", str(package))[0] == 2  # this CA is not trusted yet
    assert run("verify", "--trust", str(root_pem), str(package))[0] == 0


def test_export_is_audited(demo_db: str, tmp_path: Path) -> None:
    package = exported(demo_db, tmp_path / "out")
    db = open_database(demo_db)
    try:
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT details FROM audit_events WHERE action = 'package.export'"
            ).all()
    finally:
        db.dispose()
    assert len(rows) == 1 and package.name in rows[0][0]
    assert run("--db", demo_db, "audit", "verify")[0] == 0
    shutil.rmtree(tmp_path / "out")
