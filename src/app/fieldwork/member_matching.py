"""Which member is which after an edit: the household editor keeps no member ids, so a laptop
works out, from the member list as saved, which member each row was before.

Rows are matched in steps, each only among members not matched yet: the same person unchanged;
the same ID number; the same name and birth date; the same name (if only one has it); the same
birth date and sex (if only one has them); finally the same row of a list whose length did not
change (several fields of one person corrected at once). A member whose name, birth date and ID
number all changed in a list that also changed length is taken as someone new, and the person
they replaced as removed: on merge that shows as a removal, never as one person's facts written
over another's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from app.facts import HouseholdFacts, MemberFacts
from app.fieldwork.confirmations import Confirmation, confirmations_of, values_of
from app.fieldwork.paths import (
    ORDER,
    Values,
    household_values,
    member_facts,
    member_path,
    member_values,
    present_members,
)

Rule = Callable[[MemberFacts, MemberFacts], bool]
_RULES: tuple[tuple[Rule, bool], ...] = (  # (rule, must the candidate be the only one)
    (lambda p, m: p == m, False),
    (lambda p, m: bool(m.id_number) and p.id_number == m.id_number, False),
    (lambda p, m: p.name == m.name and p.birth_date == m.birth_date, False),
    (lambda p, m: p.name == m.name, True),
    (lambda p, m: p.birth_date == m.birth_date and p.sex == m.sex, True),
)


def match_members(
    previous: Sequence[tuple[str, MemberFacts]], current: Sequence[MemberFacts]
) -> list[str | None]:
    """For each current member, the uid they had in `previous`, or None for someone new."""
    result: list[str | None] = [None] * len(current)
    free = dict(previous)
    for rule, unique in _RULES:
        for i, m in enumerate(current):
            if result[i] is not None:
                continue
            candidates = [uid for uid, p in free.items() if rule(p, m)]
            if candidates and (len(candidates) == 1 or not unique):
                result[i] = candidates[0]
                del free[candidates[0]]
    if len(previous) == len(current):
        position = {uid: i for i, (uid, _) in enumerate(previous)}
        for uid in list(free):
            i = position[uid]
            if result[i] is None:
                result[i] = uid
                del free[uid]
    return result


def _orders(previous: Mapping[str, Any], before: list[str], uids: list[str | None]) -> list[float]:
    """List positions as order numbers. Members who kept their relative order keep their
    numbers, and new members slot in between, so another laptop's numbers are not disturbed;
    a reordered list is numbered afresh."""
    rank = {uid: i for i, uid in enumerate(before)}
    kept = [rank[u] for u in uids if u is not None]
    if kept != sorted(kept):
        return [float(i) for i in range(len(uids))]
    known = [None if u is None else float(previous[member_path(u, ORDER)]) for u in uids]
    out: list[float] = []
    for i, number in enumerate(known):
        if number is None:
            prior = out[-1] if out else None
            after = next((x for x in known[i + 1 :] if x is not None), None)
            if prior is None:
                number = 0.0 if after is None else after - 1
            else:
                number = prior + 1 if after is None else (prior + after) / 2
        out.append(number)
    return out


def local_values(
    facts: HouseholdFacts | None,
    declared_size: int | None,
    previous: Values,
    new_uid: Callable[[], str],
    confirmed: Iterable[Confirmation] | None = None,
) -> Values:
    """The values of a household as it is now on this laptop, keyed like `previous`.

    `facts` None means the household was deleted here. Members matched to their earlier uids
    keep them; new members get `new_uid()`; removed members keep their last values, marked as
    no longer belonging. `confirmed` are the household's confirmed warnings now (None: as
    before); those no longer there are withdrawn.
    """
    if facts is None:
        return {**previous, "household": False}
    values = household_values(facts, declared_size)
    before = present_members(previous)
    uids = match_members([(u, member_facts(previous, u)) for u in before], facts.members)
    orders = _orders(previous, before, uids)
    keyed = [u if u is not None else new_uid() for u in uids]
    for uid, member, order in zip(keyed, facts.members, orders, strict=True):
        values.update(member_values(uid, member, order))
    staying = set(keyed)
    if confirmed is not None:
        values.update(values_of(confirmed, keyed))
        for path in confirmations_of(previous):
            values.setdefault(path, None)
    for path, value in previous.items():  # members who left keep their last values
        if path not in values:
            values[path] = value
    for gone in before:
        if gone not in staying:
            values[member_path(gone)] = False
    return values


def changed_paths(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Paths whose value differs (or that exist on one side only), in a stable order."""
    paths = previous.keys() | current.keys()
    return sorted(p for p in paths if previous.get(p, _MISSING) != current.get(p, _MISSING))


_MISSING = object()
