"""`rasoat import-excel`: preview, errors with rows and columns, matches to decide, mappings."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from models.database import Database
from tests.app import test_import_classify
from tests.app.test_cli import run
from tests.excel_workbooks import household_rows_list


def snapshot(db: Database) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table, less what signing in to the CLI itself writes (the account's
    sign-in record and its audit row): 'imported nothing' means exactly this."""
    out = []
    for table, rows in test_import_classify.snapshot(db):
        if table == "users":
            continue
        if table == "audit_events":
            rows = [r for r in rows if not str(r[3]).startswith("auth.")]
        if table == "settings":  # the audit chain's head moves with the sign-in row
            rows = [r for r in rows if r[0] != "audit.head"]
        out.append((table, rows))
    return out


def test_dry_run_previews_and_imports_nothing(commune_db: Database, tmp_path: Path) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    before = snapshot(commune_db)
    code, out, err = run("--db", str(commune_db.path), "import-excel", str(path), "--dry-run")
    assert code == 0 and err == ""
    assert "tiêu đề ở dòng 6–7, dữ liệu từ dòng 9; danh sách năm 2025: 5 hộ" in out
    assert "Cột F «Số CCCD/CMND» → Số CCCD/CMND" in out
    assert "Dòng 15: bỏ qua (dòng tổng cộng)" in out
    assert "đã khôi phục thành 066084001234" in out
    assert "Chỉ xem trước" in out
    assert snapshot(commune_db) == before


def test_import_then_reimport_needs_decisions(commune_db: Database, tmp_path: Path) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    db = str(commune_db.path)
    code, out, _ = run("--db", db, "import-excel", str(path), "--save-mapping", "ea-lam")
    assert code == 0
    assert "Đã nhập: 0 hộ đủ thông tin, 5 hộ chờ khảo sát" in out
    assert "Đã lưu bảng ghép cột" in out
    before = snapshot(commune_db)
    code, out, err = run("--db", db, "import-excel", str(path), "--mapping", "ea-lam")
    assert code == 1
    assert "Dòng 13: trùng hộ chờ khảo sát DS2025-00004" in out
    assert "--accept-matches" in err
    assert snapshot(commune_db) == before
    code, out, _ = run(
        "--db", db, "import-excel", str(path), "--mapping", "ea-lam", "--accept-matches"
    )
    assert code == 0 and "5 hộ đã có" in out


def test_errors_exit_2_with_row_and_column(commune_db: Database, tmp_path: Path) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    wb = load_workbook(path)
    wb.active["C9"] = "32/13/1984"
    wb.save(path)
    before = snapshot(commune_db)
    code, _, err = run("--db", str(commune_db.path), "--lang", "en", "import-excel", str(path))
    assert code == 2
    assert 'Row 9, column C (Year of birth (male)): "32/13/1984" is not a valid birth date' in err
    assert "nothing was imported" in err
    assert snapshot(commune_db) == before


def test_not_an_excel_file_is_a_clear_error(commune_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = run("--db", str(commune_db.path), "import-excel", str(path))
    assert code == 1 and "Không đọc được «ds.xlsx» như một tệp Excel" in err
