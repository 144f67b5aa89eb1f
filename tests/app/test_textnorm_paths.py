"""The quick paths of app/textnorm give what the full normalisation gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.textnorm import _FOLD, _FORBIDDEN, _SPACES, bad_char, fold, nfc, nfc_clean


def test_every_forbidden_character_is_unprintable() -> None:
    """bad_char skips the search for printable text: that must never let one through."""
    forbidden = [chr(c) for c in range(0x110000) if _FORBIDDEN.match(chr(c))]
    assert forbidden and not any(ch.isprintable() for ch in forbidden)
    assert all(bad_char(f"Nguyễn{ch}Văn") is not None for ch in forbidden)


@given(st.text(alphabet=st.sampled_from("aăâeêioôơuưyAĐđ ̣́̀̉̃\u00a0\t\n  ễỗẫạ"), max_size=30))
def test_nfc_equals_the_full_normalisation(text: str) -> None:
    assert nfc(text) == _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _fold_whole(text: str) -> str:
    """fold() as it was written first: the whole text at once."""
    folded = unicodedata.normalize("NFC", text).translate(_FOLD).lower()
    if "  " in folded or not folded.isprintable() or folded != folded.strip():
        folded = _SPACES.sub(" ", folded).strip()
    return folded


NAMES = st.text(
    alphabet=st.sampled_from("aăâeêioôơuưyAĐđΣσς ̣́̀̉̃\u00a0\t\n  ễỗẫạİ0123456789"), max_size=40
)


@given(NAMES)
def test_fold_word_by_word_equals_folding_the_whole_text(text: str) -> None:
    assert fold(text) == _fold_whole(text)
    assert fold(unicodedata.normalize("NFD", text)) == _fold_whole(
        unicodedata.normalize("NFD", text)
    )


def test_fold_examples() -> None:
    assert fold("Nguyễn Văn Hùng") == "nguyen van hung"
    assert fold("  ĐINH  Thị\tÁNH 001234 ") == "dinh thi anh 001234"
    assert fold("ΟΔΟΣ Σ") == _fold_whole("ΟΔΟΣ Σ")  # the final sigma depends on its neighbours


@given(NAMES)
def test_nfc_clean_is_nfc_then_bad_char(text: str) -> None:
    clean = nfc(text)
    assert nfc_clean(text) == (clean if bad_char(clean) is None else None)
    assert nfc_clean(text + "\x07") is None  # a bell stays a bell, and is refused
