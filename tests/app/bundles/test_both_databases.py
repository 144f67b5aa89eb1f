"""The commune laptop's side of field work on PostgreSQL too (a commune that outgrew SQLite):
assign, merge with a conflict, decide, and send the merged state back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.database import Database
from tests.app.bundles.conftest import HOUSEHOLDS
from tests.app.bundles.laptops import OFFICER, Laptop
from tests.builders import household, member


def test_round_trip_with_a_conflict(
    any_commune_db: Database, laptops: Callable[..., Laptop], usb: Path
) -> None:
    hub = Laptop(any_commune_db, OFFICER)
    hub.import_households(HOUSEHOLDS)
    nam, hoa = laptops("nam"), laptops("hoa")
    hub.register("nam", nam.public_key())
    hub.register("hoa", hoa.public_key())
    nam.open(hub.assign("nam", usb / "a-nam", households=["H001", "H002"]).path)
    hoa.open(hub.assign("hoa", usb / "a-hoa", households=["H002"]).path)
    nam.edit("H002", income_per_capita_month=900_000, latrine="none")
    hoa.edit("H002", income_per_capita_month=950_000)
    nam.save(household(id="NAM-0001", address="Rẫy mới", members=(member(name="Đỗ Văn Mới"),)))
    first = hub.merge(nam.export(usb / "b-nam").path)  # type: ignore[arg-type]
    assert first.created == ["NAM-0001"] and first.updated == ["H002"]
    second = hub.merge(hoa.export(usb / "b-hoa").path)  # type: ignore[arg-type]
    assert second.conflicts_opened == [("H002", "income_per_capita_month")]
    hub.resolve("H002", "income_per_capita_month", 950_000)
    assert hub.conflicts() == []
    nam.open(hub.assign("nam", usb / "a-nam-2").path)
    state = hub.register_state()
    for code, value in nam.register_state().items():
        assert value == state[code], code
    assert state["H002"][0]["latrine"] == "none"
    assert state["H002"][0]["income_per_capita_month"] == 950_000
