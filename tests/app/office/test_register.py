"""Setting up an office and keeping its register of trusted certificates."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import RaSoatError
from app.office.setup import office, set_up_office
from app.office.signers import import_signers, list_signers, load_register, revoke_signer
from models.database import Database
from tests.app.office.conftest import OFFICE, A, B
from tests.conftest import ADMIN, OFFICER
from tests.office_factory import CommuneSigner, commune_signer
from tests.snapshot import db_snapshot


def test_a_communes_own_database_cannot_become_an_office(commune_db: Database) -> None:
    before = db_snapshot(commune_db)
    with commune_db.sessions.begin() as session, pytest.raises(RaSoatError) as err:
        set_up_office(session, ADMIN, "Sở")
    assert err.value.key == "office.commune_database"
    assert db_snapshot(commune_db) == before


def test_setup_checks_its_input_and_who_asks(db: Database) -> None:
    with db.sessions.begin() as session:
        with pytest.raises(RaSoatError, match="Mã tỉnh «99»"):
            set_up_office(session, ADMIN, "Sở", "99")
        with pytest.raises(RaSoatError, match="tên cơ quan"):
            set_up_office(session, ADMIN, "  ")
        with pytest.raises(RaSoatError) as err:
            set_up_office(session, OFFICER, "Sở")
        assert err.value.key == "auth.not_permitted"
        with pytest.raises(RaSoatError) as err:
            office(session)
        assert err.value.key == "office.not_an_office"


def pem(tmp_path: Path, signer: CommuneSigner, name: str = "xa.pem") -> Path:
    path = tmp_path / name
    path.write_bytes(signer.chain_pem())
    return path


def test_a_commune_file_registers_its_signing_certificate_for_its_commune(
    office_db: Database, signer_pool: dict[str, CommuneSigner], tmp_path: Path
) -> None:
    path = pem(tmp_path, signer_pool[A])
    with office_db.sessions.begin() as session:
        [(entry, new)] = import_signers(session, OFFICE, path)
        [(_, again)] = import_signers(session, OFFICE, path)  # the same file twice: no change
    assert new and not again
    assert entry.commune_code == A and entry.fingerprint == signer_pool[A].identity.fingerprint
    assert entry.source == "file" and entry.active
    with office_db.sessions() as session:
        register = load_register(session)
    assert register.commune_of(signer_pool[A].certificate) == A
    assert register.commune_of(signer_pool[A].root) is None  # the signer is pinned, not its root


def test_a_certificate_serves_one_commune_and_names_are_checked(
    office_db: Database, signer_pool: dict[str, CommuneSigner], tmp_path: Path
) -> None:
    path = pem(tmp_path, signer_pool[A])
    with office_db.sessions.begin() as session:
        with pytest.raises(RaSoatError) as err:
            import_signers(session, OFFICE, path, B)  # its name says commune A
        assert err.value.key == "signers.commune_conflict"
        unnamed = commune_signer(A, name="Một người ký không ghi xã")
        with pytest.raises(RaSoatError) as err:
            import_signers(session, OFFICE, pem(tmp_path, unnamed, "u.pem"))
        assert err.value.key == "signers.commune_missing"
        [(entry, _)] = import_signers(session, OFFICE, pem(tmp_path, unnamed, "u.pem"), B)
        assert entry.commune_code == B
        demo = commune_signer(A, name="DEMO Xã Ea Ly")
        with pytest.raises(RaSoatError) as err:
            import_signers(session, OFFICE, pem(tmp_path, demo, "d.pem"), A)
        assert err.value.key == "signers.demo"


def test_a_revoked_certificate_stays_revoked(
    office_db: Database, signer_pool: dict[str, CommuneSigner], tmp_path: Path
) -> None:
    path = pem(tmp_path, signer_pool[A])
    fingerprint = signer_pool[A].identity.fingerprint
    with office_db.sessions.begin() as session:
        import_signers(session, OFFICE, path)
        with pytest.raises(RaSoatError, match="16"):
            revoke_signer(session, OFFICE, fingerprint[:8], "Mất máy")
        with pytest.raises(RaSoatError, match="lý do"):
            revoke_signer(session, OFFICE, fingerprint, " ")
        entry = revoke_signer(session, OFFICE, fingerprint.upper()[:20], "Mất máy tính xách tay")
        assert not entry.active and entry.revoke_reason == "Mất máy tính xách tay"
        with pytest.raises(RaSoatError) as err:
            import_signers(session, OFFICE, path)
        assert err.value.key == "signers.revoked_before"
        [listed] = list_signers(session)
        register = load_register(session)
    assert not listed.active
    assert register.trust.anchors == () and fingerprint in register.trust.revoked
    assert register.is_revoked(signer_pool[A].certificate, ())


def test_a_certificate_file_that_is_not_one_is_refused(office_db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "x.pem"
    bad.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with office_db.sessions.begin() as session, pytest.raises(RaSoatError) as err:
        import_signers(session, OFFICE, bad)
    assert err.value.key == "trust.not_a_certificate"
