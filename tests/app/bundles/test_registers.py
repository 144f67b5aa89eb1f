"""The registers behind merging: any order of joins gives the same result, and no change that
nobody saw is ever dropped."""

from __future__ import annotations

import itertools
from functools import reduce

from hypothesis import given, settings
from hypothesis import strategies as st

from app.fieldwork.registers import (
    Register,
    decode,
    encode,
    implicit,
    in_conflict,
    join,
    provisional,
    values_of,
    write,
)

SOURCES = ("xa:00000000", "nam:11111111", "hoa:22222222", "lan:33333333")


def test_concurrent_writes_conflict_and_a_later_write_settles_them() -> None:
    base = implicit(1_000_000)
    nam = write(base, 900_000, SOURCES[1], 1, "nam", "2026-11-01T08:00:00Z")
    hoa = write(base, 1_200_000, SOURCES[2], 1, "hoa", "2026-11-02T08:00:00Z")
    merged = join(join(base, nam), hoa)
    assert in_conflict(merged) and values_of(merged) == [1_200_000, 900_000]
    assert provisional("income_per_capita_month", merged) == 1_200_000  # the later one, for now
    decided = write(merged, 900_000, SOURCES[0], 1, "officer", "2026-11-03T08:00:00Z")
    assert not in_conflict(join(decided, hoa)) and join(decided, nam) == decided


def test_same_value_from_two_laptops_is_not_a_conflict() -> None:
    base = implicit("septic")
    a = write(base, "none", SOURCES[1], 4, "nam", "t1")
    b = write(base, "none", SOURCES[2], 9, "hoa", "t2")
    assert not in_conflict(join(a, b)) and len(join(a, b).entries) == 2


def test_deleted_against_edited_keeps_the_household_until_decided() -> None:
    base = implicit(True)
    deleted = write(base, False, SOURCES[1], 1, "nam", "2026-11-05T00:00:00Z")
    touched = write(base, True, SOURCES[2], 1, "hoa", "2026-11-01T00:00:00Z")
    merged = join(deleted, touched)
    assert in_conflict(merged) and provisional("household", merged) is True
    assert provisional("members.3", merged) is True


def test_an_own_later_change_replaces_the_earlier_one_whatever_the_arrival_order() -> None:
    base = implicit("a")
    first = write(base, "b", SOURCES[1], 1, "nam", "t1")
    second = write(first, "c", SOURCES[1], 2, "nam", "t2")
    assert join(join(base, second), first) == join(join(base, first), second)
    assert values_of(join(second, first)) == ["c"]


def test_json_form_round_trips_and_refuses_nonsense() -> None:
    reg = write(implicit(None), ["tv", "radio"], SOURCES[3], 7, "lan", "t")
    assert decode(encode(reg)) == reg
    for bad in ([], [[], {}], [[["v", "s", -1, "", ""]], {"s": 1}], [[["v", "s", 5, "", ""]], {}]):
        try:
            decode(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


values = st.sampled_from([None, 0, 1, 2, "x", True, False])
op = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 3), values),
    st.tuples(st.just("send"), st.integers(0, 3), st.integers(0, 3)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(op, max_size=30))
def test_replicas_converge_in_any_order_and_lose_no_unseen_change(ops: list[tuple]) -> None:
    """Four laptops write and exchange state at random; joining their final states in every
    order gives one register, and every change is either still there or was overwritten by a
    change made on a laptop that had it."""
    state = [implicit("base") for _ in SOURCES]
    counters = [0] * len(SOURCES)
    overwritten: set[tuple[str, int]] = set()
    made: set[tuple[str, int]] = set()
    for kind, a, b in ops:
        if kind == "write":
            counters[a] += 1
            overwritten |= {e.dot for e in state[a].entries}
            state[a] = write(state[a], b, SOURCES[a], counters[a], SOURCES[a], f"t{len(made)}")
            made.add((SOURCES[a], counters[a]))
        else:
            state[b] = join(state[b], state[a])
    results = [reduce(join, order, implicit("base")) for order in itertools.permutations(state)]
    final = results[0]
    assert all(r == final for r in results)
    assert isinstance(final, Register)
    kept = {e.dot for e in final.entries}
    assert made <= kept | overwritten
    assert join(final, final) == final


def test_two_reasons_for_one_confirmed_warning_need_no_decision() -> None:
    from app.fieldwork.state import Tracked

    path = "confirmations.id_number_birth_year|members.0.id_number"
    base = implicit(None)
    nam = write(base, "Đã xem thẻ CCCD", SOURCES[1], 1, "nam", "2026-11-01T08:00:00Z")
    hoa = write(base, "Trưởng thôn xác nhận", SOURCES[2], 1, "hoa", "2026-11-02T08:00:00Z")
    both = Tracked("H002", {path: None}, {path: join(nam, hoa)})
    assert both.conflict_paths() == [] and both.compose()[path] == "Trưởng thôn xác nhận"
    withdrawn = write(nam, None, SOURCES[1], 2, "nam", "2026-11-03T08:00:00Z")
    against = Tracked("H002", {path: None}, {path: join(withdrawn, hoa)})
    assert against.conflict_paths() == [path]  # one laptop took it back, one confirmed it
