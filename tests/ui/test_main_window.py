"""The main window shows where the officer is working: database, standard pack, round."""

from __future__ import annotations

from ui.main_window import MainWindow


def test_status_bar_shows_database_standard_and_round(main_window: MainWindow) -> None:
    status = main_window.status
    assert str(main_window.context.db.path) in status.database.text()
    assert "Chuẩn nghèo đa chiều giai đoạn 2022–2025" in status.standard.text()
    # The 2022–2025 pack has values not yet read in the legal text: flagged, with a tooltip.
    assert "chưa xác minh" in status.standard.text()
    assert "poverty_line" not in status.standard.text()
    assert "Rà soát định kỳ năm 2026" in status.round.text()
    assert "15/11/2026" in status.round.text()
    assert main_window.windowTitle() == "RaSoat — Xã Ea Ly, Tỉnh Đắk Lắk"


def test_draft_standard_is_flagged(main_window: MainWindow) -> None:
    from sqlalchemy import select

    from models import ReviewRound

    with main_window.context.db.sessions.begin() as session:
        session.scalars(select(ReviewRound)).one().standard_id = "VN-MPS-2027-2030"
    main_window.status.refresh()
    assert "DỰ THẢO" in main_window.status.standard.text()
