"""Standard packs: the poverty standard of a period as versioned, validated data.

A pack is a JSON file (`resources/standards/<id>.json`, schema in
`resources/schemas/standard-pack-v1.schema.json`). Every legal value is a *fact* with a status, so
an unverified threshold is shown as "to be confirmed" wherever it is used. An officer may drop a
corrected pack with a higher `revision` into the user's `standards/` folder; it then wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from app.errors import RaSoatError
from app.paths import user_standards_dir
from app.resources import resource_path

AREAS = ("rural", "urban")


@dataclass(frozen=True)
class Fact:
    """A value from the law and how sure we are of it."""

    value: Any
    status: str
    source: tuple[str, ...] = ()
    note: str | None = None

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fact:
        return cls(data["value"], data["status"], tuple(data.get("source", ())), data.get("note"))


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    rule: str
    rule_status: str
    params: Mapping[str, Fact]

    def param(self, name: str) -> Any:
        return self.params[name].value


@dataclass(frozen=True)
class StandardPack:
    id: str
    revision: int
    draft: bool
    name: Mapping[str, str]
    applies_from: date
    applies_until: date
    poverty_line: Mapping[str, Fact]
    average_upper: Mapping[str, Fact]
    deprivation_cutoff: Fact
    b1_poverty: Mapping[str, Fact]
    b1_average_upper: Mapping[str, Fact]
    phieu_a_threshold: Fact
    phieu_a_criteria: tuple[Mapping[str, Any], ...]
    working_age_min: Fact
    retirement_status: str
    retirement_table: tuple[tuple[int, int, int], ...]
    dimensions: tuple[Mapping[str, Any], ...]
    indicators: tuple[Indicator, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def name_in(self, lang: str) -> str:
        return self.name.get(lang) or self.name["vi"]

    def retirement_months(self, sex: str, year: int) -> int:
        """Retirement age in months for `sex` in `year`; outside the table the nearest row holds."""
        rows = self.retirement_table
        row = rows[0] if year < rows[0][0] else rows[-1]
        for candidate in rows:
            if candidate[0] == year:
                row = candidate
                break
        return row[1] if sex == "male" else row[2]

    def applies_on(self, day: date) -> bool:
        return self.applies_from <= day <= self.applies_until

    def unverified_facts(self) -> list[tuple[str, Fact]]:
        """(where, fact) for every value not read in the legal text: "to be confirmed" badges."""
        out: list[tuple[str, Fact]] = []
        for area in AREAS:
            for label, facts in (
                ("poverty_line", self.poverty_line),
                ("average_upper", self.average_upper),
                ("b1.poverty", self.b1_poverty),
                ("b1.average_upper", self.b1_average_upper),
            ):
                if not facts[area].verified:
                    out.append((f"{label}.{area}", facts[area]))
        for label, fact in (
            ("deprivation_cutoff", self.deprivation_cutoff),
            ("phieu_a.threshold", self.phieu_a_threshold),
            ("working_age.min_age", self.working_age_min),
        ):
            if not fact.verified:
                out.append((label, fact))
        for ind in self.indicators:
            for pname, fact in ind.params.items():
                if not fact.verified:
                    out.append((f"indicators.{ind.id}.{pname}", fact))
        return out


@cache
def _schema() -> dict[str, Any]:
    with resource_path("schemas", "standard-pack-v1.schema.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def parse_pack(data: Mapping[str, Any], origin: str = "<pack>") -> StandardPack:
    """Check `data` against the pack schema and build a StandardPack (a bad pack: known error)."""
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(gốc)"
        raise RaSoatError("standard.invalid", origin=origin, path=where, detail=first.message)
    known_dims = {d["id"] for d in data["dimensions"]}
    for ind in data["indicators"]:
        if ind["dimension"] not in known_dims:
            raise RaSoatError(
                "standard.invalid",
                origin=origin,
                path=f"indicators/{ind['id']}",
                detail=f"unknown dimension {ind['dimension']}",
            )
    lines = data["income_lines"]
    b1 = data["b1"]["cutoffs"]
    return StandardPack(
        id=data["id"],
        revision=data["revision"],
        draft=data["draft"],
        name=data["name"],
        applies_from=date.fromisoformat(data["applies_from"]),
        applies_until=date.fromisoformat(data["applies_until"]),
        poverty_line={a: Fact.from_json(lines[a]["poverty_line"]) for a in AREAS},
        average_upper={a: Fact.from_json(lines[a]["average_upper"]) for a in AREAS},
        deprivation_cutoff=Fact.from_json(data["deprivation_cutoff"]),
        b1_poverty={a: Fact.from_json(b1[a]["poverty"]) for a in AREAS},
        b1_average_upper={a: Fact.from_json(b1[a]["average_upper"]) for a in AREAS},
        phieu_a_threshold=Fact.from_json(data["phieu_a"]["threshold"]),
        phieu_a_criteria=tuple(data["phieu_a"]["criteria"]),
        working_age_min=Fact.from_json(data["working_age"]["min_age"]),
        retirement_status=data["working_age"]["retirement"]["status"],
        retirement_table=tuple(
            (r["year"], r["male_months"], r["female_months"])
            for r in sorted(data["working_age"]["retirement"]["table"], key=lambda r: r["year"])
        ),
        dimensions=tuple(data["dimensions"]),
        indicators=tuple(
            Indicator(
                id=i["id"],
                dimension=i["dimension"],
                name=i["name"],
                description=i.get("description", {"vi": "", "en": ""}),
                rule=i["rule"],
                rule_status=i["rule_status"],
                params={k: Fact.from_json(v) for k, v in i["params"].items()},
            )
            for i in data["indicators"]
        ),
        raw=data,
    )


def load_pack_file(path: Path) -> StandardPack:
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RaSoatError("standard.unreadable", origin=str(path), detail=str(exc)) from exc
    return parse_pack(data, origin=str(path))


def _pack_files() -> list[Path]:
    files = sorted(resource_path("standards").glob("*.json"))
    user_dir = user_standards_dir()
    if user_dir.is_dir():
        files += sorted(user_dir.glob("*.json"))
    return files


@cache
def available_packs() -> dict[str, StandardPack]:
    """Every known pack by id; for the same id the highest revision wins (officer corrections)."""
    packs: dict[str, StandardPack] = {}
    for path in _pack_files():
        pack = load_pack_file(path)
        if pack.id not in packs or pack.revision > packs[pack.id].revision:
            packs[pack.id] = pack
    return packs


def get_pack(pack_id: str) -> StandardPack:
    try:
        return available_packs()[pack_id]
    except KeyError:
        raise RaSoatError("standard.unknown", standard=pack_id) from None


def pack_for_date(day: date) -> StandardPack:
    """The pack in force on `day`; a draft pack is used only when no final one applies."""
    candidates = [p for p in available_packs().values() if p.applies_on(day)]
    candidates.sort(key=lambda p: (p.draft, p.id))
    if not candidates:
        raise RaSoatError("standard.none_for_date", date=day.isoformat())
    return candidates[0]
