"""A verified package's contents as the office uses them: the commune (from the official list),
the round, the households' facts and each household's result as the commune stated it.

Only the structure is checked here (app.exchange.read.parse_structure): a commune's package is its
signed statement, and a household the commune still has errors on is counted as unclassified,
not a reason to refuse the province the other households. What could corrupt the consolidation
database is refused: a malformed household, a household id given twice, a status that is not
one, a round or standard that does not match the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from app.admin_units import CommuneUnit, commune_by_code
from app.classify import CLASSES
from app.errors import InvalidData, RaSoatError
from app.exchange.read import parse_structure
from app.facts import HouseholdFacts
from app.i18n import tr
from app.package.manifest import Manifest
from app.reports.source import official_class
from app.rounds import KINDS
from app.standards import StandardPack, get_pack
from app.survey import SurveyAnswers
from app.textnorm import iso_date

# What a chairman's decision can say (app/workflow/decisions.py): a list, or none.
DECIDED = ("poor", "near_poor", "average", "none")
MAX_REASONS = 5  # a broken file can have thousands of problems; the log keeps the first few
STEP_LENGTH = 24
LABEL_LENGTH = 120


class Reason(NamedTuple):
    """Why a package was refused: a message key and its parameters."""

    key: str
    params: dict[str, Any]


def reason_text(reason: Reason, lang: str = "vi") -> str:
    """The reason in `lang`; a parameter given per language (`problem_en`) wins in that one."""
    params = dict(reason.params)
    for key in [k for k in params if k.endswith(f"_{lang}")]:
        params[key.removesuffix(f"_{lang}")] = params[key]
    return tr(reason.key, lang, **params)


class PackageRefused(Exception):
    def __init__(self, *reasons: Reason) -> None:
        super().__init__(reasons[0].key if reasons else "")
        self.reasons = reasons


def refuse(key: str, **params: Any) -> PackageRefused:
    return PackageRefused(Reason(key, params))


@dataclass(frozen=True)
class RoundRef:
    """The round a package reports on, as the commune named it."""

    kind: str
    year: int
    month: int | None
    label: str
    reference_date: date
    standard_id: str
    standard_revision: int

    @property
    def key(self) -> str:
        """The round in the office's log and file names: 2026, or 2026t11 for an in-year one."""
        return f"{self.year}" if self.month is None else f"{self.year}t{self.month:02d}"


class Stated(NamedTuple):
    """The commune's result for one household (its export's `status`)."""

    cls: str | None  # the classification
    deprived: tuple[str, ...]
    step: str
    final: bool
    decided: str | None = None  # the chairman's decision, once recorded ("none": on no list)

    @property
    def official(self) -> str | None:
        """The class the reports count: the decision once there is one."""
        return official_class(self.cls, self.decided)


@dataclass(frozen=True)
class PackageData:
    commune: CommuneUnit
    round: RoundRef
    pack: StandardPack
    households: list[HouseholdFacts]
    stated: list[Stated]
    # Phiếu B answers by household id (data/survey.json); empty for a package without the file.
    survey: Mapping[str, SurveyAnswers] = field(default_factory=dict)


def read_package_data(
    manifest: Manifest, document: Any, survey: Mapping[str, SurveyAnswers] | None = None
) -> PackageData:
    """The package's data, or PackageRefused saying why the office cannot take it. `survey`:
    the answers of data/survey.json, already checked against the data by the verifier."""
    try:
        doc = parse_structure(document)
    except InvalidData as exc:
        raise PackageRefused(
            *(
                Reason("intake.data_problem", {"problem": p.line("vi"), "problem_en": p.line("en")})
                for p in exc.problems[:MAX_REASONS]
            )
        ) from None
    commune = _official_commune(doc.commune.code, doc.commune.province_code)
    round_ref = _round(manifest, doc.reference_date, doc.standard)
    pack = get_pack(doc.standard)
    _no_repeated_ids(doc.households)
    if len(doc.statuses) != len(doc.households):  # parse_structure keeps them aligned
        raise refuse("intake.status_invalid", path="households")
    order = {ind: n for n, ind in enumerate(pack.indicator_ids)}
    stated = [_stated(s, i, order) for i, s in enumerate(doc.statuses)]
    return PackageData(commune, round_ref, pack, doc.households, stated, dict(survey or {}))


def _official_commune(code: str, province_code: str) -> CommuneUnit:
    try:
        unit = commune_by_code(code)
    except RaSoatError:
        raise refuse("intake.commune_unknown", code=code) from None
    if unit.province_code != province_code:
        raise refuse("intake.commune_province", code=code, province=province_code)
    return unit


def _whole(value: Any, low: int, high: int) -> int | None:
    if type(value) is int and low <= value <= high:
        return value
    return None


def _round(manifest: Manifest, reference_date: date, standard: str) -> RoundRef:
    r = manifest.round
    kind, label = r.get("kind"), r.get("label")
    year = _whole(r.get("year"), 2000, 2100)
    month = r.get("month")
    month_ok = month is None if kind == "periodic" else _whole(month, 1, 12) is not None
    declared = iso_date(r.get("reference_date"))
    if (
        kind not in KINDS
        or year is None
        or not month_ok
        or not isinstance(label, str)
        or not label.strip()
        or len(label) > LABEL_LENGTH
    ):
        raise refuse("intake.round_invalid")
    if declared != reference_date:
        raise refuse("intake.round_mismatch", field="reference_date")
    revision = _whole(manifest.standard.get("revision"), 0, 10**6)
    if manifest.standard.get("id") != standard or revision is None:
        raise refuse("intake.round_mismatch", field="standard")
    return RoundRef(kind, year, month, label.strip(), reference_date, standard, revision)


def _no_repeated_ids(households: list[HouseholdFacts]) -> None:
    seen: set[str] = set()
    for i, h in enumerate(households):
        if h.id in seen:
            raise refuse("intake.household_repeated", path=f"households[{i}].id", id=h.id)
        seen.add(h.id)


def _stated(status: dict[str, Any] | None, i: int, order: dict[str, int]) -> Stated:
    """The status as stated, its indicators in the pack's order; `order` maps the pack's
    indicator ids to their positions."""
    if status is None:
        return Stated(None, (), "none", False)
    cls, deprived = status.get("class"), status.get("deprived", [])
    step, final = status.get("step", "none"), status.get("final", False)
    decided = status.get("decided_class")
    ok = (
        (cls is None or cls in CLASSES)
        and (decided is None or decided in DECIDED)
        and isinstance(deprived, list)
        and all(isinstance(d, str) and d in order for d in deprived)
        and len(set(deprived)) == len(deprived)
        and (cls is not None or not deprived)
        and isinstance(step, str)
        and 0 < len(step) <= STEP_LENGTH
        and isinstance(final, bool)
    )
    if not ok:
        raise refuse("intake.status_invalid", path=f"households[{i}].status")
    return Stated(cls, tuple(sorted(deprived, key=order.__getitem__)), step, final, decided)
