"""Text normalisation: NFC for storage, accent-folded keys for search and matching."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Characters no name or address contains, refused on the way in: control characters (a NUL or a
# bell breaks Excel and PDF output), lone surrogates (not text at all: SQLite cannot store them)
# and the bidirectional overrides that make a name display as something other than it is.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _fold_table() -> dict[int, str | None]:
    """Every letter with diacritics in Latin ranges mapped to its bare letter, and combining
    marks dropped. One `str.translate` then folds a whole name, far faster than NFD + filter."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x2000):
        ch = chr(code)
        if unicodedata.combining(ch):
            table[code] = None
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[code] = base.lower()
    return table


_FOLD = _fold_table()


def bad_char(text: str) -> str | None:
    """The first character of `text` that no stored text may hold, as "U+XXXX"; None if clean.
    Call it on normalised text (nfc turns tabs and line breaks into spaces)."""
    if text.isprintable():  # every forbidden character is unprintable (tested)
        return None
    found = _FORBIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _already_nfc(text: str) -> bool:
    """True when nfc() would give `text` back unchanged and it holds no unprintable character:
    almost every name, found without copying it."""
    return (
        "  " not in text
        and text == text.strip()
        and text.isprintable()  # no tab, line break or other space to turn into one
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    )


def nfc(text: str) -> str:
    """Normalise typed or imported text: NFC, single spaces, no surrounding blanks.

    Decomposed (NFD) Vietnamese prints with misplaced marks in PDFs and compares unequal, so every
    string is stored in NFC.
    """
    if _already_nfc(text):
        return text
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def nfc_clean(text: str) -> str | None:
    """nfc(text), or None when the result holds a character no stored text may hold (bad_char):
    both checks at once, which a reader of 100,000 names a second can feel."""
    if _already_nfc(text):
        return text  # printable, so nothing forbidden either
    clean = nfc(text)
    return clean if bad_char(clean) is None else None


@lru_cache(maxsize=1 << 16)  # a province's names are made of a few thousand syllables
def _fold_word(word: str) -> str:
    return unicodedata.normalize("NFC", word).translate(_FOLD).lower()


def fold(text: str) -> str:
    """An accent- and case-insensitive key: "Nguyễn Văn Hùng" -> "nguyen van hung".

    Word by word, each folded once and remembered: translating every character of every name
    was the slow part of writing 5,000 households' search keys. The same result as folding the
    whole text, since neither NFC nor lower() joins anything across a space."""
    if text.isascii():
        folded = text.lower()  # NFC and the table change no ASCII character
    else:
        words = text.split(" ")
        folded = " ".join([w.lower() if w.isascii() else _fold_word(w) for w in words])
    if "  " in folded or not folded.isprintable() or folded != folded.strip():
        folded = _SPACES.sub(" ", folded).strip()
    return folded


def is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts other scripts' digits and superscripts."""
    return text.isascii() and text.isdigit()


@lru_cache(maxsize=1 << 16)  # a commune's birth dates repeat: ~20,000 distinct days a century
def _parse_iso(value: str) -> date | None:
    if (
        len(value) != 10
        or value[4] != "-"
        or value[7] != "-"
        or not is_digits(value[:4] + value[5:7] + value[8:])
    ):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def iso_date(value: object) -> date | None:
    """A real calendar date written exactly YYYY-MM-DD, else None. (date.fromisoformat alone
    also accepts week dates such as 2026-W01-1.)"""
    return _parse_iso(value) if isinstance(value, str) else None
