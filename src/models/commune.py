"""The commune (official code from resources/), its villages, and per-database settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Official codes are strings: leading zeros matter ("00004").
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    province_code: Mapped[str] = mapped_column(String(2))
    province_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    villages: Mapped[list[Village]] = relationship(
        back_populates="commune", order_by="Village.position", cascade="all, delete-orphan"
    )


class Village(Base):
    """A thôn / bản / tổ dân phố. Its area decides which income line applies by default."""

    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    area: Mapped[str] = mapped_column(String(5))  # "rural" | "urban"
    position: Mapped[int] = mapped_column(default=0)

    commune: Mapped[Commune] = relationship(back_populates="villages")


class Setting(Base):
    """Settings that belong to the data (current round, receiving office), not to the laptop."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
