"""Importing last year's messy Excel lists: what is read, what is refused, what is imported."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import audit
from app.communes import only_commune
from app.errors import RaSoatError
from app.excel.importing import ExcelInvalid, analyse_excel, import_excel
from app.excel.mapping import ExcelMapping, load_mapping, save_mapping
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.pending_households import complete_survey, pending_draft, pending_list
from app.previous_classes import previous_classes
from app.rounds import current_round
from models import (
    Assessment,
    AuditEvent,
    Household,
    PendingHousehold,
    PreviousClass,
    Village,
)
from models.database import Database
from tests.app.test_import_classify import snapshot
from tests.builders import REFERENCE_DATE, household, member
from tests.conftest import OFFICER
from tests.excel_workbooks import HOUSEHOLD_ROWS, household_rows_list, member_rows_list

TODAY = date(2026, 11, 20)


def analyse(db: Database, path: Path, mapping: ExcelMapping | None = None):  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        return analyse_excel(session, OFFICER, path, mapping, today=TODAY)


def run_import(db: Database, path: Path, mapping=None, decisions=None):  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        return import_excel(session, OFFICER, path, mapping, decisions, today=TODAY)


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_household_rows_list_is_read_as_a_person_would(
    commune_db: Database, tmp_path: Path
) -> None:
    preview = analyse(commune_db, household_rows_list(tmp_path / "ds.xlsx"))
    # Title rows, two header rows ("Năm sinh" over "Nam"/"Nữ") and the "(1) (2) …" row.
    assert (preview.layout.header_first, preview.layout.header_last) == (6, 7)
    assert preview.layout.data_start == 9
    letters = {f: preview.layout.column(i).letter for f, i in preview.fields.items()}
    assert letters["head_name"] == "B"
    assert letters["birth_male"] == "C" and letters["birth_female"] == "D"
    assert letters["id_number"] == "F" and letters["village"] == "G"
    assert letters["mark_poor"] == "I" and letters["mark_near_poor"] == "J"
    assert preview.list_year == 2025
    heads = [h.members[0].data for h in preview.households]
    assert [h["name"] for h in heads] == [
        "Y Bhim Niê",
        "H'Mai Êban",
        "Nguyễn Văn Hùng",
        "Trần Thị Lan",
        "Lê Văn Tám",
    ]
    # Dates typed as text, years as numbers or text; sex from the column holding the birth.
    assert [h["birth_date"] for h in heads] == ["1984-03-02", "1990", "1975-07-15", "1968", "1959"]
    assert [h["sex"] for h in heads] == ["male", "female", "male", "female", "male"]
    # ID numbers stored as numbers lost their leading zero: restored, and flagged.
    assert heads[0]["id_number"] == "066084001234" and heads[2]["id_number"] == "054075000111"
    restored = [p for p in preview.warnings if p.code == "excel.value.id_zero_restored"]
    assert [(p.row, p.column) for p in restored] == [(9, "F"), (12, "F"), (14, "F")]
    assert "066084001234" in restored[0].line("vi") and "Dòng 9, cột F" in restored[0].line("vi")
    assert [h.previous_class for h in preview.households] == [
        "poor",
        "near_poor",
        "poor",
        "near_poor",
        "poor",
    ]
    assert [h.declared_size for h in preview.households] == [4, 3, 5, 1, 2]
    # The blank line is ignored; totals row and signature block are skipped, not households.
    assert preview.skipped == [(15, "totals"), (17, "footer"), (18, "footer")]
    assert preview.errors == []
    # "thôn 1" is the commune's "Thôn 1"; "Buôn Ea Lâm" is new.
    assert preview.new_villages == ["Buôn Ea Lâm"]
    assert preview.complete == [False] * 5  # last year's list gives no indicator facts


def test_old_commune_name_in_the_title_is_accepted(commune_db: Database, tmp_path: Path) -> None:
    """Xã Ea Lâm (huyện Sông Hinh, tỉnh Phú Yên) became part of Xã Ea Ly, Đắk Lắk in 2025."""
    preview = analyse(commune_db, household_rows_list(tmp_path / "ds.xlsx"))
    assert preview.title.commune == "xa ea lam" and preview.title.province == "tinh phu yen"
    assert not [p for p in preview.problems if p.code.startswith("excel.place")]
    assert not [p for p in preview.problems if p.code == "excel.other_commune"]


def test_list_of_another_commune_is_refused_and_nothing_changes(
    commune_db: Database, tmp_path: Path
) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    wb = load_workbook(path)
    wb.active["A1"] = "UBND XÃ CƯ ÊBUR"
    wb.active["A2"] = "THÀNH PHỐ BUÔN MA THUỘT - TỈNH ĐẮK LẮK"
    wb.save(path)
    before = snapshot(commune_db)
    with pytest.raises(ExcelInvalid) as err:
        run_import(commune_db, path)
    codes = [p.code for p in err.value.preview.errors]
    assert codes == ["excel.other_commune"]
    assert "Cư Êbur" in err.value.preview.errors[0].message("vi") or "cu ebur" in (
        err.value.preview.errors[0].message("vi")
    )
    assert snapshot(commune_db) == before


def test_import_keeps_listed_households_pending_and_last_years_class(
    commune_db: Database, tmp_path: Path
) -> None:
    result = run_import(commune_db, household_rows_list(tmp_path / "ds.xlsx"))
    assert (result.created, result.pending, result.matched) == (0, 5, 0)
    assert result.villages_created == ["Buôn Ea Lâm"]
    with commune_db.sessions() as session:
        commune = only_commune(session)
        pending = pending_list(session, commune)
        assert [p.code for p in pending] == [f"DS2025-0000{n}" for n in range(1, 6)]
        assert [p.village for p in pending] == ["Buôn Ea Lâm"] * 2 + ["Thôn 1"] * 3
        assert pending[0].declared_size == 4 and pending[0].members == 1
        draft = pending_draft(session, commune, "DS2025-00001")
        assert draft == {
            "id": "DS2025-00001",
            "village": "Buôn Ea Lâm",
            "area": "rural",
            "members": [
                {
                    "name": "Y Bhim Niê",
                    "relation": "head",
                    "birth_date": "1984-03-02",
                    "sex": "male",
                    "ethnicity": "Ê Đê",
                    "id_number": "066084001234",
                }
            ],
        }
        assert previous_classes(session, commune, 2025) == {
            "DS2025-00001": "poor",
            "DS2025-00002": "near_poor",
            "DS2025-00003": "poor",
            "DS2025-00004": "near_poor",
            "DS2025-00005": "poor",
        }
        # Nothing invented: no household rows and no results in this year's round.
        assert session.scalar(select(func.count()).select_from(Household)) == 0
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
        assert audit.verify(session).ok
        actions = [a for (a,) in session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
        assert actions.count("pending.create") == 5
        assert actions.count("previous_class.record") == 5
        assert actions[-1] == "excel.import"


def test_member_rows_with_sections_merged_codes_and_text_dates(
    commune_db: Database, tmp_path: Path
) -> None:
    preview = analyse(commune_db, member_rows_list(tmp_path / "tv.xlsx"))
    assert preview.errors == []
    assert preview.skipped == [(6, "section"), (10, "section"), (13, "totals")]
    assert preview.codes == ["T1-001", "EK-001"]
    first, second = preview.households
    assert first.village == "Thôn 1" and second.village == "Buôn Ea Kmar"
    assert [m.data["relation"] for m in first.members] == ["head", "spouse", "child"]
    assert [m.data["birth_date"] for m in first.members] == ["1980-05-01", "1982-08-12", "2015"]
    assert [m.data["relation"] for m in second.members] == ["head", "child"]
    assert second.members[0].data["id_number"] == "066070000555"
    assert second.members[1].data["health_insurance"] is True
    # The title says "hộ cận nghèo": every household of the list is near-poor.
    assert [h.previous_class for h in preview.households] == ["near_poor", "near_poor"]
    warnings = {(p.row, p.code) for p in preview.warnings}
    assert (9, "excel.value.month_year_only") in warnings
    assert (11, "excel.value.id_zero_restored") in warnings


def test_reimport_proposes_matches_and_refuses_until_each_is_decided(
    commune_db: Database, tmp_path: Path
) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    run_import(commune_db, path)
    preview = analyse(commune_db, path)
    reasons = [(m.row, m.reason, m.known.kind, m.known.code) for m in preview.matches]
    assert reasons == [
        (9, "id_number", "pending", "DS2025-00001"),
        (10, "id_number", "pending", "DS2025-00002"),
        (12, "id_number", "pending", "DS2025-00003"),
        (13, "name_birth_village", "pending", "DS2025-00004"),
        (14, "id_number", "pending", "DS2025-00005"),
    ]
    before = snapshot(commune_db)
    with pytest.raises(RaSoatError) as err:
        run_import(commune_db, path, decisions={9: True})
    assert err.value.key == "excel.matches_undecided"
    with pytest.raises(RaSoatError) as err:
        run_import(commune_db, path, decisions={m.row: False for m in preview.matches})
    assert err.value.key == "excel.match_must_accept"  # an ID number cannot be someone else
    assert snapshot(commune_db) == before
    result = run_import(commune_db, path, decisions={m.row: True for m in preview.matches})
    assert (result.pending, result.matched, result.previous_classes) == (0, 5, 0)
    assert count(commune_db, PendingHousehold) == 5  # not doubled


def test_rejecting_a_name_match_makes_a_new_household(commune_db: Database, tmp_path: Path) -> None:
    path = household_rows_list(tmp_path / "ds.xlsx")
    run_import(commune_db, path)
    preview = analyse(commune_db, path)
    decisions = {m.row: m.reason != "name_birth_village" for m in preview.matches}
    result = run_import(commune_db, path, decisions=decisions)
    assert (result.pending, result.matched) == (1, 4)
    assert count(commune_db, PendingHousehold) == 6


def _register_household(db: Database) -> None:
    """A surveyed household already in the register: Lê Văn Tám, Thôn 1, CCCD 054059000222."""
    facts = household(
        id="H-TAM",
        members=(
            member(
                name="Lê Văn Tám",
                birth_date="1959-06-01",
                id_number="054059000222",
                employment="self_employed",
            ),
        ),
    )
    with db.sessions.begin() as session:
        commune = only_commune(session)
        review_round = current_round(session, commune)
        document = ExchangeDocument(
            review_round.standard_id, REFERENCE_DATE, commune_ref(commune), [facts]
        )
        import_document(session, OFFICER, document, source="test")


def test_match_with_a_register_household_changes_none_of_its_facts(
    commune_db: Database, tmp_path: Path
) -> None:
    _register_household(commune_db)
    with commune_db.sessions() as session:
        before = session.execute(select(Household.version, Household.floor_area_m2)).all()
    path = household_rows_list(tmp_path / "ds.xlsx")
    preview = analyse(commune_db, path)
    [match] = preview.matches
    assert (match.row, match.reason, match.known.kind, match.known.code) == (
        14,
        "id_number",
        "register",
        "H-TAM",
    )
    result = run_import(commune_db, path, decisions={14: True})
    assert (result.pending, result.matched) == (4, 1)
    with commune_db.sessions() as session:
        assert session.execute(select(Household.version, Household.floor_area_m2)).all() == before
        assert previous_classes(session, only_commune(session))["H-TAM"] == "poor"
        # Last year's list opens this year's round: Lê Văn Tám starts it on the poor list.
        start = session.scalar(
            select(Assessment.start_class).join(Household).where(Household.code == "H-TAM")
        )
        assert start == "poor"


def test_dates_and_ids_that_cannot_be_read_are_errors_with_row_and_column(
    commune_db: Database, tmp_path: Path
) -> None:
    rows = [list(r) if r else r for r in HOUSEHOLD_ROWS]
    rows[0][2] = "31/02/1984"  # no such day
    rows[1][5] = "0661900"  # too short to be a CCCD or a CMND
    rows[3][9] = "x"  # marked both poor and near-poor
    path = household_rows_list(tmp_path / "bad.xlsx", rows)
    before = snapshot(commune_db)
    preview = analyse(commune_db, path)
    lines = [p.line("vi") for p in preview.errors]
    assert lines[0].startswith("Dòng 9, cột C (Năm sinh (nam)): «31/02/1984» không phải ngày sinh")
    assert lines[1].startswith("Dòng 10, cột F (Số CCCD/CMND): Số CCCD/CMND «0661900»")
    assert lines[2] == "Dòng 12: Hộ được đánh dấu cả «hộ nghèo» và «hộ cận nghèo»."
    assert preview.errors[0].line("en").startswith("Row 9, column C (Year of birth (male))")
    with pytest.raises(ExcelInvalid):
        run_import(commune_db, path)
    assert snapshot(commune_db) == before


def _plain_list(path: Path, titles: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ NGHÈO NĂM 2025"])
    ws.append(titles)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_mapping_is_saved_and_reused_when_columns_move(
    commune_db: Database, tmp_path: Path
) -> None:
    first = _plain_list(
        tmp_path / "2025.xlsx",
        ["Họ và tên chủ hộ", "Năm sinh", "Thôn", "Ghi chép thêm"],
        [["Nguyễn Văn An", 1970, "Thôn 1", "A"]],
    )
    preview = analyse(commune_db, first)
    # The officer corrects the guess: the last column is the ID number.
    corrected = dict(preview.fields)
    corrected["id_number"] = 4
    mapping = ExcelMapping(
        {f: preview.layout.column(i).key for f, i in corrected.items()}, list_year=2025
    )
    saved = save_mapping(mapping, "DS Ea Ly")
    assert json.loads(saved.read_text("utf-8"))["columns"]["id_number"] == "ghi chep them"
    # Next year's file has an extra column and another order: titles still find them.
    second = _plain_list(
        tmp_path / "2026.xlsx",
        ["STT", "Ghi chép thêm", "Thôn", "Họ và tên chủ hộ", "Năm sinh"],
        [[1, "054070000999", "Thôn 1", "Nguyễn Văn An", 1970]],
    )
    reused = analyse(commune_db, second, load_mapping("DS Ea Ly"))
    assert reused.errors == []
    assert reused.households[0].members[0].data == {
        "name": "Nguyễn Văn An",
        "relation": "head",
        "birth_date": "1970",
        "id_number": "054070000999",
    }


def test_mapping_that_names_a_missing_column_is_an_error(
    commune_db: Database, tmp_path: Path
) -> None:
    mapping = ExcelMapping(
        columns={"head_name": "ho va ten chu ho", "village": "G", "id_number": "so cmnd cu"}
    )
    preview = analyse(commune_db, household_rows_list(tmp_path / "ds.xlsx"), mapping)
    assert [(p.code, p.params) for p in preview.errors] == [
        ("excel.column_missing", {"column": "so cmnd cu"})
    ]


def test_complete_list_goes_through_the_exchange_import(
    commune_db: Database, tmp_path: Path
) -> None:
    """A list carrying every fact of the exchange format makes real, classified households."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ NĂM 2025 - XÃ EA LY"])
    ws.append([])
    ws.append(
        [
            "Mã hộ",
            "Họ và tên chủ hộ",
            "Ngày sinh",
            "Giới tính",
            "Thôn",
            "Có thẻ BHYT",
            "Việc làm",
            "Trình độ học vấn",
            "Đang đi học",
            "Thu nhập bình quân",
            "Diện tích nhà ở (m2)",
            "Tường bền chắc",
            "Cột bền chắc",
            "Mái bền chắc",
            "Nguồn nước sinh hoạt",
            "Nhà tiêu",
            "Điện thoại",
            "Internet",
            "Phương tiện tiếp cận thông tin",
            "Phân loại",
        ]
    )
    ws.append(
        [
            "A-1",
            "Hoàng Văn Sơn",
            "01/01/1980",
            "Nam",
            "Thôn 1",
            "Có",
            "Tự làm",
            "Trung học phổ thông",
            "Không",
            1_200_000,
            30,
            "Có",
            "Có",
            "Không",
            "Giếng khoan",
            "Tự hoại",
            "Có",
            "Không",
            "Ti vi, Điện thoại thông minh",
            "Hộ cận nghèo",
        ]
    )
    wb.save(tmp_path / "full.xlsx")
    preview = analyse(commune_db, tmp_path / "full.xlsx")
    assert preview.errors == [] and preview.complete == [True]
    result = run_import(commune_db, tmp_path / "full.xlsx")
    assert (result.created, result.pending) == (1, 0)
    with commune_db.sessions() as session:
        h = session.scalar(select(Household))
        assert h.code == "A-1" and h.water_source == "drilled_well"
        assert h.information_devices == "tv,smartphone"
        # In this year's round, which opens on last year's list: near-poor, listed for review.
        [(round_id, start, step)] = session.execute(
            select(Assessment.round_id, Assessment.start_class, Assessment.step).where(
                Assessment.household_id == h.id
            )
        ).all()
        assert round_id == current_round(session, only_commune(session)).id
        assert (start, step) == ("near_poor", "listed")
        assert previous_classes(session, only_commune(session)) == {"A-1": "near_poor"}


