"""The reader's fast path never accepts what the careful path refuses, and agrees otherwise."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.exchange.read import _Reader
from tests.builders import contract_example

BASE = contract_example()["households"][0]

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**16),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), 2**31 + 0.0]),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.sampled_from(
        [
            "",
            " ",
            "male",
            "head",
            "tv",
            "2019-07-20",
            "2019",
            "2019-W01-1",
            "1e3",
            "none",
            "piped",
            "١٩٨٤",
        ]
    ),
    st.lists(st.sampled_from(["tv", "tv", "radio", None, 3]), max_size=3),
    st.dictionaries(st.sampled_from(["phone", "internet", "floor_area_m2"]), st.booleans()),
)
MEMBER_KEYS = sorted(set(BASE["members"][0]) | set(BASE["members"][1]) | {"disability"})
HOUSEHOLD_KEYS = sorted(set(BASE) - {"members"} | {"waste_handling", "address", "b1_score"})


def both(kind: str, data: Any) -> tuple[Any, Any, list[Any]]:
    fast_reader, careful = _Reader(fast=True), _Reader(fast=False)
    fast = getattr(fast_reader, kind)(copy.deepcopy(data), "x")
    slow = getattr(careful, kind)(copy.deepcopy(data), "x")
    return fast, slow, careful.problems


@settings(max_examples=400, deadline=None)
@given(
    index=st.integers(0, 1),
    edits=st.dictionaries(st.sampled_from(MEMBER_KEYS), JUNK, max_size=3),
    drop=st.lists(st.sampled_from(MEMBER_KEYS), max_size=2),
)
def test_member_paths_agree(index: int, edits: dict[str, Any], drop: list[str]) -> None:
    data = copy.deepcopy(BASE["members"][index])
    data.update(edits)
    for key in drop:
        data.pop(key, None)
    fast, slow, problems = both("member", data)
    assert fast == slow
    assert (slow is None) == bool(problems)


@settings(max_examples=400, deadline=None)
@given(
    edits=st.dictionaries(st.sampled_from(HOUSEHOLD_KEYS), JUNK, max_size=3),
    housing=st.dictionaries(
        st.sampled_from(["floor_area_m2", "walls_durable", "roof_durable"]), JUNK, max_size=2
    ),
)
def test_household_paths_agree(edits: dict[str, Any], housing: dict[str, Any]) -> None:
    data = copy.deepcopy(BASE)
    data.update(edits)
    if isinstance(data.get("housing"), dict):
        data["housing"].update(housing)
    fast, slow, problems = both("household", data)
    assert fast == slow
    assert (slow is None) == bool(problems)


def test_a_b1_score_beyond_its_column_is_refused_by_both_paths() -> None:
    """B1 scores live in a 32-bit column: a larger one is the file's error, found on reading."""
    for value, accepted in ((2**31 - 1, True), (2**31, False), (-(2**31), False)):
        data = copy.deepcopy(BASE)
        data["b1_score"] = value
        fast, slow, problems = both("household", data)
        assert fast == slow
        assert (slow is not None) == accepted, value
        if not accepted:
            assert [p.path for p in problems] == ["x.b1_score"]
