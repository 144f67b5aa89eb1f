"""Converting between HouseholdFacts and database rows, for the ORM and for bulk Core paths.

The bulk paths (import, export, classify-all) read and write plain tuples and dicts through
SQLAlchemy Core: measured here, that is 10–25× faster than ORM objects at 50,000 households.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from app.facts import HouseholdFacts, MemberFacts
from app.textnorm import fold
from models import Household, Member

# Column orders of the bulk paths (models/bulk.py): household_values() and member_values() give
# their values in exactly the order of the names after the bookkeeping columns.
HOUSEHOLD_FACT_COLUMNS = (
    "code",
    "area",
    "address",
    "farm_household",
    "income_per_capita_month",
    "b1_score",
    "floor_area_m2",
    "walls_durable",
    "columns_durable",
    "roof_durable",
    "water_source",
    "latrine",
    "phone",
    "internet",
    "information_devices",
    "waste_handling",
    "search_key",
)
HOUSEHOLD_INSERT_COLUMNS = (
    "id",
    "commune_id",
    "village_id",
    "version",
    "created_at",
    "updated_at",
    *HOUSEHOLD_FACT_COLUMNS,
)
HOUSEHOLD_UPDATE_COLUMNS = ("village_id", "version", "updated_at", *HOUSEHOLD_FACT_COLUMNS)
# The members table has a column for every MemberFacts field, under the same name: a member's
# row is its facts tuple as it is.
MEMBER_FIELDS = MemberFacts._fields


def devices_text(devices: Iterable[str]) -> str:
    return ",".join(devices)


def devices_tuple(text: str | None) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def search_key(facts: HouseholdFacts) -> str:
    """Accent-folded head and member names, ID numbers and the code, for the list's search box."""
    parts = [facts.id]
    for m in facts.members:
        parts.append(m.name)
        if m.id_number:
            parts.append(m.id_number)
    return fold(" ".join(parts))


def household_columns(facts: HouseholdFacts) -> tuple[Any, ...]:
    """Column values of the households table for `facts` (without ids and bookkeeping), in the
    order of HOUSEHOLD_FACT_COLUMNS: the bulk writers' row, built without a dict."""
    return (
        facts.id,
        facts.area,
        facts.address,
        facts.farm_household,
        facts.income_per_capita_month,
        facts.b1_score,
        facts.floor_area_m2,
        facts.walls_durable,
        facts.columns_durable,
        facts.roof_durable,
        facts.water_source,
        facts.latrine,
        facts.phone,
        facts.internet,
        devices_text(facts.information_devices),
        facts.waste_handling,
        search_key(facts),
    )


def household_values(facts: HouseholdFacts) -> dict[str, Any]:
    """Column values of the households table for `facts` (without ids and bookkeeping)."""
    return dict(zip(HOUSEHOLD_FACT_COLUMNS, household_columns(facts), strict=True))


def member_values(m: MemberFacts) -> dict[str, Any]:
    return m._asdict()


MEMBER_INSERT_COLUMNS = ("household_id", "position", *MEMBER_FIELDS)


def members_from_orm(members: Sequence[Member]) -> tuple[MemberFacts, ...]:
    return tuple(MemberFacts(*(getattr(m, name) for name in MEMBER_FIELDS)) for m in members)


def facts_from_orm(h: Household, village_name: str) -> HouseholdFacts:
    return HouseholdFacts(
        id=h.code,
        village=village_name,
        area=h.area,
        members=members_from_orm(h.members),
        floor_area_m2=h.floor_area_m2,
        walls_durable=h.walls_durable,
        columns_durable=h.columns_durable,
        roof_durable=h.roof_durable,
        water_source=h.water_source,
        latrine=h.latrine,
        phone=h.phone,
        internet=h.internet,
        information_devices=devices_tuple(h.information_devices),
        address=h.address,
        farm_household=h.farm_household,
        income_per_capita_month=h.income_per_capita_month,
        b1_score=h.b1_score,
        waste_handling=h.waste_handling,
    )


# The SQL behind iter_commune_households. Plain SQL run by the driver, not Core: SQLAlchemy's
# per-row result processing doubled the read time at 200,000 members. It is portable SQL;
# booleans come back as 0/1 from SQLite and as bool from PostgreSQL, and _B normalises both.
_HOUSEHOLD_SQL = (
    "SELECT h.id, h.code, v.name, h.area, h.address, h.farm_household, "
    "h.income_per_capita_month, h.b1_score, h.floor_area_m2, h.walls_durable, "
    "h.columns_durable, h.roof_durable, h.water_source, h.latrine, h.phone, h.internet, "
    "h.information_devices, h.waste_handling, h.declared_size, h.version "
    "FROM households h JOIN villages v ON v.id = h.village_id "
    "WHERE h.commune_id = {param} ORDER BY h.code"
)
_MEMBER_SQL = (
    "SELECT m.household_id, m.name, m.sex, m.birth_date, m.relation, m.health_insurance, "
    "m.birth_year_only, m.ethnicity, m.id_number, m.disability, m.employment, m.education, "
    "m.in_school, m.school_level_appropriate, m.malnourished "
    "FROM members m WHERE m.household_id IN (SELECT id FROM households WHERE commune_id = {param}) "
    "ORDER BY m.household_id, m.position"
)
_B = (False, True)
_NB = {None: None, 0: False, 1: True}  # a nullable boolean column
# Builds a NamedTuple from values in field order without its Python-level __new__ (bulk paths).
_new = tuple.__new__


def _driver_rows(conn: Connection, sql: str, commune_id: int) -> list[tuple[Any, ...]]:
    """Rows straight from the DBAPI cursor, inside the caller's transaction."""
    param = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.format(param=param), (commune_id,))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def facts_from_row(h: Sequence[Any], members: tuple[MemberFacts, ...]) -> HouseholdFacts:
    """The household's facts from a row of _HOUSEHOLD_SQL (values in HouseholdFacts order)."""
    return _new(
        HouseholdFacts,
        (
            h[1],
            h[2],
            h[3],
            members,
            h[8],
            _B[h[9]],
            _B[h[10]],
            _B[h[11]],
            h[12],
            h[13],
            _B[h[14]],
            _B[h[15]],
            devices_tuple(h[16]),
            h[4],
            _B[h[5]],
            h[6],
            h[7],
            h[17],
        ),
    )


def iter_commune_households(
    conn: Connection, commune_id: int
) -> Iterator[tuple[tuple[Any, ...], HouseholdFacts]]:
    """Every household of the commune as (its row, its facts), in code order.

    The row holds the columns of _HOUSEHOLD_SQL (id first, declared_size and version last).
    Two scans (households, members), one query each, no per-household round trips.
    """
    households = _driver_rows(conn, _HOUSEHOLD_SQL, commune_id)
    members: dict[int, list[MemberFacts]] = {}
    # tuple.__new__ skips NamedTuple's Python-level __new__: this loop runs once per person of
    # the commune. The values are in MemberFacts field order.
    new, build, b, nb = _new, MemberFacts, _B, _NB
    for r in _driver_rows(conn, _MEMBER_SQL, commune_id):
        own = members.get(r[0])
        if own is None:
            own = members[r[0]] = []
        own.append(
            new(
                build,
                (
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    b[r[5]],
                    b[r[6]],
                    r[7],
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    nb[r[12]],
                    nb[r[13]],
                    nb[r[14]],
                ),
            )
        )
    empty: list[MemberFacts] = []
    for h in households:
        yield h, facts_from_row(h, tuple(members.get(h[0], empty)))
