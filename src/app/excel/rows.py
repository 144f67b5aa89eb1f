"""Turning a list's data rows into households, marking every problem with its row and column.

Layouts seen in the field, all handled:
- one row per household (the head's name, year of birth, ID, number of members, class);
- one row per person, a household starting at its head ("Quan hệ với chủ hộ" = "Chủ hộ") or
  grouped by a household code column ("Mã hộ", often merged down over the members' rows);
- villages given by a column, or by section rows ("I. Thôn 1") above their households.
Blank rows, totals rows ("Tổng cộng"), and the signature block after the data are skipped and
reported, never read as households. Values are parsed by `app.excel.fields`; nothing is guessed
for a fact the list does not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.excel.fields import (
    Field,
    ValueProblem,
    cell_text,
    fields_catalogue,
    is_blank,
    key,
    parse,
)
from app.excel.layout import Layout
from app.excel.mapping import ExcelMapping
from app.excel.sheet import Grid
from app.i18n import label, tr
from app.textnorm import nfc
from app.validation import Problem

_SECTION_PREFIX = re.compile(r"^\s*(?:[IVXLCDM]+|\d{1,3}|[A-Za-z])\s*[.)\-–:]\s*")
MEMBER_FACTS = (
    "sex",
    "ethnicity",
    "id_number",
    "health_insurance",
    "disability",
    "employment",
    "education",
    "in_school",
    "school_level_appropriate",
    "malnourished",
)
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based sheet row (0: the file as a whole)
    column: str | None  # column letter
    field_id: str | None
    code: str  # message key
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "vi") -> str:
        params = dict(self.params)
        if self.code == "excel.household_problem":
            inner = Problem(
                params["problem_code"], self.severity, params["path"], params["problem_params"]
            )
            return tr(self.code, lang, path=params["path"], message=inner.message(lang))
        return tr(self.code, lang, **params)

    def where(self, lang: str = "vi") -> str:
        if self.row == 0:
            return tr("excel.where.file", lang)
        if self.column:
            name = label(f"excel.field.{self.field_id}", lang) if self.field_id else ""
            column = f"{self.column} ({name})" if name else self.column
            return tr("excel.where.row_column", lang, row=self.row, column=column)
        return tr("excel.where.row", lang, row=self.row)

    def line(self, lang: str = "vi") -> str:
        """ "Dòng 12, cột D (Năm sinh): …", as the CLI prints it and the preview shows it."""
        return f"{self.where(lang)}: {self.message(lang)}"


@dataclass
class ListedMember:
    row: int
    data: dict[str, Any]  # exchange-format member fields the list gives


@dataclass
class ListedHousehold:
    rows: list[int]
    code: str | None
    village: str | None
    data: dict[str, Any]  # exchange-format household fields the list gives
    members: list[ListedMember]
    declared_size: int | None = None
    previous_class: str | None = None
    class_label: str = ""
    place: tuple[str | None, str | None, str | None] = (None, None, None)
    notes: dict[str, str] = field(default_factory=dict)
    head_name: str | None = None  # the "Họ tên chủ hộ" column, when members have their own

    @property
    def row(self) -> int:
        return self.rows[0]

    @property
    def head(self) -> ListedMember | None:
        for m in self.members:
            if m.data.get("relation") == "head":
                return m
        return None


@dataclass
class ParsedRows:
    households: list[ListedHousehold]
    problems: list[RowProblem]
    skipped: list[tuple[int, str]]  # (row, reason: totals | section | footer | heading)


class _RowReader:
    def __init__(
        self, layout: Layout, fields: dict[str, int], mapping: ExcelMapping, today: date
    ) -> None:
        catalogue = fields_catalogue()
        self.catalogue = catalogue
        self.fields = {fid: (catalogue.fields[fid], idx) for fid, idx in fields.items()}
        self.letters = {c.index: c.letter for c in layout.columns}
        self.mapping = mapping
        self.today = today
        self.by_relation = "relation" in fields
        self.by_code = "household_code" in fields
        self.problems: list[RowProblem] = []
        self.skipped: list[tuple[int, str]] = []
        self.households: list[ListedHousehold] = []
        self.village = mapping.default_village
        self.current: ListedHousehold | None = None
        self.seen_data = False
        self.in_footer = False

    def problem(self, row: int, f: Field | None, p: ValueProblem) -> None:
        letter = self.letters.get(self.fields[f.id][1]) if f else None
        self.problems.append(
            RowProblem(row, letter, f.id if f else None, p.code, p.severity, p.params)
        )

    def row(self, number: int, values: list[Any]) -> None:
        if all(is_blank(v) for v in values):
            return
        raw = {fid: _at(values, idx) for fid, (_f, idx) in self.fields.items()}
        if self.in_footer:
            self.skipped.append((number, "footer"))
            return
        # A row with a birth date or ID number is a person, whatever words it holds ("Tổng Văn
        # Cường" is a name); only other rows are looked at as totals or signature lines.
        personal = any(
            not is_blank(raw.get(f))
            for f in ("birth_date", "birth_male", "birth_female", "id_number")
        )
        if not personal:
            texts = [key(v) for v in values if isinstance(v, str) and v.strip()]
            if _starts_with(texts, self.catalogue.totals):
                self.skipped.append((number, "totals"))
                return
            if self.seen_data and _contains(texts, self.catalogue.footer):
                self.in_footer = True
                self.skipped.append((number, "footer"))
                return
        name_raw = raw.get("name") if not is_blank(raw.get("name")) else raw.get("head_name")
        if is_blank(name_raw):
            self._nameless(number, values, raw)
            return
        self.seen_data = True
        self._person(number, raw)

    def _nameless(self, number: int, values: list[Any], raw: dict[str, Any]) -> None:
        filled = [v for v in values if not is_blank(v)]
        village = _section_village(filled, self.catalogue.village_words)
        if village:
            self.village = village
            self.skipped.append((number, "section"))
            return
        data_cells = [f for f, v in raw.items() if not is_blank(v) and f not in ("village", "note")]
        if len(data_cells) >= 2 and self.seen_data:
            self.problems.append(RowProblem(number, None, None, "excel.row.no_name", ERROR))
        else:
            self.skipped.append((number, "heading"))

    def _person(self, number: int, raw: dict[str, Any]) -> None:
        values: dict[str, Any] = {}
        for fid, (f, _idx) in self.fields.items():
            value, problem = parse(f, raw[fid], self.today, self.mapping.value_maps.get(fid))
            if problem:
                self.problem(number, f, problem)
            if value is not None and value != ():
                values[fid] = value
        member = self._member(number, values)
        household = self._household_for(number, values, raw, member)
        if household is not None:
            household.members.append(member)
            household.rows.append(number)

    def _member(self, number: int, values: dict[str, Any]) -> ListedMember:
        data: dict[str, Any] = {}
        name = values.get("name") or values.get("head_name")
        data["name"] = name
        relation = values.get("relation")
        if relation is None and not self.by_relation and not self.by_code:
            relation = "head"  # one row per household: the row names the head
        if relation is not None:
            data["relation"] = relation
        for fid, sex in (("birth_male", "male"), ("birth_female", "female")):
            if fid in values:
                data["birth_date"] = values[fid]
                data.setdefault("sex", sex)
        if "birth_date" in values:
            data["birth_date"] = values["birth_date"]
        for fid in MEMBER_FACTS:
            if fid in values:
                data[fid] = values[fid]
        return ListedMember(number, data)

    def _household_for(
        self, number: int, values: dict[str, Any], raw: dict[str, Any], member: ListedMember
    ) -> ListedHousehold | None:
        code = values.get("household_code")
        current = self.current
        if self.by_code:
            if code is None and current is not None:
                return current
            starts = current is None or code != current.code
        elif self.by_relation:
            starts = member.data.get("relation") == "head" or current is None
            if current is None and member.data.get("relation") not in (None, "head"):
                self.problems.append(
                    RowProblem(number, None, None, "excel.row.member_without_head", ERROR)
                )
                return None
        else:
            starts = True
        if not starts:
            return current
        household = self._new_household(number, values, raw)
        self.households.append(household)
        self.current = household
        return household

    def _new_household(
        self, number: int, values: dict[str, Any], raw: dict[str, Any]
    ) -> ListedHousehold:
        village = values.get("village") or self.village
        if not village:
            self.problems.append(RowProblem(number, None, "village", "excel.row.no_village", ERROR))
        data = {
            fid: values[fid]
            for fid, (f, _idx) in self.fields.items()
            if f.level == "household" and f.is_fact and fid in values
        }
        household = ListedHousehold(
            [], values.get("household_code"), village and nfc(str(village)), data, []
        )
        household.declared_size = values.get("member_count")
        household.place = (
            values.get("old_commune"),
            values.get("old_district"),
            values.get("old_province"),
        )
        household.notes = {f: str(values[f]) for f in ("deprivations", "note") if f in values}
        household.head_name = values.get("head_name")
        self._class(number, household, values, raw)
        return household

    def _class(
        self, number: int, household: ListedHousehold, values: dict[str, Any], raw: dict[str, Any]
    ) -> None:
        pairs = (("mark_poor", "poor"), ("mark_near_poor", "near_poor"))
        marks = [code for fid, code in pairs if values.get(fid)]
        if len(marks) > 1:
            self.problems.append(RowProblem(number, None, None, "excel.row.two_classes", ERROR))
        chosen = values.get("previous_class") or (marks[0] if marks else None)
        household.previous_class = chosen or self.mapping.default_class
        written = cell_text(raw.get("previous_class"))
        household.class_label = written or household.previous_class or ""


def _at(values: list[Any], index: int) -> Any:
    return values[index - 1] if 0 < index <= len(values) else None


def _starts_with(texts: list[str], words: tuple[str, ...]) -> bool:
    return bool(texts) and any(texts[0] == w or texts[0].startswith(w + " ") for w in words)


def _contains(texts: list[str], words: tuple[str, ...]) -> bool:
    return any(t == w or t.startswith(w + " ") for t in texts for w in words)


def _section_village(filled: list[Any], words: tuple[str, ...]) -> str | None:
    """The village a section row such as "I. Thôn Tân Lập" or "Buôn Ea Kmar" introduces."""
    if not 1 <= len(filled) <= 2 or not isinstance(filled[0], str):
        return None
    text = _SECTION_PREFIX.sub("", nfc(filled[0]))
    k = key(text)
    if any(k.startswith(w + " ") for w in words):
        return text
    return None


def read_rows(
    grid: Grid, layout: Layout, fields: dict[str, int], mapping: ExcelMapping, today: date
) -> ParsedRows:
    """The households of the data rows, with every problem found and every row skipped."""
    reader = _RowReader(layout, fields, mapping, today)
    for number in range(layout.data_start, len(grid.rows) + 1):
        reader.row(number, grid.rows[number - 1])
    for household in reader.households:
        _find_head(household)
    return ParsedRows(reader.households, reader.problems, reader.skipped)


def _find_head(household: ListedHousehold) -> None:
    """Without a relation column, the member named in "Họ tên chủ hộ" is the head."""
    if household.head is not None or not household.head_name:
        return
    for member in household.members:
        if "relation" not in member.data and key(member.data["name"]) == key(household.head_name):
            member.data["relation"] = "head"
            return
