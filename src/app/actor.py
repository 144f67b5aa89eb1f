"""Who is acting: every operation takes an Actor, so audit rows and permission checks have one."""

from __future__ import annotations

import getpass
import os
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


def command_line_actor() -> Actor:
    """The operating-system user for scripts, unless RASOAT_USER names someone else."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        login = "unknown"
    name = os.environ.get("RASOAT_USER") or login
    return Actor(username=f"cli:{name}", role="administrator", display_name=name)


SYSTEM = Actor(username="system", role="administrator", display_name="RaSoat")
