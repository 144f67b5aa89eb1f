"""The accounts of a demo commune: one per role, so every screen can be tried."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.actor import Actor
from app.users import create_user

# (user name, role, display name)
DEMO_ACCOUNTS = (
    ("canbo", "officer", "Cán bộ giảm nghèo (mẫu)"),
    ("rasoatvien", "reviewer", "Rà soát viên (mẫu)"),
    ("chutich", "chairman", "Chủ tịch UBND xã (mẫu)"),
)


def create_demo_accounts(session: Session, admin: Actor, password: str) -> dict[str, Actor]:
    """Create the demo accounts with `password`; returns role → Actor."""
    out = {}
    for username, role, name in DEMO_ACCOUNTS:
        create_user(session, admin, username, password, role, name)
        out[role] = Actor(username, role, name)
    return out
