"""The exchange format v1: reading (all or nothing, with JSON paths) and writing."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from app.demo.households import generate
from app.errors import InvalidData, RaSoatError
from app.exchange.read import Commune, decode, parse_document, read_file
from app.exchange.write import document_dict, dumps
from app.resources import resource_path
from tests.builders import contract_example

SCHEMA = json.loads(resource_path("schemas", "households-v1.schema.json").read_text("utf-8"))
CHECK_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
TODAY = date(2026, 11, 25)


def problems_of(doc: Any) -> dict[str, str]:
    with pytest.raises(InvalidData) as err:
        parse_document(doc, today=TODAY)
    return {p.path: p.code for p in err.value.problems}


def test_contract_example_reads() -> None:
    document = parse_document(contract_example(), today=TODAY)
    (h,) = document.households
    assert h.id == "H001" and h.members[1].name == "H'Mai Niê"
    assert document.commune.code == "22237"
    assert h.information_devices == ("smartphone",)


def test_round_trip_is_identical() -> None:
    original = contract_example()
    document = parse_document(original, today=TODAY)
    written = document_dict(
        document.commune, document.standard, document.reference_date, document.households
    )
    assert parse_document(json.loads(dumps(written)), today=TODAY).households == document.households
    assert written["households"][0]["members"] == original["households"][0]["members"]


def test_demo_documents_satisfy_the_shipped_schema() -> None:
    households = list(generate(200, seed=3, reference_date=date(2026, 11, 15)))
    doc = document_dict(
        Commune("22237", "Xã Ea Ly", "66", "Tỉnh Đắk Lắk"),
        "VN-MPS-2022-2025",
        date(2026, 11, 15),
        households,
    )
    jsonschema.validate(json.loads(dumps(doc)), SCHEMA, format_checker=CHECK_FORMATS)
    assert len(parse_document(json.loads(dumps(doc)), today=TODAY).households) == 200


def broken(path: str, value: Any) -> dict[str, Any]:
    """The contract example with one value replaced (or removed, for value=...)."""
    doc = copy.deepcopy(contract_example())
    target: Any = doc
    keys = path.replace("]", "").replace("[", ".").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is ...:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("households[0].members[0].sex", "m", "enum"),
        ("households[0].members[0].birth_date", "02/03/1984", "date_format"),
        ("households[0].members[0].birth_date", "1984-02-30", "date_format"),
        ("households[0].members[0].health_insurance", "yes", "type_boolean"),
        ("households[0].members[0].name", ..., "required_field"),
        ("households[0].income_per_capita_month", "1200000", "type_integer"),
        ("households[0].income_per_capita_month", 1.5, "type_integer"),
        ("households[0].housing.floor_area_m2", "14", "type_number"),
        ("households[0].water_source", "river", "enum"),
        ("households[0].information_devices", "tv", "type_array"),
        ("households[0].members", [], "members_empty"),
        ("households[0].area", True, "enum"),
        ("commune.code", "2237", "code_digits"),
        ("reference_date", "2026-13-01", "date_format"),
        ("standard", "VN-MPS-1999-2000", "enum"),
    ],
)
def test_structural_problems_have_paths(path: str, value: Any, code: str) -> None:
    doc = broken(path, value)
    assert problems_of(doc).get(path) == code
    with pytest.raises(jsonschema.ValidationError):  # the shipped schema agrees
        jsonschema.validate(doc, SCHEMA, format_checker=CHECK_FORMATS)


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("households[0].members[1].relation", "head", "head_count"),
        ("households[0].housing.floor_area_m2", 0, "floor_area"),
        ("households[0].members[0].id_number", "12345", "id_number_format"),
    ],
)
def test_rule_problems_refuse_the_file(path: str, value: Any, code: str) -> None:
    assert code in problems_of(broken(path, value)).values()


def test_every_problem_is_reported_not_just_the_first() -> None:
    doc = broken("households[0].members[0].sex", "x")
    doc["households"][0]["latrine"] = "pit"
    second = copy.deepcopy(doc["households"][0])
    second["id"] = "H002"
    second["members"][1]["birth_date"] = "yesterday"
    doc["households"].append(second)
    found = problems_of(doc)
    assert {
        "households[0].members[0].sex",
        "households[0].latrine",
        "households[1].members[1].birth_date",
    } <= set(found)


def test_duplicate_household_ids_and_id_numbers_across_households() -> None:
    doc = contract_example()
    twin = copy.deepcopy(doc["households"][0])
    doc["households"].append(twin)
    found = problems_of(doc)
    assert found["households[1].id"] == "household_id_repeated"
    twin["id"] = "H002"
    found = problems_of(doc)
    assert found["households[0].members[0].id_number"] == "id_number_duplicate"
    assert found["households[1].members[0].id_number"] == "id_number_duplicate"


def test_wrong_format_marker() -> None:
    doc = contract_example()
    doc["format"] = "rasoat.households/2"
    assert problems_of(doc) == {"format": "wrong_format"}


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"\xff\xfe{}", "exchange.not_utf8"),
        (b'{"format": "rasoat.households/1", ', "exchange.bad_json"),
        (b'{"a": NaN}', "exchange.bad_json"),
        (b"[" * 100_000 + b"]" * 100_000, "exchange.bad_json"),
    ],
)
def test_undecodable_input_is_a_clear_error(raw: bytes, key: str) -> None:
    with pytest.raises(RaSoatError) as err:
        decode(raw)
    assert err.value.key == key


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(contract_example()).encode())
    assert len(read_file(path, today=TODAY).households) == 1


def test_text_is_stored_nfc() -> None:
    import unicodedata

    doc = contract_example()
    doc["households"][0]["members"][0]["name"] = unicodedata.normalize("NFD", "Nguyễn  Văn Hùng ")
    h = parse_document(doc, today=TODAY).households[0]
    assert h.members[0].name == "Nguyễn Văn Hùng"
    assert unicodedata.is_normalized("NFC", h.members[0].name)


def test_year_only_birth_date_round_trips() -> None:
    doc = contract_example()
    doc["households"][0]["members"][0]["birth_date"] = "1984"
    document = parse_document(doc, today=TODAY)
    head = document.households[0].members[0]
    assert (head.birth_date, head.birth_year_only) == ("1984-01-01", True)
    written = document_dict(
        document.commune, document.standard, document.reference_date, document.households
    )
    assert written["households"][0]["members"][0]["birth_date"] == "1984"
