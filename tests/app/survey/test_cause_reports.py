"""Table 10 (households by cause of poverty) and the support-needs columns of the detailed
lists: numbers checked by hand, then read back from the workbook and the PDF of a demo commune
and compared with counts taken straight from the database."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from app.actor import Actor
from app.demo.commune import create_demo
from app.reports import load_source
from app.reports.cause_tables import causes
from app.reports.list_tables import detailed_list
from app.reports.pdf import Stamp, write_tables_pdf
from app.reports.source import Result
from app.reports.table import DATA, TOTAL, format_number
from app.reports.workbook import write_workbook
from app.storage import open_database
from app.survey import SurveyAnswers
from app.survey_codes import code_list
from tests.app.test_reports import source
from tests.builders import household

ACTOR = Actor("officer1", "officer", "Cán bộ Một")
CAUSES = code_list().causes  # no_land, no_capital, no_labour, no_tools, no_knowhow, …
NEEDS = code_list().needs  # health, education, production, credit, housing, other


def result(cls: str | None, village: str, survey: SurveyAnswers, code: str) -> Result:
    facts = household(id=code, village=village)
    return Result(facts, cls, (), "listed", "income", False, 0, survey)


def sample() -> list[Result]:
    return [
        result("poor", "Thôn 1", SurveyAnswers(("no_land", "no_capital"), "no_land"), "A"),
        result("poor", "Thôn 1", SurveyAnswers(("no_capital",), None, ("credit",)), "B"),
        result("poor", "Thôn 2", SurveyAnswers(), "C"),
        result("near_poor", "Thôn 2", SurveyAnswers(("illness",), "illness", ("health",)), "D"),
        # Not on the lists: whatever was recorded does not count.
        result("not_poor", "Thôn 2", SurveyAnswers(("no_land",)), "E"),
    ]


def test_table_10_counts_households_per_cause_and_those_without_one() -> None:
    table = causes(source(*sample()))
    assert table.title == "PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NGUYÊN NHÂN NGHÈO"
    width = len(CAUSES) + 2
    assert len(table.columns) == 2 + 2 * width
    headers = {c.text for c in table.header}
    assert {"1. Thiếu đất sản xuất", "7. Ốm đau, tai nạn", "Chưa ghi nguyên nhân"} <= headers

    def cells(values: tuple[object, ...], cls: int) -> dict[str, object]:
        part = values[2 + cls * width : 2 + (cls + 1) * width]
        return {"total": part[0], **dict(zip(CAUSES, part[1:-1], strict=True)), "none": part[-1]}

    rows = {r.values[1]: r.values for r in table.rows if r.kind in (DATA, TOTAL)}
    one, two, total = rows["Thôn 1"], rows["Thôn 2"], rows["Tổng cộng"]
    assert cells(one, 0) == {
        **dict.fromkeys(CAUSES, 0),
        "total": 2,
        "no_land": 1,
        "no_capital": 2,
        "none": 0,
    }
    assert cells(two, 0) == {**dict.fromkeys(CAUSES, 0), "total": 1, "none": 1}
    assert cells(two, 1) == {**dict.fromkeys(CAUSES, 0), "total": 1, "illness": 1, "none": 0}
    assert cells(total, 0)["no_capital"] == 2 and cells(total, 0)["total"] == 3
    assert cells(total, 1)["total"] == 1 and cells(total, 0)["none"] == 1


def test_detailed_list_marks_the_support_needs_on_the_heads_row() -> None:
    table = detailed_list(source(*sample()), "poor")
    header = [c.text for c in table.header]
    assert "Nhu cầu hỗ trợ" in header and "Vay vốn tín dụng" in header
    first = len(table.columns) - len(NEEDS)
    heads = {r.values[3]: r.values[first:] for r in table.rows if r.kind == DATA and r.values[3]}
    assert heads["B"] == tuple("x" if n == "credit" else "" for n in NEEDS)
    assert heads["A"] == ("",) * len(NEEDS)
    # Other members' rows leave the needs blank.
    others = [r.values[first:] for r in table.rows if r.kind == DATA and not r.values[3]]
    assert others and all(v == ("",) * len(NEEDS) for v in others)


# ---- the files, against the database ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("causes-demo") / "demo.sqlite"
    db = open_database(path)
    create_demo(db, ACTOR, 500, 5, date(2026, 11, 15))
    db.dispose()
    return path


def database_counts(path: Path) -> dict[tuple[str, str], int]:
    """(class, cause or "total" or "none") -> households, straight from the assessments."""
    db = open_database(path)
    out: Counter[tuple[str, str]] = Counter()
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT result_class, causes FROM assessments "
                "WHERE result_class IN ('poor', 'near_poor')"
            )
        )
        for cls, found in rows:
            out[(cls, "total")] += 1
            for code in found.split(",") if found else ["none"]:
                out[(cls, code)] += 1
    db.dispose()
    return out


def test_demo_households_on_the_lists_all_have_causes(demo: Path) -> None:
    counts = database_counts(demo)
    assert counts[("poor", "total")] > 10 and counts[("near_poor", "total")] > 10
    assert counts[("poor", "none")] == counts[("near_poor", "none")] == 0
    assert len({code for (_, code) in counts} - {"total"}) >= 6  # the table is not one column
    db = open_database(demo)
    with db.engine.connect() as conn:
        warned = conn.execute(
            text(
                "SELECT count(*) FROM assessments WHERE causes = '' AND unconfirmed_warnings > 0 "
                "AND result_class IN ('poor', 'near_poor')"
            )
        ).scalar()
        needs = conn.execute(text("SELECT count(*) FROM assessments WHERE support_needs != ''"))
        assert warned == 0 and needs.scalar()
    db.dispose()


def test_workbook_and_pdf_show_the_numbers_of_the_database(demo: Path, tmp_path: Path) -> None:
    db = open_database(demo)
    with db.sessions() as s:
        src = load_source(s)
    db.dispose()
    table = causes(src)
    created = datetime(2026, 11, 20, 9, 30).astimezone()
    book = io.BytesIO()
    write_workbook(book, src, [table, detailed_list(src, "poor")], created, "0" * 64)
    ws = openpyxl.load_workbook(io.BytesIO(book.getvalue()))[table.sheet]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    total = next(row for row in values if row[1] == "Tổng cộng")
    expected = database_counts(demo)
    width = len(CAUSES) + 2
    for k, cls in enumerate(("poor", "near_poor")):
        part = total[2 + k * width : 2 + (k + 1) * width]
        assert part[0] == expected[(cls, "total")]
        assert list(part[1:-1]) == [expected[(cls, code)] for code in CAUSES]
        assert part[-1] == expected[(cls, "none")]
    # Each village's row adds up to the total.
    villages = [row for row in values if isinstance(row[0], int) and row[1] != "Tổng cộng"]
    for col in range(2, 2 + 2 * width):
        assert sum(row[col] or 0 for row in villages) == total[col]

    pdf = tmp_path / "causes.pdf"
    with pdf.open("wb") as out:
        write_tables_pdf(out, src, [table], Stamp(src.place(), "R", "0" * 64, created), "x")
    shown = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NGUYÊN NHÂN NGHÈO" in shown
    row = table.total_row()
    assert row is not None
    cells = [format_number(v, c.kind) for v, c in zip(row.values, table.columns, strict=True)]
    assert re.search(r"\s+".join(re.escape(c) for c in cells if c), shown)


def test_workbook_detailed_list_marks_the_needs_stored(demo: Path) -> None:
    db = open_database(demo)
    with db.sessions() as s:
        src = load_source(s)
    with db.engine.connect() as conn:
        stored = dict(
            conn.execute(
                text(
                    "SELECT h.code, a.support_needs FROM assessments a JOIN households h "
                    "ON h.id = a.household_id WHERE a.result_class = 'poor'"
                )
            ).all()
        )
    db.dispose()
    table = detailed_list(src, "poor")
    book = io.BytesIO()
    write_workbook(book, src, [table], datetime(2026, 11, 20).astimezone(), "0" * 64)
    ws = openpyxl.load_workbook(io.BytesIO(book.getvalue()))[table.sheet]
    first = len(table.columns) - len(NEEDS)
    seen = 0
    for row in ws.iter_rows(values_only=True):
        code = row[3]
        if isinstance(code, str) and code in stored:
            marks = tuple(
                NEEDS[i] for i, v in enumerate(row[first : first + len(NEEDS)]) if v == "x"
            )
            assert set(marks) == set(filter(None, stored[code].split(","))), code
            seen += 1
    assert seen == len(stored) > 0
