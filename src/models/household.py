"""Households and their members: the register, with the facts the review collects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    # The exchange-format id: stable within the commune and kept across years.
    code: Mapped[str] = mapped_column(String(64))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    area: Mapped[str] = mapped_column(String(5))
    address: Mapped[str | None] = mapped_column(String(300))
    farm_household: Mapped[bool] = mapped_column(default=False)
    income_per_capita_month: Mapped[int | None] = mapped_column(BigInteger)
    b1_score: Mapped[int | None]
    floor_area_m2: Mapped[float]
    walls_durable: Mapped[bool]
    columns_durable: Mapped[bool]
    roof_durable: Mapped[bool]
    water_source: Mapped[str] = mapped_column(String(24))
    latrine: Mapped[str] = mapped_column(String(24))
    phone: Mapped[bool]
    internet: Mapped[bool]
    # Comma-separated device codes from a small fixed list: read in bulk as one column, and no
    # join table for six flags.
    information_devices: Mapped[str] = mapped_column(String(120), default="")
    waste_handling: Mapped[str | None] = mapped_column(String(20))
    # Number of members declared on the application, checked against the member list.
    declared_size: Mapped[int | None]
    # Accent-folded names and ID numbers, precomputed so a 50,000-row list filters in memory.
    search_key: Mapped[str] = mapped_column(Text, default="")
    # Bumped on every change: an assessment records the version it classified.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[Member]] = relationship(
        back_populates="household",
        order_by="Member.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    confirmations: Mapped[list[WarningConfirmation]] = relationship(
        back_populates="household", cascade="all, delete-orphan", passive_deletes=True
    )


class Member(Base):
    __tablename__ = "members"
    # Members are always read grouped by household in roster order.
    __table_args__ = (Index("ix_members_household_position", "household_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(6))
    # ISO "YYYY-MM-DD" text on every backend: ages are computed by comparing it with cut-off
    # strings (see app/ages.py), and a year-only birth is "YYYY-01-01" with birth_year_only set.
    birth_date: Mapped[str] = mapped_column(String(10))
    birth_year_only: Mapped[bool] = mapped_column(default=False)
    relation: Mapped[str] = mapped_column(String(12))
    ethnicity: Mapped[str | None] = mapped_column(String(60))
    id_number: Mapped[str | None] = mapped_column(String(12), index=True)
    health_insurance: Mapped[bool]
    disability: Mapped[str] = mapped_column(String(20), default="none")
    employment: Mapped[str | None] = mapped_column(String(30))
    education: Mapped[str | None] = mapped_column(String(30))
    in_school: Mapped[bool | None]
    school_level_appropriate: Mapped[bool | None]
    malnourished: Mapped[bool | None]

    household: Mapped[Household] = relationship(back_populates="members")


class WarningConfirmation(Base):
    """An officer's confirmation of a validation warning, with the reason they gave."""

    __tablename__ = "warning_confirmations"
    __table_args__ = (UniqueConstraint("household_id", "code", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    confirmed_by: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship(back_populates="confirmations")


class HouseholdVersion(Base):
    """Each saved version of a household's facts as exchange-format JSON, written once.

    An assessment points at the version it classified, so its inputs stay readable after the
    register changes; the audit row of each save carries the snapshot's SHA-256, so the hash
    chain vouches for the snapshot too.
    """

    __tablename__ = "household_versions"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True)
    facts: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(64))
