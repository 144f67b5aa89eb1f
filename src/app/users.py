"""Local accounts and sign-in: argon2id password hashes, lock-out after repeated failures.

Passwords are hashed with argon2id (argon2-cffi's defaults: 64 MiB, 3 passes), a memory-hard
function, so a stolen database file does not give the passwords away cheaply. After
`max_failed_attempts` wrong passwords in a row (resources/roles.json) an account is locked for
`lockout_minutes`; sign-ins, failures and lock-outs are in the audit trail.

The sign-in functions take the session factory, not a session: a failed attempt must be counted
(committed) even though the sign-in itself is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.actor import Actor
from app.errors import PermissionDenied, RaSoatError
from app.permissions import forget_accounts, require, roles, sign_in_policy
from app.textnorm import nfc
from models import User
from models.base import utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name takes as long as a wrong
# password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("rasoat-no-such-account")


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None


def _actor(user: User) -> Actor:
    return Actor(user.username, user.role, user.display_name)


def check_new_password(password: str, again: str | None = None) -> None:
    """The password rule (resources/roles.json), and, when it was typed twice, the same twice."""
    _check_password(password)
    if again is not None and again != password:
        raise RaSoatError("auth.password_mismatch")


def _check_password(password: str) -> None:
    minimum = sign_in_policy().min_password_length
    if len(password) < minimum:
        raise RaSoatError("auth.password_too_short", minimum=minimum)


def _find(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def check_username(username: str) -> str:
    """The user name as stored (trimmed, lower case), or the reason it cannot be one."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise RaSoatError("auth.bad_username", username=username)
    return username


def _new_user(session: Session, username: str, password: str, role: str, display_name: str) -> User:
    username = check_username(username)
    if role not in roles():
        raise RaSoatError("auth.bad_role", role=role, roles=", ".join(roles()))
    _check_password(password)
    if _find(session, username) is not None:
        raise RaSoatError("auth.user_exists", username=username)
    user = User(
        username=username,
        display_name=nfc(display_name) or username,
        role=role,
        password_hash=_hasher.hash(password),
    )
    session.add(user)
    session.flush()
    forget_accounts(session)
    return user


def bootstrap_administrator(
    session: Session, username: str, password: str, display_name: str = ""
) -> Actor:
    """Create the first account, an administrator; refused once any account exists."""
    if has_users(session):
        raise PermissionDenied("auth.bootstrap_done")
    user = _new_user(session, username, password, "administrator", display_name)
    actor = _actor(user)
    audit.record(session, actor, "user.bootstrap", "user", user.username, role=user.role)
    return actor


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
) -> UserInfo:
    require(session, actor, "users.manage")
    user = _new_user(session, username, password, role, display_name)
    audit.record(
        session, actor, "user.create", "user", user.username, role=role, name=user.display_name
    )
    return _info(user)


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.username,
        user.display_name,
        user.role,
        user.active,
        user.locked_until,
        user.last_sign_in_at,
    )


def list_users(session: Session, actor: Actor) -> list[UserInfo]:
    require(session, actor, "users.manage")
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def _existing(session: Session, username: str) -> User:
    user = _find(session, username)
    if user is None:
        raise RaSoatError("auth.no_such_user", username=username)
    return user


def _active_admins(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "administrator", User.active.is_(True))
        )
        or 0
    )


def _keep_an_administrator(session: Session, user: User) -> None:
    if user.role == "administrator" and user.active and _active_admins(session) <= 1:
        raise RaSoatError("auth.last_administrator")


def set_role(session: Session, actor: Actor, username: str, role: str) -> None:
    require(session, actor, "users.manage")
    user = _existing(session, username)
    if role not in roles():
        raise RaSoatError("auth.bad_role", role=role, roles=", ".join(roles()))
    if role != "administrator":
        _keep_an_administrator(session, user)
    old, user.role = user.role, role
    forget_accounts(session)
    audit.record(session, actor, "user.role", "user", user.username, role=[old, role])


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    require(session, actor, "users.manage")
    user = _existing(session, username)
    if not active:
        _keep_an_administrator(session, user)
    old, user.active = user.active, active
    forget_accounts(session)
    audit.record(session, actor, "user.active", "user", user.username, active=[old, active])


def reset_password(session: Session, actor: Actor, username: str, password: str) -> None:
    """An administrator sets a new password (and lifts a lock-out)."""
    require(session, actor, "users.manage")
    user = _existing(session, username)
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = utcnow()
    user.failed_attempts, user.locked_until = 0, None
    audit.record(session, actor, "user.password_reset", "user", user.username)


def unlock(session: Session, actor: Actor, username: str) -> None:
    require(session, actor, "users.manage")
    user = _existing(session, username)
    user.failed_attempts, user.locked_until = 0, None
    audit.record(session, actor, "user.unlock", "user", user.username)


def _verify(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(
    sessions: sessionmaker[Session], username: str, password: str, now: datetime | None = None
) -> Actor:
    """The account's Actor if the password is right; otherwise PermissionDenied, with the
    failure counted and, after too many, the account locked."""
    now = now or utcnow()
    with sessions.begin() as session:
        user = _find(session, username)
        if user is not None and user.locked_until is not None and now < user.locked_until:
            raise PermissionDenied("auth.locked", until=_local_time(user.locked_until))
        right = _verify(user, password)
        if user is None:
            raise PermissionDenied("auth.failed")
        if right and not user.active:  # said only to whoever knows the password
            raise PermissionDenied("auth.inactive", user=user.username)
        if right:
            return _signed_in(session, user, password, now)
        locked = _count_failure(session, user, now)  # committed as the block ends
    if locked:
        raise PermissionDenied("auth.locked", until=_local_time(locked))
    raise PermissionDenied("auth.failed")


def _count_failure(session: Session, user: User, now: datetime) -> datetime | None:
    policy = sign_in_policy()
    user.failed_attempts += 1
    audit.record(
        session, _actor(user), "auth.failed", "user", user.username, attempt=user.failed_attempts
    )
    if user.failed_attempts < policy.max_failed_attempts:
        return None
    user.failed_attempts = 0
    user.locked_until = now + timedelta(minutes=policy.lockout_minutes)
    audit.record(
        session,
        _actor(user),
        "auth.locked",
        "user",
        user.username,
        until=user.locked_until.isoformat(),
    )
    return user.locked_until


def _signed_in(session: Session, user: User, password: str, now: datetime) -> Actor:
    user.failed_attempts, user.locked_until, user.last_sign_in_at = 0, None, now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, _actor(user), "auth.sign_in", "user", user.username)
    return _actor(user)


def confirm_password(
    sessions: sessionmaker[Session], actor: Actor, password: str, now: datetime | None = None
) -> Actor:
    """Sign `actor` in again (unlocking a screen after inactivity): same checks as sign_in,
    and the account's current role is returned."""
    return sign_in(sessions, actor.username, password, now)


def change_password(
    sessions: sessionmaker[Session], username: str, old_password: str, new_password: str
) -> None:
    """A user changes their own password, proving the old one first."""
    actor = sign_in(sessions, username, old_password)
    _check_password(new_password)
    with sessions.begin() as session:
        user = _existing(session, actor.username)
        user.password_hash = _hasher.hash(new_password)
        user.password_changed_at = utcnow()
        audit.record(session, actor, "user.password_change", "user", user.username)


def _local_time(moment: datetime) -> str:
    """A stored UTC time as the officer reads it (Vietnam has no daylight saving: UTC+7)."""
    return (moment + timedelta(hours=7)).strftime("%H:%M %d/%m/%Y")
