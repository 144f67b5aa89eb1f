"""Households known from last year's lists: listed for this year's review, survey pending.

Last year's Excel lists name a household (its head, members, village, ID numbers, last year's
class) but rarely carry the facts of the 12 indicators that a `households` row requires. Such a
household is kept here, as the part of an exchange-format household that the list gave, until a
reviewer surveys it with Phiếu B and saves it as a real household under the same code. Nothing
is invented to fill the gap.

Last year's class is kept apart, per household code and year, for every household a list named
(pending or already in the register): it is data for the new round (movements), not a fact of
this year's survey.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class PendingHousehold(Base):
    __tablename__ = "pending_households"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    # The code the household will keep once surveyed (households.code).
    code: Mapped[str] = mapped_column(String(64))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    # The exchange-format household as far as the list knew it (JSON, NFC text).
    data: Mapped[str] = mapped_column(Text)
    # "Số nhân khẩu" from the list, when its members were not all named.
    declared_size: Mapped[int | None]
    head_name: Mapped[str] = mapped_column(String(120))
    # Accent-folded names, ID numbers and code, as households.search_key.
    search_key: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300))
    source_row: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class PreviousClass(Base):
    __tablename__ = "previous_classes"
    __table_args__ = (UniqueConstraint("commune_id", "household_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    household_code: Mapped[str] = mapped_column(String(64))
    # The year of the review whose result the list records ("danh sách hộ nghèo năm 2025").
    year: Mapped[int]
    result_class: Mapped[str] = mapped_column(String(12))  # poor | near_poor | average | not_poor
    label: Mapped[str] = mapped_column(String(120))  # the words the list used
    source: Mapped[str] = mapped_column(String(300))
    source_row: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(64))
