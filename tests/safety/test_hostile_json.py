"""Hostile and broken exchange files, imported through the command line as an officer would:
each gets a clear Vietnamese message and leaves the database exactly as it was (every row of
every table), and no backup is spent on a file that is refused before writing."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app import backups
from app.cli import main
from app.communes import only_commune
from app.errors import InvalidData, RaSoatError
from app.exchange.importing import import_file_into
from app.households import save_household
from models import Household
from models.database import Database
from tests.builders import contract_example, household, member
from tests.conftest import OFFICER, TESTER
from tests.dbstate import file_state


def doc_with(path: str, value: Any) -> bytes:
    doc = copy.deepcopy(contract_example())
    doc["commune"]["code"] = "22237"
    target: Any = doc
    keys = path.replace("]", "").replace("[", ".").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
    return json.dumps(doc).encode("utf-8")  # ASCII escapes keep lone surrogates as they are


def valid() -> bytes:
    return doc_with("households[0].id", "H001")


def twice(doc: bytes) -> bytes:
    data = json.loads(doc)
    data["households"].append(copy.deepcopy(data["households"][0]))
    return json.dumps(data).encode()


# name -> (file bytes, exit status, words the Vietnamese message must contain)
CASES: dict[str, tuple[Callable[[], bytes], int, str]] = {
    "malformed JSON": (lambda: b'{"format": "rasoat.households/1", "households": [}', 1, "JSON"),
    "truncated JSON": (lambda: valid()[: len(valid()) // 2], 1, "JSON"),
    "empty file": (lambda: b"", 1, "JSON"),
    "NaN": (lambda: valid().replace(b"1200000", b"NaN"), 1, "JSON"),
    "5,000-digit number": (lambda: valid().replace(b"1200000", b"9" * 5000), 1, "JSON"),
    "nested 100,000 deep": (lambda: b"[" * 100_000 + b"]" * 100_000, 1, "JSON"),
    "binary garbage": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, 1, "UTF-8"),
    "a zip archive": (lambda: b"PK\x03\x04" + b"\x00" * 200, 1, "JSON"),
    "Windows-1258 text": (
        lambda: valid().replace(b"Th\\u00f4n 3", "Thôn 3".encode("cp1258")),
        1,
        "UTF-8",
    ),
    "UTF-16 text": (lambda: valid().decode().encode("utf-16"), 1, "UTF-8"),
    "top level is a list": (lambda: b"[]", 2, "$"),
    "wrong format marker": (lambda: doc_with("format", "rasoat.households/9"), 2, "format"),
    "income as text": (
        lambda: doc_with("households[0].income_per_capita_month", "một triệu"),
        2,
        "income_per_capita_month",
    ),
    "members not a list": (lambda: doc_with("households[0].members", {"a": 1}), 2, "members"),
    "boolean as text": (
        lambda: doc_with("households[0].members[0].health_insurance", "có"),
        2,
        "health_insurance",
    ),
    "unknown water source": (lambda: doc_with("households[0].water_source", "river"), 2, "river"),
    "unknown relation": (lambda: doc_with("households[0].members[1].relation", "boss"), 2, "boss"),
    "unknown standard": (lambda: doc_with("standard", "VN-MPS-1990"), 2, "standard"),
    "impossible date": (lambda: doc_with("reference_date", "2026-02-30"), 2, "reference_date"),
    "negative income": (lambda: doc_with("households[0].income_per_capita_month", -1), 2, "âm"),
    "infinite area": (
        lambda: doc_with("households[0].housing.floor_area_m2", 1e308 * 10),
        1,
        "JSON",
    ),
    "name of 10,000 letters": (
        lambda: doc_with("households[0].members[0].name", "A" * 10_000),
        2,
        "Quá dài",
    ),
    "NUL in a name": (lambda: doc_with("households[0].members[0].name", "Y\x00Bhim"), 2, "U+0000"),
    "lone surrogate in a name": (
        lambda: doc_with("households[0].members[0].name", "Y\ud800"),
        2,
        "U+D800",
    ),
    "direction override": (
        lambda: doc_with("households[0].members[0].name", "Y \u202eBhim"),
        2,
        "U+202E",
    ),
    "household twice": (lambda: twice(valid()), 2, "households[1].id"),
    "another commune": (lambda: doc_with("commune.code", "26734"), 1, "26734"),
    "ID number of another household": (
        lambda: doc_with("households[0].members[0].id_number", "066190012345"),
        2,
        "066190012345",
    ),
}


# Refused only once compared with the database, after the pre-import backup was made.
AGAINST_THE_DATABASE = {"another commune", "ID number of another household"}


@pytest.fixture
def populated(commune_db: Database) -> Database:
    """A commune with one household whose head holds ID 066190012345."""
    with commune_db.sessions.begin() as session:
        head = member(name="Trần Thị Lan", sex="female", id_number="066190012345")
        save_household(
            session,
            OFFICER,
            only_commune(session),
            household(id="H900", members=(head,)),
            allow_unconfirmed=True,
        )
    return commune_db


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_clearly_and_changes_nothing(
    case: str, populated: Database, tmp_path: Path
) -> None:
    make, status, words = CASES[case]
    path = tmp_path / "input.json"
    path.write_bytes(make())
    assert populated.path is not None
    # The import action itself: refused with a known error, every row of every table as before.
    before = file_state(populated.path)
    with pytest.raises(RaSoatError) as err:
        import_file_into(populated, TESTER, path)
    assert file_state(populated.path) == before
    assert (2 if isinstance(err.value, InvalidData) else 1) == status
    if case not in AGAINST_THE_DATABASE:
        assert backups.list_backups(populated.path) == []  # refused before any writing began
    # And as the officer sees it on the command line (which signs in first, and records that).
    code, out, err_text = run("--db", str(populated.path), "import", str(path))
    assert code == status, (out, err_text)
    assert words in err_text, err_text
    assert out == "" and "Traceback" not in err_text
    with populated.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 1


def test_the_valid_control_file_imports(populated: Database, tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(valid())
    code, out, err = run("--db", str(populated.path), "import", str(path))
    assert code == 0, err
    assert "1 hộ mới" in out


def test_enormous_file_is_refused_before_it_is_read(populated: Database, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:  # sparse: 600 MB on paper, nothing on the disk
        fh.truncate(600 * 1024 * 1024)
    before = file_state(populated.path)
    with pytest.raises(RaSoatError) as err:
        import_file_into(populated, TESTER, path)
    assert err.value.message("vi").startswith("Tệp quá lớn (600 MB")
    assert file_state(populated.path) == before
    code, _, err_text = run("--db", str(populated.path), "import", str(path))
    assert code == 1 and "Tệp quá lớn (600 MB" in err_text


def test_a_folder_or_a_missing_file_is_a_clear_error(populated: Database, tmp_path: Path) -> None:
    for target in (tmp_path, tmp_path / "missing.json"):
        code, _, err = run("--db", str(populated.path), "import", str(target))
        assert code == 1 and "Traceback" not in err and str(target) in err


def test_control_characters_typed_in_the_editor_are_refused(populated: Database) -> None:
    before = file_state(populated.path)
    with pytest.raises(InvalidData) as err, populated.sessions.begin() as session:
        facts = household(id="H901", address="Thôn 1\x07")
        save_household(session, OFFICER, only_commune(session), facts, allow_unconfirmed=True)
    assert [p.path for p in err.value.problems] == ["address"]
    assert "U+0007" in err.value.problems[0].message("vi")
    assert file_state(populated.path) == before
