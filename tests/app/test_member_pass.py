"""The one-pass evaluation and the per-rule checks always find the same deprivations."""

from __future__ import annotations

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


@pytest.mark.parametrize("classifier", CLASSIFIERS, ids=lambda c: c.pack.id)
@settings(max_examples=400, deadline=None)
@given(h=households)
def test_fast_and_explained_paths_agree(classifier: Classifier, h: HouseholdFacts) -> None:
    explained = classifier.classify(h, explain=True)
    fast = classifier.classify(h, explain=False)
    assert fast.deprived == explained.deprived
    assert fast.cls == explained.cls
    assert {f.indicator for f in explained.findings} == set(explained.deprived)
