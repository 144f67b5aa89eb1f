"""Tracked households in field files: how their values and registers are written and read back.

Values travel compactly: a household that exists is its exchange-format record (v1, the public
household format) with each member's uid and order number beside it, plus whatever the record
cannot hold (members no longer in the household, kept for conflicts). Registers travel as they
are stored. Reading checks every path and every value against app/fieldwork/paths.py; anything
malformed is refused with the place it was found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.errors import InvalidData
from app.exchange.read import read_household
from app.exchange.write import household_dict
from app.fieldwork.paths import (
    HOUSEHOLD,
    ORDER,
    UID,
    BadValue,
    Values,
    check_value,
    facts_from_values,
    household_values,
    member_path,
    member_values,
    present_members,
)
from app.fieldwork.registers import Register, decode, encode


class BadPayload(ValueError):
    """Content that does not read as a tracked household; `where` says which part."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def pack_values(code: str, values: Mapping[str, Any]) -> dict[str, Any]:
    if values.get(HOUSEHOLD) is not True:
        return {"values": dict(values)}
    facts, size = facts_from_values(code, values)
    uids = present_members(values)
    rebuilt = household_values(facts, size)
    for uid, m in zip(uids, facts.members, strict=True):
        rebuilt.update(member_values(uid, m, values[member_path(uid, ORDER)]))
    out: dict[str, Any] = {
        "household": household_dict(facts),
        "uids": uids,
        "orders": [values[member_path(u, ORDER)] for u in uids],
        "declared_size": size,
    }
    extra = {p: v for p, v in values.items() if p not in rebuilt or rebuilt[p] != v}
    if extra:
        out["extra"] = extra
    return out


def unpack_values(code: str, data: Any, where: str) -> Values:
    if not isinstance(data, dict):
        raise BadPayload(where)
    if "values" in data:
        return _checked(data["values"], f"{where}.values")
    try:
        facts = read_household(data.get("household"))
    except InvalidData:
        raise BadPayload(f"{where}.household") from None
    uids, orders = data.get("uids"), data.get("orders")
    if (
        facts.id != code
        or not isinstance(uids, list)
        or not isinstance(orders, list)
        or len(uids) != len(facts.members)
        or len(orders) != len(uids)
        or len(set(map(str, uids))) != len(uids)
        or not all(isinstance(u, str) and UID.fullmatch(u) for u in uids)
    ):
        raise BadPayload(f"{where}.uids")
    values = household_values(facts, _value("declared_size", data.get("declared_size"), where))
    for uid, m, order in zip(uids, facts.members, orders, strict=True):
        values.update(member_values(uid, m, _value(member_path(uid, ORDER), order, where)))
    values.update(_checked(data.get("extra", {}), f"{where}.extra"))
    return values


def _value(path: str, value: Any, where: str) -> Any:
    try:
        return check_value(path, value)
    except BadValue:
        raise BadPayload(f"{where}.{path}") from None


def _checked(raw: Any, where: str) -> Values:
    if not isinstance(raw, dict):
        raise BadPayload(where)
    return {str(p): _value(str(p), v, where) for p, v in raw.items()}


def pack_registers(
    registers: Mapping[str, Register], paths: Iterable[str] | None = None
) -> dict[str, Any]:
    wanted = sorted(registers) if paths is None else sorted(paths)
    return {p: encode(registers[p]) for p in wanted}


def unpack_registers(data: Any, where: str) -> dict[str, Register]:
    """Registers as sent; every entry's value must be a valid value of its path."""
    if not isinstance(data, dict):
        raise BadPayload(where)
    out = {}
    for path, raw in data.items():
        try:
            register = decode(raw)
            checked = [e._replace(value=check_value(path, e.value)) for e in register.entries]
        except (ValueError, BadValue):
            raise BadPayload(f"{where}.{path}") from None
        out[path] = register._replace(entries=tuple(checked))
    return out
