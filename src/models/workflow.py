"""The review procedure's records: step history, village meetings, postings, complaints, and
the round's documents (final list, upper-level opinion, chairman's decision)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class AssessmentStep(Base):
    """One step of one household in one round: who did what, on which day, from which step."""

    __tablename__ = "assessment_steps"
    __table_args__ = (Index("ix_assessment_steps_assessment_seq", "assessment_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(24))
    from_step: Mapped[str] = mapped_column(String(24))
    to_step: Mapped[str] = mapped_column(String(24))
    on_date: Mapped[date]
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class VillageMeeting(Base):
    """Minutes of a village meeting (họp dân, Phụ lục V)."""

    __tablename__ = "village_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True
    )
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    held_on: Mapped[date]
    chair: Mapped[str] = mapped_column(String(120))
    secretary: Mapped[str] = mapped_column(String(120))
    supervisor: Mapped[str] = mapped_column(String(120), default="")
    attendees: Mapped[int]
    attendee_names: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingGroup(Base):
    """A group of households voted on together, with how many attendees agreed."""

    __tablename__ = "meeting_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("village_meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(120))
    agreeing: Mapped[int]
    agreed: Mapped[bool]


class MeetingGroupHousehold(Base):
    __tablename__ = "meeting_group_households"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_groups.id", ondelete="CASCADE"), primary_key=True
    )
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )


class Posting(Base):
    """A public posting (niêm yết) of results, or of a re-check's result, and its period."""

    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # "initial" | "recheck"
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # the last working day of the posting
    working_days: Mapped[int]
    places: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Complaint(Base):
    """A complaint against a posted result, and the re-check (phúc tra) that answers it."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    filed_on: Mapped[date]
    complainant: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)
    recheck_due_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(64))
    rechecked_on: Mapped[date | None]
    recheck_result: Mapped[str | None] = mapped_column(Text)
    recheck_class: Mapped[str | None] = mapped_column(String(12))
    rechecked_by: Mapped[str | None] = mapped_column(String(64))
    reposting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"))


class RoundDocument(Base):
    """A document of the round: the final list (Phụ lục VI), the upper level's opinion, or the
    chairman's decision (Mẫu 02)."""

    __tablename__ = "round_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "final_list" | "upper_opinion" | "decision"
    number: Mapped[str] = mapped_column(String(60), default="")
    dated: Mapped[date]
    party: Mapped[str] = mapped_column(String(200), default="")  # office, or the signer
    content: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
