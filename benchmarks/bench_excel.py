"""Excel import: a large member-level list, against a raw openpyxl read of the same sheet.

The sheet is last year's list of a big commune as officers keep it: one row per person, village
heading rows, a household code column, dates typed as text, ID numbers stored as numbers. The
baseline reads every cell with openpyxl's read-only mode and does nothing else; the analysis
reads the same cells and also finds the header, parses every value, groups households, checks
ID numbers and matches against the database; the import then writes pending households and
last year's classes.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from app.actor import Actor
from app.communes import VillageSpec, create_commune
from app.excel.importing import analyse_excel, import_excel
from app.storage import open_database

REFERENCE = date(2026, 11, 15)
TODAY = date(2026, 11, 20)
ACTOR = Actor("bench", "officer")
VILLAGES = [f"Thôn {n}" for n in range(1, 13)]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Y", "H'"]
GIVEN = ["Văn An", "Thị Bình", "Minh Khôi", "Thị Lan", "Văn Hùng", "Bhim Niê", "Mai Êban"]
RELATIONS = ["Vợ", "Con", "Con", "Mẹ", "Cháu"]


def write_list(path: Path, households: int, seed: int = 1) -> int:
    """The sheet (write-only mode); returns its number of person rows."""
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DS 2025")
    ws.append(["UBND XÃ EA LY"])
    ws.append(["DANH SÁCH THÀNH VIÊN HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Mã hộ",
            "Họ và tên",
            "Quan hệ với chủ hộ",
            "Giới tính",
            "Ngày tháng năm sinh",
            "Số định danh cá nhân",
            "Phân loại",
            "Ghi chú",
        ]
    )
    people = 0
    per_village = -(-households // len(VILLAGES))
    for n in range(households):
        if n % per_village == 0:
            ws.append([f"{n // per_village + 1}. {VILLAGES[n // per_village]}"])
        code = f"H{n + 1:06d}"
        cls = "Hộ nghèo" if rng.random() < 0.6 else "Hộ cận nghèo"
        for m in range(rng.randint(1, 5)):
            year = rng.randint(1950, 2000) if m == 0 else rng.randint(1950, 2024)
            sex = rng.choice(["Nam", "Nữ"])
            digit = (0 if year < 2000 else 2) + (sex == "Nữ")
            number = int(f"066{digit}{year % 100:02d}{n * 8 + m:06d}")  # lost its zero
            ws.append(
                [
                    n + 1 if m == 0 else None,
                    code,
                    f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}",
                    "Chủ hộ" if m == 0 else rng.choice(RELATIONS),
                    sex,
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                    number,
                    cls if m == 0 else None,
                    None,
                ]
            )
            people += 1
    ws.append(["Tổng cộng", f"{households} hộ"])
    wb.save(path)
    return people


def raw_read(path: Path) -> int:
    """The baseline: every cell value of the sheet, read-only mode, nothing else."""
    wb = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in wb.active.iter_rows(values_only=True):
        cells += len(row)
    wb.close()
    return cells


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[tuple[float, float], Any]:
    """((wall, CPU) seconds, result): CPU time is the steadier figure on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args, **kw)
    return (time.perf_counter() - wall, time.process_time() - cpu), value


def both(t: tuple[float, float]) -> str:
    return f"{t[0]:.2f} / {t[1]:.2f} s"


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    count = min(households, 10_000)  # a big commune's list; 50,000 people rows at most
    path = workdir / "danh-sach.xlsx"
    t_write, people = timed(write_list, path, count)
    report.add(f"write the test sheet ({count} households, {people} rows)", both(t_write))
    db = open_database(workdir / "bench.sqlite")
    with db.sessions.begin() as session:
        create_commune(
            session,
            ACTOR,
            "22237",
            [VillageSpec(v) for v in VILLAGES],
            REFERENCE,
            "VN-MPS-2022-2025",
        )
    t_raw, cells = timed(raw_read, path)
    report.add(f"raw baseline: openpyxl read-only read of {cells} cells", both(t_raw))
    with db.sessions() as session:
        t_analyse, preview = timed(analyse_excel, session, ACTOR, path, today=TODAY)
    assert not preview.errors and len(preview.households) == count, preview.errors[:3]
    report.add(
        "analyse (read, parse, group, check, match), wall / CPU",
        both(t_analyse),
        f"{t_analyse[1] / t_raw[1]:.2f}× raw read (CPU)",
    )
    with db.sessions.begin() as session:
        t_import, result = timed(import_excel, session, ACTOR, path, today=TODAY)
    assert result.pending == count
    report.add(
        "import (analysis again, under the write lock, + write), wall / CPU",
        both(t_import),
        f"{t_import[1] / t_raw[1]:.2f}× raw read (CPU)",
    )
    db.dispose()
