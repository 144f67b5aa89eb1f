"""A household's history for the GUI's history view: every audited change and step, oldest
first, with who did it (account and name), when, and what changed (old → new).

It reads the audit trail itself, so what it shows is what `rasoat audit verify` vouches for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import label
from app.workflow.steps import action_label
from models import AuditEvent, User


@dataclass(frozen=True)
class HistoryEntry:
    seq: int  # the audit row
    at: str  # ISO-8601 UTC
    username: str
    actor_name: str
    action: str
    details: dict[str, Any]

    def title(self, lang: str = "vi") -> str:
        """What happened, in words: "Ghi quyết định của Chủ tịch", "Sửa thông tin hộ"…"""
        if self.action.startswith("step."):
            return action_label(self.action[5:], lang)
        return label(f"history.{self.action}", lang, default=self.action)

    @property
    def changes(self) -> dict[str, list[Any]]:
        """field path → [old, new] for edits of the household's facts."""
        found = self.details.get("changes")
        return found if isinstance(found, dict) else {}


def household_history(session: Session, code: str) -> list[HistoryEntry]:
    names = dict(session.execute(select(User.username, User.display_name)).all())
    rows = session.execute(
        select(
            AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.details
        )
        .where(AuditEvent.entity == "household", AuditEvent.entity_key == code)
        .order_by(AuditEvent.id)
    )
    return [
        HistoryEntry(seq, at, actor, names.get(actor) or actor, action, json.loads(details))
        for seq, at, actor, action, details in rows
    ]
