"""The quick paths of app/textnorm give what the full normalisation gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.textnorm import _FORBIDDEN, _SPACES, bad_char, nfc


def test_every_forbidden_character_is_unprintable() -> None:
    """bad_char skips the search for printable text: that must never let one through."""
    forbidden = [chr(c) for c in range(0x110000) if _FORBIDDEN.match(chr(c))]
    assert forbidden and not any(ch.isprintable() for ch in forbidden)
    assert all(bad_char(f"Nguyễn{ch}Văn") is not None for ch in forbidden)


@given(st.text(alphabet=st.sampled_from("aăâeêioôơuưyAĐđ ̣́̀̉̃\u00a0\t\n  ễỗẫạ"), max_size=30))
def test_nfc_equals_the_full_normalisation(text: str) -> None:
    assert nfc(text) == _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
