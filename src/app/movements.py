"""Movements of the poor and near-poor lists over a round, as the movement reports count them.

Each household of a round has the list it was on when the round started (`start_class`, carried
over from the previous round) and the list it is on at the end: the chairman's decision, or the
same list while nothing has been decided. Comparing the two gives one movement per list, the
columns of reports 2 and 3 ("Tổng hợp diễn biến hộ nghèo / hộ cận nghèo"):

    end = start − (to the other list + escaped + other decrease)
                + (from the other list + returned + new + other increase)

The identity holds by construction (every household is counted once on each side), and
`MovementCounts.balanced` checks it for each row, so a report built on this API balances.

Typical use (reports, issue #5):

    movements = round_movements(session, review_round)
    table = movement_table(movements, "poor")          # rows by village, plus the total
    for row in table.rows:  row.group, row.households.start, row.members.end, ...
    column_label("poor", "returned", "vi")             # "Tái nghèo"
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.i18n import tr
from app.resources import resource_path
from models import Assessment, Household, Member, ReviewRound, Village

POOR, NEAR_POOR = "poor", "near_poor"
LISTS = (POOR, NEAR_POOR)
OTHER_LIST = {POOR: NEAR_POOR, NEAR_POOR: POOR}

# Movement kinds, in report column order (after "start", before "end").
STAYED = "stayed"
DECREASES = ("to_other_list", "escaped", "other_out")
INCREASES = ("from_other_list", "returned", "new", "other_in")
COLUMNS = ("start", *DECREASES, *INCREASES, "end")


@cache
def _returned_rule() -> dict[str, frozenset[str]]:
    with resource_path("workflow/movements.json").open(encoding="utf-8") as fh:
        value = json.load(fh)["returned_if_previously_on"]["value"]
    return {list_class: frozenset(previous) for list_class, previous in value.items()}


@dataclass(frozen=True, slots=True)
class HouseholdMovement:
    """One household in a round: where it started, where it ends, and what counts for it."""

    household_id: int
    code: str
    village: str
    members: int
    start: str | None  # "poor" | "near_poor" | "average" | None (on no list)
    end: str | None
    decided: bool  # the end comes from a recorded decision (not provisional, not unchanged)
    previously_on: frozenset[str] = frozenset()  # lists it was on before this round
    change_kind: str | None = None  # "moved_in" | "left"

    def kind(self, list_class: str) -> str | None:
        """The movement in `list_class`'s report, or None if the household is not part of it."""
        other = OTHER_LIST[list_class]
        was, now = self.start == list_class, self.end == list_class
        if was and now:
            return STAYED
        if was:
            if self.end == other:
                return "to_other_list"
            return "other_out" if self.change_kind == "left" else "escaped"
        if now:
            if self.start == other:
                return "from_other_list"
            if self.change_kind == "moved_in":
                return "other_in"
            returned = self.previously_on & _returned_rule()[list_class]
            return "returned" if returned else "new"
        return None


@dataclass(slots=True)
class MovementCounts:
    start: int = 0
    to_other_list: int = 0
    escaped: int = 0
    other_out: int = 0
    from_other_list: int = 0
    returned: int = 0
    new: int = 0
    other_in: int = 0
    end: int = 0

    @property
    def decreases(self) -> int:
        return self.to_other_list + self.escaped + self.other_out

    @property
    def increases(self) -> int:
        return self.from_other_list + self.returned + self.new + self.other_in

    @property
    def balanced(self) -> bool:
        return self.end == self.start - self.decreases + self.increases

    def add(self, kind: str, amount: int) -> None:
        """Count a household (amount 1) or its members under movement `kind`."""
        if kind not in INCREASES:  # stayed, or left the list: it was there at the start
            self.start += amount
        if kind != STAYED:
            setattr(self, kind, getattr(self, kind) + amount)
        if kind not in DECREASES:
            self.end += amount

    def values(self) -> tuple[int, ...]:
        """The counts in COLUMNS order."""
        return tuple(getattr(self, f.name) for f in fields(self))


@dataclass(slots=True)
class MovementRow:
    group: str
    households: MovementCounts = field(default_factory=MovementCounts)
    members: MovementCounts = field(default_factory=MovementCounts)

    def add(self, movement: HouseholdMovement, kind: str) -> None:
        self.households.add(kind, 1)
        self.members.add(kind, movement.members)


@dataclass(frozen=True, slots=True)
class MovementTable:
    list_class: str  # "poor" (report 2) or "near_poor" (report 3)
    rows: tuple[MovementRow, ...]
    total: MovementRow

    @property
    def balanced(self) -> bool:
        return all(r.households.balanced and r.members.balanced for r in (*self.rows, self.total))


