"""Income lines, the average band, the deprivation cut-off and B1 scores, at their boundaries."""

from __future__ import annotations

import pytest

from app.classify import Classifier
from app.errors import RaSoatError
from app.standards import get_pack
from tests.builders import REFERENCE_DATE, household, member

PACK = get_pack("VN-MPS-2022-2025")
CLASSIFIER = Classifier(PACK, REFERENCE_DATE)

# Three deprivations: no health insurance (an adult), unsafe water, no hygienic latrine.
THREE = dict(water_source="surface_water", latrine="none")


def three_deprived(**kw: object) -> object:
    members = (
        member(health_insurance=False),
        member(name="Trần Thị Bình", sex="female", age=38, relation="spouse"),
    )
    return household(members=members, **THREE, **kw)


@pytest.mark.parametrize(
    ("area", "income", "expected"),
    [
        ("rural", 0, "near_poor"),
        ("rural", 1_499_999, "near_poor"),
        ("rural", 1_500_000, "near_poor"),  # exactly on the line is within it
        ("rural", 1_500_001, "average"),
        ("rural", 2_250_000, "average"),  # top of the average band
        ("rural", 2_250_001, "not_poor"),
        ("urban", 1_500_001, "near_poor"),  # the urban line is higher
        ("urban", 2_000_000, "near_poor"),
        ("urban", 2_000_001, "average"),
        ("urban", 3_000_000, "average"),
        ("urban", 3_000_001, "not_poor"),
    ],
)
def test_income_lines_and_average_band(area: str, income: int, expected: str) -> None:
    result = CLASSIFIER.classify(household(area=area, income_per_capita_month=income))
    assert result.cls == expected
    assert result.deprived == ()


@pytest.mark.parametrize(("area", "income"), [("rural", 1_500_000), ("urban", 2_000_000)])
def test_three_deprivations_on_the_line_is_poor(area: str, income: int) -> None:
    result = CLASSIFIER.classify(three_deprived(area=area, income_per_capita_month=income))
    assert result.deprived == ("health_insurance", "water_source", "latrine")
    assert result.cls == "poor"


def test_two_deprivations_is_near_poor() -> None:
    h = household(water_source="surface_water", latrine="none")
    result = CLASSIFIER.classify(h)
    assert result.deprived_count == 2
    assert result.cls == "near_poor"


@pytest.mark.parametrize(
    ("area", "income", "expected"),
    [("rural", 1_500_001, "average"), ("urban", 3_000_001, "not_poor")],
)
def test_above_the_line_never_poor_however_deprived(area: str, income: int, expected: str) -> None:
    h = three_deprived(
        area=area,
        income_per_capita_month=income,
        walls_durable=False,
        roof_durable=False,
        phone=False,
        internet=False,
        information_devices=(),
    )
    result = CLASSIFIER.classify(h)
    assert result.deprived_count == 6
    assert result.cls == expected


@pytest.mark.parametrize(
    ("area", "score", "expected"),
    [
        ("rural", 140, "near_poor"),
        ("rural", 141, "not_poor"),
        ("urban", 175, "near_poor"),
        ("urban", 176, "not_poor"),
        ("rural", 0, "near_poor"),
    ],
)
def test_b1_score_against_pack_cutoffs(area: str, score: int, expected: str) -> None:
    result = CLASSIFIER.classify(household(area=area, income_per_capita_month=None, b1_score=score))
    assert result.income_basis == "b1"
    assert result.cls == expected
    assert result.to_contract()["b1_score"] == score


def test_b1_with_three_deprivations_is_poor() -> None:
    result = CLASSIFIER.classify(three_deprived(income_per_capita_month=None, b1_score=140))
    assert result.cls == "poor"


def test_income_wins_over_b1_when_both_given() -> None:
    result = CLASSIFIER.classify(household(income_per_capita_month=2_500_000, b1_score=10))
    assert result.income_basis == "income"
    assert result.cls == "not_poor"


def test_b1_without_cutoff_in_draft_pack_is_refused() -> None:
    draft = Classifier(get_pack("VN-MPS-2027-2030"), REFERENCE_DATE)
    with pytest.raises(RaSoatError) as err:
        draft.classify(household(income_per_capita_month=None, b1_score=100))
    assert "B1" in err.value.message("vi")


@pytest.mark.parametrize(
    ("area", "income", "expected"),
    [
        ("rural", 2_200_000, "near_poor"),
        ("rural", 2_200_001, "not_poor"),
        ("urban", 2_800_000, "near_poor"),
        ("urban", 2_800_001, "not_poor"),
    ],
)
def test_2027_pack_lines_and_no_average_band(area: str, income: int, expected: str) -> None:
    draft = Classifier(get_pack("VN-MPS-2027-2030"), REFERENCE_DATE)
    result = draft.classify(household(area=area, income_per_capita_month=income))
    assert result.cls == expected
    assert result.standard_id == "VN-MPS-2027-2030"
