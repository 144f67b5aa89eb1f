"""The return channel: the office's verdicts, the signed response (checked with openssl), and
the commune's import — shown on its households, refused when wrong, and changing nothing the
second time."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select

from app.actor import Actor
from app.communes import create_commune
from app.demo.households import generate
from app.errors import RaSoatError
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.office.responses import (
    RESPONSE,
    RESPONSE_SIGNATURE,
    current_package,
    package_households,
    set_verdict,
    write_response,
)
from app.package.trust import TrustStore
from app.review_responses import import_response, latest_comments
from app.storage import open_database
from models import Household
from models.database import Database
from tests.app.office.conftest import OFFICE, A, B, take, trust
from tests.conftest import OFFICER, REFERENCE_DATE
from tests.office_factory import CommuneSigner, commune_signer, read_zip, write_zip
from tests.snapshot import db_snapshot

CORRECTION = "Con thứ hai chưa có thẻ BHYT; đề nghị kiểm tra lại."


@pytest.fixture
def commune_laptop(template_db_file: Path, tmp_path: Path) -> Iterator[Database]:
    """The commune's own laptop database (the office's is another file, or a server)."""
    path = tmp_path / "xa.sqlite"
    shutil.copyfile(template_db_file, path)
    database = open_database(path)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def office_signer() -> CommuneSigner:
    return commune_signer(A, name="Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk")


def commune_with(db: Database, code: str, households: list) -> Database:  # type: ignore[type-arg]
    """A commune's own database holding `households` (as its officer imported them)."""
    with db.sessions.begin() as session:
        commune = create_commune(session, OFFICER, code, reference_date=REFERENCE_DATE)
        document = ExchangeDocument(
            "VN-MPS-2022-2025", REFERENCE_DATE, commune_ref(commune), households
        )
        import_document(session, OFFICER, document, source="test")
    return db


@pytest.fixture
def received(office_db: Database, signer_pool: dict[str, CommuneSigner], make_package):
    """Commune A's 25 households, received by the office; returns them."""
    households = list(generate(25, 4, REFERENCE_DATE))
    trust(office_db, signer_pool[A])
    take(office_db, make_package(signer_pool[A], households))
    return households


def respond(db: Database, out: Path, signer: CommuneSigner, corrections: dict[str, str]) -> Path:
    with db.sessions.begin() as session:
        for code, text in corrections.items():
            set_verdict(session, OFFICE, A, code, "correction", text)
        result = write_response(session, OFFICE, A, out, signer.identity)
    return result.path


def test_verdicts_are_checked_against_the_package(office_db: Database, received: list) -> None:  # type: ignore[type-arg]
    code = received[0].id
    with office_db.sessions.begin() as session:
        with pytest.raises(RaSoatError, match="ghi rõ nội dung"):
            set_verdict(session, OFFICE, A, code, "correction", "  ")
        with pytest.raises(RaSoatError, match="không có hộ HD999999"):
            set_verdict(session, OFFICE, A, "HD999999", "correction", "x")
        with pytest.raises(RaSoatError, match="Chưa nhận được gói nào của xã"):
            set_verdict(session, OFFICE, B, code, "accepted")
        with pytest.raises(RaSoatError, match="không hợp lệ"):
            set_verdict(session, OFFICE, A, code, "maybe")
        set_verdict(session, OFFICE, A, code, "correction", CORRECTION)
        set_verdict(session, OFFICE, A, code, "correction", CORRECTION + " (2)")  # updated
        rows = package_households(session, current_package(session, A))
    assert len(rows) == 25 and rows[0].code == code
    assert (rows[0].verdict, rows[0].comment) == ("correction", CORRECTION + " (2)")
    assert all(r.verdict == "accepted" for r in rows[1:])
    assert rows[0].head and rows[0].members == len(received[0].members)


def test_response_is_signed_so_openssl_verifies_it(
    office_db: Database,
    received: list,
    office_signer: CommuneSigner,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    path = respond(office_db, tmp_path, office_signer, {received[3].id: CORRECTION})
    assert path.name.startswith(f"66-{A}-2026-phan-hoi-") and path.name.endswith(
        ".rasoat-response.zip"
    )
    files = read_zip(path)
    doc = json.loads(files[RESPONSE])
    assert doc["format"] == "rasoat.review-response/1" and doc["commune"]["code"] == A
    assert doc["counts"] == {"accepted": 24, "correction": 1}
    assert {"id": received[3].id, "verdict": "correction", "comment": CORRECTION} in doc[
        "households"
    ]
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed (listed in .ci/apt.d/package.txt)")
    (tmp_path / "r.json").write_bytes(files[RESPONSE])
    (tmp_path / "r.p7s").write_bytes(files[RESPONSE_SIGNATURE])
    (tmp_path / "root.pem").write_bytes(office_signer.root.public_bytes(Encoding.PEM))
    check = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-purpose",
            "any",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "r.p7s"),
            "-content",
            str(tmp_path / "r.json"),
            "-CAfile",
            str(tmp_path / "root.pem"),
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert "Verification successful" in check.stderr


