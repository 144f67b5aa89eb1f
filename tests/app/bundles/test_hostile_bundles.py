"""Bundles that are signed correctly but say nonsense (a broken or hostile reviewer program):
every one is either merged or refused with a known error (said in both languages), never a crash.
(That a refusal changes nothing is the transaction's work, checked in test_rejections.py.)"""

from __future__ import annotations

import copy
import os
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.communes import only_commune
from app.errors import RaSoatError
from app.fieldwork import signed_files
from app.fieldwork.bundle_merge import merge_bundle
from app.fieldwork.laptop_keys import own_key
from tests.app.bundles.laptops import Laptop
from tests.builders import household, member

JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["household", "members.0", "members.9.name", "nam:00000000", "xa:ffffffff"])
    | st.sampled_from(["none", "septic", "rural", "head", "male", "1984", "2026-02-30", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _nodes(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(tree, dict):
        for k, v in tree.items():
            out += _nodes(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out += _nodes(v, (*path, i))
    return out


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def _replace(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = tree
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return tree


@pytest.fixture
def signed_by_nam(
    hub: Laptop, laptops: Callable[..., Laptop], usb: Path
) -> tuple[Laptop, dict[str, Any], Any]:
    nam = laptops("nam")
    hub.register("nam", nam.public_key())
    nam.open(hub.assign("nam", usb, households=["H001", "H002"]).path)
    nam.edit("H001", income_per_capita_month=800_000)
    nam.edit_member("H002", 1, name="Phạm Thị Dung Mới")
    nam.save(household(id="NAM-0001", members=(member(name="Đỗ Văn Mới"),)))
    bundle = nam.export(usb)
    assert bundle.path is not None
    content = signed_files.unpack(bundle.path.read_bytes(), "b").content()
    with nam.db.sessions() as s:
        key = own_key(s)
        assert key is not None
        s.expunge(key)
    return hub, content, key


@settings(
    max_examples=int(os.environ.get("RASOAT_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32), junk=JUNK)
def test_signed_nonsense_is_refused_cleanly_or_merged(
    signed_by_nam: tuple[Laptop, dict[str, Any], Any], tmp_path: Path, seed: int, junk: Any
) -> None:
    hub, content, key = signed_by_nam
    mutated = copy.deepcopy(content)
    mutated["id"] = str(uuid.UUID(int=seed))  # a new bundle each time, unless the junk lands there
    nodes = _nodes(mutated)
    rng = random.Random(seed)
    leaves = [n for n in nodes if not isinstance(_get(mutated, n), dict | list)]
    where = rng.choice(leaves if rng.random() < 0.7 else nodes)  # mostly one value, deep inside
    mutated = _replace(mutated, where, junk)
    path = tmp_path / f"m{seed}.rasoat-bundle"
    path.write_bytes(signed_files.pack(mutated, key))
    session = hub.db.sessions()
    try:  # merged or refused, then rolled back: every example starts from the same register
        merge_bundle(session, hub.actor, only_commune(session), path)
    except RaSoatError as exc:
        assert exc.message("vi") and exc.message("en")
    finally:
        session.rollback()
        session.close()
