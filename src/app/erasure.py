"""Erasing a household's personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15), and the
retention period after which a household no longer reviewed is due for erasure.

What identifies people goes: members' names (replaced by a placeholder), ID numbers, ethnicity
(a sensitive category), exact birth dates (only the year is kept, so ages and the statistics of
past rounds stay right), the address, the free-text reasons of warnings, applications and
complaints, every earlier snapshot of the household, and the details of every audit row about
it. What stays is anonymous: the household's code and village, its indicator facts, income, its
results in past rounds. The erasure itself is recorded in the audit trail, by whom, when and why,
with the sequence numbers and hashes of the rows it blanked, so the chain still verifies
(app/audit.py). Backups made before the erasure still hold the data until they rotate out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import NotFound, RaSoatError
from app.facts import HouseholdFacts
from app.household_rows import household_values
from app.households import household_facts, load_household
from app.permissions import require
from app.snapshots import VERSION_COLUMNS, version_row
from app.textnorm import nfc
from models import (
    Application,
    Assessment,
    AuditEvent,
    Commune,
    Complaint,
    Household,
    HouseholdVersion,
    Member,
    ReviewRound,
    Setting,
    WarningConfirmation,
)
from models.base import utcnow
from models.bulk import insert_rows
from models.database import Database

ERASED_NAME = "(đã xoá)"
RETENTION_KEY = "privacy.retention_years"
# How long a household that is no longer reviewed keeps its personal data. The legal period is
# not settled here (unverified); the commune's administrator sets it.
DEFAULT_RETENTION_YEARS = 5


@dataclass(frozen=True)
class ErasureResult:
    code: str
    members: int
    snapshots_removed: int
    audit_rows_redacted: int


def erase_household(
    session: Session, actor: Actor, commune: Commune, code: str, reason: str
) -> ErasureResult:
    """Erase the personal data of household `code`, in the caller's transaction."""
    require(session, actor, "household.erase")
    reason = nfc(reason)
    if not reason:
        raise RaSoatError("erasure.reason_missing")
    household = load_household(session, commune, code)
    facts = _anonymous(household_facts(session, household))
    for key, value in household_values(facts).items():
        setattr(household, key, value)
    for member, anonymous in zip(household.members, facts.members, strict=True):
        member.name, member.id_number, member.ethnicity = anonymous.name, None, None
        member.birth_date, member.birth_year_only = anonymous.birth_date, True
    household.version += 1
    household.updated_at = utcnow()
    session.flush()
    removed = _replace_snapshots(session, household.id, household.version, facts, actor)
    _blank_free_text(session, household.id)
    redacted = _redaction_list(session, code)
    audit.record(
        session,
        actor,
        audit.ERASE_ACTION,
        "household",
        code,
        reason=reason,
        version=household.version,
        redacted=redacted,
    )
    if redacted:
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.id.in_([seq for seq, _ in redacted]))
            .values(details=audit.REDACTED)
        )
    return ErasureResult(code, len(facts.members), removed, len(redacted))


def erase_and_scrub(db: Database, actor: Actor, code: str, reason: str) -> ErasureResult:
    """The erasure as the officer asks for it: one transaction, then the database's WAL folded
    into the file and emptied, so the old values survive in neither (secure_delete has zeroed
    them on their pages; see models/database.py)."""
    from app.communes import only_commune

    with db.sessions.begin() as session:
        done = erase_household(session, actor, only_commune(session), code, reason)
    scrub(db)
    return done


def scrub(db: Database) -> None:
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _anonymous(facts: HouseholdFacts) -> HouseholdFacts:
    members = tuple(
        m._replace(
            name=ERASED_NAME,
            id_number=None,
            ethnicity=None,
            birth_date=f"{m.birth_date[:4]}-01-01",
            birth_year_only=True,
        )
        for m in facts.members
    )
    return facts._replace(members=members, address=None)