def column_label(list_class: str, column: str, lang: str = "vi") -> str:
    """The report's header for `column` ("start", a kind, or "end") of `list_class`'s table."""
    return tr(f"movement.{list_class}.{column}", lang)


def movement_table(
    movements: Iterable[HouseholdMovement],
    list_class: str,
    group: Callable[[HouseholdMovement], str] = lambda m: m.village,
    order: Sequence[str] | None = None,
) -> MovementTable:
    """Count `movements` for `list_class`'s report, one row per group (village by default),
    groups in `order` when given (else alphabetical), and the total row."""
    if list_class not in LISTS:
        raise ValueError(f"no movement report for {list_class!r}")
    rows: dict[str, MovementRow] = {}
    total = MovementRow("")
    for movement in movements:
        kind = movement.kind(list_class)
        if kind is None:
            continue
        key = group(movement)
        rows.setdefault(key, MovementRow(key)).add(movement, kind)
        total.add(movement, kind)
    names = [g for g in order if g in rows] if order is not None else sorted(rows)
    if order is not None:
        names += sorted(set(rows) - set(names))
    return MovementTable(list_class, tuple(rows[n] for n in names), total)


def round_movements(
    session: Session | Connection, review_round: ReviewRound, provisional: bool = False
) -> list[HouseholdMovement]:
    """Every household of `review_round` with its start and end lists, in household-code order.

    Without a decision a household stays on the list it started on. With `provisional=True`, the
    households under review that have no decision yet end on the list their review proposes
    (for draft reports before the chairman has decided).
    """
    conn = session.connection() if isinstance(session, Session) else session
    previously = _previous_lists(conn, review_round)
    sizes = _member_counts(conn, review_round.commune_id)
    rows = conn.execute(
        select(
            Assessment.household_id,
            Household.code,
            Village.name,
            Assessment.start_class,
            Assessment.decided_class,
            Assessment.proposed_class,
            Assessment.basis,
            Assessment.step,
            Assessment.change_kind,
        )
        .join(Household, Household.id == Assessment.household_id)
        .join(Village, Village.id == Household.village_id)
        .where(Assessment.round_id == review_round.id)
        .order_by(Household.code)
    )
    out = []
    for hid, code, village, start, decided, proposed, basis, step, change in rows:
        end, is_decided = _end_list(start, decided, proposed, basis, step, provisional)
        out.append(
            HouseholdMovement(
                hid,
                code,
                village,
                sizes.get(hid, 0),
                start,
                end,
                is_decided,
                previously.get(hid, frozenset()),
                change,
            )
        )
    return out


# Steps after which a review's proposal no longer stands (refused, or nothing to propose).
_NO_PROPOSAL = frozenset({"not_eligible", "none"})


def _end_list(
    start: str | None,
    decided: str | None,
    proposed: str | None,
    basis: str | None,
    step: str,
    provisional: bool,
) -> tuple[str | None, bool]:
    if decided is not None:
        return (None if decided == "none" else decided), True
    if provisional and basis is not None and step not in _NO_PROPOSAL and proposed is not None:
        return (None if proposed == "none" else proposed), False
    return start, False


def _ancestors(conn: Connection, review_round: ReviewRound) -> list[int]:
    """The ids of the rounds before `review_round`, following previous_round_id."""
    links = dict(
        conn.execute(
            select(ReviewRound.id, ReviewRound.previous_round_id).where(
                ReviewRound.commune_id == review_round.commune_id
            )
        ).all()
    )
    out: list[int] = []
    current = links.get(review_round.id)
    while current is not None and current not in out:
        out.append(current)
        current = links.get(current)
    return out


def _previous_lists(conn: Connection, review_round: ReviewRound) -> Mapping[int, frozenset[str]]:
    """household id → the lists it was on at the start or end of any earlier round."""
    ancestors = _ancestors(conn, review_round)
    if not ancestors:
        return {}
    found: dict[int, set[str]] = defaultdict(set)
    rows = conn.execute(
        select(Assessment.household_id, Assessment.start_class, Assessment.decided_class).where(
            Assessment.round_id.in_(ancestors),
            (Assessment.start_class.in_(LISTS)) | (Assessment.decided_class.in_(LISTS)),
        )
    )
    for hid, start, decided in rows:
        found[hid].update(c for c in (start, decided) if c in LISTS)
    return {hid: frozenset(lists) for hid, lists in found.items()}


def _member_counts(conn: Connection, commune_id: int) -> dict[int, int]:
    rows = conn.execute(
        select(Member.household_id, func.count())
        .join(Household, Household.id == Member.household_id)
        .where(Household.commune_id == commune_id)
        .group_by(Member.household_id)
    )
    return {hid: count for hid, count in rows}
