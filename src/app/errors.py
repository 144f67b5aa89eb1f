"""Known errors: things that happen to users (bad files, locked databases), told in plain words.

Anything else is a bug. A known error carries a message key from the catalogue so the GUI and the
CLI can say it in Vietnamese or English.
"""

from __future__ import annotations

from typing import Any


class RaSoatError(Exception):
    """A failure the user can understand and act on."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str = "vi") -> str:
        from app.i18n import tr

        return tr(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("vi")


class InvalidData(RaSoatError):
    """Input that fails validation; `problems` lists each problem with its path."""

    def __init__(self, problems: list[Any], key: str = "error.invalid_data", **params: Any) -> None:
        super().__init__(key, count=len(problems), **params)
        self.problems = problems


class NotFound(RaSoatError):
    pass


class DatabaseError(RaSoatError):
    pass


class PermissionDenied(RaSoatError):
    pass


class WorkflowError(RaSoatError):
    pass
