"""Several laptops, one commune: reviewers, assignments, field bundles and field-level merge state.

The commune laptop hands households to reviewers (assignments) and merges what comes back (field
bundles). Each household that takes part keeps a merge state (SyncHousehold): the values it was
last reconciled with, and a multi-value register per field path written since (app/sync_*).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class SyncHousehold(Base):
    """A household's field-level merge state, on the commune laptop and on a reviewer's laptop.

    Keyed by the household code, not by the households row: a household deleted on one laptop
    keeps its state, so an edit made meanwhile elsewhere can still be shown against the deletion.
    """

    __tablename__ = "sync_households"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    # households.version when the register last matched this state; a different version means
    # local edits not yet turned into field changes.
    synced_version: Mapped[int | None]
    # On a reviewer's laptop: the commune laptop's version in the last assignment.
    base_version: Mapped[int | None]
    present: Mapped[bool] = mapped_column(default=True)
    # JSON: every field path → its reconciled value (app/fieldwork/paths.py).
    field_values: Mapped[str] = mapped_column(Text)
    # JSON: path → [entries, context] for the paths written since the household entered sync.
    registers: Mapped[str] = mapped_column(Text, default="{}")
    # How many paths hold more than one value (open conflicts).
    conflicts: Mapped[int] = mapped_column(default=0, index=True)
    # The change source that created the household (None: it came from the commune's register).
    origin: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reviewer(Base):
    """A reviewer registered on the commune laptop with the public key that signs their bundles."""

    __tablename__ = "reviewers"
    __table_args__ = (
        # Named here: the naming convention would give both the same name.
        UniqueConstraint("commune_id", "code", name="uq_reviewers_commune_code"),
        UniqueConstraint("commune_id", "code_prefix", name="uq_reviewers_commune_prefix"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(120))
    # Households created on the reviewer's laptop get codes starting with this, so codes made on
    # different laptops never collide.
    code_prefix: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(Text)  # PEM SubjectPublicKeyInfo (Ed25519)
    key_fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    # The change source of this reviewer's laptop: code and key, so a new key starts afresh.
    source: Mapped[str] = mapped_column(String(80), unique=True)
    # The highest change number merged from this source (a floor for a re-installed laptop).
    max_counter: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(64))


class ReviewerHousehold(Base):
    """A household in a reviewer's assignment (active), or once in it (kept, so late bundles
    about it are still accepted)."""

    __tablename__ = "reviewer_households"

    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("reviewers.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    active: Mapped[bool] = mapped_column(default=True)


class FieldFile(Base):
    """An assignment or a bundle this laptop issued, opened, exported or merged."""

    __tablename__ = "field_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "assignment" | "bundle"
    direction: Mapped[str] = mapped_column(String(4))  # "out" (written here) | "in" (read here)
    reviewer: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int]  # assignment serial or bundle number, per reviewer
    # Bundles: the range of the reviewer's change numbers the file carries, (from, to].
    counter_from: Mapped[int] = mapped_column(default=0)
    counter_to: Mapped[int] = mapped_column(default=0)
    households: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON counts, for the officer
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(64))


class FieldKey(Base):
    """This laptop's own signing key (Ed25519). The private key is stored as PKCS#8 PEM; on an
    encrypted database it is encrypted at rest with everything else."""

    __tablename__ = "field_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    private_key: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
