"""One review round across every commune whose package the office accepted: the source of the
consolidated reports (a row per commune, subtotals per province, totals).

It reads what intake stored: each accepted package's assessments with their report features
(the report_* columns), one small row per household and no facts, so half a million households
load in seconds on either database. Superseded packages are never read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.admin_units import province_by_code
from app.errors import RaSoatError
from app.jobs import IsCancelled, Progress, Ticker
from app.office.intake_check import ACCEPTED
from app.office.setup import Office, office
from app.reports.features import Features
from app.reports.source import Heading
from app.reports.summary_tables import RowGroup
from app.reports.table import GROUP, SUBTOTAL
from app.standards import StandardPack, get_pack
from models import ReceivedPackage, ReviewRound


@dataclass(frozen=True)
class RoundChoice:
    """A round the office holds packages for, as offered to the officer."""

    key: str
    label: str
    communes: int
    households: int


@dataclass(frozen=True)
class CommuneResult:
    """One commune's accepted package in the round, with its households' features."""

    code: str
    name: str
    province_code: str
    province_name: str
    package_id: int
    file_name: str
    created_at: str
    signer: str
    manifest_sha256: str
    reference_date: str
    standard_id: str
    features: tuple[Features, ...]

    def count(self, cls: str) -> int:
        return sum(1 for f in self.features if f.cls == cls)

    def rate(self, cls: str) -> float | None:
        return self.count(cls) / len(self.features) if self.features else None


@dataclass(frozen=True)
class ConsolidatedSource:
    office: Office
    round_key: str
    round_label: str
    pack: StandardPack
    communes: tuple[CommuneResult, ...]  # by province, then commune code
    excluded: tuple[tuple[str, str], ...] = ()  # (commune, standard) of another standard
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())

    # ---- what the summary tables read (reports/summary_tables.SummarySource) -----------------

    place_title = "Xã, phường"
    place_noun = "xã"

    @cached_property
    def features(self) -> tuple[Features, ...]:
        return tuple(f for c in self.communes for f in c.features)

    def provinces(self) -> list[tuple[str, list[CommuneResult]]]:
        out: dict[str, list[CommuneResult]] = {}
        for c in self.communes:
            out.setdefault(c.province_name, []).append(c)
        return list(out.items())

    def row_groups(self) -> list[RowGroup]:
        """A row per commune; with more than one province, each under its heading and followed
        by its subtotal."""
        provinces = self.provinces()
        if len(provinces) == 1:
            return [RowGroup(c.name, c.features) for c in self.communes]
        groups = []
        for name, communes in provinces:
            groups.append(RowGroup(name, (), GROUP))
            groups += [RowGroup(c.name, c.features) for c in communes]
            groups.append(
                RowGroup(f"Cộng {name}", [f for c in communes for f in c.features], SUBTOTAL)
            )
        return groups

    # ---- what the renderers print around the tables (reports/source.Printable) ---------------

    def place(self) -> str:
        return ", ".join(name for name, _ in self.provinces()) or self.office.name

    def heading(self) -> Heading:
        total = f"{len(self.features):,}".replace(",", ".")
        return Heading(
            self.office.name.upper(),
            self.office.province_name or "",
            f"{self.place()} — {self.round_label} — {len(self.communes)} xã, phường, "
            f"{total} hộ — chuẩn {self.pack.id}",
        )

    @property
    def fingerprint(self) -> str:
        """Which packages the figures come from: the SHA-256 of their manifests' SHA-256s."""
        text = "\n".join(sorted(c.manifest_sha256 for c in self.communes))
        return hashlib.sha256(text.encode("ascii")).hexdigest()


def available_rounds(session: Session) -> list[RoundChoice]:
    """The rounds with accepted packages, newest first."""
    rows = session.execute(
        select(
            ReceivedPackage.round_key,
            ReceivedPackage.round_label,
            ReceivedPackage.households,
        ).where(ReceivedPackage.status == ACCEPTED)
    ).all()
    by_key: dict[str, list[Any]] = {}
    for key, label, households in rows:
        entry = by_key.setdefault(key or "", [label, 0, 0])
        entry[1] += 1
        entry[2] += households or 0
    ordered = sorted(by_key, key=_round_order, reverse=True)
    return [RoundChoice(k, *by_key[k]) for k in ordered]


def _round_order(key: str) -> tuple[int, int]:
    year, _, month = key.partition("t")
    return int(year), int(month or 0)


