"""Cell values as lists write them: dates as text, IDs that lost their zeros, class words."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.excel.fields import parse_birth, parse_class, parse_id_number
from app.old_admin_units import communes_named, provinces_named

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("cell", "value", "warning"),
    [
        ("02/03/1984", "1984-03-02", None),
        ("2-3-1984", "1984-03-02", None),
        ("02.03.1984", "1984-03-02", None),
        ("1984-03-02", "1984-03-02", None),
        (" 1984 ", "1984", None),
        (1984, "1984", None),
        (1984.0, "1984", None),
        (datetime(1984, 3, 2), "1984-03-02", None),
        (date(1984, 3, 2), "1984-03-02", None),
        ("3/1984", "1984", "excel.value.month_year_only"),
        ("02/03/84", "1984-03-02", "excel.value.two_digit_year"),
        ("02/03/15", "2015-03-02", "excel.value.two_digit_year"),
        (30743, "1984-03-02", "excel.value.date_serial"),
        (None, None, None),
    ],
)
def test_birth_dates(cell: object, value: str | None, warning: str | None) -> None:
    parsed, problem = parse_birth(cell, TODAY)
    assert parsed == value
    assert (problem.code if problem else None) == warning
    if problem:
        assert problem.severity == "warning"


@pytest.mark.parametrize("cell", ["31/02/1984", "1984-13-01", "01/01/2030", "1850", "năm 84", 12.5])
def test_impossible_birth_dates_are_errors(cell: object) -> None:
    parsed, problem = parse_birth(cell, TODAY)
    assert parsed is None and problem is not None and problem.severity == "error"


@pytest.mark.parametrize(
    ("cell", "value", "warning"),
    [
        ("066084001234", "066084001234", None),
        ("066 084 001 234", "066084001234", None),
        (66084001234, "066084001234", "excel.value.id_zero_restored"),  # 1 zero lost
        (1084001234, "001084001234", "excel.value.id_zero_restored"),  # Hà Nội: 2 zeros lost
        (66084001234.0, "066084001234", "excel.value.id_zero_restored"),
        (12345678, "012345678", "excel.value.id_zero_restored"),  # 9-digit CMND
        ("123456789", "123456789", None),
    ],
)
def test_id_numbers(cell: object, value: str, warning: str | None) -> None:
    parsed, problem = parse_id_number(cell)
    assert parsed == value
    assert (problem.code if problem else None) == warning


@pytest.mark.parametrize("cell", ["0661900", "12345", 99999999999, "CCCD 0660", 6.6e10 + 0.5])
def test_bad_id_numbers_are_errors(cell: object) -> None:
    parsed, problem = parse_id_number(cell)
    assert parsed is None and problem is not None and problem.code == "excel.value.bad_id"


def test_class_words() -> None:
    assert parse_class("Hộ nghèo")[0] == "poor"
    assert parse_class("HỘ CẬN NGHÈO")[0] == "near_poor"
    assert parse_class("HCN")[0] == "near_poor"
    assert parse_class("Hộ có mức sống trung bình")[0] == "average"
    _, problem = parse_class("Thoát nghèo")  # ambiguous: the officer decides
    assert problem is not None and problem.code == "excel.value.unknown_class"
    assert parse_class("Thoát nghèo", {"thoat ngheo": "not_poor"})[0] == "not_poor"


def test_old_names_lead_to_todays_commune() -> None:
    # Xã Ea Lâm, Ea Bar (part) and Ea Ly of huyện Sông Hinh, tỉnh Phú Yên -> Xã Ea Ly, Đắk Lắk.
    assert communes_named("Xã Ea Lâm", "Huyện Sông Hinh", "Tỉnh Phú Yên") == {"22237"}
    assert communes_named("ea lam") == {"22237"}
    assert "22237" in communes_named("Xã Ea Bar", "Huyện Sông Hinh", "Tỉnh Phú Yên")
    assert communes_named("Xã Ea Ly") == {"22237"}  # today's name works too
    assert provinces_named("Tỉnh Phú Yên") == {"66"} == provinces_named("Đắk Lắk")
    assert provinces_named("Tỉnh Hà Giang") == {"08"}  # merged into Tuyên Quang
    assert communes_named("Xã Không Có Thật") == frozenset()


def test_old_communes_table_points_only_at_official_communes() -> None:
    from app.admin_units import communes
    from app.old_admin_units import old_communes

    official = {c.code for c in communes()}
    rows = old_communes()
    assert len(rows) > 10_000
    assert {r.new_code for r in rows} == official  # every new commune has its old parts
