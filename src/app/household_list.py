"""The rows of the household list: one fast query for a whole commune, filtered and sorted here.

A commune holds up to 50,000 households. The list reads them in one driver-level query (no ORM
objects, no per-household round trips) into plain tuples, with the accent-folded search key that
`households.search_key` already stores. Filtering and sorting then run over these tuples in
Python: a Qt proxy model over a Python model is 2.5–4 s per filter change at this size, a list
comprehension over tuples is a few milliseconds (see ../shared/notes.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from app.textnorm import fold
from models import Village


class ListRow(NamedTuple):
    household_id: int | None  # None: listed but not surveyed yet (pending, see below)
    code: str
    head: str
    village: str
    village_id: int
    members: int
    cls: str | None  # None: not classified (errors, or not yet classified in this round)
    step: str | None  # None: not listed in the current round
    errors: int
    warnings: int
    unconfirmed: int
    search_key: str  # accent-folded code, names and ID numbers
    # Known only from a list (Excel import) until its survey: app/pending_households.py. It has
    # no household id, class or step yet and is found by its code.
    pending: bool = False


# Members are counted and the head found in one grouped scan of the members table (its
# household index), joined once, rather than two correlated subqueries per household.
_LIST_SQL = (
    "SELECT h.id, h.code, coalesce(m.head, ''), v.name, h.village_id, coalesce(m.n, 0), "
    "a.result_class, a.step, coalesce(a.error_count, 0), coalesce(a.warning_count, 0), "
    "coalesce(a.unconfirmed_warnings, 0), h.search_key "
    "FROM households h JOIN villages v ON v.id = h.village_id "
    "LEFT JOIN (SELECT household_id, count(*) AS n, "
    "  min(CASE WHEN relation = 'head' THEN name END) AS head "
    "  FROM members GROUP BY household_id) m ON m.household_id = h.id "
    "LEFT JOIN assessments a ON a.household_id = h.id AND a.round_id = {p} "
    "WHERE h.commune_id = {p} {extra}ORDER BY h.code"
)


def _query(conn: Connection, extra: str, params: tuple[Any, ...]) -> list[ListRow]:
    mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_LIST_SQL.format(p=mark, extra=extra.format(p=mark)), params)
        return [ListRow(*r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def load_rows(conn: Connection, commune_id: int, round_id: int | None) -> list[ListRow]:
    """Every household of the commune with its state in round `round_id`, in code order, then
    the households listed but not surveyed yet."""
    rows = _query(conn, "", (round_id if round_id is not None else -1, commune_id))
    return rows + load_pending_rows(conn, commune_id)


# A pending household shows the size its list declared, else how many members it named; both
# come from the row (the JSON array's length is read by the database, not by parsing it here).
_MEMBER_COUNT = {
    "sqlite": "json_array_length(p.data, '$.members')",
    "postgresql": "json_array_length(CAST(p.data AS json) -> 'members')",
}
_PENDING_SQL = (
    "SELECT NULL, p.code, p.head_name, v.name, p.village_id, "
    "coalesce(p.declared_size, {members}, 0), NULL, NULL, 0, 0, 0, p.search_key "
    "FROM pending_households p JOIN villages v ON v.id = p.village_id "
    "WHERE p.commune_id = {p} AND NOT EXISTS (SELECT 1 FROM households h "
    "  WHERE h.commune_id = p.commune_id AND h.code = p.code) "
    "ORDER BY p.code"
)


def load_pending_rows(conn: Connection, commune_id: int) -> list[ListRow]:
    """The households listed for the survey and not surveyed yet (a household saved under the
    same code counts as surveyed, as in app.pending_households.pending_list)."""
    dialect = conn.dialect.name
    mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    sql = _PENDING_SQL.format(members=_MEMBER_COUNT[dialect], p=mark)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, (commune_id,))
        return [ListRow._make((*r, True)) for r in cursor.fetchall()]
    finally:
        cursor.close()


def load_row(
    conn: Connection, commune_id: int, round_id: int | None, household_id: int
) -> ListRow | None:
    """One household's row, to refresh the list after it was saved (no full reload)."""
    params = (round_id if round_id is not None else -1, commune_id, household_id)
    rows = _query(conn, "AND h.id = {p} ", params)
    return rows[0] if rows else None


