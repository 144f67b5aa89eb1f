"""The officer's mapping of a list's columns to fields, and saved mappings to reuse next year.

A mapping names each column by its header title (accent-free), not by its letter, so the same
mapping fits next year's file after a column was inserted; a letter ("C") is accepted too. It
also carries what the file does not say itself: the year of the list, the class of every
household when the list has no class column ("Danh sách hộ nghèo"), the area of villages the
import creates, and words the officer mapped to codes ("thoát nghèo" → not_poor).

Saved mappings are JSON files (`rasoat.excel-mapping/1`) in `<data folder>/excel_mappings/`,
written atomically.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string

from app import atomic
from app.errors import RaSoatError
from app.excel.fields import CLASSES, fields_catalogue, key
from app.excel.layout import Layout
from app.facts import AREAS
from app.paths import data_dir

FORMAT = "rasoat.excel-mapping/1"
_LETTER = re.compile(r"[A-Z]{1,3}")
_NAME = re.compile(r"[\w\- ]{1,80}")


@dataclass
class ExcelMapping:
    columns: dict[str, str] = field(default_factory=dict)  # field id -> title key or letter
    sheet: str | None = None
    header_rows: tuple[int, int] | None = None
    list_year: int | None = None
    default_class: str | None = None
    default_area: str = "rural"
    default_village: str | None = None
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "sheet": self.sheet,
            "header_rows": list(self.header_rows) if self.header_rows else None,
            "columns": dict(self.columns),
            "list_year": self.list_year,
            "default_class": self.default_class,
            "default_area": self.default_area,
            "default_village": self.default_village,
            "value_maps": self.value_maps,
        }

    @classmethod
    def from_json(cls, data: Any) -> ExcelMapping:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RaSoatError("excel.mapping_bad", detail=f"format ≠ {FORMAT}")
        mapping = cls(
            columns={str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            sheet=data.get("sheet"),
            header_rows=_rows(data.get("header_rows")),
            list_year=data.get("list_year"),
            default_class=data.get("default_class"),
            default_area=data.get("default_area") or "rural",
            default_village=data.get("default_village"),
            value_maps={
                str(f): {key(str(k)): str(v) for k, v in m.items()}
                for f, m in (data.get("value_maps") or {}).items()
            },
        )
        mapping.check()
        return mapping

    def check(self) -> None:
        """Refuse a mapping that names unknown fields or codes (typed by hand, or too new)."""
        known = fields_catalogue().fields
        for field_id in [*self.columns, *self.value_maps]:
            if field_id not in known:
                raise RaSoatError("excel.mapping_bad", detail=f"field {field_id!r}")
        if self.default_class not in (None, *CLASSES):
            raise RaSoatError("excel.mapping_bad", detail=f"default_class {self.default_class!r}")
        if self.default_area not in AREAS:
            raise RaSoatError("excel.mapping_bad", detail=f"default_area {self.default_area!r}")
        if self.list_year is not None and not (
            isinstance(self.list_year, int) and 2000 <= self.list_year <= 2100
        ):
            raise RaSoatError("excel.mapping_bad", detail=f"list_year {self.list_year!r}")


def _rows(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
        and value[0] <= value[1]
    ):
        return (value[0], value[1])
    raise RaSoatError("excel.mapping_bad", detail=f"header_rows {value!r}")


def resolve_columns(mapping: ExcelMapping, layout: Layout) -> tuple[dict[str, int], list[str]]:
    """field id -> column index for the mapping's columns; and the fields whose column is not
    in this file (the caller reports them)."""
    by_key: dict[str, int] = {}
    for column in layout.columns:
        by_key.setdefault(column.key, column.index)
    resolved: dict[str, int] = {}
    missing: list[str] = []
    for field_id, ref in mapping.columns.items():
        if _LETTER.fullmatch(ref):
            resolved[field_id] = column_index_from_string(ref)
        elif key(ref) in by_key:
            resolved[field_id] = by_key[key(ref)]
        else:
            missing.append(field_id)
    return resolved, missing


def mapping_for(layout: Layout, fields: dict[str, int], base: ExcelMapping) -> ExcelMapping:
    """A mapping naming each chosen column by its title, keeping `base`'s other settings."""
    titles = {c.index: c.key for c in layout.columns}
    columns = {f: titles.get(i) or _letter(i) for f, i in fields.items()}
    return ExcelMapping(
        columns,
        base.sheet,
        (layout.header_first, layout.header_last),
        base.list_year,
        base.default_class,
        base.default_area,
        base.default_village,
        base.value_maps,
    )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def mappings_dir() -> Path:
    return data_dir() / "excel_mappings"


def save_mapping(mapping: ExcelMapping, name: str) -> Path:
    """Save under a name the officer chose; returns the file written (atomically)."""
    clean = name.strip()
    if not _NAME.fullmatch(clean):
        raise RaSoatError("excel.mapping_name_bad", name=name)
    path = mappings_dir() / f"{clean}.json"
    text = json.dumps(mapping.to_json(), ensure_ascii=False, indent=2)
    atomic.write_bytes(path, text.encode("utf-8"))
    return path


def saved_mappings() -> list[str]:
    folder = mappings_dir()
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def load_mapping(ref: str | Path) -> ExcelMapping:
    """A mapping from a file path, or by the name it was saved under."""
    path = Path(ref)
    if not path.is_file():
        path = mappings_dir() / f"{ref}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RaSoatError("excel.mapping_not_found", name=str(ref)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RaSoatError("excel.mapping_bad", detail=str(exc)[:200]) from None
    return ExcelMapping.from_json(data)
