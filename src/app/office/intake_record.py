"""The second stage of intake: write what the first stage found, one transaction per package.

A refused package is logged with its reasons; a package received before is logged as a
duplicate; a new one is archived, then written as the current picture of its commune and round
unless a newer package of them is already there (then it is kept only as history). Whether a
package repeats or supersedes another is decided again inside the transaction, so packages
prepared ahead of time (or by a second office laptop) cannot both be taken.
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

from app import atomic, audit
from app.actor import Actor
from app.office.intake_prepare import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    SUPERSEDED,
    Prepared,
    created_at,
    known_package,
)
from app.office.loading import load_package
from app.office.package_data import PackageData, Reason, reason_text
from app.office.setup import Office
from app.package_verify import VerificationReport
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


class Recorder:
    def __init__(self, db: Database, actor: Actor, office: Office) -> None:
        self.db, self.actor, self.office = db, actor, office

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Session]:
        """A transaction holding the write lock from its first statement: the other stage may
        commit a confirmed signer meanwhile, and SQLite refuses (without waiting) to turn a
        read begun before that commit into a write."""
        with self.db.sessions.begin() as session:
            audit.lock(session.connection())
            yield session

    def record(self, p: Prepared) -> Outcome:
        if p.reasons:
            return self._rejected(p)
        if p.known_id is not None:
            with self._writing() as session:
                return self._duplicate(session, p, p.known_id)
        assert p.data is not None and p.report is not None
        archived = self._archive(p, p.data)
        with self._writing() as session:
            known = known_package(session, p.file_sha, p.manifest_sha)
            if known is not None:
                return self._duplicate(session, p, known)
            return self._taken(session, p, p.data, archived)

    def _archive(self, p: Prepared, data: PackageData) -> Path:
        """Keep the verified package (decrypted) in the office's archive, by commune and round."""
        unit = data.commune
        folder = self.office.archive_dir / unit.province_code / unit.code / data.round.key
        name = p.path.name.removesuffix(".p7m")
        target = folder / name
        if target.exists() and target.read_bytes() != p.blob:
            target = folder / f"{name.removesuffix('.rasoat.zip')}-{p.manifest_sha[:8]}.rasoat.zip"
        if not target.exists():
            atomic.write_bytes(target, p.blob)
        return target

    def _taken(self, session: Session, p: Prepared, data: PackageData, archived: Path) -> Outcome:
        report = p.report
        assert report is not None and report.manifest is not None
        row = log_row(self.actor, p, report)
        row.manifest_sha256, row.archive_path = p.manifest_sha, str(archived)
        row.round_key, row.round_label = data.round.key, data.round.label
        row.commune_name = data.commune.name
        current = session.scalars(
            select(ReceivedPackage).where(
                ReceivedPackage.commune_code == data.commune.code,
                ReceivedPackage.round_key == data.round.key,
                ReceivedPackage.status == ACCEPTED,
            )
        ).first()
        replaced = None
        if current is None or _newer(created_at(report.manifest), p.manifest_sha, current):
            row.status, row.round_id = ACCEPTED, load_package(session, data).round_id
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
            p.manifest_sha,
            file=p.path.name,
            commune=data.commune.code,
            round=data.round.key,
            households=len(data.households),
            fingerprint=report.manifest.fingerprint,
            signer=report.signer_fingerprint,
            replaced=replaced,
        )
        return Outcome(
            p.path,
            row.status,
            (),
            row.id,
            data.commune.name,
            data.round.label,
            len(data.households),
            replaced,
        )

    def _duplicate(self, session: Session, p: Prepared, known_id: int) -> Outcome:
        known = session.get(ReceivedPackage, known_id)
        assert known is not None
        row = log_row(self.actor, p, None)
        row.status, row.duplicate_of_id = DUPLICATE, known.id
        for name in (
            "manifest_sha256",
            "fingerprint",
            "commune_code",
            "commune_name",
            "province_code",
            "round_key",
            "round_label",
            "created_at",
            "households",
            "counts",
            "signer_subject",
            "signer_fingerprint",
        ):
            setattr(row, name, getattr(known, name))
        session.add(row)
        session.flush()
        audit.record(
            session,
            self.actor,
            "office.package_duplicate",
            "package",
            known.manifest_sha256 or p.file_sha,
            file=p.path.name,
            duplicate_of=known.id,
        )
        return Outcome(
            p.path,
            DUPLICATE,
            (),
            row.id,
            known.commune_name or "",
            known.round_label or "",
            known.households,
        )

    def _rejected(self, p: Prepared) -> Outcome:
        with self._writing() as session:
            row = log_row(self.actor, p, p.report)
            row.status = REJECTED
            row.reasons = json.dumps([[r.key, r.params] for r in p.reasons], ensure_ascii=False)
            session.add(row)
            session.flush()
            audit.record(
                session,
                self.actor,
                "office.package_rejected",
                "package",
                p.file_sha or p.path.name,
                file=p.path.name,
                reasons=[r.key for r in p.reasons],
            )
            return Outcome(
                p.path,
                REJECTED,
                p.reasons,
                row.id,
                row.commune_name or "",
                row.round_label or "",
                row.households,
            )


def log_row(actor: Actor, p: Prepared, report: VerificationReport | None) -> ReceivedPackage:
    """A log row with what is known of the package (as much as its manifest says)."""
    row = ReceivedPackage(
        received_by=actor.username,
        file_name=p.path.name[:255],
        source_path=str(p.path),
        file_sha256=p.file_sha,
        reasons="[]",
        counts="{}",
    )
    m = report.manifest if report is not None else None
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
    if report is not None and report.signer is not None:
        row.signer_subject = report.signer_name[:200]
        row.signer_fingerprint = report.signer_fingerprint
    return row


def _newer(mine: datetime, manifest_sha: str, current: ReceivedPackage) -> bool:
    """Whether the arriving package is newer than the current one: by the time the commune made
    it, ties broken by identity, so the same set of packages always ends the same way."""
    theirs = datetime.fromisoformat(current.created_at or "")
    return (mine, manifest_sha) > (theirs, current.manifest_sha256 or "")
