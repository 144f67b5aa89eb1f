"""One household's review read back for the editor: its applications, its Phiếu A and its steps;
the Phiếu A form from the pack; an application refused in a closed round, nothing changed."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import update

from app.errors import PermissionDenied, WorkflowError
from app.standards import get_pack
from app.workflow.household_review import household_review
from app.workflow.listing import record_opening_lists, register_application
from app.workflow.phieu_a import phieu_a_form
from app.workflow.review_actions import screen
from models import ReviewRound
from models.database import Database
from tests.app.workflow.helpers import D, not_poor, poor, save, the_round
from tests.conftest import CHAIRMAN, OFFICER, REVIEWER
from tests.snapshot import db_snapshot


@pytest.fixture
def applied(commune_db: Database) -> Database:
    """A1 and A2 hand in Mẫu 01 to be recognised poor; P1 is carried on the poor list."""
    save(commune_db, poor("A1"), not_poor("A2"), poor("P1"))
    with commune_db.sessions.begin() as s:
        r = the_round(s)
        record_opening_lists(s, OFFICER, r, {"P1": "poor"})
        for code in ("A1", "A2"):
            register_application(
                s, REVIEWER, r, code, "01", D("2026-09-05"), f"Chủ hộ {code}", "poor",
                reason="Chồng ốm dài ngày, mất sức lao động", id_number="066084001234",
            )  # fmt: skip
    return commune_db


def review(db: Database, code: str):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return household_review(s, the_round(s), code)


def test_a_registered_application_is_read_back_with_its_step(applied: Database) -> None:
    r = review(applied, "A1")
    assert (r.step, r.basis, r.track) == ("listed", "application", "standard")
    assert r.step_on == D("2026-09-05")
    assert r.awaits_screening and r.round_open and r.screening is None
    (application,) = r.applications
    assert application == r.current_application
    assert (application.form, application.filed_on, application.applicant_name) == (
        "01", D("2026-09-05"), "Chủ hộ A1"
    )  # fmt: skip
    assert application.reason == "Chồng ốm dài ngày, mất sức lao động"
    assert (application.requested_class, application.id_number) == ("poor", "066084001234")
    assert application.status_label() == "Đã tiếp nhận" and application.phieu_a_count is None
    (step,) = r.steps
    assert (step.action, step.from_step, step.to_step, step.on) == (
        "list", "none", "listed", D("2026-09-05")
    )  # fmt: skip
    assert step.actor == "Rà soát viên Một (reviewer1)"
    assert step.move() == "Không trong diện rà soát → Có tên trong danh sách rà soát"


def test_phieu_a_results_are_read_back(applied: Database) -> None:
    with applied.sessions.begin() as s:
        screen(s, REVIEWER, the_round(s), "A1", D("2026-09-10"), criteria=[1, 4, 7])
        screen(s, REVIEWER, the_round(s), "A2", D("2026-09-10"), criteria=[2, 3, 5, 9])
    go, stop = review(applied, "A1"), review(applied, "A2")
    assert (go.step, stop.step) == ("screened", "not_eligible")
    assert go.applications[0].phieu_a_criteria == (1, 4, 7)
    assert go.applications[0].status_label() == "Đã nhận diện nhanh (Phiếu A): tiếp tục rà soát"
    assert stop.applications[0].phieu_a_count == 4
    assert stop.applications[0].status == "screened_out"
    assert stop.not_eligible_reason == (
        "Phiếu A có 4 tiêu chí (từ 4 tiêu chí trở lên thì dừng rà soát)."
    )
    assert stop.screening is not None and stop.screening.details["criteria"] == [2, 3, 5, 9]
    assert not go.awaits_screening and [s.action for s in go.steps] == ["list", "screen"]


def test_a_household_outside_the_review_reads_as_none(applied: Database) -> None:
    r = review(applied, "P1")
    assert (r.step, r.basis, r.applications, r.current_application) == ("listed", "list", (), None)
    save(applied, poor("N1"))
    r = review(applied, "N1")
    assert (r.step, r.steps, r.applications) == ("none", (), ())
    assert review(applied, "NOPE").step == "none"


def test_an_application_in_a_closed_round_is_refused_and_nothing_changes(
    applied: Database,
) -> None:
    with applied.sessions.begin() as s:
        s.execute(update(ReviewRound).values(status="closed"))
    before = db_snapshot(applied)
    with pytest.raises(WorkflowError) as err, applied.sessions.begin() as s:
        register_application(s, REVIEWER, the_round(s), "P1", "04", D("2026-09-06"), "Chủ hộ P1")
    assert err.value.message() == "Đợt «Rà soát định kỳ năm 2026» đã đóng."
    assert db_snapshot(applied) == before
    assert not review(applied, "A1").round_open


def test_a_chairman_cannot_register_an_application(applied: Database) -> None:
    before = db_snapshot(applied)
    with pytest.raises(PermissionDenied), applied.sessions.begin() as s:
        register_application(s, CHAIRMAN, the_round(s), "P1", "04", D("2026-09-06"), "Chủ hộ P1")
    assert db_snapshot(applied) == before


def test_the_phieu_a_form_numbers_the_slots_whose_wording_is_unknown() -> None:
    form = phieu_a_form(get_pack("VN-MPS-2022-2025"))
    assert form.threshold == 4 and [c.no for c in form.criteria] == list(range(1, 10))
    assert not form.wording_known and not any(c.verified for c in form.criteria)
    assert form.criteria[0].label() == "Tiêu chí 01"
    assert form.criteria[8].label("en") == "Criterion 09"
    assert not form.stops_review(3) and form.stops_review(4)
    assert form.verdict([1, 2, 3]) == (
        "3 tiêu chí — dưới 4: tiếp tục rà soát (khảo sát bằng Phiếu B)"
    )
    assert form.verdict([1, 2, 3, 9, 9]) == (
        "4 tiêu chí — 4 tiêu chí trở lên: không tiếp tục rà soát"
    )


def test_a_pack_with_the_official_wording_shows_it() -> None:
    pack = get_pack("VN-MPS-2022-2025")
    worded = [
        {**c, "text": {"vi": f"Nội dung {c['no']}", "en": None}, "status": "verified"}
        for c in pack.phieu_a_criteria
    ]
    form = phieu_a_form(dataclasses.replace(pack, phieu_a_criteria=tuple(worded)), "en")
    assert form.wording_known and form.criteria[2].verified
    assert form.criteria[2].label() == "03. Nội dung 3"  # English falls back to Vietnamese
