"""Bundles that must be refused as a whole, with the reason, leaving the database unchanged:
changed by one byte, signed by an unknown key, meant for another commune; and the harmless
repeats (the same bundle twice, exporting twice)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.actor import Actor
from app.communes import VillageSpec, create_commune, only_commune
from app.errors import PermissionDenied, RaSoatError
from app.fieldwork import signed_files
from app.fieldwork.reviewers import ReviewerSpec, register_reviewer
from app.fieldwork.signed_files import FileRejected
from app.storage import open_database
from app.users import create_user
from tests.app.bundles.laptops import OFFICER, Laptop, loose_key
from tests.builders import REFERENCE_DATE, household, member
from tests.conftest import ADMIN, TEST_PASSWORD
from tests.snapshot import db_snapshot


@pytest.fixture
def sent(hub: Laptop, laptops: Callable[..., Laptop], usb: Path) -> tuple[Laptop, Laptop, Path]:
    """Nam's first bundle, exported and not merged yet."""
    nam = laptops("nam")
    hub.register("nam", nam.public_key(), name="Nguyễn Văn Nam")
    nam.open(hub.assign("nam", usb, villages=["Thôn 1"]).path)
    nam.edit("H001", income_per_capita_month=800_000)
    nam.save(household(id="NAM-0001", members=(member(name="Đỗ Văn Mới"),)))
    bundle = nam.export(usb)
    assert bundle.path is not None
    return hub, nam, bundle.path


def refused(laptop: Laptop, path: Path) -> str:
    with pytest.raises(FileRejected) as err:
        laptop.merge(path)
    return err.value.key


