"""What every screen needs, passed down from the one composition root (ui/app_root.py).

No global app object (Anki's `mw`, qutebrowser's `objreg`): a screen gets the context in its
constructor and reaches nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.actor import Actor
from app.drafts import DraftStore
from app.i18n import tr
from app.settings import Settings
from models.database import Database
from ui.jobs import JobRunner
from ui.prompts import Prompts


@dataclass
class AppContext:
    db: Database
    actor: Actor
    settings: Settings
    prompts: Prompts
    runner: JobRunner
    drafts: DraftStore

    @property
    def lang(self) -> str:
        return self.settings.language

    def tr(self, key: str, **params: Any) -> str:
        return tr(key, self.lang, **params)