def _replace_snapshots(
    session: Session, household_id: int, version: int, facts: HouseholdFacts, actor: Actor
) -> int:
    """Every earlier snapshot holds the data: they go, and one anonymous snapshot takes the
    new version number (results of past rounds keep pointing at their version number)."""
    old = session.scalars(
        select(HouseholdVersion).where(HouseholdVersion.household_id == household_id)
    ).all()
    for snapshot in old:
        session.delete(snapshot)
    session.flush()
    row, _ = version_row(household_id, version, facts, actor.username, utcnow())
    insert_rows(session.connection(), HouseholdVersion, VERSION_COLUMNS, [row])
    return len(old)


def _blank_free_text(session: Session, household_id: int) -> None:
    session.execute(
        update(WarningConfirmation)
        .where(WarningConfirmation.household_id == household_id)
        .values(reason=ERASED_NAME)
    )
    session.execute(
        update(Application)
        .where(Application.household_id == household_id)
        .values(applicant_name=ERASED_NAME, applicant_id_number=None, reason="")
    )
    _blank_complaints(session, household_id)


def _blank_complaints(session: Session, household_id: int) -> None:
    assessments = select(Assessment.id).where(Assessment.household_id == household_id)
    session.execute(
        update(Complaint)
        .where(Complaint.assessment_id.in_(assessments))
        .values(complainant=ERASED_NAME, content=ERASED_NAME)
    )


def _redaction_list(session: Session, code: str) -> list[tuple[int, str]]:
    """(sequence number, hash) of every audit row about the household that still has details."""
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.hash).where(
            AuditEvent.entity == "household",
            AuditEvent.entity_key == code,
            AuditEvent.details != audit.REDACTED,
            AuditEvent.action != audit.ERASE_ACTION,
        )
    ).all()
    return [(int(seq), str(digest)) for seq, digest in rows]


# --- retention ---------------------------------------------------------------------------


def retention_years(session: Session) -> int:
    value = session.scalar(select(Setting.value).where(Setting.key == RETENTION_KEY))
    return int(value) if value is not None else DEFAULT_RETENTION_YEARS


def set_retention_years(session: Session, actor: Actor, years: int) -> None:
    require(session, actor, "settings.manage")
    if not 1 <= years <= 100:
        raise RaSoatError("erasure.bad_retention", years=years)
    old = retention_years(session)
    setting = session.get(Setting, RETENTION_KEY)
    if setting is None:
        session.add(Setting(key=RETENTION_KEY, value=str(years)))
    else:
        setting.value = str(years)
    session.flush()
    audit.record(session, actor, "privacy.retention", "commune", "", years=[old, years])


def due_for_erasure(session: Session, commune: Commune, today: date | None = None) -> list[str]:
    """Codes of households whose last review round (by reference date) ended more than the
    retention period ago, and which still hold personal data."""
    today = today or date.today()
    years = retention_years(session)
    cutoff = today - timedelta(days=round(365.25 * years))
    last_review = (
        select(Assessment.household_id)
        .join(ReviewRound, ReviewRound.id == Assessment.round_id)
        .where(ReviewRound.reference_date >= cutoff)
    )
    personal = select(Member.household_id).where(Member.name != ERASED_NAME)
    rows = session.scalars(
        select(Household.code)
        .where(
            Household.commune_id == commune.id,
            Household.updated_at < cutoff,
            Household.id.not_in(last_review),
            Household.id.in_(personal),
        )
        .order_by(Household.code)
    )
    return list(rows)


def erase_due(
    session: Session, actor: Actor, commune: Commune, today: date | None = None
) -> list[ErasureResult]:
    years = retention_years(session)
    reason = f"retention: {years} years"
    done = []
    for code in due_for_erasure(session, commune, today):
        try:
            done.append(erase_household(session, actor, commune, code, reason))
        except NotFound:  # gone meanwhile
            continue
    return done
