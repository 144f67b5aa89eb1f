"""Multi-value registers: one per field path, so that merging in any order gives one result.

Every change made on any laptop gets a unique number (its "dot"): the laptop's source id and a
counter that only grows there. A register holds the values not yet overwritten (entries, each
with its dot, author and time) and the context: for each source, the highest counter whose
changes to this path are known. A change made on a laptop replaces every entry that laptop
could see, so its context covers them.

Joining two registers keeps an entry unless the other side has seen it (its dot is in the other
context) and no longer holds it. This join is commutative, associative and idempotent: bundles
merged in any order, or twice, give the same registers, hence the same households. Two changes
made without seeing each other both survive: the path holds two values, a conflict, until
someone who sees both changes it again (the officer's decision is such a change).

A path never written since the household took part holds its original value under the origin
dot ("", 0), which every change covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from app.fieldwork.paths import HOUSEHOLD, canonical, split

ORIGIN = ""


class Entry(NamedTuple):
    value: Any
    source: str
    n: int
    by: str  # the author's user name on the laptop where the change was made
    at: str  # when it was saved there, ISO 8601 UTC

    @property
    def dot(self) -> tuple[str, int]:
        return self.source, self.n


class Register(NamedTuple):
    entries: tuple[Entry, ...]
    context: Mapping[str, int]


def implicit(value: Any) -> Register:
    """The register of a path not written since the household took part."""
    return Register((Entry(value, ORIGIN, 0, "", ""),), {ORIGIN: 0})


def covers(context: Mapping[str, int], entry: Entry) -> bool:
    return context.get(entry.source, -1) >= entry.n


def _sorted(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(sorted(entries, key=lambda e: (e.source, e.n)))


def join(a: Register, b: Register) -> Register:
    """Everything both sides know: entries one side has overwritten are dropped."""
    in_a = {e.dot for e in a.entries}
    in_b = {e.dot for e in b.entries}
    keep = [e for e in a.entries if e.dot in in_b or not covers(b.context, e)]
    keep += [e for e in b.entries if e.dot not in in_a and not covers(a.context, e)]
    context = dict(a.context)
    for source, n in b.context.items():
        if n > context.get(source, -1):
            context[source] = n
    return Register(_sorted(keep), dict(sorted(context.items())))


def write(register: Register, value: Any, source: str, n: int, by: str, at: str) -> Register:
    """A change seen against everything in `register`: it replaces all of its entries."""
    context = dict(register.context)
    context[source] = max(n, context.get(source, -1))
    return Register((Entry(value, source, n, by, at),), dict(sorted(context.items())))


def is_existence(path: str) -> bool:
    return path == HOUSEHOLD or (split(path)[0] is not None and split(path)[1] == "")


def values_of(register: Register) -> list[Any]:
    """The distinct values the register holds, in a fixed order."""
    seen: dict[str, Any] = {}
    for e in register.entries:
        seen.setdefault(canonical(e.value), e.value)
    return [seen[k] for k in sorted(seen)]


def in_conflict(register: Register) -> bool:
    return len(register.entries) > 1 and len(values_of(register)) > 1


def provisional(path: str, register: Register) -> Any:
    """The value to use while a conflict waits for the officer, the same on every laptop.

    A household or member that one side deleted and another edited stays (nothing is deleted on
    a guess); otherwise the most recent change wins for now, then the author, then the value.
    """
    entries = register.entries
    if len(entries) == 1:
        return entries[0].value
    if is_existence(path):
        return any(e.value is True for e in entries)
    return max(entries, key=lambda e: (e.at, e.by, canonical(e.value))).value


def encode(register: Register) -> list[Any]:
    """JSON form: [[[value, source, n, by, at], …], {source: n}]."""
    return [[list(e) for e in register.entries], dict(register.context)]


def decode(data: Any) -> Register:
    """The JSON form back; ValueError when it is not a register."""
    if not (isinstance(data, list) and len(data) == 2):
        raise ValueError("register")
    raw_entries, raw_context = data
    if not (isinstance(raw_entries, list) and raw_entries and isinstance(raw_context, dict)):
        raise ValueError("register")
    entries = []
    for raw in raw_entries:
        if not (isinstance(raw, list) and len(raw) == 5):
            raise ValueError("entry")
        value, source, n, by, at = raw
        if not (isinstance(source, str) and _counter(n) and isinstance(by, str)):
            raise ValueError("entry")
        if not isinstance(at, str):
            raise ValueError("entry")
        entries.append(Entry(value, source, n, by, at))
    context = {}
    for source, n in raw_context.items():
        if not _counter(n):
            raise ValueError("context")
        context[source] = n
    register = Register(_sorted(entries), dict(sorted(context.items())))
    if len({e.dot for e in register.entries}) != len(register.entries) or not all(
        covers(register.context, e) for e in register.entries
    ):
        raise ValueError("register")
    return register


def _counter(n: Any) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**53
