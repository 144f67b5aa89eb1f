"""Explanations a person can read: why a household got its class, and who made it deprived.

"Bảo hiểm y tế: H'Mai Niê, 7 tuổi, không có thẻ BHYT"
"""

from __future__ import annotations

from app.ages import AgeClock
from app.classify import Classification
from app.facts import HouseholdFacts
from app.i18n import format_money, tr
from app.indicators import Finding
from app.standards import StandardPack


def class_label(cls: str | None, lang: str = "vi") -> str:
    return tr(f"class.{cls or 'none'}", lang)


def code_label(kind: str, code: str | None, lang: str = "vi") -> str:
    """Label of a coded value, e.g. code_label("water_source", "piped") -> "Nước máy"."""
    return tr(f"code.{kind}.{code}", lang) if code else ""


def finding_text(finding: Finding, facts: HouseholdFacts, clock: AgeClock, lang: str = "vi") -> str:
    params = dict(finding.params)
    if finding.member is not None:
        m = facts.members[finding.member]
        params.update(name=m.name, age=clock.age(m.birth_date))
        if m.birth_year_only:
            params["age"] = tr("explain.age_from_year", lang, age=params["age"])
    if "parts" in params:
        params["parts"] = ", ".join(tr(f"explain.part.{p}", lang) for p in params["parts"])
    if "per_person" in params:
        params["per_person"] = f"{params['per_person']:.1f}".replace(
            ".", "," if lang == "vi" else "."
        )
    if "source" in params:
        params["source"] = code_label("water_source", params["source"], lang)
    if "latrine" in params:
        params["latrine"] = code_label("latrine", params["latrine"], lang)
    return tr(f"finding.{finding.code}", lang, **params)


def summary(result: Classification, pack: StandardPack, area: str, lang: str = "vi") -> str:
    """One sentence: the class and the comparison that decided it."""
    if result.income_basis == "income":
        value = format_money(result.income_per_capita_month, lang)
        line = format_money(result.line_used, lang)
        upper = format_money(result.average_upper_used, lang)
    else:
        value, line = str(result.b1_score), str(result.line_used)
        upper = str(result.average_upper_used)
    params = dict(
        value=value,
        line=line,
        upper=upper,
        area=tr(f"code.area.{area}", lang),
        count=result.deprived_count,
        total=len(pack.indicators),
        cutoff=pack.deprivation_cutoff.value,
    )
    basis = result.income_basis
    if result.cls in ("poor", "near_poor"):
        key = f"explain.{result.cls}.{basis}"
    elif result.cls == "average":
        key = f"explain.average.{basis}"
    elif result.average_upper_used is None:
        key = f"explain.not_poor_no_band.{basis}"
    else:
        key = f"explain.not_poor.{basis}"
    return tr(key, lang, **params)


def explain(
    result: Classification, facts: HouseholdFacts, pack: StandardPack, lang: str = "vi"
) -> list[str]:
    """The summary, then one line per deprived indicator with each reason found."""
    clock = AgeClock(result.reference_date)
    lines = [summary(result, pack, facts.area, lang)]
    for indicator_id in result.deprived:
        name = (
            pack.indicator(indicator_id).name.get(lang) or pack.indicator(indicator_id).name["vi"]
        )
        reasons = [
            finding_text(f, facts, clock, lang)
            for f in result.findings
            if f.indicator == indicator_id
        ]
        lines.append(f"{name}: {'; '.join(reasons)}")
    return lines
