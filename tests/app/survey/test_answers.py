"""Phiếu B causes of poverty and support needs: the code list, saving them with a household,
the warning for a poor household without a cause, and refusals that store nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.assessments import classify_round
from app.communes import only_commune
from app.errors import InvalidData, RaSoatError
from app.households import UnconfirmedWarnings, save_household
from app.rounds import current_round
from app.survey import SurveyAnswers, stored_answers
from app.survey_codes import code_list
from models import Assessment, AuditEvent, Household
from models.database import Database
from tests.builders import household
from tests.conftest import OFFICER
from tests.snapshot import db_snapshot

POOR = household()  # 1,000,000 VND a month in a rural village, no deprivation: near-poor
RICH = household(income_per_capita_month=9_000_000)
ANSWERS = SurveyAnswers(("no_capital", "illness"), "illness", ("health", "credit"))


@pytest.fixture
def fresh_codes() -> Iterator[None]:
    code_list.cache_clear()
    yield
    code_list.cache_clear()


def save(db: Database, facts: object = POOR, **kw: object) -> object:
    with db.sessions.begin() as s:
        return save_household(s, OFFICER, only_commune(s), facts, **kw)  # type: ignore[arg-type]


def assessment(db: Database, code: str = "H001") -> Assessment:
    with db.sessions() as s:
        found = s.scalar(select(Assessment).join(Household).where(Household.code == code))
        assert found is not None
        s.expunge(found)
        return found


def stored(db: Database, code: str = "H001") -> SurveyAnswers:
    a = assessment(db, code)
    return SurveyAnswers.from_columns(a.causes, a.main_cause, a.support_needs)


# ---- the code list ------------------------------------------------------------------------------


def test_shipped_code_list_follows_the_observed_report_set(fresh_codes: None) -> None:
    codes = code_list()
    assert [codes.name("causes", c) for c in codes.causes] == [
        "Thiếu đất sản xuất",
        "Thiếu vốn",
        "Thiếu lao động",
        "Thiếu công cụ sản xuất",
        "Thiếu kiến thức sản xuất",
        "Thiếu kỹ năng lao động",
        "Ốm đau, tai nạn",
        "Khác",
    ]
    assert [codes.name("needs", c) for c in codes.needs] == [
        "Y tế",
        "Giáo dục",
        "Sản xuất",
        "Vay vốn tín dụng",
        "Nhà ở",
        "Khác",
    ]
    assert codes.status == "secondary" and not codes.verified and codes.source
    assert codes.name("causes", "no_land", "en") == "Lack of land for production"


def _override(revision: int, **changes: object) -> None:
    shipped = Path(__file__).parents[3] / "resources" / "survey" / "VN-SURVEY-CODES.json"
    data = json.loads(shipped.read_text(encoding="utf-8"))
    data.update(revision=revision, **changes)
    folder = Path(__import__("os").environ["RASOAT_HOME"]) / "survey"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corrected.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def test_an_officers_corrected_list_with_a_higher_revision_wins(fresh_codes: None) -> None:
    _override(2, status="verified", needs=[{"code": "water", "name": {"vi": "Nước", "en": "W"}}])
    codes = code_list()
    assert codes.revision == 2 and codes.verified and codes.needs == ("water",)


def test_a_lower_revision_does_not_replace_the_shipped_list(fresh_codes: None) -> None:
    _override(1, needs=[{"code": "water", "name": {"vi": "Nước", "en": "W"}}])
    assert "credit" in code_list().needs


@pytest.mark.parametrize(
    "change",
    [
        {"causes": []},
        {"causes": [{"code": "Bad Code", "name": {"vi": "x", "en": "x"}}]},
        {"needs": [{"code": "a", "name": {"vi": "x", "en": "x"}}] * 2},
    ],
)
def test_a_broken_list_is_refused_with_a_clear_message(
    fresh_codes: None, change: dict[str, object]
) -> None:
    _override(3, **change)
    with pytest.raises(RaSoatError) as err:
        code_list()
    assert err.value.key == "survey.codes_invalid"
    assert err.value.message("vi").startswith("Danh mục nguyên nhân nghèo")


# ---- saving with a household ---------------------------------------------------------------------


def test_answers_are_stored_on_the_rounds_assessment_and_audited(commune_db: Database) -> None:
    result = save(commune_db, survey=ANSWERS)
    assert stored(commune_db) == ANSWERS
    assert result.changes["survey.causes"] == [[], ["no_capital", "illness"]]  # type: ignore[attr-defined]
    assert result.changes["survey.main_cause"] == [None, "illness"]  # type: ignore[attr-defined]
    changed = SurveyAnswers(("no_land",), None, ())
    save(commune_db, survey=changed)
    assert stored(commune_db) == changed
    with commune_db.sessions() as s:
        details = s.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "household.update")
        ).one()
        round_id = current_round(s, only_commune(s)).id
        hid = s.scalar(select(Household.id))
        assert stored_answers(s, round_id, hid or 0) == changed
    changes = json.loads(details)["changes"] if isinstance(details, str) else details["changes"]
    assert changes["survey.causes"] == [["no_capital", "illness"], ["no_land"]]
    assert changes["survey.support_needs"] == [["health", "credit"], []]


def test_saving_without_answers_keeps_the_stored_ones(commune_db: Database) -> None:
    save(commune_db, survey=ANSWERS)
    result = save(commune_db, household(address="Thôn 1, Xã Ea Ly"))
    assert stored(commune_db) == ANSWERS
    assert not any(k.startswith("survey.") for k in result.changes)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("answers", "code", "path"),
    [
        (SurveyAnswers(("no_money",)), "survey_causes_unknown", "survey.causes[0]"),
        (
            SurveyAnswers(("no_land",), None, ("car",)),
            "survey_needs_unknown",
            "survey.support_needs[0]",
        ),
        (SurveyAnswers(("no_land", "no_land")), "survey_code_repeated", "survey.causes[1]"),
        (
            SurveyAnswers(("no_land",), "illness"),
            "survey_main_cause_not_listed",
            "survey.main_cause",
        ),
    ],
)
def test_unknown_or_inconsistent_codes_are_refused_and_nothing_is_stored(
    commune_db: Database, answers: SurveyAnswers, code: str, path: str
) -> None:
    save(commune_db, survey=ANSWERS)
    before = db_snapshot(commune_db)
    with pytest.raises(InvalidData) as err:
        save(commune_db, household(address="changed"), survey=answers)
    assert [(p.code, p.path) for p in err.value.problems] == [(code, path)]
    message = err.value.problems[0].message("vi")
    assert message and "{" not in message
    assert db_snapshot(commune_db) == before


def test_a_poor_household_without_a_cause_needs_a_confirmed_reason(commune_db: Database) -> None:
    before = db_snapshot(commune_db)
    with pytest.raises(UnconfirmedWarnings) as err:
        save(commune_db)
    assert [(p.code, p.path) for p in err.value.problems] == [  # type: ignore[attr-defined]
        ("survey_causes_missing", "survey.causes")
    ]
    assert db_snapshot(commune_db) == before
    reason = "Hộ đi làm ăn xa, chưa hỏi được"
    save(commune_db, confirmations={("survey_causes_missing", "survey.causes"): reason})
    a = assessment(commune_db)
    assert (a.warning_count, a.unconfirmed_warnings) == (1, 0)
    # Once a cause is recorded the warning, and its confirmation, go away.
    save(commune_db, survey=SurveyAnswers(("no_land",)))
    a = assessment(commune_db)
    assert (a.warning_count, a.unconfirmed_warnings) == (0, 0)


def test_a_household_above_the_line_is_not_asked_for_causes(commune_db: Database) -> None:
    save(commune_db, RICH)
    assert stored(commune_db) == SurveyAnswers()


def test_classify_all_counts_the_missing_causes_as_unconfirmed_warnings(
    commune_db: Database,
) -> None:
    save(commune_db, household(id="H001"), survey=ANSWERS)
    save(commune_db, household(id="H002"), allow_unconfirmed=True)
    save(commune_db, RICH._replace(id="H003"))
    with commune_db.sessions.begin() as s:
        commune = only_commune(s)
        summary = classify_round(s, OFFICER, commune, current_round(s, commune))
    assert summary.with_unconfirmed_warnings == 1
    assert [assessment(commune_db, c).unconfirmed_warnings for c in ("H001", "H002", "H003")] == [
        0,
        1,
        0,
    ]
    # Classifying again keeps the answers where they are.
    assert stored(commune_db, "H001") == ANSWERS
