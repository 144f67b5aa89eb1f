"""List tables: the detailed lists of poor and near-poor households (one row per person), the
final list (Phụ lục VI) and the public-posting list (one row per household)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.ages import AgeClock
from app.facts import RELATIONS
from app.i18n import tr
from app.reports.groups import LabourCapacity, is_female_headed, is_minority
from app.reports.source import ReportSource, Result
from app.reports.summary_tables import CLASS_SLUGS, CLASS_TITLES, by_village
from app.reports.table import GROUP, INT, TEXT, YEAR, Column, ReportTable, Row, header_grid
from app.survey_codes import code_list

MARK = "x"


def _grouped(source: ReportSource, cls: str) -> list[tuple[str, list[Result]]]:
    return [
        (village, [r for r in results if r.cls == cls])
        for village, results in by_village(source).items()
        if any(r.cls == cls for r in results)
    ]


def _deprived_numbers(source: ReportSource, r: Result) -> str:
    order = {ind_id: n for n, ind_id in enumerate(source.pack.indicator_ids, 1)}
    return ", ".join(str(n) for n in sorted(order[d] for d in r.deprived if d in order))


def detailed_list(source: ReportSource, cls: str) -> ReportTable:
    """One row per person, the household's facts on the head's row, grouped by village."""
    labour = LabourCapacity(source.pack, AgeClock(source.round.reference_date))
    relation = {code: tr(f"code.relation.{code}") for code in RELATIONS}
    codes = code_list()
    blank_needs = ("",) * len(codes.needs)
    rows: list[Row] = []
    n = 0
    for village, results in _grouped(source, cls):
        rows.append(Row((f"{village} ({len(results)} hộ)",), GROUP))
        for r in results:
            n += 1
            h = r.facts
            flags = (
                MARK if is_minority(h) else "",
                MARK if labour.none_in(h) else "",
                MARK if is_female_headed(h) else "",
            )
            needs = tuple(MARK if c in r.survey.support_needs else "" for c in codes.needs)
            for k, m in enumerate(h.members, 1):
                year = int(m.birth_date[:4])
                first = k == 1
                rows.append(
                    Row(
                        (
                            n if first else "",
                            k,
                            m.name,
                            h.id if first else "",
                            year if m.sex == "male" else "",
                            year if m.sex == "female" else "",
                            m.ethnicity or "",
                            relation.get(m.relation, m.relation),
                            *(flags if first else ("", "", "")),
                            _deprived_numbers(source, r) if first else "",
                            len(r.deprived) if first else "",
                            *(needs if first else blank_needs),
                        )
                    )
                )
    names = ", ".join(f"{i}. {ind.name['vi']}" for i, ind in enumerate(source.pack.indicators, 1))
    noun = CLASS_TITLES[cls].lower()
    return ReportTable(
        f"danh-sach-chi-tiet-{CLASS_SLUGS[cls]}",
        f"DS chi tiết {noun}",
        f"DANH SÁCH CHI TIẾT {noun.upper()}",
        (
            Column(INT, 5, "center"),
            Column(INT, 5, "center"),
            Column(TEXT, 22),
            Column(TEXT, 9),
            Column(YEAR, 6, "center"),
            Column(YEAR, 6, "center"),
            Column(TEXT, 8),
            Column(TEXT, 9),
            Column(TEXT, 5, "center"),
            Column(TEXT, 5, "center"),
            Column(TEXT, 5, "center"),
            Column(TEXT, 14),
            Column(INT, 5, "center"),
            *(Column(TEXT, 5, "center") for _ in codes.needs),
        ),
        header_grid(
            (
                ("STT hộ", 2, 1),
                ("STT thành viên", 2, 1),
                ("Họ và tên", 2, 1),
                ("Mã hộ", 2, 1),
                ("Năm sinh", 1, 2),
                ("Dân tộc", 2, 1),
                ("Quan hệ với chủ hộ", 2, 1),
                ("Thuộc nhóm", 1, 3),
                ("Chỉ số thiếu hụt", 1, 2),
                ("Nhu cầu hỗ trợ", 1, len(codes.needs)),
            ),
            (
                ("Nam", 1, 1),
                ("Nữ", 1, 1),
                ("Hộ DTTS", 1, 1),
                ("Hộ KCKNLĐ", 1, 1),
                ("Chủ hộ nữ", 1, 1),
                ("Các chỉ số", 1, 1),
                ("Số chỉ số", 1, 1),
                *((codes.name("needs", c), 1, 1) for c in codes.needs),
            ),
        ),
        rows,
        notes=(
            "Chỉ số thiếu hụt: " + names + ".",
            "DTTS: dân tộc thiểu số; KCKNLĐ: không có khả năng lao động.",
            "Nhu cầu hỗ trợ theo Phiếu B (x: hộ có nhu cầu).",
        ),
    )


def household_list(source: ReportSource, key: str, sheet: str, title: str) -> ReportTable:
    """One row per poor or near-poor household, poor first, grouped by village."""
    rows: list[Row] = []
    n = 0
    for part, cls in (("I", "poor"), ("II", "near_poor")):
        of = source.of_class(cls)
        rows.append(Row((f"{part}. {CLASS_TITLES[cls].upper()} ({len(of)} hộ)",), GROUP))
        for village, results in _grouped(source, cls):
            rows.append(Row((f"{village} ({len(results)} hộ)",), GROUP))
            for r in results:
                n += 1
                head = r.facts.head
                rows.append(
                    Row(
                        (
                            n,
                            head.name if head else "",
                            r.facts.id,
                            int(head.birth_date[:4]) if head else "",
                            (head.ethnicity or "") if head else "",
                            r.facts.address or village,
                            len(r.facts.members),
                            CLASS_TITLES[cls],
                            len(r.deprived),
                            "",
                        )
                    )
                )
    return ReportTable(
        key,
        sheet,
        title,
        (
            Column(INT, 5, "center"),
            Column(TEXT, 22),
            Column(TEXT, 9),
            Column(YEAR, 7, "center"),
            Column(TEXT, 8),
            Column(TEXT, 24),
            Column(INT, 6, "center"),
            Column(TEXT, 12),
            Column(INT, 8, "center"),
            Column(TEXT, 14),
        ),
        header_grid(
            (
                ("STT", 1, 1),
                ("Họ và tên chủ hộ", 1, 1),
                ("Mã hộ", 1, 1),
                ("Năm sinh chủ hộ", 1, 1),
                ("Dân tộc", 1, 1),
                ("Địa chỉ", 1, 1),
                ("Số nhân khẩu", 1, 1),
                ("Phân loại", 1, 1),
                ("Số chỉ số thiếu hụt", 1, 1),
                ("Ghi chú", 1, 1),
            ),
        ),
        rows,
    )


def final_list(source: ReportSource) -> ReportTable:
    return household_list(
        source,
        "phu-luc-vi-danh-sach-chinh-thuc",
        "Phụ lục VI",
        "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO SAU RÀ SOÁT (PHỤ LỤC VI)",
    )


def posting_list(
    source: ReportSource, postings: Sequence[tuple[str, date, date, str]] = ()
) -> ReportTable:
    """The list posted at the village and the commune office, with the posting periods the
    review recorded (kind, first and last working day, places), or blanks to fill in."""
    table = household_list(
        source,
        "danh-sach-niem-yet",
        "Niêm yết",
        "DANH SÁCH NIÊM YẾT CÔNG KHAI KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO",
    )
    periods = [
        f"Thời gian niêm yết{' lại sau phúc tra' if kind == 'recheck' else ''}: từ ngày "
        f"{first:%d/%m/%Y} đến hết ngày {last:%d/%m/%Y}"
        + (f", tại {places}" if places else "")
        + "."
        for kind, first, last, places in postings
    ]
    table.notes = tuple(periods) or (
        "Thời gian niêm yết: từ ngày …/…/…… đến hết ngày …/…/…… (03 ngày làm việc), tại nhà văn "
        "hóa thôn và trụ sở Ủy ban nhân dân xã.",
    )
    return table
