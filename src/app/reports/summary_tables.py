"""Summary tables: results by place, deprivations per indicator, target groups, ethnicity,
children. Layouts follow the report set in shared/domain/report_templates_observed.json.

A table adds up household features (features.py) over the rows its source lays out: a commune's
report has a row per village, the receiving office's a row per commune with province subtotals
(app/office/consolidation.py). The same definitions serve both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol

from app.reports.features import Features
from app.reports.groups import majority
from app.reports.source import ReportSource, Result
from app.reports.table import (
    DATA,
    GROUP,
    INT,
    PCT,
    RATIO,
    SUBTOTAL,
    TEXT,
    TOTAL,
    Column,
    ReportTable,
    Row,
    header_grid,
    share,
)
from app.standards import StandardPack

CLASS_TITLES = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
CLASS_SLUGS = {"poor": "ho-ngheo", "near_poor": "ho-can-ngheo"}
CLASS_SHORT = {"poor": "HN", "near_poor": "HCN"}
STT = Column(INT, 4, "center")
PLACE = Column(TEXT, 18)
N = Column(INT, 7)
P = Column(PCT, 6)
UNKNOWN_ETHNICITY = "Không rõ"
Cells = Callable[[Sequence[Features]], list[int | float | None]]


class RowGroup(NamedTuple):
    """One row of a summary table: a place and the features of its households. DATA rows are
    numbered; SUBTOTAL rows are bold; a GROUP row is a heading (its features are ignored)."""

    label: str
    features: Sequence[Features]
    kind: str = DATA


class SummarySource(Protocol):
    """What a summary table reads: ReportSource (a commune) or the office's consolidation."""

    @property
    def pack(self) -> StandardPack: ...

    @property
    def place_title(self) -> str: ...

    @property
    def place_noun(self) -> str: ...

    @property
    def features(self) -> Sequence[Features]: ...

    def row_groups(self) -> list[RowGroup]: ...


def by_village(source: ReportSource) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {v: [] for v in source.villages}
    for r in source.results:
        out.setdefault(r.facts.village, []).append(r)
    return out


def place_rows(source: SummarySource, cells: Cells) -> list[Row]:
    rows: list[Row] = []
    n = 0
    for group in source.row_groups():
        if group.kind == GROUP:
            rows.append(Row((group.label,), GROUP))
        elif group.kind == DATA:
            n += 1
            rows.append(Row((n, group.label, *cells(group.features))))
        else:
            rows.append(Row(("", group.label, *cells(group.features)), group.kind))
    rows.append(Row(("", "Tổng cộng", *cells(source.features)), TOTAL))
    return rows


def _members(features: Sequence[Features]) -> int:
    return sum(f.members for f in features)


def results_by_village(source: SummarySource) -> ReportTable:
    def cells(features: Sequence[Features]) -> list[int | float | None]:
        total = len(features)
        out: list[int | float | None] = [total, _members(features)]
        for cls in ("poor", "near_poor"):
            of = [f for f in features if f.cls == cls]
            out += [len(of), share(len(of), total), _members(of)]
        avg = [f for f in features if f.cls == "average" and f.farm]
        out += [len(avg), _members(avg)]
        out.append(sum(1 for f in features if f.cls is None))
        return out

    header = header_grid(
        (
            ("STT", 2, 1),
            (source.place_title, 2, 1),
            ("Tổng số hộ", 2, 1),
            ("Tổng số nhân khẩu", 2, 1),
            ("Hộ nghèo", 1, 3),
            ("Hộ cận nghèo", 1, 3),
            ("Hộ làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình", 1, 2),
            ("Hộ chưa phân loại (còn lỗi)", 2, 1),
        ),
        (
            ("Số hộ", 1, 1),
            ("Tỷ lệ (%)", 1, 1),
            ("Số khẩu", 1, 1),
            ("Số hộ", 1, 1),
            ("Tỷ lệ (%)", 1, 1),
            ("Số khẩu", 1, 1),
            ("Số hộ", 1, 1),
            ("Số khẩu", 1, 1),
        ),
    )
    return ReportTable(
        "ket-qua-theo-thon",
        f"Kết quả theo {source.place_noun}",
        "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO; HỘ LÀM NÔNG, LÂM, NGƯ, DIÊM NGHIỆP "
        "CÓ MỨC SỐNG TRUNG BÌNH",
        (STT, PLACE, N, N, N, P, N, N, P, N, N, N, Column(INT, 8)),
        header,
        place_rows(source, cells),
        notes=(f"Tỷ lệ tính trên tổng số hộ của {source.place_noun}.",),
    )