def test_a_bundle_changed_by_any_one_byte_is_refused_and_changes_nothing(
    sent: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    hub, _nam, path = sent
    data = path.read_bytes()
    header_end = data.index(b"\n", len(signed_files.MAGIC)) + 1
    offsets = [*range(header_end + 1), *range(header_end + 1, len(data), 23), len(data) - 1]
    before = db_snapshot(hub.db)
    reasons = set()
    changed = tmp_path / "changed.rasoat-bundle"
    for i, offset in enumerate(offsets):
        for flip in (0x01, 0x80) if i % 5 == 0 else (0x01,):
            damaged = bytearray(data)
            damaged[offset] ^= flip
            changed.write_bytes(bytes(damaged))
            reasons.add(refused(hub, changed))
    changed.write_bytes(data[:-1])
    reasons.add(refused(hub, changed))
    changed.write_bytes(data + b"\n")
    reasons.add(refused(hub, changed))
    assert db_snapshot(hub.db) == before
    assert reasons == {
        "field_file.not_field_file",  # the first line
        "field_file.bad_signature_block",  # the signature line's form
        "bundle.unknown_reviewer",  # the key's fingerprint
        "field_file.bad_signature",  # the signature itself
        "field_file.checksum",  # the content
        "field_file.damaged",  # its length
    }
    hub.merge(path)  # the original still merges


def test_signatures_by_unknown_or_other_keys_are_refused(
    sent: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    hub, _nam, path = sent
    signed = signed_files.unpack(path.read_bytes(), path.name)
    before = db_snapshot(hub.db)

    stranger = loose_key()  # an unregistered laptop re-signs Nam's bundle with its own key
    forged = tmp_path / "forged.rasoat-bundle"
    forged.write_bytes(signed_files.pack(signed.content(), stranger))
    with pytest.raises(FileRejected) as err:
        hub.merge(forged)
    assert err.value.key == "bundle.unknown_reviewer"
    assert "chưa đăng ký" in err.value.message("vi")

    # The same forgery naming Nam's key: the signature does not verify.
    data = forged.read_bytes().replace(stranger.fingerprint.encode(), signed.key.encode())
    forged.write_bytes(data)
    assert refused(hub, forged) == "field_file.bad_signature"
    assert db_snapshot(hub.db) == before


def test_a_bundle_for_another_commune_is_refused(
    sent: tuple[Laptop, Laptop, Path], template_db_file: Path, tmp_path: Path
) -> None:
    _hub, nam, path = sent
    other_path = tmp_path / "other.sqlite"
    shutil.copyfile(template_db_file, other_path)
    other = Laptop(open_database(other_path), OFFICER)
    try:
        with other.db.sessions.begin() as s:
            create_commune(s, OFFICER, "00004", [VillageSpec("Tổ 1", "urban")], REFERENCE_DATE)
        other.register("nam", nam.public_key())  # Nam also works for that ward, same key
        before = db_snapshot(other.db)
        with pytest.raises(FileRejected) as err:
            other.merge(path)
        assert err.value.key == "bundle.other_commune"
        assert "Xã Ea Ly" in err.value.message("vi") and "Phường Ba Đình" in str(err.value)
        assert db_snapshot(other.db) == before
    finally:
        other.db.dispose()


def test_the_same_bundle_twice_and_exporting_twice_are_harmless(
    sent: tuple[Laptop, Laptop, Path], usb: Path
) -> None:
    hub, nam, path = sent
    first = hub.merge(path)
    assert first.created == ["NAM-0001"] and first.updated == ["H001"]
    before = db_snapshot(hub.db)
    assert hub.merge(path).already_merged
    assert db_snapshot(hub.db) == before

    nam_before = db_snapshot(nam.db)
    assert nam.export(usb).path is None
    assert db_snapshot(nam.db) == nam_before

    everything = nam.export(usb / "again", everything=True)  # e.g. the stick was lost
    assert everything.path is not None and everything.households == 2
    again = hub.merge(everything.path)
    assert not again.already_merged and again.updated == again.created == []
    state = hub.register_state()
    assert state["H001"][0]["income_per_capita_month"] == 800_000


def test_new_household_codes_must_carry_the_reviewer_prefix(
    sent: tuple[Laptop, Laptop, Path], usb: Path
) -> None:
    _hub, nam, _path = sent
    nam.save(household(id="H999", members=(member(name="Mã Sai"),)))
    before = db_snapshot(nam.db)
    with pytest.raises(RaSoatError) as err:
        nam.export(usb / "x")
    assert err.value.key == "bundle.code_without_prefix"
    assert "NAM-0002" in err.value.message("vi")
    assert db_snapshot(nam.db) == before


def test_a_new_household_whose_code_exists_is_refused(
    sent: tuple[Laptop, Laptop, Path],
) -> None:
    hub, _nam, path = sent
    hub.save(
        household(id="NAM-0001", members=(member(name="Người Khác", id_number="066070000123"),))
    )
    before = db_snapshot(hub.db)
    with pytest.raises(FileRejected) as err:
        hub.merge(path)
    assert err.value.key == "bundle.code_taken"
    assert db_snapshot(hub.db) == before


def test_each_laptop_refuses_what_belongs_to_the_other(
    sent: tuple[Laptop, Laptop, Path], usb: Path
) -> None:
    hub, nam, path = sent
    with pytest.raises(PermissionDenied):
        nam.merge(path)  # a reviewer does not merge
    with nam.db.sessions.begin() as s:
        create_user(s, ADMIN, "canbo", TEST_PASSWORD, "officer", "Cán bộ")
    officer_on_field_laptop = Laptop(nam.db, Actor("canbo", "officer", "Cán bộ"))
    with pytest.raises(RaSoatError) as err:
        officer_on_field_laptop.merge(path)
    assert err.value.key == "sync.wrong_role.commune"
    with pytest.raises(RaSoatError) as err:
        hub.export(usb / "x")
    assert err.value.key == "sync.wrong_role.reviewer"


def test_a_stopped_reviewer_s_bundles_are_refused_until_resumed(
    sent: tuple[Laptop, Laptop, Path],
) -> None:
    hub, _nam, path = sent
    with hub.db.sessions.begin() as s:  # Nam's laptop was stolen, say
        register_reviewer(s, hub.actor, only_commune(s), ReviewerSpec("nam", active=False))
    before = db_snapshot(hub.db)
    with pytest.raises(FileRejected) as err:
        hub.merge(path)
    assert err.value.key == "bundle.reviewer_inactive"
    assert db_snapshot(hub.db) == before
    with hub.db.sessions.begin() as s:
        register_reviewer(s, hub.actor, only_commune(s), ReviewerSpec("nam", active=True))
    assert hub.merge(path).updated == ["H001"]
