"""Summary tables: results by village, deprivations per indicator, target groups, ethnicity,
children. Layouts follow the report set in shared/domain/report_templates_observed.json."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from app.ages import AgeClock
from app.classify import Classifier
from app.reports.groups import (
    LabourCapacity,
    head_ethnicity,
    is_female_headed,
    is_minority,
    majority,
)
from app.reports.source import ReportSource, Result
from app.reports.table import (
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

CLASS_TITLES = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
CLASS_SLUGS = {"poor": "ho-ngheo", "near_poor": "ho-can-ngheo"}
CLASS_SHORT = {"poor": "HN", "near_poor": "HCN"}
STT = Column(INT, 4, "center")
PLACE = Column(TEXT, 18)
N = Column(INT, 7)
P = Column(PCT, 6)


def by_village(source: ReportSource) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {v: [] for v in source.villages}
    for r in source.results:
        out.setdefault(r.facts.village, []).append(r)
    return out


def _village_rows(
    source: ReportSource, cells: Callable[[list[Result]], list[int | float | None]]
) -> list[Row]:
    rows = [
        Row((i, name, *cells(results)))
        for i, (name, results) in enumerate(by_village(source).items(), 1)
    ]
    rows.append(Row(("", "Tổng cộng", *cells(list(source.results))), TOTAL))
    return rows


def results_by_village(source: ReportSource) -> ReportTable:
    def cells(results: list[Result]) -> list[int | float | None]:
        total = len(results)
        out: list[int | float | None] = [total, sum(len(r.facts.members) for r in results)]
        for cls in ("poor", "near_poor"):
            of = [r for r in results if r.cls == cls]
            out += [len(of), share(len(of), total), sum(len(r.facts.members) for r in of)]
        avg = [r for r in results if r.cls == "average" and r.facts.farm_household]
        out += [len(avg), sum(len(r.facts.members) for r in avg)]
        out.append(sum(1 for r in results if r.cls is None))
        return out

    header = header_grid(
        (
            ("STT", 2, 1),
            ("Thôn, bản, tổ dân phố", 2, 1),
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
        "Kết quả theo thôn",
        "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO; HỘ LÀM NÔNG, LÂM, NGƯ, DIÊM NGHIỆP "
        "CÓ MỨC SỐNG TRUNG BÌNH",
        (STT, PLACE, N, N, N, P, N, N, P, N, N, N, Column(INT, 8)),
        header,
        _village_rows(source, cells),
        notes=("Tỷ lệ tính trên tổng số hộ của thôn.",),
    )


def _indicator_header(source: ReportSource, lead: str, total: str) -> tuple:  # type: ignore[type-arg]
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
            ("Thôn, bản, tổ dân phố", 3, 1),
            (lead, 3, 1),
            (total, 3, 1),
            ("Chỉ số thiếu hụt dịch vụ xã hội cơ bản", 1, len(pack.indicators)),
        ),
        tuple((names.get(d, d), 1, n) for d, n in runs),
        tuple((f"{i}. {ind.name['vi']}", 1, 1) for i, ind in enumerate(pack.indicators, 1)),
    )


def deprivation(source: ReportSource, cls: str, rates: bool) -> ReportTable:
    ids = source.pack.indicator_ids

    def cells(results: list[Result]) -> list[int | float | None]:
        of = [r for r in results if r.cls == cls]
        counts = Counter(d for r in of for d in r.deprived)
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
        _village_rows(source, cells),
        notes=(f"Số liệu chỉ số thiếu hụt {unit}: mỗi {noun} được tính một lần cho mỗi chỉ số.",),
    )


def target_groups(source: ReportSource) -> ReportTable:
    clock = AgeClock(source.round.reference_date)
    labour = LabourCapacity(source.pack, clock)

    def cells(results: list[Result]) -> list[int | float | None]:
        out: list[int | float | None] = []
        for cls in ("poor", "near_poor"):
            of = [r.facts for r in results if r.cls == cls]
            minority = sum(1 for h in of if is_minority(h))
            no_labour = sum(1 for h in of if labour.none_in(h))
            female = sum(1 for h in of if is_female_headed(h))
            out += [len(of), sum(len(h.members) for h in of), minority, no_labour, female]
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
                ("Thôn, bản, tổ dân phố", 2, 1),
                ("Hộ nghèo", 1, 5),
                ("Hộ cận nghèo", 1, 5),
            ),
            groups + groups,
        ),
        _village_rows(source, cells),
        notes=(
            "Hộ dân tộc thiểu số: chủ hộ không phải dân tộc "
            + ", ".join(sorted(majority()))
            + ". Hộ không có khả năng lao động: không có thành viên nào trong độ tuổi lao động "
            "mà không bị khuyết tật nặng (định nghĩa chưa được đối chiếu văn bản).",
            "Một hộ có thể thuộc nhiều nhóm. Hộ có người có công chưa được thu thập trong dữ liệu.",
        ),
    )


def ethnicity(source: ReportSource) -> ReportTable:
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in source.results:
        groups[head_ethnicity(r.facts) or "Không rõ"].append(r)
    major = majority()

    def cells(results: Sequence[Result]) -> tuple[int | float | None, ...]:
        out: list[int | float | None] = [len(results)]
        for cls in ("poor", "near_poor"):
            of = [r for r in results if r.cls == cls]
            out += [len(of), share(len(of), len(results)), sum(len(r.facts.members) for r in of)]
        return tuple(out)

    rows: list[Row] = []
    n = 0
    for name in sorted(major & groups.keys()):
        n += 1
        rows.append(Row((n, name, *cells(groups[name]))))
    minority_names = sorted(
        (g for g in groups if g not in major and g != "Không rõ"), key=lambda g: -len(groups[g])
    )
    minority = [r for g in minority_names for r in groups[g]]
    rows.append(Row(("", "Dân tộc thiểu số", *cells(minority)), SUBTOTAL))
    for name in minority_names + (["Không rõ"] if "Không rõ" in groups else []):
        n += 1
        rows.append(Row((n, name, *cells(groups[name]))))
    rows.append(Row(("", "Tổng cộng", *cells(source.results)), TOTAL))
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


def children(source: ReportSource) -> ReportTable:
    classifier = Classifier(source.pack, source.round.reference_date)
    child_cut = classifier.clock.year_cutoff(16)
    health_ids = {"health_insurance", "nutrition"}
    schooling_ids = {"child_schooling"}

    def count(results: Iterable[Result]) -> list[int]:
        kids = health = school = 0
        for r in results:
            young = {i for i, m in enumerate(r.facts.members) if m.birth_date > child_cut}
            if not young:
                continue
            kids += len(young)
            findings = classifier.classify(r.facts, True).findings
            health += len({f.member for f in findings if f.indicator in health_ids} & young)
            school += len({f.member for f in findings if f.indicator in schooling_ids} & young)
        return [kids, health, school]

    def cells(results: list[Result]) -> list[int | float | None]:
        out: list[int | float | None] = []
        for cls in ("poor", "near_poor"):
            out += count(r for r in results if r.cls == cls)
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
                ("Thôn, bản, tổ dân phố", 2, 1),
                ("Hộ nghèo", 1, 3),
                ("Hộ cận nghèo", 1, 3),
            ),
            sub + sub,
        ),
        _village_rows(source, cells),
        notes=("Một trẻ được tính một lần cho mỗi nhóm thiếu hụt.",),
    )