def _indicator_header(source: SummarySource, lead: str, total: str) -> tuple:  # type: ignore[type-arg]
    pack = source.pack
    runs: list[tuple[str, int]] = []
    for ind in pack.indicators:
        if runs and runs[-1][0] == ind.dimension:
            runs[-1] = (ind.dimension, runs[-1][1] + 1)
        else:
            runs.append((ind.dimension, 1))
    names = {d["id"]: d["name"]["vi"] for d in pack.dimensions}
    return header_grid(
        (
            ("STT", 3, 1),
            (source.place_title, 3, 1),
            (lead, 3, 1),
            (total, 3, 1),
            ("Chỉ số thiếu hụt dịch vụ xã hội cơ bản", 1, len(pack.indicators)),
        ),
        tuple((names.get(d, d), 1, n) for d, n in runs),
        tuple((f"{i}. {ind.name['vi']}", 1, 1) for i, ind in enumerate(pack.indicators, 1)),
    )


def deprivation(source: SummarySource, cls: str, rates: bool) -> ReportTable:
    ids = source.pack.indicator_ids

    def cells(features: Sequence[Features]) -> list[int | float | None]:
        of = [f for f in features if f.cls == cls]
        counts = Counter(d for f in of for d in f.deprived)
        lead: list[int | float | None] = [len(of)]
        if rates:
            lead.append(share(sum(counts.values()), len(of)))
            return lead + [share(counts[i], len(of)) for i in ids]
        return lead + [sum(counts.values())] + [counts[i] for i in ids]

    noun = CLASS_TITLES[cls].lower()
    kind = "TỶ LỆ " if rates else ""
    unit = "(%)" if rates else "(hộ)"
    return ReportTable(
        f"thieu-hut-{CLASS_SLUGS[cls]}{'-ty-le' if rates else ''}",
        f"{'Tỷ lệ thiếu hụt' if rates else 'Thiếu hụt'} {CLASS_SHORT[cls]}",
        f"PHÂN TÍCH {kind}CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA {noun.upper()}",
        (STT, PLACE, N, Column(RATIO, 7) if rates else N, *(P if rates else N for _ in ids)),
        _indicator_header(
            source,
            f"Tổng số {noun}",
            "Số chỉ số thiếu hụt bình quân / hộ" if rates else "Tổng số lượt thiếu hụt",
        ),
        place_rows(source, cells),
        notes=(f"Số liệu chỉ số thiếu hụt {unit}: mỗi {noun} được tính một lần cho mỗi chỉ số.",),
    )


def target_groups(source: SummarySource) -> ReportTable:
    def cells(features: Sequence[Features]) -> list[int | float | None]:
        out: list[int | float | None] = []
        for cls in ("poor", "near_poor"):
            of = [f for f in features if f.cls == cls]
            out += [
                len(of),
                _members(of),
                sum(1 for f in of if f.minority),
                sum(1 for f in of if f.no_labour),
                sum(1 for f in of if f.female_head),
            ]
        return out

    groups = (
        ("Tổng số hộ", 1, 1),
        ("Tổng số khẩu", 1, 1),
        ("Hộ dân tộc thiểu số", 1, 1),
        ("Hộ không có khả năng lao động", 1, 1),
        ("Hộ có chủ hộ là nữ", 1, 1),
    )
    return ReportTable(
        "nhom-doi-tuong",
        "Nhóm đối tượng",
        "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NHÓM ĐỐI TƯỢNG",
        (STT, PLACE) + (N,) * 10,
        header_grid(
            (
                ("STT", 2, 1),
                (source.place_title, 2, 1),
                ("Hộ nghèo", 1, 5),
                ("Hộ cận nghèo", 1, 5),
            ),
            groups + groups,
        ),
        place_rows(source, cells),
        notes=(
            "Hộ dân tộc thiểu số: chủ hộ không phải dân tộc "
            + ", ".join(sorted(majority()))
            + ". Hộ không có khả năng lao động: không có thành viên nào trong độ tuổi lao động "
            "mà không bị khuyết tật nặng (định nghĩa chưa được đối chiếu văn bản).",
            "Một hộ có thể thuộc nhiều nhóm. Hộ có người có công chưa được thu thập trong dữ liệu.",
        ),
    )


