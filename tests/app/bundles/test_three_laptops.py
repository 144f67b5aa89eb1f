"""Three reviewers edit overlapping households in every pattern; the commune laptop merges their
bundles in every order and must end in the same state, with every conflict surfaced and no edit
lost."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

from app.communes import only_commune
from app.fieldwork.conflicts import duplicates
from app.storage import open_database
from tests.app.bundles.conftest import SHARED_ID
from tests.app.bundles.laptops import OFFICER, Laptop


def _final_state(start: Path, work: Path, order: tuple[Path, ...]) -> dict[str, Any]:
    shutil.copyfile(start, work)
    laptop = Laptop(open_database(work), OFFICER)
    try:
        for bundle in order:
            laptop.merge(bundle)
        with laptop.db.sessions() as s:
            dups = [
                (d.id_number, [h.code for h in d.households])
                for d in duplicates(s, only_commune(s))
            ]
        conflicts = sorted(
            (c.code, c.path, sorted((repr(x.value), x.by) for x in c.candidates))
            for c in laptop.conflicts()
        )
        return {
            "register": laptop.register_state(),
            "merge": laptop.merge_state(),
            "conflicts": conflicts,
            "duplicates": dups,
        }
    finally:
        laptop.db.dispose()


def test_every_order_gives_the_same_state_with_every_conflict_and_no_edit_lost(
    field_work: tuple[Laptop, dict[str, Laptop], list[Path]], tmp_path: Path
) -> None:
    hub, _reviewers, bundles = field_work
    start = tmp_path / "hub-before-merging.sqlite"
    hub.db.dispose()
    shutil.copyfile(hub.db.path, start)  # type: ignore[arg-type]
    states = [
        _final_state(start, tmp_path / f"order-{i}.sqlite", order)
        for i, order in enumerate(itertools.permutations(bundles))
    ]
    assert len(states) == 24
    first = states[0]
    for state in states[1:]:
        assert state == first

    register, conflicts = first["register"], {(c[0], c[1]): c[2] for c in first["conflicts"]}
    h001 = register["H001"][0]
    assert h001["income_per_capita_month"] == 900_000
    assert h001["latrine"] == "pit_without_slab"
    assert h001["telecom"]["phone"] is False
    assert h001["water_source"] == "rainwater"  # nam's second bundle
    assert not any(code == "H001" for code, _ in conflicts)

    assert conflicts[("H002", "income_per_capita_month")] == [
        ("1100000", "hoa"),
        ("1200000", "lan"),
        ("910000", "nam"),
    ]
    removed_vs_edited = [p for code, p in conflicts if code == "H002" and p.startswith("members.")]
    assert removed_vs_edited == ["members.2"]
    assert conflicts[("H002", "members.2")] == [("False", "hoa"), ("True", "nam")]
    names = [m["name"] for m in register["H002"][0]["members"]]
    assert names == ["Lê Văn Cường", "Phạm Thị Dung", "Lê Văn Em", "Lê Thị Bé"]  # kept for now
    assert register["H002"][0]["members"][2]["in_school"] is False  # nam's edit, not lost

    assert conflicts[("H003", "household")] == [("False", "nam"), ("True", "hoa")]
    assert register["H003"][0]["water_source"] == "surface_water"  # kept while undecided

    h004 = register["H004"][0]
    assert h004["latrine"] == "none" and h004["waste_handling"] == "none"
    assert ("H004", "latrine") not in conflicts
    assert conflicts[("H004", "income_per_capita_month")] == [
        ("650000", "lan"),
        ("700000", "officer1"),
    ]

    assert "NAM-0001" in register and "HOA-0001" in register  # both kept, neither overwritten
    assert first["duplicates"] == [(SHARED_ID, ["HOA-0001", "NAM-0001"])]
    assert len(conflicts) == 4
