"""Documents filled from what the review recorded: meeting minutes, the chairman's decision,
certificates (Mẫu 03), checked by reading the PDFs back with pdftotext and pdfsig."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app import keys
from app.communes import VillageSpec, create_commune
from app.package.build import build_package, write_certificates
from app.package.signing import SigningIdentity
from app.package.trust import TrustStore
from app.package.verify import verify_package
from app.workflow.decisions import certify
from app.workflow.listing import record_opening_lists
from models.database import Database
from tests.app.package.conftest import tool
from tests.app.workflow.helpers import D, poor, save, the_round
from tests.app.workflow.test_in_year_review import walk
from tests.conftest import CHAIRMAN, OFFICER


@pytest.fixture
def decided(db: Database) -> Database:
    """A round in which P1 and P2 went through the whole procedure to the decision and got
    their certificates; Q3 is poor but was never surveyed."""
    with db.sessions.begin() as s:
        create_commune(s, OFFICER, "22237", [VillageSpec("Thôn 1"), VillageSpec("Thôn 2")],
                       D("2026-11-15"), "VN-MPS-2022-2025")  # fmt: skip
    save(db, poor("P1"), poor("P2"), poor("Q3", village="Thôn 2"))
    with db.sessions.begin() as s:
        record_opening_lists(s, OFFICER, the_round(s), {"P1": "poor", "P2": "near_poor"})
    walk(db, ["P1", "P2"], D("2026-09-16"), "45/QĐ-UBND")
    with db.sessions.begin() as s:
        certify(s, CHAIRMAN, the_round(s), ["P1", "P2"], D("2026-10-01"))
    return db


def identity() -> SigningIdentity:
    info = keys.create_key("xa", "UBND Xã Ea Ly", "UBND Xã Ea Ly", b"passphrase-1", key_size=2048)
    return keys.load_identity(info.name, b"passphrase-1")


def pdf_text(path: Path) -> str:
    return tool("pdftotext", "-layout", str(path), "-").stdout


def test_minutes_and_decision_show_what_was_recorded(decided: Database, tmp_path: Path) -> None:
    signer = identity()
    with decided.sessions.begin() as s:
        result = build_package(s, OFFICER, tmp_path, signer)
    report = verify_package(result.path, TrustStore(signer.chain[-1:]))
    assert report.ok, [p.code for p in report.problems]
    with zipfile.ZipFile(result.path) as zf:
        for name in (
            "reports/bien-ban-hop-dan.pdf",
            "reports/quyet-dinh-mau-02.pdf",
            "reports/danh-sach-niem-yet.pdf",
        ):
            (tmp_path / name.split("/")[1]).write_bytes(zf.read(name))
    minutes = pdf_text(tmp_path / "bien-ban-hop-dan.pdf")
    assert "BIÊN BẢN HỌP DÂN THÔN 1" in minutes and "BIÊN BẢN HỌP DÂN THÔN 2" in minutes
    assert "ngày 16 tháng 09 năm 2026" in minutes
    assert "Trưởng thôn" in minutes and "Số người tham dự: 30 người" in minutes
    assert "25/30" in minutes and "83,3" in minutes and "Thống nhất" in minutes
    assert "P1" in minutes and "P2" in minutes
    posting = pdf_text(tmp_path / "danh-sach-niem-yet.pdf")
    assert "Thời gian niêm yết: từ ngày 16/09/2026 đến hết ngày" in posting
    decision = pdf_text(tmp_path / "quyet-dinh-mau-02.pdf")
    assert "Số: 45/QĐ-UBND" in decision and "DỰ THẢO" not in decision
    # Decided: P1 and P2 poor. Q3 is poor by classification, not yet decided, but counted.
    assert "Công nhận 3 hộ nghèo" in decision


def test_draft_decision_before_the_chairman_decides(db: Database, tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        create_commune(s, OFFICER, "22237", [VillageSpec("Thôn 1")], D("2026-11-15"),
                       "VN-MPS-2022-2025")  # fmt: skip
    save(db, poor("P1"))
    with db.sessions.begin() as s:
        from app.assessments import classify_round
        from app.communes import only_commune

        classify_round(s, OFFICER, only_commune(s), the_round(s))
        result = build_package(s, OFFICER, tmp_path, identity())
    with zipfile.ZipFile(result.path) as zf:
        (tmp_path / "qd.pdf").write_bytes(zf.read("reports/quyet-dinh-mau-02.pdf"))
    text = pdf_text(tmp_path / "qd.pdf")
    assert "DỰ THẢO" in text and "Số: ……/QĐ-UBND" in text and "Công nhận 1 hộ nghèo" in text


def test_certificates_one_signed_page_per_household(decided: Database, tmp_path: Path) -> None:
    signer = identity()
    with decided.sessions.begin() as s:
        path = write_certificates(s, OFFICER, tmp_path, signer)
    pages = pdf_text(path).split("\f")[:-1]
    assert len(pages) == 3  # P1, P2 (certified) and Q3 (poor, no number yet)
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in pages[0] and "Số: 1/GCN-HN.HCN" in pages[0]
    assert "Số: 2/GCN-HN.HCN" in pages[1] and "Số: ……/GCN-HN.HCN" in pages[2]
    assert "Quyết định số 45/QĐ-UBND" in pages[0]
    assert "Nguyễn Văn An P1" in pages[0] and "Trần Thị Bình P1" in pages[0]
    nss = tmp_path / "nss"
    nss.mkdir()
    root = tmp_path / "root.pem"
    from cryptography.hazmat.primitives.serialization import Encoding

    root.write_bytes(signer.chain[-1].public_bytes(Encoding.PEM))
    tool("certutil", "-N", "-d", f"sql:{nss}", "--empty-password").check_returncode()
    tool("certutil", "-A", "-d", f"sql:{nss}", "-n", "r", "-t", "CT,C,C", "-i", str(root))
    out = tool("pdfsig", "-nssdir", f"sql:{nss}", str(path)).stdout
    assert "Signature is Valid." in out and "Certificate is Trusted." in out


def test_reviewer_cannot_export_the_package(decided: Database, tmp_path: Path) -> None:
    from app.errors import PermissionDenied
    from tests.conftest import REVIEWER

    out = tmp_path / "out"
    with decided.sessions.begin() as s, pytest.raises(PermissionDenied):
        build_package(s, REVIEWER, out, identity())
    assert not out.exists()
