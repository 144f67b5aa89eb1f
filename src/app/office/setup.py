"""The office's identity, kept in its database (settings table): a database with an office name
is a receiving office's database and holds the communes it received, never a commune's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit, keys
from app.actor import Actor
from app.admin_units import province_by_code
from app.errors import RaSoatError
from app.paths import data_dir
from app.permissions import require
from app.textnorm import nfc
from models import Commune, Setting

NAME = "office.name"
PROVINCE = "office.province_code"
SIGNING_KEY = "office.signing_key"
ARCHIVE = "office.archive_dir"


@dataclass(frozen=True)
class Office:
    name: str
    province_code: str | None  # packages from other provinces are refused when set
    province_name: str | None
    signing_key: str | None
    archive_dir: Path


def _get(session: Session, key: str) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.key == key))


def _set(session: Session, key: str, value: str) -> None:
    setting = session.get(Setting, key)
    if setting is None:
        session.add(Setting(key=key, value=value))
    else:
        setting.value = value
    session.flush()


def is_office(session: Session) -> bool:
    return _get(session, NAME) is not None


def default_archive_dir() -> Path:
    return data_dir() / "office-packages"


def office(session: Session) -> Office:
    """The office this database belongs to; refused in a commune's database."""
    name = _get(session, NAME)
    if name is None:
        raise RaSoatError("office.not_an_office")
    code = _get(session, PROVINCE)
    archive = _get(session, ARCHIVE)
    return Office(
        name,
        code,
        province_by_code(code).name if code else None,
        _get(session, SIGNING_KEY),
        Path(archive) if archive else default_archive_dir(),
    )


def set_up_office(
    session: Session,
    actor: Actor,
    name: str,
    province_code: str | None = None,
    archive_dir: Path | None = None,
) -> Office:
    """Make this database a receiving office's (or rename it). A commune's own database cannot
    become an office: its households would be mixed with those received."""
    require(session, actor, "office.setup")
    clean = nfc(name)
    if not clean:
        raise RaSoatError("office.name_missing")
    if not is_office(session) and session.scalar(select(Commune.id).limit(1)) is not None:
        raise RaSoatError("office.commune_database")
    if province_code:
        province_by_code(province_code)  # refuses a code not in the official list
        _set(session, PROVINCE, province_code)
    if archive_dir is not None:
        _set(session, ARCHIVE, str(archive_dir.expanduser().resolve()))
    _set(session, NAME, clean)
    audit.record(
        session,
        actor,
        "office.setup",
        "office",
        clean,
        province=province_code,
        archive=str(archive_dir) if archive_dir else None,
    )
    return office(session)


def assign_signing_key(session: Session, actor: Actor, key_name: str) -> keys.KeyInfo:
    """The key (in this laptop's key folder) that signs the office's review responses."""
    require(session, actor, "office.setup")
    office(session)
    info = keys.key_info(key_name)
    _set(session, SIGNING_KEY, key_name)
    audit.record(session, actor, "office.key", "key", key_name, certificate=info.fingerprint)
    return info


def signing_key(session: Session) -> str:
    name = office(session).signing_key
    if name is None:
        raise RaSoatError("office.no_key")
    return name
