"""Intake on SQLite and on a real PostgreSQL server: trusted packages in, everything else out
with its reason, newer packages superseding older ones, the same package imported once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo.households import generate
from app.errors import RaSoatError
from app.office.intake import ACCEPTED, DUPLICATE, REJECTED, SUPERSEDED
from app.office.signers import list_signers, revoke_signer
from app.package.manifest import DATA
from models import Assessment, Commune, Household, ReceivedPackage
from models.database import Database
from tests.app.office.conftest import (
    HA_NOI,
    OFFICE,
    A,
    B,
    C,
    copy_to,
    data_state,
    minutes,
    take,
    trust,
)
from tests.office_factory import REFERENCE, CommuneSigner, data_of, read_zip, write_zip


def classes_in(db: Database, code: str) -> Counter[str | None]:
    with db.sessions() as session:
        rows = session.execute(
            select(Assessment.result_class)
            .join(Household, Household.id == Assessment.household_id)
            .join(Commune, Commune.id == Household.commune_id)
            .where(Commune.code == code)
        ).scalars()
        return Counter(rows)


def household_codes(db: Database, code: str) -> set[str]:
    with db.sessions() as session:
        return set(
            session.scalars(select(Household.code).join(Commune).where(Commune.code == code))
        )


def stated(path: Path) -> Counter[str | None]:
    return Counter(h["status"]["class"] for h in data_of(path)["households"])


def test_trusted_packages_are_accepted_with_the_communes_results(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    a = make_package(signer_pool[A], 40, seed=1)
    b = make_package(signer_pool[B], 25, seed=2, created=minutes(1))
    trust(office_db, signer_pool[A], signer_pool[B])
    summary = take(office_db, a, b)
    assert [o.status for o in summary.outcomes] == [ACCEPTED, ACCEPTED]
    assert summary.households_accepted == 65
    assert classes_in(office_db, A) == stated(a)
    assert classes_in(office_db, B) == stated(b)
    with office_db.sessions() as session:
        names = dict(session.execute(select(Commune.code, Commune.name)).all())
        members = session.scalar(select(func.count()).select_from(Household))
    assert set(names) == {A, B}
    assert members == 65
    # Each package is kept, as verified, in the office's archive, by commune and round.
    archived = [o.path.name for o in summary.outcomes]
    with office_db.sessions() as session:
        paths = [Path(p) for p in session.scalars(select(ReceivedPackage.archive_path))]
    assert sorted(p.name for p in paths) == sorted(archived)
    assert all(p.exists() and "/66/" in str(p) and p.parent.name == "2026" for p in paths)


def test_tampered_package_is_rejected_and_nothing_is_imported(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    path = make_package(signer_pool[A], 20)
    files = read_zip(path)
    doc = json.loads(files[DATA])
    doc["households"][0]["income_per_capita_month"] = 99_000_000
    files[DATA] = json.dumps(doc, ensure_ascii=False).encode()
    write_zip(path, files)
    trust(office_db, signer_pool[A])
    before = data_state(office_db)
    [outcome] = take(office_db, path).outcomes
    assert outcome.status == REJECTED
    texts = outcome.reason_texts("vi")
    assert any("data/households.json" in t and "thay đổi" in t for t in texts), texts
    assert data_state(office_db) == before
    with office_db.sessions() as session:
        row = session.scalars(select(ReceivedPackage)).one()
    assert row.status == REJECTED and json.loads(row.reasons)[0][0].startswith("verify.")


def test_unknown_signer_is_rejected_unless_the_officer_confirms(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from app.office.signer_scan import new_signers

    path = make_package(signer_pool[A], 15)
    before = data_state(office_db)
    [outcome] = take(office_db, path).outcomes  # nobody confirmed it: refused
    assert outcome.status == REJECTED
    assert "chưa có trong danh sách tin cậy" in outcome.reason_texts()[0]
    assert outcome.commune == "Phường Tuy Hoà"  # the log keeps what the package claims
    assert data_state(office_db) == before
    [asked] = new_signers(office_db, [path])  # what the officer is asked about
    assert asked.commune_code == A
    assert asked.fingerprint == signer_pool[A].identity.fingerprint
    [outcome] = take(office_db, path, trust_first=(asked,)).outcomes  # confirmed
    assert outcome.status == ACCEPTED
    with office_db.sessions() as session:
        [entry] = list_signers(session)
    assert (entry.commune_code, entry.source) == (A, "package")
    assert entry.fingerprint == signer_pool[A].identity.fingerprint


def test_a_commune_cannot_sign_for_another(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    """A's key is trusted, for A: its package about B is refused, and never offered."""
    forged = make_package(signer_pool[A], 10, commune=B)
    trust(office_db, signer_pool[A])
    from app.office.signer_scan import new_signers

    assert new_signers(office_db, [forged]) == []  # known: nothing to ask
    [outcome] = take(office_db, forged).outcomes
    assert outcome.status == REJECTED
    assert f"cho xã {B}" in outcome.reason_texts()[0]
    assert household_codes(office_db, B) == set()


