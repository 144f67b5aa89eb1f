"""data/survey.json in the handover package: the round's causes of poverty and support needs,
listed in the signed manifest, checked by the verifier against the package's own data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.package.manifest import DATA
from app.package.survey_file import SURVEY, SurveyFileError, read_survey_document
from app.package.trust import TrustStore
from app.package.verify import verify_package
from app.survey import SurveyAnswers
from tests.app.package.conftest import Built, members, rewrite
from tests.office_factory import REFERENCE, build, commune_signer

CREATED = __import__("datetime").datetime(2026, 11, 20, 9, 30).astimezone()


def test_the_package_carries_the_answers_of_the_round(built: Built, package: Path) -> None:
    report = verify_package(package, built.trust, keep=[DATA, SURVEY], check_pdfs=False)
    assert report.ok, report.problems
    assert report.manifest is not None
    assert SURVEY in {f.path for f in report.manifest.files}
    expected = {r.facts.id: r.survey for r in built.source.results if not r.survey.empty}
    assert report.survey == expected and len(expected) > 10
    doc = json.loads(members(package)[SURVEY])
    assert doc["format"] == "rasoat.survey/1" and doc["commune"] == "22237"
    assert doc["codes"] == {"id": "VN-SURVEY-CODES", "revision": 1}
    # The households file is the v1 exchange format, untouched: no answers in it.
    households = json.loads(members(package)[DATA])["households"]
    assert not any({"causes", "support_needs", "survey"} & h.keys() for h in households)


def test_without_keeping_it_the_verifier_still_checks_it(built: Built, package: Path) -> None:
    report = verify_package(package, built.trust, check_pdfs=False)
    assert report.ok and report.survey is None and SURVEY not in report.contents


@pytest.fixture(scope="module")
def signer():  # type: ignore[no-untyped-def]
    return commune_signer("22237", key_size=1024)


def _package(tmp_path: Path, signer, survey: dict[str, SurveyAnswers]) -> Path:  # type: ignore[no-untyped-def]
    return build(tmp_path, signer, 12, created=CREATED, seed=3, with_reports=False, survey=survey)


@pytest.mark.parametrize(
    "survey",
    [
        {"NOT-HERE": SurveyAnswers(("no_land",))},  # a household the package does not hold
        {"HD000001": SurveyAnswers(("lack_of_rain",))},  # a code the list does not know
        {"HD000001": SurveyAnswers(("no_land",), "illness")},  # main cause not among them
    ],
)
def test_a_signed_survey_file_that_does_not_fit_the_data_is_refused(
    tmp_path: Path,
    signer,
    survey: dict[str, SurveyAnswers],  # type: ignore[no-untyped-def]
) -> None:
    path = _package(tmp_path, signer, survey)
    report = verify_package(path, TrustStore((signer.certificate,)), check_pdfs=False)
    assert [(p.code, p.path) for p in report.problems] == [("survey_invalid", SURVEY)]
    message = report.problems[0]
    assert message.params["detail"]


def test_a_package_without_the_file_still_verifies(tmp_path: Path, signer) -> None:  # type: ignore[no-untyped-def]
    path = build(tmp_path, signer, 12, created=CREATED, seed=3, with_reports=False)
    report = verify_package(
        path, TrustStore((signer.certificate,)), keep=[DATA, SURVEY], check_pdfs=False
    )
    assert report.ok and report.survey is None


def test_a_survey_file_slipped_into_an_older_package_is_an_added_file(
    tmp_path: Path,
    signer,  # type: ignore[no-untyped-def]
) -> None:
    path = build(tmp_path, signer, 12, created=CREATED, seed=3, with_reports=False)
    files = members(path)
    files[SURVEY] = b'{"format": "rasoat.survey/1"}'
    rewrite(path, files)
    report = verify_package(path, TrustStore((signer.certificate,)), check_pdfs=False)
    assert [(p.code, p.path) for p in report.problems] == [("file_extra", SURVEY)]


@pytest.mark.parametrize(
    ("document", "detail"),
    [
        (
            {
                "format": "rasoat.survey/2",
                "commune": "22237",
                "reference_date": REFERENCE.isoformat(),
                "codes": {"id": "VN-SURVEY-CODES", "revision": 1},
                "households": [],
            },
            "format",
        ),
        (
            {
                "format": "rasoat.survey/1",
                "commune": "22237",
                "reference_date": REFERENCE.isoformat(),
                "codes": {"id": "VN-SURVEY-CODES", "revision": 1},
                "households": [{"id": "A", "causes": ["no_land", "no_land"], "support_needs": []}],
            },
            "households/0/causes",
        ),
        (
            {
                "format": "rasoat.survey/1",
                "commune": "00001",
                "reference_date": REFERENCE.isoformat(),
                "codes": {"id": "VN-SURVEY-CODES", "revision": 1},
                "households": [],
            },
            "commune",
        ),
    ],
)
def test_the_reader_names_what_is_wrong(document: dict[str, object], detail: str) -> None:
    with pytest.raises(SurveyFileError) as err:
        read_survey_document(document, "22237", ["A"])
    assert detail in err.value.detail


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"id": "A", "causes": [], "support_needs": [], "note": "x"}, "households/0/note"),
        ({"id": "A", "causes": "no_land", "support_needs": []}, "households/0/causes"),
        ({"id": "A", "causes": ["No Land"], "support_needs": []}, "households/0/causes"),
        (
            {"id": "A", "causes": [], "main_cause": 3, "support_needs": []},
            "households/0/main_cause",
        ),
        ({"id": "", "causes": [], "support_needs": []}, "households/0/id"),
        ({"id": "A", "causes": []}, "households/0"),
    ],
)
def test_each_entry_follows_the_schema(entry: dict[str, object], where: str) -> None:
    """The entries are checked by hand for speed: the same rules as the schema's."""
    document = {
        "format": "rasoat.survey/1",
        "commune": "22237",
        "reference_date": REFERENCE.isoformat(),
        "codes": {"id": "VN-SURVEY-CODES", "revision": 1},
        "households": [entry],
    }
    from app.package.survey_file import _validator

    assert list(_validator().iter_errors(document))  # the schema refuses it too
    with pytest.raises(SurveyFileError) as err:
        read_survey_document(document, "22237", ["A"])
    assert err.value.detail.startswith(where)