def test_commune_imports_the_response_once(
    office_db: Database,
    received: list,
    office_signer: CommuneSigner,
    commune_laptop: Database,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    path = respond(office_db, tmp_path, office_signer, {received[3].id: CORRECTION})
    commune = commune_with(commune_laptop, A, received)
    trusted = TrustStore((office_signer.root,))
    with commune.sessions.begin() as session:
        result = import_response(session, OFFICER, path, trusted)
    assert (result.already, result.accepted, result.corrections) == (False, 24, 1)
    assert result.unknown == () and not result.package_known  # imported, not exported, here
    with commune.sessions() as session:
        ids = dict(session.execute(select(Household.code, Household.id)).all())
        comments = latest_comments(session)
    assert len(comments) == 25
    assert (comments[ids[received[3].id]].verdict, comments[ids[received[3].id]].comment) == (
        "correction",
        CORRECTION,
    )
    assert comments[ids[received[0].id]].verdict == "accepted"
    before = db_snapshot(commune)
    with commune.sessions.begin() as session:
        again = import_response(session, OFFICER, path, trusted)
    assert again.already and again.corrections == 1
    assert db_snapshot(commune) == before


def test_a_later_response_is_what_the_households_show(
    office_db: Database,
    received: list,
    office_signer: CommuneSigner,
    commune_laptop: Database,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    from datetime import datetime

    commune = commune_with(commune_laptop, A, received)
    trusted = TrustStore((office_signer.root,))
    first = respond(office_db, tmp_path / "1", office_signer, {received[3].id: CORRECTION})
    with office_db.sessions.begin() as session:
        set_verdict(session, OFFICE, A, received[3].id, "accepted")
        later = write_response(
            session,
            OFFICE,
            A,
            tmp_path / "2",
            office_signer.identity,
            now=datetime(2026, 12, 1, 8, 0),
        ).path
    with commune.sessions.begin() as session:  # imported in the "wrong" order on purpose
        import_response(session, OFFICER, later, trusted)
        import_response(session, OFFICER, first, trusted)
    with commune.sessions() as session:
        hid = session.scalar(select(Household.id).where(Household.code == received[3].id))
        assert latest_comments(session, [hid])[hid].verdict == "accepted"


@pytest.mark.parametrize("fault", ["tampered", "untrusted", "other_commune", "not_a_response"])
def test_a_wrong_response_is_refused_and_nothing_is_written(
    office_db: Database,
    received: list,  # type: ignore[type-arg]
    office_signer: CommuneSigner,
    commune_laptop: Database,
    tmp_path: Path,
    fault: str,
) -> None:
    path = respond(office_db, tmp_path, office_signer, {received[3].id: CORRECTION})
    code = A
    trusted = TrustStore((office_signer.root,))
    if fault == "tampered":
        files = read_zip(path)
        files[RESPONSE] = files[RESPONSE].replace(b'"correction"', b'"accepted"', 1)
        write_zip(path, files)
    elif fault == "untrusted":
        trusted = TrustStore()
    elif fault == "other_commune":
        code = B
    else:
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("readme.txt", "added")
    commune = commune_with(commune_laptop, code, received)
    before = db_snapshot(commune)
    with commune.sessions.begin() as session, pytest.raises(RaSoatError) as err:
        import_response(session, OFFICER, path, trusted)
    expected = {
        "tampered": "response.signature_invalid",
        "untrusted": "response.signer_unknown",
        "other_commune": "response.other_commune",
        "not_a_response": "response.not_a_response",
    }[fault]
    assert err.value.key == expected
    assert db_snapshot(commune) == before


def test_households_the_register_no_longer_holds_are_reported(
    office_db: Database,
    received: list,
    office_signer: CommuneSigner,
    commune_laptop: Database,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    path = respond(office_db, tmp_path, office_signer, {})
    commune = commune_with(commune_laptop, A, received[:20])
    with commune.sessions.begin() as session:
        result = import_response(session, OFFICER, path, TrustStore((office_signer.root,)))
    assert result.unknown == tuple(h.id for h in received[20:])


def test_only_an_office_officer_may_answer(office_db: Database, received: list) -> None:  # type: ignore[type-arg]
    with office_db.sessions.begin() as session, pytest.raises(RaSoatError) as err:
        set_verdict(session, Actor("x", "reviewer"), A, received[0].id, "accepted")
    assert err.value.key == "auth.not_permitted"
