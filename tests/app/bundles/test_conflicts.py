"""The officer decides conflicts field by field; the decisions reach every laptop with the next
assignment, and everyone continues from the same merged state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.communes import only_commune
from app.errors import NotFound, RaSoatError
from app.fieldwork.conflicts import duplicates, resolve_duplicate
from app.fieldwork.labels import path_label, value_text
from models import AuditEvent
from tests.app.bundles.laptops import Laptop
from tests.snapshot import db_snapshot

Work = tuple[Laptop, dict[str, Laptop], list[Path]]


@pytest.fixture
def merged(field_work: Work) -> Work:
    hub, reviewers, bundles = field_work
    for bundle in bundles:
        hub.merge(bundle)
    return hub, reviewers, bundles


def _events(hub: Laptop, action: str) -> list[dict[str, object]]:
    with hub.db.sessions() as s:
        rows = s.execute(
            select(AuditEvent.entity_key, AuditEvent.actor, AuditEvent.details).where(
                AuditEvent.action == action
            )
        )
        return [{"code": k, "actor": a, **json.loads(d)} for k, a, d in rows]


def test_conflicts_are_shown_side_by_side_in_words(merged: Work) -> None:
    hub, _reviewers, _bundles = merged
    by_path = {(c.code, c.path): c for c in hub.conflicts()}
    income = by_path[("H002", "income_per_capita_month")]
    assert [(c.by, c.source_name, c.value) for c in income.candidates] == [
        ("nam", "Nam", 910_000),
        ("hoa", "Hoa", 1_100_000),
        ("lan", "Lan", 1_200_000),
    ]  # in the order they were made
    assert income.current == 1_200_000  # the latest, until the officer decides
    assert path_label(income.path, income.values) == "Thu nhập bình quân/người/tháng"
    assert value_text(income.path, 910_000) == "910.000 đ"
    member = by_path[("H002", "members.2")]
    assert path_label(member.path, member.values) == "Thành viên Lê Văn Em (còn hay đã xóa)"
    assert [(c.by, value_text(member.path, c.value)) for c in member.candidates] == [
        ("nam", "Còn (đã sửa)"),
        ("hoa", "Đã xóa"),
    ]
    opened = _events(hub, "conflict.open")
    assert {(e["code"], e["path"]) for e in opened} == set(by_path)


def test_decisions_are_audited_and_reach_every_laptop(merged: Work, usb: Path) -> None:
    hub, reviewers, _bundles = merged
    hub.resolve("H002", "income_per_capita_month", 1_100_000)
    hub.resolve("H002", "members.2", False)  # the child has moved away
    hub.resolve("H003", "household", True)
    hub.resolve("H004", "income_per_capita_month", 650_000)
    assert hub.conflicts() == []
    with hub.db.sessions.begin() as s:
        resolve_duplicate(s, hub.actor, only_commune(s), "NAM-0001", "HOA-0001")
    with hub.db.sessions() as s:
        assert duplicates(s, only_commune(s)) == []

    decided = {(e["code"], e["path"]): e for e in _events(hub, "conflict.resolve")}
    income = decided[("H002", "income_per_capita_month")]
    assert income["chosen"] == 1_100_000 and income["actor"] == "officer1"
    assert sorted(c[0] for c in income["candidates"]) == [910_000, 1_100_000, 1_200_000]
    h002 = hub.facts("H002")
    assert h002 is not None and [m.name for m in h002.members] == [
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Lê Thị Bé",
    ]

    for name, laptop in reviewers.items():
        laptop.open(hub.assign(name, usb / f"{name}-2").path)
    hub_state = hub.register_state()
    for laptop in reviewers.values():
        for code, state in laptop.register_state().items():
            assert state == hub_state[code], code
    assert "HOA-0001" not in reviewers["hoa"].register_state()  # the duplicate went away there too
    for laptop in reviewers.values():
        bundle = laptop.export(usb)
        assert bundle.path is None  # nothing left to send: everyone is on the merged state


def test_a_later_edit_in_the_field_settles_a_conflict_it_has_seen(merged: Work, usb: Path) -> None:
    hub, reviewers, _bundles = merged
    nam = reviewers["nam"]
    nam.open(hub.assign("nam", usb / "nam-2").path)  # carries the open conflicts
    assert nam.facts("H002").income_per_capita_month == 1_200_000  # type: ignore[union-attr]
    nam.edit("H002", income_per_capita_month=1_000_000)  # checked again on the spot
    result = hub.merge(nam.export(usb).path)  # type: ignore[arg-type]
    assert ("H002", "income_per_capita_month") in result.conflicts_settled
    assert hub.facts("H002").income_per_capita_month == 1_000_000  # type: ignore[union-attr]


def test_bad_decisions_are_refused_and_change_nothing(merged: Work) -> None:
    hub, _reviewers, _bundles = merged
    before = db_snapshot(hub.db)
    with pytest.raises(NotFound):
        hub.resolve("H001", "latrine", "none")  # no conflict there
    with pytest.raises(RaSoatError) as err:
        hub.resolve("H002", "income_per_capita_month", "nhiều")
    assert err.value.key == "conflict.bad_value"
    with pytest.raises(NotFound), hub.db.sessions.begin() as s:
        resolve_duplicate(s, hub.actor, only_commune(s), "H001", "H002")
    assert db_snapshot(hub.db) == before