def test_surveying_a_pending_household_makes_it_a_household(
    commune_db: Database, tmp_path: Path
) -> None:
    run_import(commune_db, household_rows_list(tmp_path / "ds.xlsx"))
    facts = household(
        id="DS2025-00004",
        village="Thôn 1",
        members=(member(name="Trần Thị Lan", sex="female", birth_date="1968-02-02"),),
    )
    with commune_db.sessions.begin() as session:
        commune = only_commune(session)
        result = complete_survey(session, OFFICER, commune, facts, allow_unconfirmed=True)
        assert result.created and result.evaluation.classification is not None
    with commune_db.sessions() as session:
        codes = [p.code for p in pending_list(session, only_commune(session))]
        assert "DS2025-00004" not in codes and len(codes) == 4
        assert previous_classes(session, only_commune(session))["DS2025-00004"] == "near_poor"
        start, step = session.execute(
            select(Assessment.start_class, Assessment.step)
            .join(Household)
            .where(Household.code == "DS2025-00004")
        ).one()
        assert (start, step) == ("near_poor", "listed")  # surveyed: it now starts the round
        assert session.scalar(select(func.count()).select_from(Village)) == 3
        assert session.scalar(select(func.count()).select_from(PreviousClass)) == 5


def test_a_reviewer_cannot_import_lists(commune_db: Database, tmp_path: Path) -> None:
    from app.errors import PermissionDenied
    from tests.conftest import REVIEWER

    path = household_rows_list(tmp_path / "ds.xlsx")
    before = snapshot(commune_db)
    with pytest.raises(PermissionDenied), commune_db.sessions.begin() as session:
        import_excel(session, REVIEWER, path, today=TODAY)
    assert snapshot(commune_db) == before


def test_a_name_with_digits_is_an_error_not_a_crash(commune_db: Database, tmp_path: Path) -> None:
    rows = [list(r) if r else r for r in HOUSEHOLD_ROWS]
    rows[0][1] = "Y Bhim Niê 2"
    preview = analyse(commune_db, household_rows_list(tmp_path / "bad.xlsx", rows))
    assert [(p.row, p.code) for p in preview.errors] == [(9, "excel.value.name_digits")]


def test_a_list_of_this_years_round_is_not_its_opening_list(
    commune_db: Database, tmp_path: Path
) -> None:
    _register_household(commune_db)
    path = household_rows_list(tmp_path / "ds.xlsx")
    result = run_import(commune_db, path, ExcelMapping(list_year=2026), {14: True})
    assert result.matched == 1
    with commune_db.sessions() as session:
        assert previous_classes(session, only_commune(session), 2026)["H-TAM"] == "poor"
        start = session.scalar(
            select(Assessment.start_class).join(Household).where(Household.code == "H-TAM")
        )
        assert start is None
