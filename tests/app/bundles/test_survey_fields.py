"""The round's Phiếu B answers travel in field files and merge field by field: an assignment
carries what the commune recorded, a bundle brings back what the reviewer recorded, and two
reviewers answering different questions of one household both count."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from app.communes import only_commune
from app.fieldwork.labels import path_label, value_text
from app.households import evaluate_household, household_facts, load_household
from app.survey import SurveyAnswers
from models import Assessment, AuditEvent, Household
from tests.app.bundles.laptops import Laptop

LAND = SurveyAnswers(("no_land", "illness"), "illness", ("health",))


def assessment(laptop: Laptop, code: str) -> Assessment:
    with laptop.db.sessions() as s:
        found = s.scalar(select(Assessment).join(Household).where(Household.code == code))
        assert found is not None
        s.expunge(found)
        return found


def open_warnings(laptop: Laptop, code: str) -> list[str]:
    with laptop.db.sessions() as s:
        household = load_household(s, only_commune(s), code)
        confirmed = {(c.code, c.path) for c in household.confirmations}
        facts = household_facts(s, household)
        return [
            p.code for p in evaluate_household(s, only_commune(s), facts, confirmed).unconfirmed
        ]


def test_an_assignment_carries_the_answers_and_a_bundle_brings_them_back(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    hub.answer("H001", LAND)
    nam = laptops("nam")
    hub.register("nam", nam.public_key())
    nam.open(hub.assign("nam", usb / "a", households=["H001", "H002"]).path)
    assert nam.answers("H001") == LAND and nam.answers("H002") == SurveyAnswers()

    changed = SurveyAnswers(("no_capital",), "no_capital", ("credit", "housing"))
    nam.answer("H002", changed)
    nam.answer("H001", LAND._replace(support_needs=("health", "education")))
    hub.merge(nam.export(usb / "b").path)  # type: ignore[arg-type]
    assert hub.answers("H002") == changed
    assert hub.answers("H001").support_needs == ("health", "education")
    # The hub classified it again: with causes recorded, the warning about them is gone.
    a = assessment(hub, "H002")
    assert a.result_class in ("poor", "near_poor")
    assert "survey_causes_missing" not in open_warnings(hub, "H002")
    with hub.db.sessions() as s:
        details = [
            d for d in s.scalars(select(AuditEvent.details).where(AuditEvent.entity_key == "H002"))
        ]
    assert any("survey.causes" in str(d) and "no_capital" in str(d) for d in details)
    assert hub.conflicts() == []


def test_two_reviewers_answering_different_questions_both_count(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam, hoa = laptops("nam"), laptops("hoa")
    for name, laptop in (("nam", nam), ("hoa", hoa)):
        hub.register(name, laptop.public_key())
        laptop.open(hub.assign(name, usb / f"a-{name}", households=["H002"]).path)
    nam.answer("H002", SurveyAnswers(("no_labour",), "no_labour", ()))
    hoa.answer("H002", SurveyAnswers((), None, ("production",)))
    hub.merge(nam.export(usb / "b-nam").path)  # type: ignore[arg-type]
    hub.merge(hoa.export(usb / "b-hoa").path)  # type: ignore[arg-type]
    assert hub.answers("H002") == SurveyAnswers(("no_labour",), "no_labour", ("production",))
    assert hub.conflicts() == []


def test_two_reviewers_giving_different_causes_is_a_conflict_the_officer_decides(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam, hoa = laptops("nam"), laptops("hoa")
    for name, laptop in (("nam", nam), ("hoa", hoa)):
        hub.register(name, laptop.public_key())
        laptop.open(hub.assign(name, usb / f"a-{name}", households=["H002"]).path)
    nam.answer("H002", SurveyAnswers(("no_land",)))
    hoa.answer("H002", SurveyAnswers(("no_tools",)))
    hub.merge(nam.export(usb / "b-nam").path)  # type: ignore[arg-type]
    result = hub.merge(hoa.export(usb / "b-hoa").path)  # type: ignore[arg-type]
    assert ("H002", "survey.causes") in result.conflicts_opened
    # The conflicts view names the question and the answers in words.
    assert path_label("survey.causes", {}) == "Nguyên nhân nghèo"
    assert value_text("survey.causes", ["no_tools"]) == "Thiếu công cụ sản xuất"
    hub.resolve("H002", "survey.causes", ["no_tools"])
    assert hub.answers("H002").causes == ("no_tools",)
    assert hub.conflicts() == []


def test_the_missing_causes_warning_confirmed_in_the_field_arrives(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> None:
    nam = laptops("nam", "officer")
    hub.register("nam", nam.public_key())
    nam.open(hub.assign("nam", usb / "a", households=["H004"]).path)
    reason = "Chủ hộ đi làm ăn xa, hẹn hỏi lại"
    facts = nam.facts("H004")
    assert facts is not None
    nam.save(facts, confirmations={("survey_causes_missing", "survey.causes"): reason})
    hub.merge(nam.export(usb / "b").path)  # type: ignore[arg-type]
    with hub.db.sessions() as s:
        household = load_household(s, only_commune(s), "H004")
        confirmed = {(c.code, c.path): c.reason for c in household.confirmations}
        left = evaluate_household(
            s, only_commune(s), household_facts(s, household), set(confirmed)
        ).unconfirmed
    assert confirmed[("survey_causes_missing", "survey.causes")] == reason
    assert [p.code for p in left] == []
