"""Snapshots of a household's facts, one per saved version (models.HouseholdVersion)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exchange.read import read_household
from app.exchange.write import household_dict
from app.facts import HouseholdFacts
from models import HouseholdVersion

VERSION_COLUMNS = ("household_id", "version", "facts", "sha256", "saved_at", "saved_by")


def snapshot(facts: HouseholdFacts) -> tuple[str, str]:
    """(exchange-format JSON, its SHA-256)."""
    text = json.dumps(household_dict(facts), ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_row(
    household_id: int, version: int, facts: HouseholdFacts, saved_by: str, saved_at: datetime
) -> tuple[tuple[Any, ...], str]:
    """A household_versions row in VERSION_COLUMNS order, and the snapshot's SHA-256."""
    text, digest = snapshot(facts)
    return (household_id, version, text, digest, saved_at, saved_by), digest


def load_version(session: Session, household_id: int, version: int) -> HouseholdFacts | None:
    text = session.scalar(
        select(HouseholdVersion.facts).where(
            HouseholdVersion.household_id == household_id, HouseholdVersion.version == version
        )
    )
    return read_household(json.loads(text)) if text else None