def load_consolidation(
    session: Session,
    round_key: str | None = None,
    standard_id: str | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ConsolidatedSource:
    """The round `round_key` (default: the newest) across communes. Communes whose package uses
    another standard pack than `standard_id` (default: the one most communes used) are left out
    and named in `excluded`: their indicators cannot share one table."""
    the_office = office(session)
    rounds = available_rounds(session)
    if not rounds:
        raise RaSoatError("consolidate.nothing")
    key = round_key or rounds[0].key
    packages = _packages(session, key)
    if not packages:
        raise RaSoatError(
            "consolidate.no_round", round=key, rounds=", ".join(r.key for r in rounds)
        )
    standards = Counter(p["standard_id"] for p in packages)
    chosen = standard_id or standards.most_common(1)[0][0]
    if chosen not in standards:
        raise RaSoatError("consolidate.no_standard", standard=chosen, found=", ".join(standards))
    kept = [p for p in packages if p["standard_id"] == chosen]
    excluded = tuple((p["name"], p["standard_id"]) for p in packages if p["standard_id"] != chosen)
    features = _features(session.connection(), [p["round_id"] for p in kept], progress, cancelled)
    communes = tuple(
        _commune(p, features.get(p["round_id"], ()))
        for p in sorted(kept, key=lambda p: (p["province_code"], p["code"]))
    )
    return ConsolidatedSource(
        the_office, key, kept[0]["label"], get_pack(chosen), communes, excluded
    )


def _commune(package: dict[str, Any], features: tuple[Features, ...]) -> CommuneResult:
    fields = {k: v for k, v in package.items() if k not in ("round_id", "label")}
    return CommuneResult(**fields, features=features)


def _packages(session: Session, key: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            ReceivedPackage.id,
            ReceivedPackage.round_id,
            ReceivedPackage.commune_code,
            ReceivedPackage.commune_name,
            ReceivedPackage.province_code,
            ReceivedPackage.file_name,
            ReceivedPackage.created_at,
            ReceivedPackage.signer_subject,
            ReceivedPackage.manifest_sha256,
            ReviewRound.label,
            ReviewRound.reference_date,
            ReviewRound.standard_id,
        )
        .join(ReviewRound, ReviewRound.id == ReceivedPackage.round_id)
        .where(ReceivedPackage.status == ACCEPTED, ReceivedPackage.round_key == key)
    ).all()
    return [
        {
            "code": r.commune_code,
            "name": r.commune_name,
            "province_code": r.province_code,
            "province_name": province_by_code(r.province_code).name,
            "package_id": r.id,
            "file_name": r.file_name,
            "created_at": r.created_at,
            "signer": r.signer_subject or "",
            "manifest_sha256": r.manifest_sha256,
            "reference_date": r.reference_date.isoformat(),
            "standard_id": r.standard_id,
            "label": r.label,
            "round_id": r.round_id,
        }
        for r in rows
    ]


_FEATURES_SQL = (
    "SELECT round_id, result_class, deprived, report_members, report_farm, report_ethnicity, "
    "report_female_head, report_no_labour, report_children, report_children_health, "
    "report_children_school, causes "
    "FROM assessments WHERE round_id IN ({marks}) AND report_members IS NOT NULL "
    "ORDER BY round_id, id"
)


def _features(
    conn: Connection,
    round_ids: Sequence[int],
    progress: Progress | None,
    cancelled: IsCancelled | None,
) -> dict[int, tuple[Features, ...]]:
    """Features of every household of the rounds, straight from the driver (SQLAlchemy's row
    processing would double the time at 500,000 rows)."""
    if not round_ids:
        return {}
    mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            _FEATURES_SQL.format(marks=", ".join(mark for _ in round_ids)), tuple(round_ids)
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    ticker = Ticker(len(rows), progress, cancelled)
    deprived: dict[str, tuple[str, ...]] = {"": ()}  # the same lists recur: build each once
    causes: dict[str, tuple[str, ...]] = {"": ()}
    out: dict[int, list[Features]] = {}
    b = (False, True)
    for n, r in enumerate(rows, 1):
        found = deprived.get(r[2])
        if found is None:
            found = deprived[r[2]] = tuple(r[2].split(","))
        own = out.get(r[0])
        if own is None:
            own = out[r[0]] = []
        given = causes.get(r[11])
        if given is None:
            given = causes[r[11]] = tuple(r[11].split(","))
        own.append(
            Features(r[1], found, r[3], b[r[4]], r[5], b[r[6]], b[r[7]], r[8], r[9], r[10], given)
        )
        ticker.tick(n)
    return {k: tuple(v) for k, v in out.items()}
