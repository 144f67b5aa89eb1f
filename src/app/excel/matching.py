"""Households of a list that RaSoat already knows: matched, proposed to the officer, never doubled.

A listed household is the same as one already in the register (or already listed from an
earlier file) when it has the same household code, when one of its members has the same ID
number, or when its head has the same name (accent-free) and birth year in the same village.
Each match is only a proposal: the officer confirms or rejects it (app.excel.importing).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select

from app.excel.rows import ListedHousehold
from app.textnorm import fold
from models import Commune, PendingHousehold, Village

REGISTER, PENDING = "register", "pending"
BY_CODE, BY_ID, BY_NAME = "code", "id_number", "name_birth_village"


@dataclass(frozen=True)
class Known:
    kind: str  # REGISTER | PENDING
    code: str
    head: str
    village: str


@dataclass(frozen=True)
class ProposedMatch:
    index: int  # the household's position in the preview
    row: int  # its first sheet row
    reason: str  # BY_CODE | BY_ID | BY_NAME
    known: Known
    value: str  # the code, ID number or "name, year" that matched

    @property
    def rejectable(self) -> bool:
        """A same-code or same-ID match cannot be rejected: codes and ID numbers are unique."""
        return self.reason == BY_NAME


def person_key(name: str | None, birth: str | None, village: str) -> tuple[str, str, str] | None:
    if not birth or not name:  # a name or date the list got wrong matches nothing
        return None
    return (fold(name), birth[:4], fold(village))


class KnownHouseholds:
    """Identity keys of the commune's households and pending households, loaded once."""

    def __init__(self) -> None:
        self.by_code: dict[str, Known] = {}
        self.by_id: dict[str, Known] = {}
        self.by_person: dict[tuple[str, str, str], list[Known]] = defaultdict(list)

    def add(self, known: Known, people: list[tuple[str, str | None, str | None, bool]]) -> None:
        """people: (name, birth date, ID number, is head)."""
        self.by_code.setdefault(known.code, known)
        for name, birth, number, is_head in people:
            if number:
                self.by_id.setdefault(number, known)
            person = person_key(name, birth, known.village) if is_head else None
            if person:
                self.by_person[person].append(known)

    def codes(self) -> set[str]:
        return set(self.by_code)


def load_known(conn: Connection, commune: Commune) -> KnownHouseholds:
    known = KnownHouseholds()
    for code, village, people in _register(conn, commune.id):
        head = next((p[0] for p in people if p[3]), "")
        known.add(Known(REGISTER, code, head, village), people)
    villages = {
        v.id: v.name for v in conn.execute(select(Village).where(Village.commune_id == commune.id))
    }
    rows = conn.execute(
        select(PendingHousehold.code, PendingHousehold.village_id, PendingHousehold.data).where(
            PendingHousehold.commune_id == commune.id
        )
    )
    for code, village_id, data in rows:
        members = json.loads(data).get("members", [])
        people = [
            (m["name"], m.get("birth_date"), m.get("id_number"), m.get("relation") == "head")
            for m in members
        ]
        head = next((p[0] for p in people if p[3]), "")
        known.add(Known(PENDING, code, head, villages.get(village_id, "")), people)
    return known


def _register(
    conn: Connection, commune_id: int
) -> Iterator[tuple[str, str, list[tuple[str, str | None, str | None, bool]]]]:
    rows = conn.exec_driver_sql(
        "SELECT h.code, v.name, m.name, m.birth_date, m.id_number, m.relation "
        "FROM households h JOIN villages v ON v.id = h.village_id "
        "JOIN members m ON m.household_id = h.id WHERE h.commune_id = "
        + ("%(c)s" if conn.dialect.paramstyle == "pyformat" else ":c"),
        {"c": commune_id},
    )
    grouped: dict[str, tuple[str, list[tuple[str, str | None, str | None, bool]]]] = {}
    for code, village, name, birth, number, relation in rows:
        entry = grouped.setdefault(code, (village, []))
        entry[1].append((name, birth, number, relation == "head"))
    for code, (village, people) in grouped.items():
        yield code, village, people


def propose(
    households: list[ListedHousehold], codes: list[str], known: KnownHouseholds
) -> list[ProposedMatch]:
    """One proposal per listed household that looks like a known one (first reason found)."""
    out = []
    for index, (household, code) in enumerate(zip(households, codes, strict=True)):
        match = _match(index, household, code, known)
        if match:
            out.append(match)
    return out


def _match(
    index: int, household: ListedHousehold, code: str, known: KnownHouseholds
) -> ProposedMatch | None:
    if household.code and household.code in known.by_code:
        return ProposedMatch(index, household.row, BY_CODE, known.by_code[code], code)
    for member in household.members:
        number = member.data.get("id_number")
        if number and number in known.by_id:
            return ProposedMatch(index, household.row, BY_ID, known.by_id[number], number)
    head = household.head
    if head is None or household.village is None:
        return None
    person = person_key(head.data["name"], head.data.get("birth_date"), household.village)
    candidates = known.by_person.get(person, []) if person else []
    if len(candidates) == 1:
        value = f"{head.data['name']}, {str(head.data['birth_date'])[:4]}"
        return ProposedMatch(index, household.row, BY_NAME, candidates[0], value)
    return None