def ethnicity(source: SummarySource) -> ReportTable:
    groups: dict[str, list[Features]] = defaultdict(list)
    for f in source.features:
        groups[f.ethnicity or UNKNOWN_ETHNICITY].append(f)
    major = majority()

    def cells(features: Sequence[Features]) -> tuple[int | float | None, ...]:
        out: list[int | float | None] = [len(features)]
        for cls in ("poor", "near_poor"):
            of = [f for f in features if f.cls == cls]
            out += [len(of), share(len(of), len(features)), _members(of)]
        return tuple(out)

    rows: list[Row] = []
    n = 0
    for name in sorted(major & groups.keys()):
        n += 1
        rows.append(Row((n, name, *cells(groups[name]))))
    minority_names = sorted(
        (g for g in groups if g not in major and g != UNKNOWN_ETHNICITY),
        key=lambda g: -len(groups[g]),
    )
    minority = [f for g in minority_names for f in groups[g]]
    rows.append(Row(("", "Dân tộc thiểu số", *cells(minority)), SUBTOTAL))
    unknown = [UNKNOWN_ETHNICITY] if UNKNOWN_ETHNICITY in groups else []
    for name in minority_names + unknown:
        n += 1
        rows.append(Row((n, name, *cells(groups[name]))))
    rows.append(Row(("", "Tổng cộng", *cells(source.features)), TOTAL))
    sub = (("Số hộ", 1, 1), ("Tỷ lệ (%)", 1, 1), ("Số khẩu", 1, 1))
    return ReportTable(
        "dan-toc",
        "Dân tộc",
        "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC",
        (STT, PLACE, N, N, P, N, N, P, N),
        header_grid(
            (
                ("STT", 2, 1),
                ("Dân tộc của chủ hộ", 2, 1),
                ("Tổng số hộ", 2, 1),
                ("Hộ nghèo", 1, 3),
                ("Hộ cận nghèo", 1, 3),
            ),
            sub + sub,
        ),
        rows,
        notes=("Tỷ lệ tính trên tổng số hộ của dân tộc đó.",),
    )


def children(source: SummarySource) -> ReportTable:
    def cells(features: Sequence[Features]) -> list[int | float | None]:
        out: list[int | float | None] = []
        for cls in ("poor", "near_poor"):
            of = [f for f in features if f.cls == cls]
            out += [
                sum(f.children for f in of),
                sum(f.children_health for f in of),
                sum(f.children_school for f in of),
            ]
        return out

    sub = (
        ("Tổng số trẻ em dưới 16 tuổi", 1, 1),
        ("Thiếu hụt y tế (BHYT, dinh dưỡng)", 1, 1),
        ("Thiếu hụt giáo dục (đi học)", 1, 1),
    )
    return ReportTable(
        "tre-em",
        "Trẻ em",
        "TỔNG HỢP CHỈ TIÊU THIẾU HỤT CỦA TRẺ EM THUỘC HỘ NGHÈO, HỘ CẬN NGHÈO",
        (STT, PLACE) + (N,) * 6,
        header_grid(
            (
                ("STT", 2, 1),
                (source.place_title, 2, 1),
                ("Hộ nghèo", 1, 3),
                ("Hộ cận nghèo", 1, 3),
            ),
            sub + sub,
        ),
        place_rows(source, cells),
        notes=("Một trẻ được tính một lần cho mỗi nhóm thiếu hụt.",),
    )
