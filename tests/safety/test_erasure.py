"""Erasing a household's personal data: gone from the register, its history, free text and the
audit trail (which still verifies), left nowhere in the file; the erasure itself audited;
retention finds the households due."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit, erasure
from app.cli import main
from app.communes import only_commune
from app.errors import PermissionDenied, RaSoatError
from app.households import household_facts, load_household, save_household
from models import AuditEvent, HouseholdVersion
from models.database import Database
from tests.builders import household, member
from tests.conftest import ADMIN, OFFICER, REVIEWER
from tests.dbstate import file_state

NAME = "Hoàng Thị Mỹ Duyên"
SPOUSE = "Phạm Quốc Việt"
ID_NUMBER = "066190077777"
SECRETS = [s.encode("utf-8") for s in (NAME, SPOUSE, ID_NUMBER, "Mỹ Duyên", "Quốc Việt")]


def leaks(path: Path) -> list[bytes]:
    found = []
    for suffix in ("", "-wal", "-journal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            data = part.read_bytes()
            found += [s for s in SECRETS if s in data]
    return found


@pytest.fixture
def recorded(commune_db: Database) -> Database:
    """H777 saved twice (two snapshots), with a confirmed warning."""
    with commune_db.sessions.begin() as session:
        commune = only_commune(session)
        head = member(name=NAME, sex="female", id_number=ID_NUMBER, ethnicity="Tày")
        spouse = member(name=SPOUSE, relation="spouse", age=45)
        facts = household(id="H777", members=(head, spouse), address="Số 7, Thôn 1")
        save_household(session, OFFICER, commune, facts, allow_unconfirmed=True)
        save_household(
            session,
            OFFICER,
            commune,
            facts._replace(income_per_capita_month=900_000),
            allow_unconfirmed=True,
        )
        save_household(session, OFFICER, commune, household(id="H778"), allow_unconfirmed=True)
    return commune_db


def test_erasure_leaves_no_trace_in_the_file_and_the_audit_still_verifies(
    recorded: Database,
) -> None:
    assert recorded.path is not None
    erasure.scrub(recorded)
    assert leaks(recorded.path)  # the control: the data is there before
    done = erasure.erase_and_scrub(recorded, OFFICER, "H777", "Theo yêu cầu của chủ hộ")
    assert done.members == 2 and done.snapshots_removed == 2 and done.audit_rows_redacted >= 2
    assert leaks(recorded.path) == []
    with recorded.sessions() as session:
        assert audit.verify(session).ok
        commune = only_commune(session)
        facts = household_facts(session, load_household(session, commune, "H777"))
        assert [m.name for m in facts.members] == [erasure.ERASED_NAME] * 2
        assert all(m.id_number is None and m.ethnicity is None for m in facts.members)
        assert all(m.birth_year_only and m.birth_date.endswith("-01-01") for m in facts.members)
        assert facts.address is None and facts.income_per_capita_month == 900_000
        versions = session.scalars(select(HouseholdVersion.version)).all()
        assert sorted(versions) == [1, 3]  # H778's, and H777's one anonymous snapshot
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == audit.ERASE_ACTION)
        ).one()
        assert event.actor == OFFICER.username and "Theo yêu cầu" in event.details
        other = load_household(session, commune, "H778")
        assert other.members[0].name == "Nguyễn Văn An"  # nobody else is touched


def test_blanking_audit_rows_without_an_erasure_is_tampering(recorded: Database) -> None:
    with recorded.sessions.begin() as session:
        first = session.scalars(select(AuditEvent).where(AuditEvent.entity_key == "H777")).first()
        assert first is not None
        first.details = audit.REDACTED
    with recorded.sessions() as session:
        verdict = audit.verify(session)
    assert not verdict.ok and verdict.reason == "hash"


def test_a_reviewer_cannot_erase_and_nothing_changes(recorded: Database) -> None:
    assert recorded.path is not None
    before = file_state(recorded.path)
    with pytest.raises(PermissionDenied):
        erasure.erase_and_scrub(recorded, REVIEWER, "H777", "thử")
    with pytest.raises(RaSoatError) as err:
        erasure.erase_and_scrub(recorded, OFFICER, "H777", "   ")
    assert err.value.key == "erasure.reason_missing"
    assert file_state(recorded.path) == before


def test_retention_finds_the_households_not_reviewed_for_years(recorded: Database) -> None:
    with recorded.sessions.begin() as session:
        commune = only_commune(session)
        assert erasure.retention_years(session) == erasure.DEFAULT_RETENTION_YEARS
        assert erasure.due_for_erasure(session, commune, date(2027, 1, 1)) == []
        with pytest.raises(PermissionDenied):
            erasure.set_retention_years(session, OFFICER, 2)
        erasure.set_retention_years(session, ADMIN, 2)
        due = erasure.due_for_erasure(session, commune, date(2030, 1, 1))
        assert due == ["H777", "H778"]
        erasure.erase_due(session, OFFICER, commune, date(2030, 1, 1))
        assert erasure.due_for_erasure(session, commune, date(2030, 1, 1)) == []
        assert audit.verify(session).ok


def test_cli_erase(recorded: Database) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--db", str(recorded.path), "privacy", "erase", "H777", "--reason", "Hết hạn"],
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    assert "Đã xoá dữ liệu cá nhân của hộ H777" in out.getvalue()
    assert leaks(recorded.path) == []  # type: ignore[arg-type]
