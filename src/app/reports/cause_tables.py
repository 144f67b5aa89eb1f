"""Table 10 of the report set: poor and near-poor households by cause of poverty (Phiếu B).

Counts households, not causes: a household with two causes counts once under each, so the
cause columns may add up to more than the households; those with no cause recorded yet have a
column of their own, so the officer sees what is still missing. The causes and their order are
those of the code list in force (app/survey_codes.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.reports.features import Features
from app.reports.summary_tables import (
    CLASS_TITLES,
    PLACE,
    STT,
    SummarySource,
    place_rows,
)
from app.reports.table import INT, Column, ReportTable, header_grid
from app.survey_codes import code_list

N = Column(INT, 6)


def causes(source: SummarySource) -> ReportTable:
    codes = code_list()
    causes = codes.causes

    def cells(features: Sequence[Features]) -> list[int | float | None]:
        out: list[int | float | None] = []
        for cls in ("poor", "near_poor"):
            of = [f for f in features if f.cls == cls]
            out.append(len(of))
            out += [sum(1 for f in of if code in f.causes) for code in causes]
            out.append(sum(1 for f in of if not f.causes))
        return out

    names = tuple((f"{i}. {codes.name('causes', code)}", 1, 1) for i, code in enumerate(causes, 1))
    sub = (("Tổng số hộ", 1, 1), *names, ("Chưa ghi nguyên nhân", 1, 1))
    width = len(causes) + 2
    status = "" if codes.verified else " (danh mục chưa được đối chiếu văn bản)"
    return ReportTable(
        "nguyen-nhan-ngheo",
        "Nguyên nhân nghèo",
        "PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NGUYÊN NHÂN NGHÈO",
        (STT, PLACE) + (N,) * (2 * width),
        header_grid(
            (
                ("STT", 2, 1),
                (source.place_title, 2, 1),
                (CLASS_TITLES["poor"], 1, width),
                (CLASS_TITLES["near_poor"], 1, width),
            ),
            sub + sub,
        ),
        place_rows(source, cells),
        notes=(
            "Số hộ theo từng nguyên nhân: một hộ có nhiều nguyên nhân được tính ở mỗi nguyên "
            f"nhân đó. Nguyên nhân theo Phiếu B, danh mục {codes.id} bản {codes.revision}"
            f"{status}.",
        ),
    )