def test_revoked_signer_is_refused_and_never_offered(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    path = make_package(signer_pool[A], 10)
    trust(office_db, signer_pool[A])
    with office_db.sessions.begin() as session:
        revoke_signer(session, OFFICE, signer_pool[A].identity.fingerprint[:20], "Mất máy tính")
    [outcome] = take(office_db, path).outcomes
    assert outcome.status == REJECTED
    assert "đã bị thu hồi" in outcome.reason_texts()[0]


def test_newer_package_supersedes_and_nothing_of_the_older_stays(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    old = make_package(signer_pool[A], 30, seed=5, created=minutes(0))
    new = make_package(signer_pool[A], 12, seed=6, created=minutes(30), folder="later")
    trust(office_db, signer_pool[A])
    assert take(office_db, old).outcomes[0].status == ACCEPTED
    assert len(household_codes(office_db, A)) == 30
    [outcome] = take(office_db, new).outcomes
    assert outcome.status == ACCEPTED and outcome.replaced_id is not None
    # Only the newer package's households and results: the 18 it no longer lists are gone.
    assert household_codes(office_db, A) == {h["id"] for h in data_of(new)["households"]}
    assert classes_in(office_db, A) == stated(new)
    with office_db.sessions() as session:
        log = {
            p.file_name: (p.status, p.superseded_by_id)
            for p in session.scalars(select(ReceivedPackage))
        }
    assert log[old.name] == (SUPERSEDED, outcome.package_id)
    assert log[new.name] == (ACCEPTED, None)
    # The older package arriving again is recognised, and an even older one changes nothing.
    before = data_state(office_db)
    assert take(office_db, old).outcomes[0].status == DUPLICATE
    older = make_package(signer_pool[A], 50, seed=7, created=minutes(-60), folder="older")
    assert take(office_db, older).outcomes[0].status == SUPERSEDED
    assert data_state(office_db) == before


def test_a_newer_package_rewrites_only_the_households_that_changed(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    """Households are compared with the register as the plan arrives from the checker: the
    same facts keep their row and version, changed ones get a new version, and every household
    gets the newer package's result."""
    facts = list(generate(20, 5, REFERENCE))
    first = make_package(signer_pool[A], facts, created=minutes(0))
    trust(office_db, signer_pool[A])
    assert take(office_db, first).outcomes[0].status == ACCEPTED
    head, *others = facts[3].members
    changed = facts[3] = facts[3]._replace(
        members=(head._replace(name=head.name + " Văn"), *others)
    )
    again = make_package(signer_pool[A], facts, created=minutes(10), folder="later")

    def rows() -> dict[str, tuple[int, int]]:
        with office_db.sessions() as session:
            found = session.execute(select(Household.code, Household.id, Household.version))
            return {code: (hid, version) for code, hid, version in found}

    before = rows()
    [outcome] = take(office_db, again).outcomes
    assert outcome.status == ACCEPTED and outcome.replaced_id is not None
    after = rows()
    assert after.keys() == before.keys()
    assert {c for c in after if after[c] != before[c]} == {changed.id}
    assert after[changed.id] == (before[changed.id][0], 2)
    assert classes_in(office_db, A) == stated(again)


def test_newest_of_a_folder_is_taken_and_the_older_only_logged(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package, tmp_path: Path
) -> None:
    from app.office.intake import find_packages

    make_package(signer_pool[A], 20, seed=1, created=minutes(0))
    newest = make_package(signer_pool[A], 8, seed=2, created=minutes(5))
    trust(office_db, signer_pool[A])
    paths = find_packages(tmp_path / "in")
    assert paths[0] == newest
    statuses = [o.status for o in take(office_db, *paths).outcomes]
    assert statuses == [ACCEPTED, SUPERSEDED]
    assert classes_in(office_db, A) == stated(newest)


def test_the_same_package_twice_is_imported_once(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package, tmp_path: Path
) -> None:
    path = make_package(signer_pool[A], 20)
    trust(office_db, signer_pool[A])
    assert take(office_db, path).outcomes[0].status == ACCEPTED
    before = data_state(office_db)
    copy = copy_to(path, tmp_path / "usb")  # the same file from another stick
    rezipped = tmp_path / "rezipped" / path.name  # the same package, zipped again
    rezipped.parent.mkdir()
    write_zip(rezipped, dict(reversed(list(read_zip(path).items()))))
    assert rezipped.read_bytes() != path.read_bytes()
    outcomes = take(office_db, copy, rezipped).outcomes
    assert [o.status for o in outcomes] == [DUPLICATE, DUPLICATE]
    assert data_state(office_db) == before
    with office_db.sessions() as session:
        first = session.scalars(
            select(ReceivedPackage).where(ReceivedPackage.status == ACCEPTED)
        ).one()
        dups = session.scalars(
            select(ReceivedPackage.duplicate_of_id).where(ReceivedPackage.status == DUPLICATE)
        ).all()
    assert dups == [first.id, first.id]


def test_package_of_another_province_is_refused(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    path = make_package(signer_pool[HA_NOI], 5)
    trust(office_db, signer_pool[HA_NOI])
    [outcome] = take(office_db, path).outcomes
    assert outcome.status == REJECTED
    assert "Thành phố Hà Nội" in outcome.reason_texts()[0]


def test_malformed_household_refuses_the_package_with_its_path(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from tests.office_factory import REFERENCE, STANDARD

    doc = {
        "format": "rasoat.households/1",
        "standard": STANDARD,
        "reference_date": REFERENCE.isoformat(),
        "commune": data_of(make_package(signer_pool[A], 2, folder="x"))["commune"],
        "households": data_of(make_package(signer_pool[A], 2, folder="y"))["households"],
    }
    doc["households"][1]["water_source"] = "river"
    path = make_package(signer_pool[A], 0, document=doc)
    trust(office_db, signer_pool[A])
    [outcome] = take(office_db, path).outcomes
    assert outcome.status == REJECTED
    assert "households[1].water_source" in outcome.reason_texts()[0]
    assert "households[1].water_source" in outcome.reason_texts("en")[0]
    doc["households"][1] = dict(doc["households"][0])  # the same id twice
    path = make_package(signer_pool[A], 0, document=doc, created=minutes(1))
    [outcome] = take(office_db, path).outcomes
    assert outcome.status == REJECTED
    assert "hai lần" in outcome.reason_texts()[0]


def test_cancel_stops_between_packages_and_keeps_those_taken(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from app.office.intake import IntakeOptions, intake

    a = make_package(signer_pool[A], 10)
    b = make_package(signer_pool[B], 10)
    trust(office_db, signer_pool[A], signer_pool[B])
    seen: list[tuple[int, int]] = []
    summary = intake(
        office_db,
        OFFICE,
        [a, b],
        IntakeOptions(),
        progress=lambda done, total: seen.append((done, total)),
        cancelled=lambda: bool(seen),  # the officer cancels once the first one is in
    )
    assert summary.cancelled and [o.status for o in summary.outcomes] == [ACCEPTED]
    assert seen == [(1, 2)]
    assert household_codes(office_db, B) == set()


def test_unknown_certificates_are_found_up_front_once_each(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from app.office.signer_scan import new_signers

    a1 = make_package(signer_pool[A], 5, seed=1)
    a2 = make_package(signer_pool[A], 6, seed=2, created=minutes(3))
    b = make_package(signer_pool[B], 5)
    broken = a1.with_name("broken.rasoat.zip")
    broken.write_bytes(b"not a zip")
    found = new_signers(office_db, [a2, a1, b, broken])
    assert [(c.commune_code, c.fingerprint) for c in found] == [
        (A, signer_pool[A].identity.fingerprint),
        (B, signer_pool[B].identity.fingerprint),
    ]
    trust(office_db, signer_pool[A])
    with office_db.sessions.begin() as session:
        revoke_signer(session, OFFICE, signer_pool[A].identity.fingerprint, "Lộ khóa")
    assert new_signers(office_db, [a1, b]) == found[1:]  # a revoked one is never offered


def test_a_batch_is_checked_in_worker_processes_with_the_same_outcomes(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    """Five packages (a batch): checked ahead in another process, written in order."""
    from app.office.intake import worker_count

    good = [make_package(signer_pool[c], 12, seed=n) for n, c in enumerate((A, B, C))]
    older = make_package(signer_pool[A], 9, seed=7, created=minutes(-5), folder="older")
    tampered = make_package(signer_pool[B], 8, seed=8, created=minutes(7), folder="bad")
    files = read_zip(tampered)
    files[DATA] += b" "  # one byte more: still JSON, no longer what was signed
    write_zip(tampered, files)
    trust(office_db, signer_pool[A], signer_pool[B], signer_pool[C])
    paths = [*good, older, tampered]
    assert worker_count(len(paths)) >= 1
    summary = take(office_db, *paths)
    assert [o.status for o in summary.outcomes] == [ACCEPTED] * 3 + [SUPERSEDED, REJECTED]
    assert "data/households.json" in summary.outcomes[-1].reason_texts()[0]
    for path, code in zip(good, (A, B, C), strict=True):
        assert classes_in(office_db, code) == stated(path)


def test_a_package_encrypted_for_the_office_is_opened_with_its_key(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package, tmp_path: Path
) -> None:
    from app import keys
    from app.office.intake import DecryptKey
    from app.package.envelope import encrypt

    info = keys.create_key("so", "Sở NN và MT tỉnh Đắk Lắk", "Sở NN và MT", b"khoa-cua-so-2026")
    office_cert = keys.chain_of(info.name)[0]
    plain = make_package(signer_pool[A], 10)
    sealed = plain.with_name(plain.name + ".p7m")
    sealed.write_bytes(encrypt(plain.read_bytes(), office_cert))
    plain.unlink()
    trust(office_db, signer_pool[A])
    [outcome] = take(office_db, sealed).outcomes
    assert outcome.status == REJECTED and "đã được mã hóa" in outcome.reason_texts()[0]
    wrong = DecryptKey(info.path.read_bytes(), b"sai-mat-khau")
    [outcome] = take(office_db, sealed, decrypt=wrong).outcomes
    assert outcome.status == REJECTED
    key = DecryptKey(info.path.read_bytes(), b"khoa-cua-so-2026")
    [outcome] = take(office_db, sealed, decrypt=key).outcomes
    assert outcome.status == ACCEPTED and outcome.households == 10
    with office_db.sessions() as session:
        archived = Path(
            session.scalar(
                select(ReceivedPackage.archive_path).where(ReceivedPackage.status == ACCEPTED)
            )
        )
    # The archive keeps the signed package itself (decrypted): anyone can verify it again.
    assert archived.name == plain.name and read_zip(archived)[DATA]


def test_the_log_is_exported_as_a_workbook(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from app.office.intake_log import export_log

    trust(office_db, signer_pool[A])
    good = make_package(signer_pool[A], 5)
    take(office_db, good, good)
    out = tmp_path / "nhat-ky.xlsx"
    with office_db.sessions.begin() as session:
        assert export_log(session, OFFICE, out) == 2
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Số", "Thời điểm nhận", "Người nhận", "Tệp")
    assert [r[8] for r in rows[1:]] == ["Trùng, không nhập lại", "Đã nhận"]
    assert rows[2][5] == "Phường Tuy Hoà" and rows[2][7] == 5
    with office_db.sessions.begin() as session, pytest.raises(RaSoatError) as err:
        export_log(session, OFFICE, tmp_path / "log.txt")
    assert err.value.key == "intake.log_format"


@pytest.mark.parametrize(
    ("cores", "local_server", "expected"),
    [(2, False, 2), (2, True, 1), (1, True, 1), (4, False, 4), (4, True, 3), (16, True, 4)],
)
def test_checkers_leave_a_core_to_a_postgresql_server_on_this_machine(
    monkeypatch: pytest.MonkeyPatch, cores: int, local_server: bool, expected: int
) -> None:
    from app.office import intake as module

    monkeypatch.setattr(module.os, "cpu_count", lambda: cores)
    assert module.worker_count(100, local_server=local_server) == expected
    assert module.worker_count(3, local_server=local_server) == 0  # a few: no processes
    assert module.worker_count(100, asked=3, local_server=local_server) == 3


@pytest.mark.parametrize(
    ("url", "here"),
    [
        ("sqlite:///office.sqlite", False),
        ("postgresql+psycopg://office@127.0.0.1:5432/office", True),
        ("postgresql+psycopg://office@localhost/office", True),
        ("postgresql+psycopg:///office", True),  # the default Unix socket
        ("postgresql+psycopg:///office?host=/run/postgresql", True),
        ("postgresql+psycopg://office@db.so-nn.gov.vn/office", False),
        ("postgresql+psycopg://office@10.0.0.5/office", False),
    ],
)
def test_a_postgresql_server_is_here_when_reached_on_this_machine(url: str, here: bool) -> None:
    from types import SimpleNamespace

    from sqlalchemy.engine import make_url

    from app.office.intake import server_here

    assert server_here(SimpleNamespace(url=make_url(url))) is here  # type: ignore[arg-type]
