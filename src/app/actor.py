"""Who is acting: every operation takes an Actor, so audit rows and permission checks have one.

Actors come from signing in (app/users.py); app/permissions.py checks each one against its role
and, once the database has accounts, against the account itself.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("reviewer", "officer", "chairman", "administrator")


@dataclass(frozen=True, slots=True)
class Actor:
    username: str
    role: str
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.username
