"""Writing the household exchange format v1 (`rasoat.households/1`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from app.exchange.read import FORMAT, Commune
from app.facts import HouseholdFacts, MemberFacts


def member_dict(m: MemberFacts) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": m.name,
        "sex": m.sex,
        "birth_date": m.birth_date_text,
        "relation": m.relation,
    }
    if m.ethnicity:
        out["ethnicity"] = m.ethnicity
    if m.id_number:
        out["id_number"] = m.id_number
    out["health_insurance"] = m.health_insurance
    if m.disability != "none":
        out["disability"] = m.disability
    for key in ("employment", "education", "in_school", "school_level_appropriate", "malnourished"):
        value = getattr(m, key)
        if value is not None:
            out[key] = value
    return out


def household_dict(h: HouseholdFacts, status: Mapping[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": h.id, "village": h.village, "area": h.area}
    if h.address:
        out["address"] = h.address
    out["farm_household"] = h.farm_household
    if h.income_per_capita_month is not None:
        out["income_per_capita_month"] = h.income_per_capita_month
    if h.b1_score is not None:
        out["b1_score"] = h.b1_score
    out["members"] = [member_dict(m) for m in h.members]
    area = h.floor_area_m2
    out["housing"] = {
        "floor_area_m2": int(area) if float(area).is_integer() else area,
        "walls_durable": h.walls_durable,
        "columns_durable": h.columns_durable,
        "roof_durable": h.roof_durable,
    }
    out["water_source"] = h.water_source
    out["latrine"] = h.latrine
    out["telecom"] = {"phone": h.phone, "internet": h.internet}
    out["information_devices"] = list(h.information_devices)
    if h.waste_handling is not None:
        out["waste_handling"] = h.waste_handling
    if status:
        out["status"] = dict(status)
    return out


def document_dict(
    commune: Commune,
    standard: str,
    reference_date: date,
    households: Iterable[HouseholdFacts],
    statuses: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    statuses = statuses or {}
    return {
        "format": FORMAT,
        "standard": standard,
        "reference_date": reference_date.isoformat(),
        "commune": {
            "code": commune.code,
            "name": commune.name,
            "province_code": commune.province_code,
            "province_name": commune.province_name,
        },
        "households": [household_dict(h, statuses.get(h.id)) for h in households],
    }


def dumps(document: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON with Vietnamese kept readable (not \\u-escaped)."""
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
