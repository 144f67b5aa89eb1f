"""One reviewer, one commune laptop: assign, work in the field, bring the changes back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from app.communes import only_commune
from app.households import evaluate_household, household_facts, load_household
from app.survey import SurveyAnswers
from models import WarningConfirmation
from tests.app.bundles.laptops import Laptop
from tests.builders import household, member


def test_reviewer_starts_empty_and_brings_edits_back(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam = laptops("nam", "officer")
    hub.register("nam", nam.public_key(), name="Nguyễn Văn Nam")
    issued = hub.assign("nam", usb, villages=["Thôn 1"])
    assert issued.households == 3 and issued.serial == 1
    opened = nam.open(issued.path)
    assert opened.commune_created and opened.created == 3
    assert nam.register_state() == {k: v for k, v in hub.register_state().items() if k != "H003"}

    nam.edit("H001", income_per_capita_month=900_000, latrine="none")
    nam.edit_member("H002", 2, in_school=False)
    nam.delete("H004")
    nam.save(household(id="NAM-0001", members=(member(name="Đỗ Văn Mới"),)))
    bundle = nam.export(usb)
    assert bundle.path is not None and bundle.seq == 1 and bundle.new_households == 1

    result = hub.merge(bundle.path)
    assert not result.already_merged
    assert sorted(result.updated) == ["H001", "H002"]
    assert result.created == ["NAM-0001"] and result.deleted == ["H004"]
    assert result.conflicts_opened == []
    hub_h001 = hub.facts("H001")
    assert hub_h001 is not None and hub_h001.income_per_capita_month == 900_000
    assert hub_h001.latrine == "none"
    assert hub.facts("H004") is None
    assert nam.register_state() == {k: v for k, v in hub.register_state().items() if k != "H003"}

    again = hub.merge(bundle.path)
    assert again.already_merged
    assert nam.export(usb).path is None  # nothing new since the last bundle


def test_updated_assignment_carries_the_merged_state(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam, hoa = laptops("nam"), laptops("hoa")
    hub.register("nam", nam.public_key())
    hub.register("hoa", hoa.public_key())
    nam.open(hub.assign("nam", usb / "nam1", households=["H001", "H002"]).path)
    hoa.open(hub.assign("hoa", usb / "hoa1", households=["H002"]).path)
    nam.edit("H002", income_per_capita_month=1_100_000)
    hoa.edit("H002", water_source="surface_water")
    hub.merge(nam.export(usb).path)  # type: ignore[arg-type]
    hub.merge(hoa.export(usb).path)  # type: ignore[arg-type]
    merged = hub.facts("H002")
    assert merged is not None
    assert (merged.income_per_capita_month, merged.water_source) == (1_100_000, "surface_water")

    nam.edit("H001", phone=False)  # not sent yet when the update arrives
    nam.open(hub.assign("nam", usb / "nam2").path)
    h002 = nam.facts("H002")
    assert h002 is not None and h002.water_source == "surface_water"
    h001 = nam.facts("H001")
    assert h001 is not None and h001.phone is False  # the unsent edit survives
    second = nam.export(usb)
    assert second.seq == 2
    hub.merge(second.path)  # type: ignore[arg-type]
    assert hub.facts("H001").phone is False  # type: ignore[union-attr]


def test_withdrawn_households_leave_the_laptop_once_their_changes_are_sent(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam = laptops("nam")
    hub.register("nam", nam.public_key())
    nam.open(hub.assign("nam", usb / "a1", households=["H001", "H002"]).path)
    nam.edit("H002", income_per_capita_month=990_000)  # not sent yet
    issued = hub.assign("nam", usb / "a2", withdraw=["H001", "H002"])
    assert issued.households == 0 and issued.withdrawn == 2
    opened = nam.open(issued.path)
    assert opened.withdrawn == 1 and opened.kept == ["H002"]
    assert sorted(nam.register_state()) == ["H002"]
    result = hub.merge(nam.export(usb).path)  # type: ignore[arg-type]
    assert result.updated == ["H002"]  # still accepted: it was nam's when he changed it
    assert hub.facts("H002").income_per_capita_month == 990_000  # type: ignore[union-attr]
    nam.open(hub.assign("nam", usb / "a3").path)
    assert nam.register_state() == {}


def test_deleted_by_the_officer_while_edited_in_the_field_comes_back_as_a_conflict(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam = laptops("nam")
    hub.register("nam", nam.public_key())
    nam.open(hub.assign("nam", usb / "a1", households=["H002"]).path)
    hub.delete("H002")  # the family moved away, the officer thinks
    nam.edit_member("H002", 0, health_insurance=False)  # the reviewer visited them meanwhile
    result = hub.merge(nam.export(usb).path)  # type: ignore[arg-type]
    assert result.created == ["H002"]  # back, with the reviewer's edit, until decided
    assert result.conflicts_opened == [("H002", "household")]
    back = hub.facts("H002")
    assert back is not None and back.members[0].health_insurance is False
    hub.resolve("H002", "household", False)
    assert hub.facts("H002") is None and hub.conflicts() == []


def test_warnings_confirmed_in_the_field_arrive_with_their_reason_and_position(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    """Nam confirms a warning on the third member of H002 while Hoa removes the second one:
    on the commune laptop the confirmation sits on that same person, now second."""
    nam, hoa = laptops("nam", "officer"), laptops("hoa")
    for name, laptop in (("nam", nam), ("hoa", hoa)):
        hub.register(name, laptop.public_key())
        laptop.open(hub.assign(name, usb / f"a-{name}", households=["H002"]).path)
    h002 = nam.facts("H002")
    assert h002 is not None
    odd = h002.members[2]._replace(id_number="066087001234", employment="employed_with_contract")
    odd = odd._replace(birth_date="1986-05-05", relation="sibling", education="upper_secondary")
    reason = "Đã xem thẻ CCCD: cấp sai năm sinh"
    key = ("id_number_birth_year", "members[2].id_number")
    nam.save(
        h002._replace(members=(*h002.members[:2], odd)),
        confirmations={key: reason},
        survey=SurveyAnswers(("no_land",)),  # the causes come back from the field too
    )
    hoa_h002 = hoa.facts("H002")
    assert hoa_h002 is not None
    hoa.save(hoa_h002._replace(members=(hoa_h002.members[0], hoa_h002.members[2])))
    hub.merge(nam.export(usb / "b-nam").path)  # type: ignore[arg-type]
    hub.merge(hoa.export(usb / "b-hoa").path)  # type: ignore[arg-type]
    with hub.db.sessions() as s:
        rows = s.execute(
            select(
                WarningConfirmation.code,
                WarningConfirmation.path,
                WarningConfirmation.reason,
                WarningConfirmation.confirmed_by,
            )
        ).all()
        household = load_household(s, only_commune(s), "H002")
        confirmed = {(c.code, c.path) for c in household.confirmations}
        facts = household_facts(s, household)
        left = evaluate_household(s, only_commune(s), facts, confirmed).unconfirmed
    assert rows == [("id_number_birth_year", "members[1].id_number", reason, "nam")]
    # Only the head's own (never confirmed) warning is left open on the commune laptop.
    assert [p.path for p in left] == ["members[0].id_number"]
    assert hub.conflicts() == []
