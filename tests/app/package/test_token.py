"""Signing with a USB token through PKCS#11, with SoftHSM2 standing in for the token: the key is
generated outside, imported into the token and never read back; pdfsig and openssl check the
signatures the token made."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from app.errors import RaSoatError
from app.keys import issue_pair
from app.package.trust import TrustStore
from app.package.verify import verify_package
from app.token_signing import open_token
from tests.app.package.conftest import Built, tool

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
PIN = "123456"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    """One token per test run: SoftHSM reads its configuration once per process."""
    tmp_path = tmp_path_factory.mktemp("softhsm")
    module = next((m for m in MODULES if Path(m).exists()), None)
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.fail("SoftHSM2 is not installed (listed in .ci/apt.d/package.txt)")
    pkcs11 = pytest.importorskip("pkcs11", reason="python-pkcs11 is in the test extra")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = lambda *a: subprocess.run(a, capture_output=True, text=True, check=True)  # noqa: E731
    run("softhsm2-util", "--init-token", "--free", "--label", "RaSoat", "--so-pin", "654321",
        "--pin", PIN)  # fmt: skip
    key, cert, root = issue_pair("Nguyễn Văn A - UBND Xã Ea Ly", "UBND Xã Ea Ly", key_size=2048)
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))  # fmt: skip
    run("softhsm2-util", "--import", str(pem), "--token", "RaSoat", "--label", "signer",
        "--id", "01", "--pin", PIN)  # fmt: skip
    pem.unlink()  # from now on the key exists only inside the token
    lib = pkcs11.lib(module)
    with lib.get_token(token_label="RaSoat").open(rw=True, user_pin=PIN) as session:
        for label, c in (("signer", cert), ("root", root)):
            session.create_object({
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                pkcs11.Attribute.TOKEN: True,
                pkcs11.Attribute.LABEL: label,
                pkcs11.Attribute.ID: b"\x01" if label == "signer" else b"\x02",
                pkcs11.Attribute.VALUE: c.public_bytes(serialization.Encoding.DER),
                pkcs11.Attribute.SUBJECT: c.subject.public_bytes(),
                pkcs11.Attribute.ISSUER: c.issuer.public_bytes(),
            })  # fmt: skip
    return module, root


def test_token_signs_pdf_and_manifest(token: tuple[str, object], tmp_path: Path) -> None:
    module, root = token
    with open_token(module, PIN, token_label="RaSoat", key_label="signer") as identity:
        assert identity.subject == "Nguyễn Văn A - UBND Xã Ea Ly"
        assert [c.subject for c in identity.chain] == [root.subject]  # type: ignore[attr-defined]
        import io

        from reportlab.pdfgen.canvas import Canvas

        buf = io.BytesIO()
        c = Canvas(buf)
        c.drawString(100, 700, "RaSoat")
        c.showPage()
        c.save()
        signed = identity.sign_pdf(buf.getvalue())
        manifest = b'{"format": "rasoat.package/1"}'
        p7s = identity.sign_detached(manifest)
    (tmp_path / "s.pdf").write_bytes(signed)
    (tmp_path / "m.json").write_bytes(manifest)
    (tmp_path / "m.p7s").write_bytes(p7s)
    root_pem = tmp_path / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))  # type: ignore[attr-defined]
    nss = tmp_path / "nss"
    nss.mkdir()
    tool("certutil", "-N", "-d", f"sql:{nss}", "--empty-password").check_returncode()
    tool("certutil", "-A", "-d", f"sql:{nss}", "-n", "r", "-t", "CT,C,C", "-i", str(root_pem))
    out = tool("pdfsig", "-nssdir", f"sql:{nss}", str(tmp_path / "s.pdf")).stdout
    assert "Signature is Valid." in out and "Certificate is Trusted." in out
    check = tool("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                 str(tmp_path / "m.p7s"), "-content", str(tmp_path / "m.json"),
                 "-CAfile", str(root_pem), "-purpose", "any", "-out", "/dev/null")  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_token_signs_a_whole_package(
    token: tuple[str, object], built: Built, tmp_path: Path
) -> None:
    from app.package.build import build_package
    from app.storage import open_database
    from tests.app.package.conftest import ACTOR

    module, root = token
    db = open_database(built.db_path)
    try:
        with (
            open_token(module, PIN, "RaSoat", "signer") as identity,
            db.sessions.begin() as session,
        ):
            result = build_package(session, ACTOR, tmp_path, identity)
    finally:
        db.dispose()
    report = verify_package(result.path, TrustStore((root,)))  # type: ignore[arg-type]
    assert report.ok, [p.code for p in report.problems]
    assert report.signer_name == "Nguyễn Văn A - UBND Xã Ea Ly"


def test_wrong_pin_is_told_plainly(token: tuple[str, object]) -> None:
    module, _ = token
    with pytest.raises(RaSoatError) as caught:
        open_token(module, "000000", "RaSoat", "signer")
    assert "USB token" in caught.value.message()


def test_cli_exports_with_the_token(
    token: tuple[str, object], built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from app.cli import main

    module, root = token
    db = tmp_path / "copy.sqlite"
    shutil.copyfile(built.db_path, db)
    from app.storage import open_database
    from app.users import bootstrap_administrator, create_user
    from tests.conftest import TEST_PASSWORD

    database = open_database(db)
    with database.sessions.begin() as session:  # the CLI signs in as "tester", an officer
        admin = bootstrap_administrator(session, "admin1", TEST_PASSWORD, "Quản trị")
        create_user(session, admin, "tester", TEST_PASSWORD, "officer", "Cán bộ")
    database.dispose()
    monkeypatch.setenv("RASOAT_TOKEN_PIN", PIN)
    out, err = io.StringIO(), io.StringIO()
    argv = ["--db", str(db), "export-package", "--out", str(tmp_path / "out"), "--token", module,
            "--token-label", "RaSoat", "--token-key", "signer"]  # fmt: skip
    assert main(argv, out=out, err=err) == 0, err.getvalue()
    package = next((tmp_path / "out").iterdir())
    assert verify_package(package, TrustStore((root,))).ok  # type: ignore[arg-type]
