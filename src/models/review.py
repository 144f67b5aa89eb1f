"""Review rounds, each household's assessment in a round, and applications (Mẫu 01 / 04)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class ReviewRound(Base):
    __tablename__ = "review_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # "periodic" | "in_year"
    label: Mapped[str] = mapped_column(String(120))
    year: Mapped[int]
    month: Mapped[int | None]
    reference_date: Mapped[date]
    standard_id: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")
    previous_round_id: Mapped[int | None] = mapped_column(ForeignKey("review_rounds.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assessment(Base):
    """One household in one round: its review step, all inputs, and the result with its standard."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("round_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    # The review step (app/workflow); "none" while the household is only classified, not under
    # review in this round (not on a list, no application).
    step: Mapped[str] = mapped_column(String(24), default="none")
    # Why it is under review: "list" (carried over from the poor / near-poor lists),
    # "application" (Mẫu 01) or "exit_request" (Mẫu 04); None when it is not under review.
    basis: Mapped[str | None] = mapped_column(String(16))
    # Which procedure it follows (resources/workflow/procedure.json): "standard" or "average".
    track: Mapped[str | None] = mapped_column(String(12))
    # The official list it was on when the round started ("poor", "near_poor", "average"), the
    # class the review proposes for the decision, and the class in the chairman's decision
    # ("none" = on no list). The lists carry on unchanged until a decision changes them.
    start_class: Mapped[str | None] = mapped_column(String(12), index=True)
    proposed_class: Mapped[str | None] = mapped_column(String(12))
    decided_class: Mapped[str | None] = mapped_column(String(12))
    # "moved_in" (joined the lists from another commune) or "left" (moved away, died, merged):
    # the "other" columns of the movement reports.
    change_kind: Mapped[str | None] = mapped_column(String(12))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL")
    )
    step_on: Mapped[date | None]
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"))
    posting_ends_on: Mapped[date | None]
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("round_documents.id", ondelete="SET NULL")
    )
    certificate_no: Mapped[str | None] = mapped_column(String(40))
    certificate_on: Mapped[date | None]
    not_eligible_reason: Mapped[str | None] = mapped_column(Text)
    standard_id: Mapped[str | None] = mapped_column(String(32))
    standard_revision: Mapped[int | None]
    reference_date: Mapped[date | None]
    # The household's facts as classified: the snapshot in household_versions with this number.
    household_version: Mapped[int | None]
    # None until classified, or when the facts have errors and no class can be given.
    result_class: Mapped[str | None] = mapped_column(String(12), index=True)
    deprived: Mapped[str] = mapped_column(String(300), default="")  # comma-separated ids
    deprived_count: Mapped[int] = mapped_column(default=0)
    income_basis: Mapped[str | None] = mapped_column(String(8))
    income_per_capita_month: Mapped[int | None] = mapped_column(BigInteger)
    b1_score: Mapped[int | None]
    # Phiếu B: causes of poverty (one may be the main one) and support needs, as comma-separated
    # codes of the survey code list (app/survey.py); asked of poor and near-poor households.
    causes: Mapped[str] = mapped_column(String(200), default="", server_default="")
    main_cause: Mapped[str | None] = mapped_column(String(24))
    support_needs: Mapped[str] = mapped_column(String(200), default="", server_default="")
    error_count: Mapped[int] = mapped_column(default=0)
    warning_count: Mapped[int] = mapped_column(default=0)
    unconfirmed_warnings: Mapped[int] = mapped_column(default=0)
    # What the consolidated reports count of the household in this round (members, farm, the
    # head's ethnicity and sex, no labour, children and their deprivations; see
    # app/reports/features.py), stored by a receiving office at intake from the package's own
    # facts, pack and reference date, so a later package cannot change this round's figures.
    # NULL in a commune's database, whose reports compute them from its register. On the
    # assessment rather than in a table of its own: intake then writes 5,000 rows fewer per
    # 5,000-household package, with their key and foreign-key checks.
    report_members: Mapped[int | None]
    report_farm: Mapped[bool | None]
    report_ethnicity: Mapped[str | None] = mapped_column(String(60))
    report_female_head: Mapped[bool | None]
    report_no_labour: Mapped[bool | None]
    report_children: Mapped[int | None]
    report_children_health: Mapped[int | None]
    report_children_school: Mapped[int | None]
    final: Mapped[bool] = mapped_column(default=False)
    classified_at: Mapped[datetime | None]
    classified_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Application(Base):
    """Giấy đề nghị (Mẫu 01: to be recognised poor / near-poor / average; Mẫu 04: to exit)."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="SET NULL")
    )
    form: Mapped[str] = mapped_column(String(2))  # "01" | "04"
    filed_on: Mapped[date]
    applicant_name: Mapped[str] = mapped_column(String(120))
    applicant_id_number: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Phiếu A: how many of the 9 criteria the paper form ticked (None until screened).
    phieu_a_count: Mapped[int | None]
    phieu_a_criteria: Mapped[str] = mapped_column(String(40), default="")
    # What Mẫu 01 asks for: "poor", "near_poor" or "average" (farm households); None on Mẫu 04.
    requested_class: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20), default="received")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
