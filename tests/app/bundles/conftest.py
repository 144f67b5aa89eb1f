"""Laptops for the bundle tests: the commune laptop with a small register, and reviewers' laptops
that start from an empty database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.actor import Actor
from app.users import create_user
from models.database import Database
from tests.app.bundles.laptops import OFFICER, Laptop
from tests.builders import household, member
from tests.conftest import ADMIN, TEST_PASSWORD

SHARED_ID = "066090000777"
HOUSEHOLDS = [
    household(id="H001", members=(member(id_number="066086000001"),)),
    household(
        id="H002",
        members=(
            member(name="Lê Văn Cường", id_number="066080000002"),
            member(name="Phạm Thị Dung", sex="female", age=35, relation="spouse"),
            member(name="Lê Văn Em", age=10, relation="child"),
        ),
    ),
    household(id="H003", village="Khu phố Chợ", area="urban", income_per_capita_month=1_800_000),
    household(id="H004", members=(member(name="Y Bhim Niê", ethnicity="Ê Đê"),)),
]


@pytest.fixture
def hub(commune_db: Database) -> Laptop:
    laptop = Laptop(commune_db, OFFICER)
    laptop.import_households(HOUSEHOLDS)
    return laptop


@pytest.fixture
def laptops(template_db_file: Path, tmp_path: Path) -> Iterator[Callable[..., Laptop]]:
    """make("nam") -> an empty laptop whose user is the reviewer nam (or, with role="officer",
    a commune officer out in the field: only officers may delete a household)."""
    made: list[Laptop] = []

    def make(name: str, role: str = "reviewer") -> Laptop:
        actor = Actor(name, role, name.title())
        laptop = Laptop.fresh(template_db_file, tmp_path / f"{name}.sqlite", actor)
        with laptop.db.sessions.begin() as s:  # the reviewer's own account on their laptop
            create_user(s, ADMIN, name, TEST_PASSWORD, role, actor.label)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.db.dispose()


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    """The USB stick the files travel on."""
    path = tmp_path / "usb"
    path.mkdir()
    return path


@pytest.fixture
def field_work(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> tuple[Laptop, dict[str, Laptop], list[Path]]:
    """Assignments out, field work done, bundles back on the USB stick (not merged yet)."""
    nam, hoa, lan = laptops("nam", "officer"), laptops("hoa"), laptops("lan")
    for name, laptop in (("nam", nam), ("hoa", hoa), ("lan", lan)):
        hub.register(name, laptop.public_key())
    nam.open(hub.assign("nam", usb / "a-nam", households=["H001", "H002", "H003", "H004"]).path)
    hoa.open(hub.assign("hoa", usb / "a-hoa", households=["H001", "H002", "H003"]).path)
    lan.open(hub.assign("lan", usb / "a-lan", households=["H001", "H002", "H004"]).path)

    # Different fields of one household: all three apply.
    nam.edit("H001", income_per_capita_month=900_000)
    hoa.edit("H001", latrine="pit_without_slab")
    lan.edit("H001", phone=False)
    # The same field, three values: a conflict with three candidates.
    nam.edit("H002", income_per_capita_month=910_000)
    hoa.edit("H002", income_per_capita_month=1_100_000)
    lan.edit("H002", income_per_capita_month=1_200_000)
    # Members: an edit against a removal (conflict), and a member added elsewhere.
    nam.edit_member("H002", 2, in_school=False)
    hoa_h002 = hoa.facts("H002")
    assert hoa_h002 is not None
    hoa.save(hoa_h002._replace(members=hoa_h002.members[:2]))
    lan_h002 = lan.facts("H002")
    assert lan_h002 is not None
    baby = member(name="Lê Thị Bé", sex="female", age=1, relation="child")
    lan.save(lan_h002._replace(members=(*lan_h002.members, baby)))
    # Deleted on one laptop, edited on another.
    nam.delete("H003")
    hoa.edit("H003", water_source="surface_water")
    # The same change on two laptops is no conflict.
    nam.edit("H004", latrine="none")
    lan.edit("H004", latrine="none")
    # The officer edits too, meanwhile: one field also changed in the field, one not.
    hub.edit("H004", income_per_capita_month=700_000, waste_handling="none")
    lan.edit("H004", income_per_capita_month=650_000)
    # New households on two laptops with the same ID number.
    nam.save(household(id="NAM-0001", members=(member(name="Hà Văn Trùng", id_number=SHARED_ID),)))
    hoa.save(household(id="HOA-0001", members=(member(name="Hà Văn Trùng", id_number=SHARED_ID),)))

    bundles = [nam.export(usb / "b-nam-1").path]
    # A second bundle from the same laptop, which may arrive before the first.
    nam.edit("H001", water_source="rainwater")
    bundles += [nam.export(usb / "b-nam-2").path, hoa.export(usb / "b-hoa").path]
    bundles.append(lan.export(usb / "b-lan").path)
    assert all(b is not None for b in bundles)
    return hub, {"nam": nam, "hoa": hoa, "lan": lan}, [b for b in bundles if b is not None]
