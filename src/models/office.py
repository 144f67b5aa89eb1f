"""The receiving office (issue #8): its register of trusted commune signers, the log of every
package it received, its review of each household, and what the commune does with the reply.

An office database holds many communes in the ordinary tables (communes, households, members,
review_rounds, assessments); the tables here say where that data came from. The two last tables
live on the commune's side: the review responses it imported and the comments on its households.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class TrustedSigner(Base):
    """A certificate the office trusts for one commune's packages (a signer pinned directly, or
    the root that issued it). Revoked entries stay, so a revoked key is recognised as such."""

    __tablename__ = "office_signers"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    subject: Mapped[str] = mapped_column(String(200))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    certificate: Mapped[str] = mapped_column(Text)  # PEM
    not_after: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(10))  # "file" | "package"
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class ReceivedPackage(Base):
    """One package met at intake, and what became of it: accepted (its data is the current
    picture of its commune and round), superseded (a newer one replaced it; kept as history),
    duplicate (the same package again) or rejected (with its reasons)."""

    __tablename__ = "office_packages"
    __table_args__ = (
        Index("ix_office_packages_commune_round", "commune_code", "round_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    source_path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The SHA-256 of the signed manifest: the package's identity, whatever zip or envelope
    # carried it.
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of its data
    status: Mapped[str] = mapped_column(String(12))
    # Each reason as [code, path, params]: shown in the officer's language when read.
    reasons: Mapped[str] = mapped_column(Text, default="[]")
    commune_code: Mapped[str | None] = mapped_column(String(5))
    commune_name: Mapped[str | None] = mapped_column(String(120))
    province_code: Mapped[str | None] = mapped_column(String(2))
    round_key: Mapped[str | None] = mapped_column(String(10))  # "2026", "2026t11"
    round_label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[str | None] = mapped_column(String(40))  # the manifest's own time
    households: Mapped[int | None]
    counts: Mapped[str] = mapped_column(Text, default="{}")  # households by class, JSON
    signer_subject: Mapped[str | None] = mapped_column(String(200))
    signer_fingerprint: Mapped[str | None] = mapped_column(String(64))
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="SET NULL")
    )
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("office_packages.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("office_packages.id"))
    archive_path: Mapped[str | None] = mapped_column(Text)


class HouseholdVerdict(Base):
    """The office's review of one household of an accepted package: accepted, or a correction
    asked for with a comment. Tied to the package, so a newer package starts a fresh review."""

    __tablename__ = "office_verdicts"
    __table_args__ = (UniqueConstraint("package_id", "household_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("office_packages.id", ondelete="CASCADE"))
    household_code: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(12))  # "accepted" | "correction"
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentResponse(Base):
    """A signed review response the office wrote for a package."""

    __tablename__ = "office_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("office_packages.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[int]
    corrections: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class ImportedResponse(Base):
    """Commune side: a review response from the upper level, imported once (by its SHA-256)."""

    __tablename__ = "review_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    office: Mapped[str] = mapped_column(String(200))
    signer_subject: Mapped[str] = mapped_column(String(200))
    package_fingerprint: Mapped[str] = mapped_column(String(64))
    round_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[str] = mapped_column(String(40))  # the response's own time
    accepted: Mapped[int]
    corrections: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64))


class HouseholdComment(Base):
    """Commune side: the upper level's verdict on one household, from an imported response."""

    __tablename__ = "review_comments"
    __table_args__ = (UniqueConstraint("response_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("review_responses.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="")
