"""verify_package: a genuine package passes; every kind of change is caught with its reason."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.package.manifest import DATA, MANIFEST, SIGNATURE
from app.package.trust import TrustStore
from app.package.verify import verify_package
from tests.app.package.conftest import Built, members, rewrite


def codes(report: object) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in report.problems]  # type: ignore[attr-defined]


def test_genuine_package_verifies(built: Built, package: Path) -> None:
    report = verify_package(package, built.trust, keep=[DATA])
    assert report.ok, codes(report)
    assert report.demo
    m = report.manifest
    assert m is not None
    assert m.commune["code"] == "22237" and m.round["year"] == 2026
    assert m.counts["households"] == 400
    assert sum(m.counts["by_class"].values()) == 400
    assert report.files_checked == len(m.files) >= 6
    assert report.pdf_signatures_checked == sum(1 for f in m.files if f.path.endswith(".pdf"))
    data = report.contents[DATA]
    assert hashlib.sha256(data).hexdigest() == m.fingerprint == built.result.fingerprint
    doc = json.loads(data)
    assert doc["format"] == "rasoat.households/1" and len(doc["households"]) == 400


def test_package_name_follows_the_convention(built: Built) -> None:
    assert built.result.path.name == "66-22237-2026-202611200930.rasoat.zip"


def all_names(built: Built) -> list[str]:
    return sorted(members(built.result.path))


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_changing_one_byte_of_any_file_is_caught(
    built: Built, package: Path, position: str
) -> None:
    for name in all_names(built):
        files = members(built.result.path)
        data = bytearray(files[name])
        i = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[position]
        data[i] ^= 0x01
        files[name] = bytes(data)
        rewrite(package, files)
        found = codes(verify_package(package, built.trust))
        expected = {
            MANIFEST: ("signature_invalid", SIGNATURE),
            SIGNATURE: ("signature_invalid", SIGNATURE),
        }.get(name, ("file_changed", name))
        if name == MANIFEST and found and found[0][0] == "manifest_invalid":
            expected = ("manifest_invalid", MANIFEST)  # the byte broke the JSON itself
        assert expected in found, (name, found)


def test_removing_any_file_is_caught(built: Built, package: Path) -> None:
    for name in all_names(built):
        files = members(built.result.path)
        del files[name]
        rewrite(package, files)
        found = codes(verify_package(package, built.trust))
        expected = {
            MANIFEST: ("manifest_missing", MANIFEST),
            SIGNATURE: ("signature_missing", SIGNATURE),
        }.get(name, ("file_missing", name))
        assert expected in found, (name, found)


@pytest.mark.parametrize(
    "extra", ["reports/them.pdf", "data/other.json", "readme.txt", "reports/bao-cao.xlsx"]
)
def test_adding_a_file_is_caught(built: Built, package: Path, extra: str) -> None:
    files = members(built.result.path)
    files[extra] = b"added later"
    rewrite(package, files)
    assert codes(verify_package(package, built.trust)) == [("file_extra", extra)]


def test_flipped_byte_in_the_zip_container_is_caught(built: Built, package: Path) -> None:
    blob = bytearray(package.read_bytes())
    # A byte inside the stored (uncompressed) workbook: the zip's CRC no longer matches.
    offset = blob.find(b"xl/worksheets")
    assert offset > 0
    blob[offset] ^= 0x20
    package.write_bytes(bytes(blob))
    found = codes(verify_package(package, built.trust))
    assert found and found[0][0] in ("file_corrupt", "file_changed")


def test_unknown_signer_is_refused(built: Built, package: Path) -> None:
    report = verify_package(package, TrustStore())
    assert codes(report) == [("signer_unknown", SIGNATURE)]
    assert "DEMO Xã Ea Ly" in report.problems[0].message("vi")


def test_revoked_signer_is_refused(built: Built, package: Path) -> None:
    report = verify_package(package, built.trust)
    revoked = TrustStore(built.trust.anchors, frozenset({report.signer_fingerprint}))
    assert ("signer_unknown", SIGNATURE) in codes(verify_package(package, revoked))


def test_a_resigned_manifest_from_another_key_is_refused(built: Built, package: Path) -> None:
    """A tamperer changes the data, fixes the manifest and signs it with a key of their own."""
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from app.keys import issue_pair
    from app.package.signing import SigningIdentity, to_asn1
    from app.package.signing import cert_fingerprint as fp

    key, cert, root = issue_pair("Kẻ giả mạo", "Không rõ", key_size=2048)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        to_asn1(cert),
        asn1_keys.PrivateKeyInfo.load(der),
        SimpleCertificateStore.from_certs([to_asn1(root)]),
    )
    fake = SigningIdentity(signer, cert, (root,))
    files = members(built.result.path)
    doc = json.loads(files[DATA])
    doc["households"][0]["income_per_capita_month"] = 99_000_000
    files[DATA] = json.dumps(doc, ensure_ascii=False).encode()
    manifest = json.loads(files[MANIFEST])
    for entry in manifest["files"]:
        if entry["path"] == DATA:
            entry["sha256"] = hashlib.sha256(files[DATA]).hexdigest()
            entry["size"] = len(files[DATA])
    manifest["fingerprint"] = hashlib.sha256(files[DATA]).hexdigest()
    manifest["signer"]["certificate_sha256"] = fp(cert)
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    files[SIGNATURE] = fake.sign_detached(files[MANIFEST])
    rewrite(package, files)
    found = codes(verify_package(package, built.trust, check_pdfs=False))
    assert found == [("signer_unknown", SIGNATURE)]


def test_not_a_zip_is_a_wrong_format(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "x.rasoat.zip"
    path.write_bytes(b"%PDF-1.7 not a package")
    assert codes(verify_package(path, built.trust)) == [("not_a_package", "")]


def test_manifest_of_another_format_is_refused(built: Built, package: Path) -> None:
    files = members(built.result.path)
    manifest = json.loads(files[MANIFEST])
    manifest["format"] = "something/2"
    files[MANIFEST] = json.dumps(manifest).encode()
    rewrite(package, files)
    assert codes(verify_package(package, built.trust)) == [("manifest_invalid", MANIFEST)]


def test_missing_file_reported_with_readable_reason(built: Built, package: Path) -> None:
    files = members(built.result.path)
    del files["reports/danh-sach-niem-yet.pdf"]
    rewrite(package, files)
    report = verify_package(package, built.trust)
    assert [p.message("vi") for p in report.problems] == [
        "Thiếu tệp: reports/danh-sach-niem-yet.pdf"
    ]
    assert [p.message("en") for p in report.problems] == [
        "Missing file: reports/danh-sach-niem-yet.pdf"
    ]


def test_package_data_is_exactly_what_rasoat_export_writes(built: Built, package: Path) -> None:
    from app.exchange.exporting import export_document
    from app.storage import open_database

    db = open_database(built.db_path)
    try:
        with db.sessions.begin() as session:
            expected = export_document(session)
    finally:
        db.dispose()
    assert json.loads(members(package)[DATA]) == expected


def test_pdf_signatures_are_judged_by_the_trust_store_given_each_time(built: Built) -> None:
    """pyHanko's index of trusted certificates is built once per set of anchors and reused
    (app/package/pdf_verify.py): a PDF is trusted under the anchors that hold its signer's
    root, and untrusted under others, whatever was checked before."""
    from app.keys import issue_pair
    from app.package.pdf_verify import check_pdf_signature

    files = members(built.result.path)
    pdf = next(data for name, data in files.items() if name.endswith(".pdf"))
    signer = verify_package(built.result.path, built.trust).signer
    assert signer is not None
    _, stranger, stranger_root = issue_pair("Người lạ", "Không rõ", key_size=2048)
    strangers = TrustStore((stranger, stranger_root))
    both = TrustStore((stranger_root, built.root))
    for _ in range(2):
        assert check_pdf_signature(pdf, signer, built.trust) == ""
        assert check_pdf_signature(pdf, signer, strangers) == "untrusted"
        assert check_pdf_signature(pdf, signer, TrustStore()) == "untrusted"
        assert check_pdf_signature(pdf, signer, both) == ""
