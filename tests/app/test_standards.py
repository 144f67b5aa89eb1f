"""Standard packs load, validate, mark unverified values, and can be corrected as data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app import standards
from app.errors import RaSoatError
from app.standards import get_pack, pack_for_date, parse_pack


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    standards.available_packs.cache_clear()


def test_both_packs_load_with_twelve_indicators() -> None:
    current, draft = get_pack("VN-MPS-2022-2025"), get_pack("VN-MPS-2027-2030")
    assert current.indicator_ids == (
        "employment",
        "dependants",
        "nutrition",
        "health_insurance",
        "adult_education",
        "child_schooling",
        "housing_quality",
        "housing_area",
        "water_source",
        "latrine",
        "telecom",
        "information_access",
    )
    assert not current.draft and draft.draft and len(draft.indicators) == 12
    assert (
        current.poverty_line["rural"].value == 1_500_000 and current.poverty_line["rural"].verified
    )
    assert current.average_upper["urban"].status == "secondary"


def test_pack_in_force_by_date() -> None:
    assert pack_for_date(date(2026, 11, 15)).id == "VN-MPS-2022-2025"
    assert pack_for_date(date(2027, 3, 1)).id == "VN-MPS-2027-2030"
    with pytest.raises(RaSoatError):
        pack_for_date(date(2019, 1, 1))


def test_unverified_values_are_listed() -> None:
    where = dict(get_pack("VN-MPS-2022-2025").unverified_facts())
    assert where["b1.poverty.rural"].value == 140
    assert "indicators.housing_area.min_m2_per_person" in where
    assert "poverty_line.rural" not in where


def test_phieu_a_has_nine_empty_unverified_slots() -> None:
    pack = get_pack("VN-MPS-2022-2025")
    assert [c["no"] for c in pack.phieu_a_criteria] == list(range(1, 10))
    assert all(
        c["text"]["vi"] is None and c["status"] == "unverified" for c in pack.phieu_a_criteria
    )
    assert pack.phieu_a_threshold.value == 4


def test_retirement_table() -> None:
    pack = get_pack("VN-MPS-2022-2025")
    assert pack.retirement_months("male", 2026) == 61 * 12 + 6
    assert pack.retirement_months("female", 2026) == 57 * 12
    assert pack.retirement_months("male", 2040) == 62 * 12


def test_invalid_pack_is_refused_with_a_path() -> None:
    raw = json.loads(json.dumps(get_pack("VN-MPS-2022-2025").raw))
    raw["income_lines"]["rural"]["poverty_line"]["value"] = "một triệu"
    with pytest.raises(RaSoatError) as err:
        parse_pack(raw)
    assert "income_lines/rural/poverty_line/value" in err.value.message("vi")


def test_officer_correction_with_higher_revision_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASOAT_HOME", str(tmp_path))
    raw = json.loads(json.dumps(get_pack("VN-MPS-2022-2025").raw))
    raw["revision"] = 2
    raw["b1"]["cutoffs"]["rural"]["poverty"] = {
        "value": 150,
        "status": "verified",
        "source": ["Thông tư 07/2021, Phụ lục III"],
    }
    (tmp_path / "standards").mkdir()
    (tmp_path / "standards" / "corrected.json").write_text(json.dumps(raw), encoding="utf-8")
    standards.available_packs.cache_clear()
    pack = get_pack("VN-MPS-2022-2025")
    assert (pack.revision, pack.b1_poverty["rural"].value) == (2, 150)
