"""Movement tables (reports 2 and 3): start of the round, decreases, increases, end, per village,
households and members, from app/movements.py (end = start − decreases + increases)."""

from __future__ import annotations

from app.i18n import tr
from app.movements import COLUMNS, DECREASES, INCREASES, column_label, movement_table
from app.reports.source import ReportSource
from app.reports.summary_tables import CLASS_SHORT, CLASS_SLUGS, PLACE, STT, N
from app.reports.table import TEXT, TOTAL, Column, ReportTable, Row, header_grid


class Unbalanced(AssertionError):
    """A movement row whose end is not start − decreases + increases: a bug, never shown."""


def movements(source: ReportSource, list_class: str) -> ReportTable:
    table = movement_table(source.movements, list_class, order=source.villages)
    if not table.balanced:
        raise Unbalanced(list_class)
    counted = {row.group: row for row in table.rows}
    rows: list[Row] = []
    for n, village in enumerate(source.villages, 1):
        row = counted.get(village)
        households = row.households.values() if row else (0,) * len(COLUMNS)
        members = row.members.values() if row else (0,) * len(COLUMNS)
        rows.append(Row((n, village, "Hộ", *households)))
        rows.append(Row(("", "", "Nhân khẩu", *members)))
    rows.append(Row(("", "Tổng cộng", "Hộ", *table.total.households.values()), TOTAL))
    rows.append(Row(("", "", "Nhân khẩu", *table.total.members.values()), TOTAL))

    def label(column: str) -> str:
        return column_label(list_class, column)

    notes = ["Cuối kỳ = đầu kỳ − giảm + tăng (kiểm tra cho từng dòng)."]
    if not source.all_decided:
        notes.append(
            "Số liệu tạm tính: hộ chưa có quyết định của Chủ tịch UBND xã được tính theo kết quả "
            "rà soát đề xuất."
        )
    return ReportTable(
        f"dien-bien-{CLASS_SLUGS[list_class]}",
        f"Diễn biến {CLASS_SHORT[list_class]}",
        tr(f"movement.{list_class}.title"),
        (STT, PLACE, Column(TEXT, 8), *(N for _ in COLUMNS)),
        header_grid(
            (
                ("STT", 2, 1),
                ("Thôn, bản, tổ dân phố", 2, 1),
                ("Phân tổ", 2, 1),
                (label("start"), 2, 1),
                ("Giảm", 1, len(DECREASES)),
                ("Tăng", 1, len(INCREASES)),
                (label("end"), 2, 1),
            ),
            tuple((label(c), 1, 1) for c in (*DECREASES, *INCREASES)),
        ),
        rows,
        notes=tuple(notes),
    )
