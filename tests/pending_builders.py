"""Households listed for the survey and not surveyed yet (app/pending_households.py), as the
Excel import leaves them: the list's document, its declared size and last year's class."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.communes import only_commune
from app.pending_households import NewPending, add_pending
from app.previous_classes import ListedClass, record_previous_classes
from models import Village
from models.database import Database
from tests.conftest import OFFICER

LAST_YEAR = 2025  # the test round (tests/conftest.py) is the periodic round of 2026


def pending_document(code: str, head: str, village: str = "Thôn 1", **extra: Any) -> dict:
    return {
        "id": code,
        "village": village,
        "area": "rural",
        "members": [
            {
                "name": head,
                "relation": "head",
                "birth_date": "1984-03-02",
                "sex": "male",
                "ethnicity": "Ê Đê",
                "id_number": "066084001234",
            }
        ],
        **extra,
    }


def add_pending_households(
    db: Database, entries: list[tuple[str, str, str | None]], declared: int | None = 4
) -> None:
    """(code, head's name, last year's class or None) → pending households in Thôn 1."""
    with db.sessions.begin() as s:
        commune = only_commune(s)
        village_id = s.scalar(
            select(Village.id).where(Village.commune_id == commune.id, Village.name == "Thôn 1")
        )
        assert village_id is not None
        pending = [
            NewPending(code, village_id, pending_document(code, head), declared, "ds.xlsx", i + 9)
            for i, (code, head, _cls) in enumerate(entries)
        ]
        add_pending(s, OFFICER, commune, pending)
        listed = [
            ListedClass(code, cls, cls, "ds.xlsx", i + 9)
            for i, (code, _head, cls) in enumerate(entries)
            if cls
        ]
        record_previous_classes(s, OFFICER, commune, LAST_YEAR, listed)
