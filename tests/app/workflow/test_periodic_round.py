"""A periodic round walked through end to end: listed → Phiếu A → Phiếu B → village meeting →
posting → complaint and re-check → final list → upper-level opinion → chairman's decision →
certificate; and "not eligible" with its reason; the average-household track beside it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import audit
from app.errors import PermissionDenied
from app.movements import movement_table, round_movements
from app.rounds import create_round
from app.workflow.decisions import certify, decide, final_list, upper_opinion
from app.workflow.history import household_history
from app.workflow.listing import record_opening_lists, register_application
from app.workflow.meetings import GroupVote, record_meeting
from app.workflow.postings import complain, post, recheck
from app.workflow.review_actions import screen, survey
from app.workflow.steps import StepsRefused
from models import Application, Assessment, AssessmentStep, Complaint, Household
from models.database import Database
from tests.app.workflow.helpers import D, average_farm, not_poor, poor, save, the_round
from tests.conftest import CHAIRMAN, OFFICER, REVIEWER
from tests.snapshot import db_snapshot


def steps(db: Database) -> dict[str, str]:
    with db.sessions() as s:
        rows = s.execute(
            select(Household.code, Assessment.step)
            .join(Household)
            .where(Assessment.round_id == the_round(s).id, Assessment.basis.is_not(None))
        ).all()
    return dict(rows)


def refused(db: Database, fn: object, actor: object, *args: object, **kw: object) -> str:
    """Call `fn(session, actor, round, *args)`, which must be refused; check that nothing
    changed; return the reason."""
    before = db_snapshot(db)
    with pytest.raises((StepsRefused, PermissionDenied)) as err, db.sessions.begin() as s:
        fn(s, actor, the_round(s), *args, **kw)  # type: ignore[operator]
    assert db_snapshot(db) == before
    return err.value.message()


@pytest.fixture
def listed(commune_db: Database) -> Database:
    """P1 carried on the poor list; A1, A2 apply (Mẫu 01); F1, a farm household, asks to be
    recognised as of average living standard."""
    save(commune_db, poor("P1"), poor("A1"), not_poor("A2"), average_farm("F1"))
    with commune_db.sessions.begin() as s:
        r = the_round(s)
        record_opening_lists(s, OFFICER, r, {"P1": "poor"})
        for code, request in (("A1", "poor"), ("A2", "poor"), ("F1", "average")):
            register_application(
                s, REVIEWER, r, code, "01", D("2026-09-05"), f"Chủ hộ {code}", request,
                reason="Gia đình khó khăn",
            )  # fmt: skip
    return commune_db


def test_a_full_periodic_round(listed: Database) -> None:
    db = listed
    assert steps(db) == {"P1": "listed", "A1": "listed", "A2": "listed", "F1": "listed"}
    with db.sessions.begin() as s:
        r = the_round(s)
        screen(s, REVIEWER, r, "A1", D("2026-09-10"), criteria=[2, 7])
        screen(s, REVIEWER, r, "A2", D("2026-09-10"), criteria=[1, 3, 5, 8])
        reason = s.scalar(
            select(Assessment.not_eligible_reason).join(Household).where(Household.code == "A2")
        )
        assert reason == "Phiếu A có 4 tiêu chí (từ 4 tiêu chí trở lên thì dừng rà soát)."
        app = s.scalar(select(Application).join(Household).where(Household.code == "A2"))
        assert app is not None and (app.phieu_a_count, app.phieu_a_criteria) == (4, "1,3,5,8")
        for code in ("P1", "A1", "F1"):
            survey(s, REVIEWER, r, code, D("2026-09-20"))
        result = record_meeting(
            s, OFFICER, r, "Thôn 1", D("2026-10-01"), "Trưởng thôn Hoàng Văn Nam",
            "Lê Thị Thu", 50, [GroupVote("Hộ nghèo", ["P1", "A1"], 30)],
            supervisor="Mặt trận Tổ quốc xã",
        )  # fmt: skip
        assert result.agreed == ("P1", "A1") and result.resurvey == ()
        # Thursday 8 Oct 2026: posted for 3 working days (8, 9, 12 Oct); F1 for 5 (to 14 Oct).
        posted = post(s, OFFICER, r, ["P1", "A1"], D("2026-10-08"), "Nhà văn hóa thôn 1, UBND xã")
        post(s, OFFICER, r, ["F1"], D("2026-10-08"))
        ends = dict(
            s.execute(select(Household.code, Assessment.posting_ends_on).join(Household)).all()
        )
        assert (ends["P1"], ends["F1"]) == (D("2026-10-12"), D("2026-10-14"))
        assert posted.document_id is not None
        complaint = complain(
            s, OFFICER, r, "A1", D("2026-10-09"), "Nguyễn Văn Hàng xóm", "Hộ có xe máy mới"
        )
        assert complaint.recheck_due_on == D("2026-10-20")  # 7 working days after 9 Oct

    # Out of order: the final list while the complaint awaits its re-check, or on the last day
    # of the posting; the chairman's decision before the final list. Nothing changes.
    assert "chờ phúc tra" in refused(db, final_list, OFFICER, ["A1"], D("2026-10-13"))
    assert "chỉ ghi được từ ngày 13/10/2026" in refused(
        db, final_list, OFFICER, ["P1"], D("2026-10-12")
    )
    assert "Không thể «Ghi quyết định của Chủ tịch» cho hộ P1" in refused(
        db, decide, CHAIRMAN, ["P1"], D("2026-10-13"), number="1/QĐ-UBND"
    )

    with db.sessions.begin() as s:
        r = the_round(s)
        recheck(s, OFFICER, r, "A1", D("2026-10-15"), "Xe máy đi mượn; giữ nguyên kết quả")
    # The re-check's result is posted again for 3 working days (15, 16, 19 Oct): a batch with
    # A1 is refused as a whole on the 19th.
    message = refused(db, final_list, OFFICER, ["P1", "A1"], D("2026-10-19"))
    assert "Hộ A1: chưa hết thời gian niêm yết (đến hết ngày 19/10/2026)" in message

    with db.sessions.begin() as s:
        r = the_round(s)
        final_list(s, OFFICER, r, ["P1", "A1"], D("2026-10-20"), "Phụ lục VI số 01")
        upper_opinion(
            s, OFFICER, r, ["P1", "A1"], D("2026-10-27"), "Thống nhất danh sách", "45/SNNMT"
        )
    # A reviewer cannot record the chairman's decision, even calling the core directly.
    assert refused(db, decide, REVIEWER, ["P1", "A1"], D("2026-11-02"), number="15/QĐ-UBND") == (
        "Tài khoản «Rà soát viên Một» (Rà soát viên) không có quyền: "
        "Ghi quyết định của Chủ tịch UBND xã."
    )
    with db.sessions.begin() as s:
        r = the_round(s)
        decide(s, CHAIRMAN, r, ["P1", "A1"], D("2026-11-02"), "15/QĐ-UBND")
        decide(s, CHAIRMAN, r, ["F1"], D("2026-10-21"), "16/QĐ-UBND")
        issued = certify(s, CHAIRMAN, r, ["P1", "A1"], D("2026-11-03"))
        assert issued.steps == {"P1": "certified", "A1": "certified"}
        numbers = dict(
            s.execute(select(Household.code, Assessment.certificate_no).join(Household)).all()
        )
        assert (numbers["P1"], numbers["A1"]) == ("1/GCN-HN.HCN", "2/GCN-HN.HCN")
        decided = dict(
            s.execute(select(Household.code, Assessment.decided_class).join(Household)).all()
        )
        assert (decided["P1"], decided["A1"], decided["F1"]) == ("poor", "poor", "average")
    # Average households get no certificate: that step is not in their procedure.
    assert "không có trong quy trình" in refused(db, certify, CHAIRMAN, ["F1"], D("2026-11-03"))

    assert steps(db) == {
        "P1": "certified",
        "A1": "certified",
        "A2": "not_eligible",
        "F1": "decided",
    }
    with db.sessions() as s:
        table = movement_table(round_movements(s, the_round(s)), "poor")
        assert (table.total.households.start, table.total.households.new) == (1, 1)
        assert table.total.households.end == 2 and table.balanced
        history = household_history(s, "A1")
        a1_steps = [e.action for e in history if e.action.startswith("step.")]
        assert a1_steps == [
            "step.list", "step.screen", "step.survey", "step.meeting", "step.post",
            "step.complain", "step.recheck", "step.final_list", "step.upper_opinion",
            "step.decide", "step.certify",
        ]  # fmt: skip
        decision = next(e for e in history if e.action == "step.decide")
        assert (decision.username, decision.actor_name) == ("chairman1", "Chủ tịch Một")
        assert decision.title() == "Ghi quyết định của Chủ tịch"
        assert decision.details["step"] == ["upper_opinion", "decided"]
        assert decision.details["on"] == "2026-11-02"
        rows = s.scalars(
            select(AssessmentStep.actor).join(Assessment).join(Household).where(
                Household.code == "A1"
            ).order_by(AssessmentStep.seq)
        ).all()  # fmt: skip
        assert rows[0] == "reviewer1" and rows[-1] == "chairman1" and len(rows) == 11
        rechecked = s.scalar(select(Complaint))
        assert rechecked is not None and rechecked.rechecked_on == D("2026-10-15")
        assert audit.verify(s).ok
    # Every review finished: the next round may open.
    with db.sessions.begin() as s:
        from app.communes import only_commune

        create_round(s, OFFICER, only_commune(s), D("2026-12-15"), kind="in_year", month=12)


def test_under_half_agreeing_sends_the_group_back_to_survey(listed: Database) -> None:
    db = listed
    with db.sessions.begin() as s:
        r = the_round(s)
        screen(s, REVIEWER, r, "A1", D("2026-09-10"), count=1)
        survey(s, REVIEWER, r, "P1", D("2026-09-20"))
        survey(s, REVIEWER, r, "A1", D("2026-09-20"))
        result = record_meeting(
            s, OFFICER, r, "Thôn 1", D("2026-10-01"), "Trưởng thôn", "Thư ký", 41,
            [GroupVote("Hộ nghèo cũ", ["P1"], 21), GroupVote("Hộ nghèo mới", ["A1"], 20)],
        )  # fmt: skip
    assert (result.agreed, result.resurvey) == (("P1",), ("A1",))  # 20/41 < 50%
    assert steps(db)["A1"] == "resurvey"
    # Back to re-survey: posting is refused until it is surveyed and agreed again.
    assert "Phải rà soát lại" in refused(db, post, OFFICER, ["A1"], D("2026-10-02"))
    with db.sessions.begin() as s:
        r = the_round(s)
        survey(s, REVIEWER, r, "A1", D("2026-10-05"))
        record_meeting(
            s, OFFICER, r, "Thôn 1", D("2026-10-06"), "Trưởng thôn", "Thư ký", 40,
            [GroupVote("Hộ nghèo mới", ["A1"], 20)],
        )  # fmt: skip
    assert steps(db)["A1"] == "meeting_agreed"  # exactly 50% agrees


@pytest.mark.parametrize(
    ("action", "code", "expected"),
    [
        ("survey", "A1", "phải rà soát nhanh (Phiếu A) trước"),
        ("screen", "P1", "không cần Phiếu A"),
        ("meeting", "P1", "ở bước «Có tên trong danh sách rà soát»; bước này chỉ làm được "
                          "khi hộ ở bước «Đã khảo sát (Phiếu B)»"),
        ("post", "P1", "Không thể «Niêm yết công khai» cho hộ P1"),
        ("complain", "P1", "Không thể «Ghi khiếu nại»"),
        ("recheck", "P1", "Không thể «Ghi kết quả phúc tra»"),
        ("final_list", "P1", "Không thể «Đưa vào danh sách cuối cùng»"),
        ("upper_opinion", "P1", "Không thể «Ghi ý kiến cấp trên»"),
        ("decide", "P1", "Không thể «Ghi quyết định của Chủ tịch»"),
        ("certify", "P1", "Không thể «Cấp giấy chứng nhận»"),
        ("reject", "P1", "không kết luận «không đủ điều kiện»"),
    ],
)  # fmt: skip
def test_every_step_out_of_order_is_refused_and_nothing_changes(
    listed: Database, action: str, code: str, expected: str
) -> None:
    from app.workflow import review_actions

    on = D("2026-09-15")
    calls = {
        "survey": (survey, REVIEWER, code, on),
        "screen": (screen, REVIEWER, code, on),
        "meeting": None,
        "post": (post, OFFICER, [code], on),
        "complain": (complain, OFFICER, code, on, "Người khiếu nại", "Nội dung"),
        "recheck": (recheck, OFFICER, code, on, "Kết quả"),
        "final_list": (final_list, OFFICER, [code], on),
        "upper_opinion": (upper_opinion, OFFICER, [code], on, "Ý kiến"),
        "decide": (decide, CHAIRMAN, [code], on, "1/QĐ"),
        "certify": (certify, CHAIRMAN, [code], on),
        "reject": (review_actions.reject, OFFICER, code, on, "Lý do"),
    }
    before = db_snapshot(listed)
    with pytest.raises(StepsRefused) as err, listed.sessions.begin() as s:
        r = the_round(s)
        if action == "meeting":
            record_meeting(s, OFFICER, r, "Thôn 1", on, "Chủ trì", "Thư ký", 10,
                           [GroupVote("Nhóm", [code], 10)])  # fmt: skip
        else:
            fn, actor, *args = calls[action]  # type: ignore[misc]
            fn(s, actor, r, *args)
    assert expected in err.value.message()
    assert db_snapshot(listed) == before


def test_dates_in_the_future_or_before_the_last_step_are_refused(listed: Database) -> None:
    from app import clock

    tomorrow = clock.today().fromordinal(clock.today().toordinal() + 1)
    assert "ngày trong tương lai" in refused(listed, survey, REVIEWER, "P1", tomorrow)
    assert "trước ngày của bước trước (05/09/2026)" in refused(
        listed, screen, REVIEWER, "A1", D("2026-09-04"), count=0
    )
