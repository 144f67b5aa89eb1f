"""Realistic, messy Excel lists as communes keep them, built with openpyxl for the tests.

Modelled on the lists officers actually hand over: a title block merged across the page naming
the (pre-merger) commune, a two-row header with "Năm sinh" merged over "Nam" and "Nữ", a row
numbering the columns, blank lines, totals rows, a signature block, dates typed as text, and
ID numbers stored as numbers that lost their leading zero.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def _put(ws: Worksheet, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, 1):
        if value is not None:
            ws.cell(row=row, column=col, value=value)


def _title_block(ws: Worksheet, commune: str, district_province: str, title: str) -> None:
    ws["A1"] = commune
    ws.merge_cells("A1:D1")
    ws["F1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("F1:K1")
    ws["A2"] = district_province
    ws.merge_cells("A2:D2")
    ws["F2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("F2:K2")
    ws["A4"] = title
    ws.merge_cells("A4:K4")


# STT, head, born (male), born (female), ethnicity, CCCD, village, members, poor, near-poor, note
HOUSEHOLD_ROWS: list[list[Any]] = [
    [1, "Y Bhim Niê", "02/03/1984", None, "Ê Đê", 66084001234, "Buôn Ea Lâm", 4, "x", None, None],
    [2, "H'Mai Êban", None, 1990, "Ê Đê", "066190004321", "Buôn Ea Lâm", 3, None, "x", None],
    None,  # a blank line, as lists often have
    [3, "Nguyễn Văn Hùng", "15-7-1975", None, "Kinh", 54075000111, "Thôn 1", 5, "x", None, "BHYT"],
    [4, "Trần Thị Lan", None, "1968", "Kinh", None, "Thôn 1", 1, None, "x", None],
    [5, "Lê Văn Tám", 1959, None, "Kinh", 54059000222, "thôn 1", 2, "x", None, None],
]


def household_rows_list(path: Path, rows: list[list[Any]] | None = None) -> Path:
    """One row per household: "Danh sách hộ nghèo, hộ cận nghèo năm 2025" of the old Xã Ea Lâm."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "DS ho ngheo 2025"
    _title_block(
        ws,
        "UBND XÃ EA LÂM",
        "HUYỆN SÔNG HINH - TỈNH PHÚ YÊN",
        "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025",
    )
    header = [
        "STT",
        "Họ và tên chủ hộ",
        "Năm sinh",
        None,
        "Dân tộc",
        "Số CCCD/CMND",
        "Thôn, buôn",
        "Số nhân khẩu",
        "Phân loại",
        None,
        "Ghi chú",
    ]
    _put(ws, 6, header)
    _put(ws, 7, [None, None, "Nam", "Nữ", None, None, None, None, "Hộ nghèo", "Hộ cận nghèo"])
    for col in "ABEFGHK":
        ws.merge_cells(f"{col}6:{col}7")
    ws.merge_cells("C6:D6")
    ws.merge_cells("I6:J6")
    _put(ws, 8, [f"({n})" for n in range(1, 12)])
    row = 9
    for values in rows if rows is not None else HOUSEHOLD_ROWS:
        if values is not None:
            _put(ws, row, values)
        row += 1
    _put(ws, row, ["Tổng cộng", None, None, None, None, None, None, 15, 3, 2])
    ws.merge_cells(f"A{row}:B{row}")
    _put(ws, row + 2, [None, "Người lập biểu", None, None, None, None, "TM. UBND XÃ"])
    _put(ws, row + 3, [None, "(Ký, ghi rõ họ tên)", None, None, None, None, "CHỦ TỊCH"])
    wb.save(path)
    return path


def member_rows_list(path: Path) -> Path:
    """One row per person, villages as section rows, "Mã hộ" merged down over each household."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Thanh vien"
    ws["A1"] = "ỦY BAN NHÂN DÂN XÃ EA LY"
    ws["A3"] = "DANH SÁCH THÀNH VIÊN HỘ CẬN NGHÈO NĂM 2025"
    ws.merge_cells("A3:I3")
    _put(
        ws,
        5,
        [
            "STT",
            "Mã hộ",
            "Họ và tên",
            "Quan hệ với chủ hộ",
            "Giới tính",
            "Ngày tháng năm sinh",
            "Số định danh cá nhân",
            "Có thẻ BHYT",
            "Ghi chú",
        ],
    )
    rows: list[list[Any] | str] = [
        "I. Thôn 1",
        [1, "T1-001", "Phạm Văn Nam", "Chủ hộ", "Nam", datetime(1980, 5, 1), "054080000333", "x"],
        [None, None, "Đỗ Thị Hoa", "Vợ", "Nữ", "12.08.1982", "054182000444", "x"],
        [None, None, "Phạm Minh Khôi", "Con trai", "Nam", "3/2015", None, "x"],
        "II. Buôn Ea Kmar",
        [2, "EK-001", "Y Kô Niê", "Chủ hộ", "Nam", "1970", 66070000555, None],
        [None, None, "H'Lê Niê", "Con gái", "Nữ", datetime(2001, 1, 20), None, "có"],
    ]
    row = 6
    for item in rows:
        if isinstance(item, str):
            ws.cell(row=row, column=1, value=item)
            ws.merge_cells(f"A{row}:I{row}")
        else:
            _put(ws, row, item)
        row += 1
    ws.merge_cells("B7:B9")  # the household code merged over the household's three people
    ws.merge_cells("B11:B12")
    _put(ws, row, ["Cộng: 2 hộ, 5 khẩu"])
    wb.save(path)
    return path
