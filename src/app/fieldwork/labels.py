"""Field paths and their values in words, for the conflicts view and the command line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from app.fieldwork.paths import CONFIRM, HOUSEHOLD, member_path, split
from app.i18n import format_money, label, tr
from app.survey_codes import code_list

_CODE_KINDS = {
    "area": "area",
    "water_source": "water_source",
    "latrine": "latrine",
    "waste_handling": "waste_handling",
    "sex": "sex",
    "relation": "relation",
    "disability": "disability",
    "employment": "employment",
    "education": "education",
    "information_devices": "device",
}


_SURVEY_KINDS = {"survey.causes": "causes", "survey.main_cause": "causes",
                 "survey.support_needs": "needs"}  # fmt: skip


def _leaf_label(leaf: str, lang: str) -> str:
    """The field's name: the core's label where there is one, else this part's own."""
    if leaf in _SURVEY_KINDS:
        return label(f"field.{leaf}", lang, leaf)
    short = leaf.rsplit(".", 1)[-1]
    return label(f"field.{short}", lang) or tr(f"sync.field.{short}", lang)


def path_label(path: str, values: Mapping[str, Any], lang: str = "vi") -> str:
    """ "members.1.health_insurance" -> "Thành viên Trần Thị Bình: Có thẻ BHYT"."""
    if path == HOUSEHOLD:
        return tr("sync.field.household", lang)
    if path.startswith(CONFIRM):
        code, _bar, target = path[len(CONFIRM) :].partition("|")
        return tr(
            "sync.field.confirmation", lang, code=code, field=path_label(target, values, lang)
        )
    uid, leaf = split(path)
    if uid is None:
        return _leaf_label(leaf, lang)
    name = values.get(member_path(uid, "name")) or uid
    if leaf == "":
        return tr("sync.field.member", lang, name=name)
    return tr("sync.field.member_field", lang, name=name, field=_leaf_label(leaf, lang))


def value_text(path: str, value: Any, lang: str = "vi") -> str:
    """A value as the officer reads it: codes by their names, money grouped, yes / no."""
    uid, leaf = split(path)
    if path.startswith(CONFIRM):
        return str(value) if value is not None else tr("sync.value.unconfirmed", lang)
    if path == HOUSEHOLD or (uid is not None and leaf == ""):
        return tr("sync.value.kept" if value else "sync.value.deleted", lang)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return tr("sync.value.yes" if value else "sync.value.no", lang)
    if leaf in _SURVEY_KINDS:  # names from the code list in force
        codes, group = code_list(), _SURVEY_KINDS[leaf]
        given = value if isinstance(value, list) else [value]
        return ", ".join(codes.name(group, str(v), lang) for v in given) or "—"
    short = leaf.rsplit(".", 1)[-1]
    kind = _CODE_KINDS.get(short)
    if kind and isinstance(value, list):
        return ", ".join(tr(f"code.{kind}.{v}", lang) for v in value) or "—"
    if kind:
        return tr(f"code.{kind}.{value}", lang)
    if short == "income_per_capita_month":
        return format_money(int(value), lang)
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if lang == "vi" else text
    return str(value)


def household_label(code: str, values: Mapping[str, Any]) -> str:
    """ "H002 — Lê Văn Cường": the code and the head's name, to find the household again."""
    from app.fieldwork.paths import present_members

    for uid in present_members(values):
        if values.get(member_path(uid, "relation")) == "head":
            return f"{code} — {values.get(member_path(uid, 'name'))}"
    return code


def when_text(at: str) -> str:
    """A change's time (stored in UTC) in this laptop's local time: "25/11/2026 19:26"."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at.rstrip("Z")).replace(tzinfo=UTC).astimezone()
    except ValueError:
        return at
    return moment.strftime("%d/%m/%Y %H:%M")