def village_choices(conn: Connection, commune_id: int) -> list[tuple[int, str]]:
    """(id, name) of the commune's villages in their order, for the village filter."""
    rows = conn.execute(
        select(Village.id, Village.name)
        .where(Village.commune_id == commune_id)
        .order_by(Village.position, Village.name)
    )
    return [(village_id, name) for village_id, name in rows]


# ---- filtering ------------------------------------------------------------------------------

NOT_CLASSIFIED = "none"  # the class filter's value for households without a result
SURVEY_PENDING = "survey_pending"  # the step filter's value for pending households


@dataclass(frozen=True)
class ListFilter:
    """What the officer asked the list to show. Empty fields match everything."""

    text: str = ""
    village_id: int | None = None
    cls: str | None = None  # a class id, or NOT_CLASSIFIED
    step: str | None = None
    errors_only: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(fold(self.text).split())

    def narrows(self, previous: ListFilter) -> bool:
        """True when every row this filter keeps was kept by `previous` too, so the new result
        can be computed from the previous one (typing one more letter in the search box)."""
        if (self.village_id, self.cls, self.step) != (
            previous.village_id,
            previous.cls,
            previous.step,
        ) or (previous.errors_only and not self.errors_only):
            return False
        mine = self.words
        theirs = previous.words
        # Each earlier word must still be required, possibly lengthened.
        return len(mine) >= len(theirs) and all(
            new.startswith(old) or old in new for old, new in zip(theirs, mine, strict=False)
        )


def filter_rows(rows: Sequence[ListRow], f: ListFilter) -> list[ListRow]:
    """The rows matching `f`: every search word (accent- and case-insensitive) must appear in the
    household's code, a member's name or a member's ID number."""
    out: list[ListRow] = list(rows)
    if f.village_id is not None:
        out = [r for r in out if r.village_id == f.village_id]
    if f.cls is not None:
        wanted = None if f.cls == NOT_CLASSIFIED else f.cls
        out = [r for r in out if r.cls == wanted]
    if f.step == SURVEY_PENDING:
        out = [r for r in out if r.pending]
    elif f.step is not None:
        out = [r for r in out if r.step == f.step]
    if f.errors_only:
        out = [r for r in out if r.errors]
    words = f.words
    if len(words) == 1:
        word = words[0]
        out = [r for r in out if word in r.search_key]
    elif words:
        out = [r for r in out if all(w in r.search_key for w in words)]
    return out


# ---- sorting --------------------------------------------------------------------------------

COLUMNS = ("code", "head", "village", "members", "class", "step", "state")
CLASS_ORDER = {"poor": 0, "near_poor": 1, "average": 2, "not_poor": 3, None: 4}


def _state_key(r: ListRow) -> tuple[int, int, bool]:
    """Errors first, then unconfirmed warnings, then not surveyed yet, then the rest."""
    return (-r.errors, -r.unconfirmed, not r.pending)


def _natural(code: str) -> tuple[int, str]:
    """Codes like "H2" before "H10": digits are compared as numbers when the code has them."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else -1, code)


def sort_key(column: str) -> Callable[[ListRow], Any]:
    """The key that sorts rows by `column` (one of COLUMNS); text compares accent-folded."""
    keys: dict[str, Callable[[ListRow], Any]] = {
        "code": lambda r: _natural(r.code),
        "head": lambda r: (fold(r.head), r.head),
        "village": lambda r: (fold(r.village), r.village),
        "members": lambda r: r.members,
        "class": lambda r: CLASS_ORDER.get(r.cls, 5),
        "step": lambda r: r.step or "",
        "state": _state_key,
    }
    return keys[column]


def sort_rows(rows: Sequence[ListRow], column: str, descending: bool = False) -> list[ListRow]:
    """A stable sort: rows equal on `column` keep their previous order."""
    return sorted(rows, key=sort_key(column), reverse=descending)
