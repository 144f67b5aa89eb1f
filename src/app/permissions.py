"""Who may do what: the role → permission table (resources/roles.json) and the check every
operation in `app` makes before it changes anything.

The check is made here, in the core, so that hiding a button is never the only barrier: a
reviewer who calls `decide(...)` directly is refused like one who clicks. Once the database has
accounts, the acting account must also still exist, be active and hold the role it claims, so a
demoted or disabled account is refused even in a window that signed in before the change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.errors import PermissionDenied
from app.i18n import label
from app.resources import resource_path
from models import User


@dataclass(frozen=True)
class SignInPolicy:
    max_failed_attempts: int
    lockout_minutes: int
    min_password_length: int


@cache
def _roles_file() -> Mapping[str, Any]:
    with resource_path("roles.json").open(encoding="utf-8") as fh:
        data: Mapping[str, Any] = json.load(fh)
    return data


def roles() -> tuple[str, ...]:
    return tuple(_roles_file()["roles"])


def role_label(role: str, lang: str = "vi") -> str:
    entry = _roles_file()["roles"].get(role)
    if entry is None:
        return role
    names: Mapping[str, str] = entry["label"]
    return names.get(lang) or names["vi"]


def permissions_of(role: str) -> frozenset[str]:
    entry = _roles_file()["roles"].get(role)
    return frozenset(entry["permissions"]) if entry else frozenset()


def can(actor: Actor, permission: str) -> bool:
    """Whether `actor`'s role grants `permission` (for menus; operations call `require`)."""
    return permission in permissions_of(actor.role)


def sign_in_policy() -> SignInPolicy:
    return SignInPolicy(**_roles_file()["sign_in"])


def permission_label(permission: str, lang: str = "vi") -> str:
    return label(f"permission.{permission}", lang, default=permission)


def require(session: Session, actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless `actor` may do `permission` now."""
    if permission not in permissions_of(actor.role):
        raise PermissionDenied(
            "auth.not_permitted",
            user=actor.label,
            role=role_label(actor.role),
            action=permission_label(permission),
        )
    _check_account(session, actor)


def _check_account(session: Session, actor: Actor) -> None:
    """Once accounts exist, the actor must be a current, active account with this role."""
    cache_key = ("rasoat.account", actor.username)
    known = session.info.get(cache_key)
    if known is None:
        row = session.execute(
            select(User.role, User.active).where(User.username == actor.username)
        ).first()
        if row is None:
            any_user = session.scalar(select(User.id).limit(1))
            known = ("none", False) if any_user is not None else ("bootstrap", True)
        else:
            known = (row[0], row[1])
        session.info[cache_key] = known
    role, active = known
    if role == "bootstrap":  # a database without accounts yet (tests, first start)
        return
    if role != actor.role or not active:
        raise PermissionDenied("auth.account_invalid", user=actor.label)


def forget_accounts(session: Session) -> None:
    """Drop the per-session cache of account checks (after accounts change)."""
    for key in [k for k in session.info if isinstance(k, tuple) and k[0] == "rasoat.account"]:
        del session.info[key]
