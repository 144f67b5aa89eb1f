"""The commune at a glance for the current round: classes by village, deprivations, progress.

Aggregated in SQL (three grouped queries), so the overview of 50,000 households costs a fraction
of a second and never loads a household.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, case, func, literal, select
from sqlalchemy.orm import Session

from app.classify import CLASSES
from app.communes import only_commune
from app.rounds import current_round_or_none
from app.standards import get_pack
from models import Assessment, Household, Village

UNCLASSIFIED = "none"
COUNTED = (*CLASSES, UNCLASSIFIED)


@dataclass(frozen=True)
class ClassCounts:
    """Households per class (CLASSES, plus UNCLASSIFIED for those without a result)."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, cls: str) -> int:
        return self.counts.get(cls, 0)

    def rate(self, cls: str) -> float:
        """Share of all households in `cls` (0 when there are none)."""
        return self.count(cls) / self.total if self.total else 0.0


@dataclass(frozen=True)
class VillageCounts:
    village: str
    area: str
    classes: ClassCounts


@dataclass(frozen=True)
class Deprivation:
    indicator: str
    name: dict[str, str]
    households: int
    share: float  # of the classified households


@dataclass(frozen=True)
class Progress:
    households: int  # in the register
    listed: int  # in the current round
    classified: int  # with a result
    with_errors: int
    unconfirmed: int  # with warnings not yet confirmed
    final: int  # with a final result


@dataclass(frozen=True)
class Overview:
    round_label: str
    standard_id: str
    classes: ClassCounts
    villages: tuple[VillageCounts, ...]
    deprivations: tuple[Deprivation, ...]
    progress: Progress


def _class_counts(conn: Connection, commune_id: int, round_id: int) -> list[VillageCounts]:
    cls = func.coalesce(Assessment.result_class, literal(UNCLASSIFIED))
    rows = conn.execute(
        select(Village.name, Village.area, Village.position, cls, func.count(Household.id))
        .select_from(Village)
        .join(Household, Household.village_id == Village.id, isouter=True)
        .join(
            Assessment,
            (Assessment.household_id == Household.id) & (Assessment.round_id == round_id),
            isouter=True,
        )
        .where(Village.commune_id == commune_id)
        .group_by(Village.id, Village.name, Village.area, Village.position, cls)
        .order_by(Village.position, Village.name)
    ).all()
    by_village: dict[str, tuple[str, dict[str, int]]] = {}
    for name, area, _position, result, count in rows:
        _, counts = by_village.setdefault(name, (area, {}))
        if count:
            counts[result] = counts.get(result, 0) + count
    return [VillageCounts(n, a, ClassCounts(c)) for n, (a, c) in by_village.items()]


def _deprivations(
    conn: Connection, commune_id: int, round_id: int, standard_id: str
) -> list[Deprivation]:
    pack = get_pack(standard_id)
    # `deprived` holds comma-separated ids; wrapping both sides in commas makes the LIKE exact.
    wrapped = literal(",") + Assessment.deprived + literal(",")
    sums = [func.sum(case((wrapped.like(f"%,{ind.id},%"), 1), else_=0)) for ind in pack.indicators]
    classified = func.count(Assessment.result_class)
    row = conn.execute(
        select(classified, *sums)
        .join(Household, Household.id == Assessment.household_id)
        .where(Assessment.round_id == round_id, Household.commune_id == commune_id)
    ).one()
    total = row[0] or 0
    return [
        Deprivation(ind.id, dict(ind.name), int(n or 0), (n or 0) / total if total else 0.0)
        for ind, n in zip(pack.indicators, row[1:], strict=True)
    ]


def _progress(conn: Connection, commune_id: int, round_id: int) -> Progress:
    households = conn.execute(
        select(func.count()).select_from(Household).where(Household.commune_id == commune_id)
    ).scalar_one()
    row = conn.execute(
        select(
            func.count(),
            func.count(Assessment.result_class),
            func.sum(case((Assessment.error_count > 0, 1), else_=0)),
            func.sum(case((Assessment.unconfirmed_warnings > 0, 1), else_=0)),
            func.sum(case((Assessment.final, 1), else_=0)),
        )
        .join(Household, Household.id == Assessment.household_id)
        .where(Assessment.round_id == round_id, Household.commune_id == commune_id)
    ).one()
    return Progress(
        households, row[0], row[1] or 0, int(row[2] or 0), int(row[3] or 0), int(row[4] or 0)
    )


def commune_overview(session: Session) -> Overview | None:
    """The overview of the database's commune in its current round (None without a round)."""
    commune = only_commune(session)
    review_round = current_round_or_none(session, commune)
    if review_round is None:
        return None
    conn = session.connection()
    villages = _class_counts(conn, commune.id, review_round.id)
    total: dict[str, int] = {}
    for v in villages:
        for cls, n in v.classes.counts.items():
            total[cls] = total.get(cls, 0) + n
    return Overview(
        review_round.label,
        review_round.standard_id,
        ClassCounts(total),
        tuple(villages),
        tuple(_deprivations(conn, commune.id, review_round.id, review_round.standard_id)),
        _progress(conn, commune.id, review_round.id),
    )
