"""Confirmed warnings travel too: the reason a reviewer gave in the field for a warning (an ID
number whose birth-year digits disagree, say) reaches the commune laptop with the household.

A confirmation is stored by the register (models.WarningConfirmation) under the warning's code
and its path, which names members by position ("members[2].id_number"). Positions differ
between laptops, so here they become paths by member uid ("members.<uid>.id_number"), one field
path "confirmations.<code>|<target>" each, holding the reason (None once withdrawn): merged like
any other field. Two laptops confirming the same warning with different reasons is not a
conflict — both confirmed it; the most recent reason is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from app.fieldwork.paths import CONFIRM, Values, member_path, present_members, split
from app.fieldwork.registers import Register
from models import WarningConfirmation

Confirmation = tuple[str, str, str, str, str]  # code, path by position, reason, by, when
_POSITIONAL = re.compile(r"members\[(\d+)\](.*)")


def confirmation_path(code: str, target: str) -> str:
    return f"{CONFIRM}{code}|{target}"


def by_uid(path: str, uids: Sequence[str]) -> str | None:
    """ "members[1].id_number" -> "members.<uid of the 2nd member>.id_number"."""
    found = _POSITIONAL.fullmatch(path)
    if found is None:
        return path
    index = int(found.group(1))
    return member_path(uids[index]) + found.group(2) if index < len(uids) else None


def by_position(target: str, positions: Mapping[str, int]) -> str | None:
    uid, leaf = split(target)
    if uid is None:
        return target
    if uid not in positions:
        return None  # the member is no longer in the household
    return f"members[{positions[uid]}]" + (f".{leaf}" if leaf else "")


def values_of(confirmations: Iterable[Confirmation], uids: Sequence[str]) -> Values:
    """The confirmation paths of a household whose members are `uids`, in list order."""
    out: Values = {}
    for code, path, reason, _by, _at in confirmations:
        target = by_uid(path, uids)
        if target is not None:
            out[confirmation_path(code, target)] = reason
    return out


Row = tuple[str, str, str, str]  # code, path by position, reason, confirmed by


def positional(values: Mapping[str, Any], registers: Mapping[str, Register]) -> list[Row]:
    """The confirmations the values hold, as the register stores them, with their authors."""
    positions = {uid: i for i, uid in enumerate(present_members(values))}
    out = []
    for path, reason in values.items():
        if not path.startswith(CONFIRM) or reason is None:
            continue
        code, _bar, target = path[len(CONFIRM) :].partition("|")
        where = by_position(target, positions)
        if where is None:
            continue
        found = registers.get(path)
        by = next((e.by for e in found.entries if e.value == reason), "") if found else ""
        out.append((code, where, str(reason), by))
    return sorted(out)


def confirmations_of(values: Mapping[str, Any]) -> dict[str, Any]:
    return {p: v for p, v in values.items() if p.startswith(CONFIRM)}


def agreeing(path: str, register: Register) -> bool:
    """Several reasons for one confirmed warning: no decision needed."""
    return path.startswith(CONFIRM) and all(e.value is not None for e in register.entries)


def read(conn: Connection, household_ids: Sequence[int]) -> dict[int, list[Confirmation]]:
    """Every confirmation of the households, as stored."""
    out: dict[int, list[Confirmation]] = {hid: [] for hid in household_ids}
    ids = list(household_ids)
    query = select(
        WarningConfirmation.household_id,
        WarningConfirmation.code,
        WarningConfirmation.path,
        WarningConfirmation.reason,
        WarningConfirmation.confirmed_by,
        WarningConfirmation.confirmed_at,
    )
    for i in range(0, len(ids), 900):
        for hid, code, path, reason, by, at in conn.execute(
            query.where(WarningConfirmation.household_id.in_(ids[i : i + 900]))
        ):
            when = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if at is not None else ""
            out[hid].append((code, path, reason, by, when))
    return out


def replace(conn: Connection, rows: Mapping[int, Sequence[Row]], by: str) -> None:
    """Store exactly these confirmations for these households (merged values decided them);
    `by` stands in for an author the values do not name."""
    ids = sorted(rows)
    for i in range(0, len(ids), 900):
        conn.execute(
            delete(WarningConfirmation).where(
                WarningConfirmation.household_id.in_(ids[i : i + 900])
            )
        )
    new = [
        {
            "household_id": hid,
            "code": code,
            "path": path,
            "reason": reason,
            "confirmed_by": author or by,
        }
        for hid in ids
        for code, path, reason, author in rows[hid]
    ]
    if new:
        conn.execute(insert(WarningConfirmation), new)
