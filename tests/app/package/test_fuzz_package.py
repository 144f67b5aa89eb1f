"""Fuzzing the package reader (issue #6): random bytes and byte-level accidents to a genuine
signed package. Whatever arrives, verification returns a report (never an exception), every
problem reads in both languages, and only the untouched package verifies."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.package.verify import verify_package
from tests.app.package.conftest import Built

# The session's package fixture has a large repr, which hypothesis warns about when it reports.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

FUZZ = settings(  # a fixed budget and seed: `make test` stays fast and repeatable
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def check(built: Built, blob: bytes, genuine: bytes) -> None:
    report = verify_package(blob, built.trust, check_pdfs=False)
    for problem in report.problems:
        assert problem.message("vi") and problem.message("en")
    if blob != genuine:
        assert not report.ok, "a changed package verified"


@FUZZ
@given(raw=st.binary(max_size=4096))
def test_random_bytes_are_refused_with_a_reason(built: Built, raw: bytes) -> None:
    genuine = built.result.path.read_bytes()
    check(built, raw, genuine)
    check(built, b"PK\x03\x04" + raw, genuine)


@FUZZ
@given(data=st.data())
def test_damaged_packages_never_verify(built: Built, data: st.DataObject) -> None:
    genuine = built.result.path.read_bytes()
    blob = bytearray(genuine)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(blob) - 1))
        kind = data.draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        if kind == "flip":
            blob[at] ^= data.draw(st.integers(1, 255))
        elif kind == "truncate":
            del blob[at:]
        elif kind == "insert":
            blob[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            del blob[at : at + data.draw(st.integers(1, 64))]
        if not blob:
            break
    check(built, bytes(blob), genuine)


def test_bytes_before_or_after_the_archive_are_refused(built: Built) -> None:
    """Zip readers skip them silently, so they could carry anything (a self-extracting stub)."""
    genuine = built.result.path.read_bytes()
    for blob in (b"MZ\x90\x00" + genuine, genuine + b"trailing", genuine[1:]):
        codes = [p.code for p in verify_package(blob, built.trust, check_pdfs=False).problems]
        assert "zip_hidden_data" in codes or "wrong_format" in codes, codes
    assert verify_package(genuine, built.trust, check_pdfs=False).ok
