"""Consolidated reports on SQLite and PostgreSQL: a row per commune that equals the commune's own
report total, province subtotals, the chart, read back from the workbook and the PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.demo.households import generate
from app.errors import RaSoatError
from app.exchange.read import parse_structure
from app.office.consolidated_reports import consolidate
from app.office.consolidation import available_rounds, load_consolidation
from app.office.rate_chart import _scale, bars
from app.office.setup import set_up_office
from app.reports import place_tables
from app.reports.source import CommuneInfo, ReportSource, Result, RoundInfo
from app.reports.table import GROUP, SUBTOTAL, TOTAL
from app.standards import get_pack
from models import Assessment, Household
from models.database import Database
from tests.app.office.conftest import HA_NOI, OFFICE, A, minutes, take, trust
from tests.conftest import ADMIN
from tests.office_factory import REFERENCE, STANDARD, CommuneSigner, data_of


def own_report(path: Path) -> ReportSource:
    """The commune's own report source for the package's data, as the commune computes it."""
    doc = parse_structure(data_of(path))
    results = tuple(
        Result(h, s["class"], tuple(s["deprived"]), "none", "income")
        for h, s in zip(doc.households, doc.statuses, strict=True)
    )
    return ReportSource(
        CommuneInfo(doc.commune.code, doc.commune.name, "66", doc.commune.province_name),
        RoundInfo(1, "periodic", "R", 2026, None, REFERENCE, STANDARD, "open"),
        get_pack(STANDARD),
        tuple(sorted({h.village for h in doc.households})),
        results,
    )


def test_each_commune_row_equals_the_communes_own_report_total(
    office_db: Database, two_communes: tuple[Path, Path]
) -> None:
    with office_db.sessions() as session:
        source = load_consolidation(session)
    consolidated = place_tables(source)
    for path in two_communes:
        own = place_tables(own_report(path))
        name = own_report(path).commune.name
        for mine, theirs in zip(consolidated, own, strict=True):
            if mine.key == "dan-toc":  # by ethnicity, not by place: checked below
                continue
            row = next(r for r in mine.rows if r.values[1] == name)
            total = theirs.total_row()
            assert total is not None
            assert row.values[2:] == total.values[2:], (mine.key, name)
    # The province totals are the sum of both communes, every class and every indicator.
    together = ReportSource(
        own_report(two_communes[0]).commune,
        own_report(two_communes[0]).round,
        get_pack(STANDARD),
        (),
        own_report(two_communes[0]).results + own_report(two_communes[1]).results,
    )
    for mine, theirs in zip(consolidated, place_tables(together), strict=True):
        assert mine.total_row() == theirs.total_row(), mine.key


def test_reports_are_written_and_read_back(
    office_db: Database, two_communes: tuple[Path, Path], tmp_path: Path
) -> None:
    with office_db.sessions.begin() as session:
        files = consolidate(session, OFFICE, tmp_path)
    assert (files.communes, files.households) == (2, 105)
    assert files.workbook.name == "tong-hop-66-2026.xlsx"
    book = load_workbook(files.workbook, read_only=True)
    assert "Kết quả theo xã" in book.sheetnames and "Biểu đồ tỷ lệ nghèo" in book.sheetnames
    with office_db.sessions() as session:
        results = place_tables(load_consolidation(session))[0]
    sheet = book["Kết quả theo xã"]
    values = [
        tuple(c for c in row if c is not None)
        for row in sheet.iter_rows(values_only=True)
        if len(row) > 1 and row[1] in ("Tổng cộng", *(r.values[1] for r in results.data_rows()))
    ]
    expected = [tuple(v for v in r.values if v != "") for r in results.rows]
    assert [v[-12] for v in values] == [e[-12] for e in expected]  # the names
    assert [v[-11:] for v in values] == [pytest.approx(e[-11:]) for e in expected]
    text = pdf_text(files.pdf)
    assert "TỶ LỆ HỘ NGHÈO, HỘ CẬN NGHÈO THEO XÃ, PHƯỜNG" in text
    assert "DANH SÁCH XÃ, PHƯỜNG VÀ GÓI DỮ LIỆU ĐÃ TỔNG HỢP" in text
    for name in (r.values[1] for r in results.data_rows()):
        assert name in text
    assert "Dấu vân tay tổng hợp: " + files.fingerprint in text
    fonts = subprocess.run(["pdffonts", str(files.pdf)], capture_output=True, text=True).stdout
    assert "Helvetica" not in fonts and all(" yes " in line for line in fonts.splitlines()[2:])


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed (listed in .ci/apt.d/package.txt)")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return out.stdout


def test_superseded_package_is_not_in_the_figures(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    trust(office_db, signer_pool[A])
    take(office_db, make_package(signer_pool[A], 50, seed=1))
    newer = make_package(signer_pool[A], 20, seed=2, created=minutes(9), folder="later")
    take(office_db, newer)
    with office_db.sessions() as session:
        source = load_consolidation(session)
    assert len(source.features) == 20
    total = place_tables(source)[0].total_row()
    own = place_tables(own_report(newer))[0].total_row()
    assert total is not None and own is not None and total.values[2:] == own.values[2:]


def test_several_provinces_get_headings_and_subtotals(
    any_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from app.users import create_user, has_users
    from tests.conftest import TEST_PASSWORD

    with any_db.sessions.begin() as session:
        if has_users(session):
            create_user(session, ADMIN, OFFICE.username, TEST_PASSWORD, "office")
        set_up_office(session, ADMIN, "Bộ Nông nghiệp và Môi trường")  # every province
    trust(any_db, signer_pool[A], signer_pool[HA_NOI])
    take(any_db, make_package(signer_pool[A], 10), make_package(signer_pool[HA_NOI], 7))
    with any_db.sessions() as session:
        source = load_consolidation(session)
    table = place_tables(source)[0]
    kinds = [(r.kind, r.values[0] if r.kind == GROUP else r.values[1]) for r in table.rows]
    assert kinds[0] == (GROUP, "Thành phố Hà Nội")  # province code 01 before 66
    assert (SUBTOTAL, "Cộng Thành phố Hà Nội") in kinds
    assert (SUBTOTAL, "Cộng Tỉnh Đắk Lắk") in kinds
    assert kinds[-1] == (TOTAL, "Tổng cộng")
    subtotals = [r.values[2] for r in table.rows if r.kind == SUBTOTAL]
    assert subtotals == [7, 10] and table.total_row().values[2] == 17  # type: ignore[union-attr]


def test_rounds_are_offered_newest_first_and_an_unknown_one_is_refused(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from datetime import date

    trust(office_db, signer_pool[A])
    take(
        office_db,
        make_package(signer_pool[A], 5),
        make_package(
            signer_pool[A], 6, kind="in_year", month=3, reference=date(2027, 3, 15), folder="m"
        ),
    )
    with office_db.sessions() as session:
        rounds = available_rounds(session)
        assert [(r.key, r.communes, r.households) for r in rounds] == [
            ("2027t03", 1, 6),
            ("2026", 1, 5),
        ]
        assert len(load_consolidation(session).features) == 6  # the newest by default
        assert len(load_consolidation(session, "2026").features) == 5
        with pytest.raises(RaSoatError) as err:
            load_consolidation(session, "2025")
    assert "2027t03, 2026" in err.value.message("vi")


def test_nothing_to_consolidate_is_said_plainly(office_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with office_db.sessions.begin() as session, pytest.raises(RaSoatError) as err:
        consolidate(session, OFFICE, out)
    assert err.value.key == "consolidate.nothing"
    assert not out.exists()


def test_chart_orders_communes_by_poverty_and_scales_its_axis(
    office_db: Database, two_communes: tuple[Path, Path]
) -> None:
    with office_db.sessions() as session:
        source = load_consolidation(session)
    drawn = bars(source)
    assert [b.poor for b in drawn] == sorted((b.poor for b in drawn), reverse=True)
    for b in drawn:
        commune = next(c for c in source.communes if c.name == b.name)
        assert b.poor == commune.count("poor") / len(commune.features)
    assert _scale(0.073) == (0.08, 0.02)
    assert _scale(0.31) == pytest.approx((0.35, 0.05))
    assert _scale(0.0) == (0.02, 0.02)


def test_the_chairmans_decision_is_what_is_counted(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    from tests.office_factory import statuses

    households = list(generate(60, 21, REFERENCE))
    classes = [s["class"] for s in statuses(households)]
    poor = [h.id for h, c in zip(households, classes, strict=True) if c == "poor"]
    other = [h.id for h, c in zip(households, classes, strict=True) if c == "not_poor"]
    assert len(poor) >= 2 and other
    # One poor household decided onto no list, one not-poor household decided poor.
    decisions = {poor[0]: "none", poor[1]: "poor", other[0]: "poor"}
    trust(office_db, signer_pool[A])
    take(office_db, make_package(signer_pool[A], households, decided=decisions))
    with office_db.sessions() as session:
        source = load_consolidation(session)
        stored = dict(
            session.execute(select(Household.code, Assessment.decided_class).join(Assessment)).all()
        )
    counted = Counter(f.cls for f in source.features)
    assert counted["poor"] == len(poor) - 1 + 1
    assert counted["not_poor"] == classes.count("not_poor") - 1 + 1
    assert stored[poor[0]] == "none" and stored[other[0]] == "poor"
    assert sum(1 for v in stored.values() if v is None) == 57


def test_a_long_chart_breaks_across_pages_above_the_footer(
    office_db: Database, two_communes: tuple[Path, Path], tmp_path: Path
) -> None:
    """A province of 130 communes: every commune's bar is drawn once, and no bar (nor the axis
    under it) runs into the footer band with the page number and the QR code."""
    import dataclasses
    import re

    from reportlab.lib.pagesizes import A4, landscape

    from app.office.consolidated_reports import write_consolidated
    from app.reports.pdf import FOOTER_BAND, MARGIN

    with office_db.sessions() as session:
        source = load_consolidation(session)
    base = source.communes[0]
    many = tuple(
        dataclasses.replace(base, code=f"9{i:04d}", name=f"Xã Thử {i:03d}") for i in range(130)
    )
    source = dataclasses.replace(source, communes=many)
    files = write_consolidated(source, tmp_path)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(files.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    height = landscape(A4)[1]
    footer_top = MARGIN + FOOTER_BAND - 14  # PageCanvas.content_bottom, in PDF coordinates
    seen: Counter[str] = Counter()
    for page in html.split("<page ")[1:]:
        words = re.findall(r'yMax="([\d.]+)">([^<]*)</word>', page)
        texts = [w for _, w in words]
        if "chung:" not in texts:
            continue  # not a chart page (its legend names the province's rate "chung")
        for i, (y_max, word) in enumerate(words):
            if word == "Thử":
                seen[words[i + 1][1]] += 1
                assert height - float(y_max) > footer_top
            if word == "%":
                assert height - float(y_max) > footer_top
    assert sorted(seen) == [f"{i:03d}" for i in range(130)]
    assert set(seen.values()) == {1}
