"""The second stage of intake: write what the first stage found, one transaction per package.

A refused package is logged with its reasons; a package received before is logged as a
duplicate; a new one is archived, then written as the current picture of its commune and round
unless a newer package of them is already there (then it is kept only as history). Whether a
package repeats or supersedes another is decided again inside the transaction, so packages
checked ahead of time (or by a second office laptop) cannot both be taken.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.office.intake_check import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    SUPERSEDED,
    Checked,
    created_at,
)
from app.office.loading import LoadPlan, load_plan
from app.office.package_data import Reason, reason_text
from app.office.setup import Office
from models import ReceivedPackage
from models.database import Database


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str
    reasons: tuple[Reason, ...] = ()
    package_id: int | None = None
    commune: str = ""
    round_label: str = ""
    households: int | None = None
    replaced_id: int | None = None  # the package this one superseded

    def reason_texts(self, lang: str = "vi") -> list[str]:
        return [reason_text(r, lang) for r in self.reasons]


def known_package(session: Session, file_sha: str, manifest_sha: str = "") -> int | None:
    """The package received before (accepted, or superseded since) that this one repeats: the
    same file, or the same signed manifest in another zip or envelope."""
    same = ReceivedPackage.file_sha256 == file_sha
    if manifest_sha:
        same = same | (ReceivedPackage.manifest_sha256 == manifest_sha)
    found = session.scalar(
        select(ReceivedPackage.id)
        .where(same, ReceivedPackage.status.in_((ACCEPTED, SUPERSEDED)))
        .order_by(ReceivedPackage.id)
        .limit(1)
    )
    return int(found) if found is not None else None


class Recorder:
    def __init__(self, db: Database, actor: Actor, office: Office) -> None:
        self.db, self.actor, self.office = db, actor, office

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Session]:
        """A transaction holding the write lock from its first statement: another writer
        may commit meanwhile, and SQLite refuses (without waiting) to turn a read begun before
        that commit into a write."""
        with self.db.sessions.begin() as session:
            audit.lock(session.connection())
            yield session

    def record(self, c: Checked) -> Outcome:
        if c.reasons:
            return self._rejected(c)
        with self._writing() as session:
            known = known_package(session, c.file_sha, c.manifest_sha)
            if known is not None:
                return self._duplicate(session, c, known)
            assert c.plan is not None and c.archived is not None
            return self._taken(session, c, c.plan, c.archived)

    def _taken(self, session: Session, c: Checked, plan: LoadPlan, archived: Path) -> Outcome:
        assert c.manifest is not None
        row = log_row(self.actor, c)
        row.archive_path = str(archived)
        row.round_key, row.round_label = plan.round.key, plan.round.label
        row.commune_name = plan.commune.name
        current = session.scalars(
            select(ReceivedPackage).where(
                ReceivedPackage.commune_code == plan.commune.code,
                ReceivedPackage.round_key == plan.round.key,
                ReceivedPackage.status == ACCEPTED,
            )
        ).first()
        replaced = None
        if current is None or _newer(created_at(c.manifest), c.manifest_sha, current):
            row.status, row.round_id = ACCEPTED, load_plan(session, plan).round_id
            session.add(row)
            session.flush()
            if current is not None:
                current.status, current.superseded_by_id = SUPERSEDED, row.id
                replaced = current.id
        else:
            row.status, row.superseded_by_id = SUPERSEDED, current.id
            session.add(row)
            session.flush()
        audit.record(
            session,
            self.actor,
            f"office.package_{row.status}",
            "package",
            c.manifest_sha,
            file=c.path.name,
            commune=plan.commune.code,
            round=plan.round.key,
            households=plan.households,
            fingerprint=c.manifest.fingerprint,
            signer=c.signer_fingerprint,
            replaced=replaced,
        )
        return Outcome(
            c.path, row.status, (), row.id, plan.commune.name, plan.round.label,
            plan.households, replaced,
        )  # fmt: skip

    def _duplicate(self, session: Session, c: Checked, known_id: int) -> Outcome:
        known = session.get(ReceivedPackage, known_id)
        assert known is not None
        row = log_row(self.actor, c)
        row.status, row.duplicate_of_id = DUPLICATE, known.id
        for name in (
            "manifest_sha256", "fingerprint", "commune_code", "commune_name", "province_code",
            "round_key", "round_label", "created_at", "households", "counts", "signer_subject",
            "signer_fingerprint",
        ):  # fmt: skip
            setattr(row, name, getattr(known, name))
        session.add(row)
        session.flush()
        audit.record(
            session, self.actor, "office.package_duplicate", "package",
            known.manifest_sha256 or c.file_sha, file=c.path.name, duplicate_of=known.id,
        )  # fmt: skip
        return Outcome(
            c.path, DUPLICATE, (), row.id, known.commune_name or "", known.round_label or "",
            known.households,
        )  # fmt: skip

    def _rejected(self, c: Checked) -> Outcome:
        with self._writing() as session:
            row = log_row(self.actor, c)
            row.status = REJECTED
            row.reasons = json.dumps([[r.key, r.params] for r in c.reasons], ensure_ascii=False)
            session.add(row)
            session.flush()
            audit.record(
                session, self.actor, "office.package_rejected", "package",
                c.file_sha or c.path.name, file=c.path.name, reasons=[r.key for r in c.reasons],
            )  # fmt: skip
            return Outcome(
                c.path, REJECTED, c.reasons, row.id, row.commune_name or "",
                row.round_label or "", row.households,
            )  # fmt: skip


def log_row(actor: Actor, c: Checked) -> ReceivedPackage:
    """A log row with what is known of the package (as much as its manifest says)."""
    row = ReceivedPackage(
        received_by=actor.username,
        file_name=c.path.name[:255],
        source_path=str(c.path),
        file_sha256=c.file_sha,
        manifest_sha256=c.manifest_sha or None,
        reasons="[]",
        counts="{}",
    )
    m = c.manifest
    if m is not None:
        row.commune_code = str(m.commune.get("code", ""))[:5] or None
        row.commune_name = str(m.commune.get("name", ""))[:120] or None
        row.province_code = str(m.commune.get("province_code", ""))[:2] or None
        row.round_label = str(m.round.get("label", ""))[:120] or None
        row.created_at = m.created_at[:40]
        households = m.counts.get("households")
        row.households = households if type(households) is int else None
        row.counts = json.dumps(m.counts.get("by_class", {}), ensure_ascii=False)[:2000]
        row.fingerprint = m.fingerprint
    if c.signer_name:
        row.signer_subject = c.signer_name[:200]
        row.signer_fingerprint = c.signer_fingerprint
    return row


def _newer(mine: datetime, manifest_sha: str, current: ReceivedPackage) -> bool:
    """Whether the arriving package is newer than the current one: by the time the commune made
    it, ties broken by identity, so the same set of packages always ends the same way."""
    theirs = datetime.fromisoformat(current.created_at or "")
    return (mine, manifest_sha) > (theirs, current.manifest_sha256 or "")
