"""Hostile and broken Excel lists: missing columns, extra columns, broken files and a
decompression bomb. Each is refused with a clear Vietnamese message (or, for extra columns,
imported exactly as without them) and the database is left as it was."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from app.cli import main
from app.errors import RaSoatError
from app.excel.importing import ExcelInvalid, analyse_excel, import_excel_into
from models.database import Database
from tests.conftest import TESTER
from tests.dbstate import file_state

TODAY = date(2026, 11, 20)
BASE: dict[str, list[Any]] = {
    "STT": [1, 2, 3],
    "Họ và tên chủ hộ": ["Y Bhim Niê", "Trần Thị Lan", "Lê Văn Tám"],
    "Năm sinh": [1984, 1968, 1959],
    "Giới tính": ["Nam", "Nữ", "Nam"],
    "Số CCCD/CMND": ["066084001234", "054168000333", "054059000222"],
    "Thôn, buôn": ["Thôn 1", "Thôn 1", "Khu phố Chợ"],
}


def workbook(path: Path, columns: dict[str, list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "UBND XÃ EA LY"
    ws["A3"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"
    for col, (header, values) in enumerate(columns.items(), 1):
        ws.cell(5, col, header or None)
        for row, value in enumerate(values, 6):
            ws.cell(row, col, value)
    wb.save(path)
    return path


def without(name: str) -> dict[str, list[Any]]:
    return {k: v for k, v in BASE.items() if k != name}


def preview(db: Database, path: Path) -> Any:
    with db.sessions() as session:
        return analyse_excel(session, TESTER, path, today=TODAY)


def refused(db: Database, path: Path) -> RaSoatError:
    assert db.path is not None
    before = file_state(db.path)
    with pytest.raises(RaSoatError) as err:
        import_excel_into(db, TESTER, path)
    assert file_state(db.path) == before
    return err.value


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_complete_control_list_has_no_errors(commune_db: Database, tmp_path: Path) -> None:
    found = preview(commune_db, workbook(tmp_path / "ds.xlsx", BASE))
    assert found.errors == []
    assert [h.members[0].data["name"] for h in found.households] == BASE["Họ và tên chủ hộ"]


def test_missing_name_column_is_refused(commune_db: Database, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ds.xlsx", without("Họ và tên chủ hộ"))
    err = refused(commune_db, path)
    assert isinstance(err, ExcelInvalid)
    assert [p.code for p in err.preview.errors] == ["excel.no_name_column"]
    assert "cột họ tên" in err.preview.errors[0].line("vi")
    code, _, text = run("--db", str(commune_db.path), "import-excel", str(path))
    assert code == 2 and "cột họ tên" in text


def test_missing_village_column_names_every_row(commune_db: Database, tmp_path: Path) -> None:
    err = refused(commune_db, workbook(tmp_path / "ds.xlsx", without("Thôn, buôn")))
    assert isinstance(err, ExcelInvalid)
    lines = [p.line("vi") for p in err.preview.errors]
    assert [line.split(":")[0] for line in lines] == ["Dòng 6", "Dòng 7", "Dòng 8"]
    assert all("thôn" in line for line in lines)


def test_extra_columns_are_ignored(commune_db: Database, tmp_path: Path) -> None:
    plain = preview(commune_db, workbook(tmp_path / "plain.xlsx", BASE))
    extra = {
        **BASE,
        "Cột lạ": ["=1/0", "#REF!", None],
        "": ["không tiêu đề", 42, "x"],
        "Người nhập liệu": ["Cán bộ A", "Cán bộ B", "Cán bộ A"],
    }
    found = preview(commune_db, workbook(tmp_path / "extra.xlsx", extra))
    assert found.errors == []
    assert found.fields == plain.fields
    assert [h.members[0].data for h in found.households] == [
        h.members[0].data for h in plain.households
    ]


def test_an_empty_sheet_is_a_clear_error(commune_db: Database, tmp_path: Path) -> None:
    err = refused(commune_db, workbook(tmp_path / "empty.xlsx", {}))
    assert err.message("vi")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"STT;Ho ten\n1;A\n",  # a CSV renamed .xlsx
        b"PK\x03\x04" + b"\x00" * 100,  # a zip header and nothing else
    ],
    ids=["empty", "csv", "broken-zip"],
)
def test_not_an_xlsx_is_a_clear_error(commune_db: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(content)
    err = refused(commune_db, path)
    assert err.key == "excel.not_xlsx" and "Excel" in err.message("vi")


def test_truncated_xlsx_is_a_clear_error(commune_db: Database, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ds.xlsx", BASE)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert refused(commune_db, path).key == "excel.not_xlsx"


def test_decompression_bomb_is_refused_before_inflating(
    commune_db: Database, tmp_path: Path
) -> None:
    good = workbook(tmp_path / "good.xlsx", BASE)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # 64 MB of blanks in the sheet
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20), 1)
            dst.writestr(item, data)
    assert path.stat().st_size < 1 << 20
    err = refused(commune_db, path)
    assert err.key == "excel.bomb" and "tệp nén độc hại" in err.message("vi")
