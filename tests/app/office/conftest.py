"""The receiving office's fixtures: an office database on SQLite and on PostgreSQL, commune
signing keys made once per session, and signed packages made quickly (tests/office_factory.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.actor import Actor
from app.admin_units import communes
from app.office.intake import IntakeOptions, IntakeSummary, intake
from app.office.setup import set_up_office
from app.office.signers import register_certificate
from app.users import create_user, has_users
from models.database import Database
from tests.conftest import ADMIN, TEST_PASSWORD
from tests.office_factory import CommuneSigner, build, commune_signer
from tests.snapshot import db_snapshot

OFFICE = Actor("office1", "office", "Cán bộ tiếp nhận")
OFFICE_NAME = "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk"
PROVINCE = "66"
DAK_LAK = [c.code for c in communes() if c.province_code == PROVINCE]
A, B, C = DAK_LAK[0], DAK_LAK[1], DAK_LAK[2]
HA_NOI = next(c.code for c in communes() if c.province_code == "01")
T0 = datetime(2026, 11, 20, 9, 0).astimezone()
# What intake writes even for a package it refuses: the log row and its audit event.
LOG_TABLES = ("office_packages", "audit_events", "settings")


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture(scope="session")
def signer_pool() -> dict[str, CommuneSigner]:
    """One signing key per commune, made once (RSA key generation is the slow part)."""
    return {code: commune_signer(code) for code in (A, B, C, HA_NOI)}


@pytest.fixture
def office_db(any_db: Database) -> Database:
    """A receiving office of Đắk Lắk, on SQLite and on PostgreSQL."""
    with any_db.sessions.begin() as session:
        if has_users(session):
            create_user(session, ADMIN, OFFICE.username, TEST_PASSWORD, "office", OFFICE.label)
        set_up_office(session, ADMIN, OFFICE_NAME, PROVINCE)
    return any_db


def trust(db: Database, *signers: CommuneSigner) -> None:
    """Register each commune's signing certificate, as `rasoat signers import` does."""
    with db.sessions.begin() as session:
        for s in signers:
            register_certificate(session, OFFICE, s.certificate, s.code, "file")


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """make_package(signer, households=30, created=T0, folder="in", **kw) -> the package."""

    def make(
        signer: CommuneSigner,
        households: Any = 30,
        created: datetime = T0,
        folder: str = "in",
        **kw: Any,
    ) -> Path:
        out = tmp_path / folder
        out.mkdir(exist_ok=True)
        return build(out, signer, households, created=created, **kw)

    return make


def take(db: Database, *paths: Path, **options: Any) -> IntakeSummary:
    return intake(db, OFFICE, list(paths), IntakeOptions(**options))


def data_state(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the intake log and the audit trail (which record refusals too)."""
    return {k: v for k, v in db_snapshot(db).items() if k not in LOG_TABLES}


def copy_to(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


@pytest.fixture
def two_communes(
    office_db: Database, signer_pool: dict[str, CommuneSigner], make_package: Callable[..., Path]
) -> tuple[Path, Path]:
    """Two communes of Đắk Lắk (60 and 45 households), trusted and taken."""
    a = make_package(signer_pool[A], 60, seed=11)
    b = make_package(signer_pool[B], 45, seed=12, created=minutes(1))
    trust(office_db, signer_pool[A], signer_pool[B])
    take(office_db, a, b)
    return a, b
