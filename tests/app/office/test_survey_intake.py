"""The office takes the Phiếu B answers a package carries (data/survey.json) into its table 10,
a row per commune; an older package without the file is still taken, its households counted as
having no cause recorded; a survey file that does not fit its data is refused, nothing stored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from app.demo.households import generate
from app.office.consolidation import load_consolidation
from app.office.intake import ACCEPTED, REJECTED
from app.reports.cause_tables import causes
from app.survey import SurveyAnswers
from app.survey_codes import code_list
from models.database import Database
from tests.app.office.conftest import A, B, data_state, minutes, take, trust
from tests.office_factory import REFERENCE, CommuneSigner, data_of, statuses

CAUSES = code_list().causes


def answers_for(seed: int, count: int) -> dict[str, SurveyAnswers]:
    """Causes for the poor and near-poor households of a generated commune, two in turn."""
    facts = list(generate(count, seed, REFERENCE))
    out = {}
    for i, (h, s) in enumerate(zip(facts, statuses(facts), strict=True)):
        if s["class"] in ("poor", "near_poor"):
            out[h.id] = SurveyAnswers((CAUSES[i % 3], CAUSES[3 + i % 4]), None, ("credit",))
    return out


def expected_row(path: Path, survey: dict[str, SurveyAnswers]) -> list[int]:
    """Table 10's cells for the package, counted here from its own files."""
    width = len(CAUSES) + 2
    out: list[int] = []
    households = data_of(path)["households"]
    for cls in ("poor", "near_poor"):
        of = [h["id"] for h in households if h["status"]["class"] == cls]
        counts = Counter(c for hid in of for c in survey.get(hid, SurveyAnswers()).causes)
        out += [len(of), *(counts[c] for c in CAUSES)]
        out.append(sum(1 for hid in of if not survey.get(hid, SurveyAnswers()).causes))
    assert len(out) == 2 * width
    return out


def test_table_10_has_a_row_per_commune_with_or_without_the_file(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    survey = answers_for(21, 80)
    assert survey
    with_file = make_package(signer_pool[A], 80, seed=21, survey=survey, with_reports=False)
    older = make_package(signer_pool[B], 50, seed=22, created=minutes(1), with_reports=False)
    trust(office_db, signer_pool[A], signer_pool[B])
    summary = take(office_db, with_file, older)
    assert [o.status for o in summary.outcomes] == [ACCEPTED, ACCEPTED]
    with office_db.sessions() as session:
        source = load_consolidation(session)
    table = causes(source)
    rows = {r.values[1]: list(r.values[2:]) for r in table.rows}
    name = {c.code: c.name for c in source.communes}
    assert rows[name[A]] == expected_row(with_file, survey)
    assert rows[name[B]] == expected_row(older, {})
    total = table.total_row()
    assert total is not None
    assert list(total.values[2:]) == [
        a + b for a, b in zip(rows[name[A]], rows[name[B]], strict=True)
    ]


def test_a_survey_file_that_does_not_fit_is_refused_and_nothing_stored(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package
) -> None:
    path = make_package(
        signer_pool[A],
        20,
        seed=5,
        survey={"NOBODY": SurveyAnswers(("no_land",))},
        with_reports=False,
    )
    trust(office_db, signer_pool[A])
    before = data_state(office_db)
    [outcome] = take(office_db, path).outcomes
    assert outcome.status == REJECTED
    texts = outcome.reason_texts("vi")
    assert any("data/survey.json" in t for t in texts), texts
    assert data_state(office_db) == before
