"""Fuzzing the importer (hypothesis, with a fixed budget and a fixed seed so `make test` is fast
and repeatable): random bytes, mangled copies of a valid file, and random households and values.
Whatever comes in, the importer either takes the whole file or refuses it with a clear error
(RaSoatError, whose message renders in both languages) and leaves the database as it was."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.communes import VillageSpec, create_commune, only_commune
from app.errors import InvalidData, RaSoatError
from app.exchange.importing import import_file, read_import_file
from app.exchange.write import household_dict
from app.household_rows import iter_commune_households
from app.storage import open_database
from models.database import Database
from tests.builders import REFERENCE_DATE, contract_example
from tests.conftest import OFFICER
from tests.dbstate import file_state
from tests.strategies import households as random_households

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples every run: a fixed budget, no flaky discoveries
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Fuzzer:
    """One database for all examples of a test; every example checked against its own before."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "fuzz.sqlite"
        self.db: Database = open_database(self.path)
        with self.db.sessions.begin() as session:
            create_commune(
                session, OFFICER, "22237", [VillageSpec("Thôn 3", "rural")], REFERENCE_DATE
            )
        self.tried = self.imported = self.refused = 0

    def attempt(self, raw: bytes) -> None:
        self.tried += 1
        source = self.folder / "input.json"
        source.write_bytes(raw)
        before = file_state(self.path)
        try:
            with self.db.sessions.begin() as session:
                import_file(session, OFFICER, source)
        except RaSoatError as exc:
            self.refused += 1
            assert exc.message("vi") and exc.message("en")
            if isinstance(exc, InvalidData):
                assert exc.problems and all(p.line("vi") for p in exc.problems)
            assert file_state(self.path) == before, "a refused file changed the database"
            return
        self.imported += 1
        self.check_whole(source)

    def check_whole(self, source: Path) -> None:
        """Every household of the file is in the database exactly as the file gives it."""
        document, _ = read_import_file(source)
        with self.db.sessions() as session:
            stored = {
                facts.id: facts
                for _, facts in iter_commune_households(
                    session.connection(), only_commune(session).id
                )
            }
        for facts in document.households:
            assert stored.get(facts.id) == facts, f"household {facts.id} imported in part"


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    f = Fuzzer(tmp_path_factory.mktemp("fuzz"))
    yield f
    f.db.dispose()
    print(f"\nfuzz: {f.tried} inputs tried, {f.imported} imported whole, {f.refused} refused")


def base_document() -> dict[str, Any]:
    doc = copy.deepcopy(contract_example())
    doc["commune"]["code"] = "22237"
    return doc


VALID = json.dumps(base_document(), ensure_ascii=False).encode("utf-8")


@FUZZ
@given(raw=st.binary(max_size=3000))
def test_random_bytes(fuzzer: Fuzzer, raw: bytes) -> None:
    fuzzer.attempt(raw)


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    """The valid file with a few byte-level accidents: truncation, flips, insertions, cuts."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "repeat"]))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 40))]
    return bytes(data)


@FUZZ
@given(raw=mangled())
def test_mangled_files(fuzzer: Fuzzer, raw: bytes) -> None:
    fuzzer.attempt(raw)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "2026-11-15", "1984", "piped", "head", "male", "H001", "22237"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


PATHS = [p for p in _paths(base_document()) if p]


@st.composite
def wrong_values(draw: st.DrawFn) -> bytes:
    """The valid document with a few values replaced by random JSON values, or removed."""
    doc = base_document()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target: Any = doc
        try:
            for key in path[:-1]:
                target = target[key]
            if draw(st.booleans()) and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):  # an earlier edit removed the way there
            continue
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8")


@FUZZ
@given(raw=wrong_values())
def test_wrong_values_anywhere(fuzzer: Fuzzer, raw: bytes) -> None:
    fuzzer.attempt(raw)


@st.composite
def household_files(draw: st.DrawFn) -> bytes:
    """Whole files of random households (valid in shape, anything in content)."""
    doc = base_document()
    found = draw(st.lists(random_households, min_size=0, max_size=4))
    doc["households"] = [
        household_dict(h._replace(id=f"F{draw(st.integers(0, 30))}")) for h in found
    ]
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@FUZZ
@given(raw=household_files())
def test_random_households(fuzzer: Fuzzer, raw: bytes) -> None:
    fuzzer.attempt(raw)
