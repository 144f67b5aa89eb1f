"""Everything the reports read, loaded once from the database in two bulk scans.

The reports never query the database themselves: the same ReportSource feeds every table, the
Excel workbook and the PDFs, so all of them show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.communes import only_commune
from app.facts import HouseholdFacts
from app.household_rows import iter_commune_households
from app.jobs import IsCancelled, Progress, Ticker
from app.movements import HouseholdMovement, round_movements
from app.rounds import current_round
from app.standards import StandardPack, get_pack
from app.survey import NO_ANSWERS, SurveyAnswers, round_answers
from models import Assessment, Village

if TYPE_CHECKING:
    from app.reports.features import Features
    from app.reports.summary_tables import RowGroup


class Result(NamedTuple):
    """One household with its result in the round (cls None: not classified yet, or errors).

    `cls` is the chairman's decision once there is one, the classification until then."""

    facts: HouseholdFacts
    cls: str | None
    deprived: tuple[str, ...]
    step: str
    income_basis: str | None
    decided: bool = False
    household_id: int = 0  # the database row, for joining what else is stored about it
    survey: SurveyAnswers = NO_ANSWERS  # Phiếu B causes of poverty and support needs


LISTS = ("poor", "near_poor")


def official_class(result_class: str | None, decided_class: str | None) -> str | None:
    """The class the reports count: the decision when recorded (a decision to put a household
    on no list leaves its classification unless that was a list), else the classification."""
    if decided_class in LISTS:
        return decided_class
    if decided_class is not None and result_class in LISTS:
        return "not_poor"
    return result_class


@dataclass(frozen=True)
class CommuneInfo:
    code: str
    name: str
    province_code: str
    province_name: str


@dataclass(frozen=True)
class RoundInfo:
    id: int
    kind: str
    label: str
    year: int
    month: int | None
    reference_date: date
    standard_id: str
    status: str

    @property
    def slug(self) -> str:
        """The round in file names: 2026 for a periodic round, 2026t11 for an in-year one."""
        return f"{self.year}" if self.month is None else f"{self.year}t{self.month:02d}"


@dataclass(frozen=True)
class Heading:
    """The title block of a report: who issues it (two lines, as on an administrative
    document) and the line under the title saying what data it covers."""

    issuer: str
    issuer_detail: str
    subtitle: str


class Printable(Protocol):
    """What the Excel and PDF renderers print around a table: a commune's ReportSource, or the
    office's consolidation."""

    @property
    def round_label(self) -> str: ...

    def place(self) -> str: ...

    def heading(self) -> Heading: ...


@dataclass(frozen=True)
class ReportSource:
    commune: CommuneInfo
    round: RoundInfo
    pack: StandardPack
    villages: tuple[str, ...]  # in the commune's order
    results: tuple[Result, ...]  # in household-code order
    movements: tuple[HouseholdMovement, ...] = ()

    @property
    def all_decided(self) -> bool:
        return all(r.decided for r in self.results)

    def of_class(self, cls: str) -> list[Result]:
        return [r for r in self.results if r.cls == cls]

    def place(self) -> str:
        return f"{self.commune.name}, {self.commune.province_name}"

    @property
    def round_label(self) -> str:
        return self.round.label

    def heading(self) -> Heading:
        rnd = self.round
        return Heading(
            f"UBND {self.commune.name.upper()}",
            self.commune.province_name,
            f"{self.place()} — {rnd.label} — ngày tham chiếu "
            f"{rnd.reference_date.strftime('%d/%m/%Y')} — chuẩn {rnd.standard_id}",
        )

    # ---- what the summary tables read (reports/summary_tables.SummarySource) -----------------

    place_title = "Thôn, bản, tổ dân phố"
    place_noun = "thôn"

    @cached_property
    def features(self) -> tuple[Features, ...]:
        from app.reports.features import FeatureMaker

        maker = FeatureMaker(self.pack, self.round.reference_date)
        return tuple(maker.of(r.facts, r.cls, r.deprived, r.survey.causes) for r in self.results)

    def row_groups(self) -> list[RowGroup]:
        """A row per village, in the commune's order (a village without households too)."""
        from app.reports.summary_tables import RowGroup

        groups: dict[str, list[Features]] = {v: [] for v in self.villages}
        for r, f in zip(self.results, self.features, strict=True):
            groups.setdefault(r.facts.village, []).append(f)
        return [RowGroup(name, features) for name, features in groups.items()]


def load_source(
    session: Session, progress: Progress | None = None, cancelled: IsCancelled | None = None
) -> ReportSource:
    commune = only_commune(session)
    rnd = current_round(session, commune)
    conn = session.connection()
    assessed = {
        hid: (official_class(cls, decided), deprived, step, basis, decided is not None)
        for hid, cls, decided, deprived, step, basis in conn.execute(
            select(
                Assessment.household_id,
                Assessment.result_class,
                Assessment.decided_class,
                Assessment.deprived,
                Assessment.step,
                Assessment.income_basis,
            ).where(Assessment.round_id == rnd.id)
        )
    }
    answers = round_answers(conn, rnd.id)
    loaded = list(iter_commune_households(conn, commune.id))
    ticker = Ticker(len(loaded), progress, cancelled)
    results = []
    for n, (row, facts) in enumerate(loaded, 1):
        cls, deprived, step, basis, decided = assessed.get(
            row[0], (None, "", "listed", None, False)
        )
        split = tuple(deprived.split(",")) if deprived else ()
        survey = answers.get(row[0], NO_ANSWERS)
        results.append(Result(facts, cls, split, step, basis, decided, row[0], survey))
        ticker.tick(n)
    villages = conn.execute(
        select(Village.name).where(Village.commune_id == commune.id).order_by(Village.position)
    ).scalars()
    return ReportSource(
        CommuneInfo(commune.code, commune.name, commune.province_code, commune.province_name),
        RoundInfo(
            rnd.id,
            rnd.kind,
            rnd.label,
            rnd.year,
            rnd.month,
            rnd.reference_date,
            rnd.standard_id,
            rnd.status,
        ),
        get_pack(rnd.standard_id),
        tuple(villages),
        tuple(results),
        # Draft reports before the decision count the lists the review proposes.
        tuple(round_movements(conn, rnd, provisional=True)),
    )
