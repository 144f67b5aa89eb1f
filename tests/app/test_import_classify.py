"""Import (all or nothing), export round trips and classify-all over a round."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.assessments import classify_round
from app.communes import only_commune
from app.errors import InvalidData, RaSoatError
from app.exchange.exporting import export_document
from app.exchange.importing import import_file
from app.exchange.write import household_dict
from app.jobs import JobCancelled
from app.rounds import current_round
from app.snapshots import load_version
from models import Assessment, Household
from models.database import Database
from tests.builders import contract_example
from tests.conftest import OFFICER


def snapshot(db: Database) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table: 'unchanged' means exactly this."""
    with db.engine.connect() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            )
        ]
        return [(t, conn.execute(text(f'SELECT * FROM "{t}"')).all()) for t in tables]


def write(tmp_path: Path, doc: object, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def do_import(db: Database, path: Path) -> object:
    with db.sessions.begin() as s:
        return import_file(s, OFFICER, path)


def test_import_into_empty_database_creates_the_commune(db: Database, tmp_path: Path) -> None:
    result = do_import(db, write(tmp_path, contract_example()))
    assert result.created == 1 and result.commune_created
    with db.sessions() as s:
        commune = only_commune(s)
        assert commune.name == "Xã Ea Ly"
        assert current_round(s, commune).standard_id == "VN-MPS-2022-2025"


def test_invalid_file_imports_nothing(commune_db: Database, tmp_path: Path) -> None:
    doc = contract_example()
    good = copy.deepcopy(doc["households"][0])
    good["id"], good["members"][0]["id_number"] = "H002", "066084009999"
    doc["households"].append(good)
    doc["households"][0]["members"][0]["sex"] = "unknown"
    before = snapshot(commune_db)
    with pytest.raises(InvalidData):
        do_import(commune_db, write(tmp_path, doc))
    assert snapshot(commune_db) == before


def test_other_communes_file_is_refused(commune_db: Database, tmp_path: Path) -> None:
    doc = contract_example()
    doc["commune"] = {
        "code": "00004",
        "name": "Phường Ba Đình",
        "province_code": "01",
        "province_name": "Thành phố Hà Nội",
    }
    before = snapshot(commune_db)
    with pytest.raises(RaSoatError) as err:
        do_import(commune_db, write(tmp_path, doc))
    assert err.value.key == "import.other_commune"
    assert snapshot(commune_db) == before


def test_id_number_used_by_a_household_outside_the_file(
    commune_db: Database, tmp_path: Path
) -> None:
    do_import(commune_db, write(tmp_path, contract_example()))
    doc = contract_example()
    doc["households"][0]["id"] = "H777"
    before = snapshot(commune_db)
    with pytest.raises(InvalidData) as err:
        do_import(commune_db, write(tmp_path, doc, "second.json"))
    assert err.value.problems[0].path == "households[0].members[0].id_number"
    assert snapshot(commune_db) == before


def test_reimport_updates_and_is_idempotent(commune_db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, contract_example())
    assert do_import(commune_db, path).created == 1
    again = do_import(commune_db, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    doc = contract_example()
    doc["households"][0]["latrine"] = "septic"
    changed = do_import(commune_db, write(tmp_path, doc, "v2.json"))
    assert changed.updated == 1
    with commune_db.sessions() as s:
        h = s.scalar(select(Household))
        assert h.latrine == "septic" and h.version == 2


def test_export_then_import_elsewhere_is_identical(
    commune_db: Database, db_path: Path, tmp_path: Path, template_db_file: Path
) -> None:
    import shutil

    from app.demo.commune import create_demo
    from app.storage import open_database

    demo_path = tmp_path / "demo.sqlite"
    shutil.copyfile(template_db_file, demo_path)
    demo = open_database(demo_path)
    create_demo(demo, OFFICER, 40, seed=5)
    with demo.sessions() as s:
        exported = export_document(s)
    demo.dispose()
    other_path = tmp_path / "other.sqlite"
    shutil.copyfile(template_db_file, other_path)
    other = open_database(other_path)
    do_import(other, write(tmp_path, exported, "export.json"))
    with other.sessions() as s:
        again = export_document(s)
    other.dispose()
    strip = lambda d: [{k: v for k, v in h.items() if k != "status"} for h in d["households"]]  # noqa: E731
    assert strip(again) == strip(exported)
    assert len(exported["households"]) == 40


def test_classify_all_stores_every_result(db: Database) -> None:
    from app.demo.commune import create_demo

    document = create_demo(db, OFFICER, 300, seed=11)
    with db.sessions.begin() as s:
        commune = only_commune(s)
        summary = classify_round(s, OFFICER, commune, current_round(s, commune))
        assert summary.total == 300
        stored = dict(
            s.execute(
                select(Assessment.result_class, func.count()).group_by(Assessment.result_class)
            ).all()
        )
    assert stored == dict(summary.by_class)
    from app.classify import Classifier
    from app.standards import get_pack

    classifier = Classifier(get_pack(document.standard), document.reference_date)
    expected: dict[str, int] = {}
    for h in document.households:
        cls = classifier.classify(h).cls
        expected[cls] = expected.get(cls, 0) + 1
    assert stored == expected


def test_cancelled_classify_all_changes_nothing(commune_db: Database, tmp_path: Path) -> None:
    do_import(commune_db, write(tmp_path, contract_example()))
    before = snapshot(commune_db)
    with pytest.raises(JobCancelled), commune_db.sessions.begin() as s:
        commune = only_commune(s)
        classify_round(s, OFFICER, commune, current_round(s, commune), cancelled=lambda: True)
    assert snapshot(commune_db) == before


def test_contract_example_classified_as_documented(commune_db: Database, tmp_path: Path) -> None:
    do_import(commune_db, write(tmp_path, contract_example()))
    with commune_db.sessions.begin() as s:
        commune = only_commune(s)
        classify_round(s, OFFICER, commune, current_round(s, commune))
        a = s.scalar(select(Assessment))
        # The inputs the result was computed from stay readable after the register changes.
        inputs = load_version(s, a.household_id, a.household_version)
    assert a.result_class == "poor"
    assert a.deprived == "health_insurance,housing_quality,housing_area,water_source,latrine"
    assert household_dict(inputs)["members"] == contract_example()["households"][0]["members"]


def test_audit_vouches_for_each_snapshot(commune_db: Database, tmp_path: Path) -> None:
    import hashlib

    from models import AuditEvent, HouseholdVersion

    do_import(commune_db, write(tmp_path, contract_example()))
    with commune_db.sessions() as s:
        version = s.scalar(select(HouseholdVersion))
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "household.create"))
    assert json.loads(event.details)["sha256"] == hashlib.sha256(version.facts.encode()).hexdigest()
