"""The one-pass evaluation and the per-rule checks always find the same deprivations."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from app.classify import Classifier
from app.facts import HouseholdFacts
from app.standards import get_pack
from tests.builders import REFERENCE_DATE
from tests.strategies import households

CLASSIFIERS = [
    Classifier(get_pack(p), REFERENCE_DATE) for p in ("VN-MPS-2022-2025", "VN-MPS-2027-2030")
]


def _with_extra_indicators(pack_id: str, rules: tuple[str, ...]) -> Classifier:
    """The pack with a second indicator for each of `rules` (a copy of the first under another
    id), which no one-pass evaluation can fuse."""
    pack = get_pack(pack_id)
    extra = []
    for rule in rules:
        first = next(i for i in pack.indicators if i.rule == rule)
        extra.append(replace(first, id=f"{first.id}_bis"))
    return Classifier(replace(pack, indicators=(*pack.indicators, *extra)), REFERENCE_DATE)


FALLBACKS = [
    _with_extra_indicators("VN-MPS-2022-2025", ("housing_area",)),
    _with_extra_indicators("VN-MPS-2022-2025", ("health_insurance",)),
]


def test_a_rule_used_twice_falls_back_to_its_own_checks() -> None:
    housing, members = FALLBACKS
    assert housing.housing_pass is None and housing.member_pass is not None
    assert members.member_pass is None and members.housing_pass is not None


@pytest.mark.parametrize(
    "classifier",
    [*CLASSIFIERS, *FALLBACKS],
    ids=[c.pack.id for c in CLASSIFIERS] + ["housing rule twice", "member rule twice"],
)
@settings(max_examples=400, deadline=None)
@given(h=households)
def test_fast_and_explained_paths_agree(classifier: Classifier, h: HouseholdFacts) -> None:
    explained = classifier.classify(h, explain=True)
    fast = classifier.classify(h, explain=False)
    assert fast.deprived == explained.deprived
    assert fast.cls == explained.cls
    assert {f.indicator for f in explained.findings} == set(explained.deprived)
