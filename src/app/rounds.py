"""Review rounds: which one is current, and creating one from the previous round's lists.

A periodic round runs from 1 September to 14 December; an in-year round runs monthly from the
15th for 15 days (the dates are data: resources/workflow/procedure.json). A new round starts from
the lists the previous round ended with: poor and near-poor households are carried over, and in a
periodic round they are listed for review straight away (their register facts pre-fill the
survey). Applications (Mẫu 01) and exit requests (Mẫu 04) are added with app.workflow.listing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import RaSoatError
from app.permissions import require
from app.standards import get_pack, pack_for_date
from app.workflow.procedure import procedure
from models import Assessment, Commune, ReviewRound, Setting
from models.base import utcnow
from models.bulk import insert_rows

CURRENT_ROUND_KEY = "round.current"
KINDS = ("periodic", "in_year")
# The lists a round carries over, and those of them reviewed again in a periodic round.
CARRIED_LISTS = ("poor", "near_poor", "average")
REVIEWED_LISTS = ("poor", "near_poor")
# Steps in which a household's review is finished, whatever its track.
FINISHED_STEPS = ("none", "decided", "certified", "not_eligible")


def round_period(kind: str, reference_date: date, month: int | None = None) -> tuple[date, date]:
    """First and last day of a round of `kind` in the reference date's year."""
    periods = procedure().periods
    year = reference_date.year
    if kind == "periodic":
        starts = date.fromisoformat(f"{year}-{periods['periodic_starts'].value}")
        return starts, date.fromisoformat(f"{year}-{periods['periodic_ends'].value}")
    if kind == "in_year":
        starts = date(year, month or reference_date.month, int(periods["in_year_start_day"].value))
        return starts, starts + timedelta(days=int(periods["in_year_limit_days"].value) - 1)
    raise RaSoatError("round.kind_unknown", kind=kind)


def _label(kind: str, starts: date) -> str:
    if kind == "periodic":
        return f"Rà soát định kỳ năm {starts.year}"
    return f"Rà soát thường xuyên tháng {starts.month:02d}/{starts.year}"


def create_round(
    session: Session,
    actor: Actor,
    commune: Commune,
    reference_date: date,
    standard_id: str | None = None,
    kind: str = "periodic",
    month: int | None = None,
) -> ReviewRound:
    """Open a new round (it becomes the current one) from the previous round's lists.

    Refused while the previous round still has households whose review is not finished.
    """
    require(session, actor, "round.manage")
    return start_round(session, actor, commune, reference_date, standard_id, kind, month)


def start_round(
    session: Session,
    actor: Actor,
    commune: Commune,
    reference_date: date,
    standard_id: str | None = None,
    kind: str = "periodic",
    month: int | None = None,
) -> ReviewRound:
    """create_round without the permission check, for operations that made their own (the
    first round of a new commune)."""
    pack = get_pack(standard_id) if standard_id else pack_for_date(reference_date)
    starts, ends = round_period(kind, reference_date, month)
    previous = current_round_or_none(session, commune)
    if previous is not None:
        _check_finished(session, previous)
    review_round = ReviewRound(
        commune_id=commune.id,
        kind=kind,
        label=_label(kind, starts),
        year=starts.year,
        month=starts.month if kind == "in_year" else None,
        reference_date=reference_date,
        standard_id=pack.id,
        starts_on=starts,
        ends_on=ends,
        previous_round_id=previous.id if previous else None,
    )
    session.add(review_round)
    session.flush()
    carried = _carry_over(session, previous, review_round) if previous else {}
    if previous is not None:
        previous.status = "closed"
    _set_current(session, review_round)
    audit.record(
        session,
        actor,
        "round.create",
        "round",
        str(review_round.id),
        label=review_round.label,
        kind=kind,
        starts_on=starts.isoformat(),
        ends_on=ends.isoformat(),
        reference_date=reference_date.isoformat(),
        standard=pack.id,
        previous=previous.id if previous else None,
        carried=carried,
    )
    return review_round


def _check_finished(session: Session, review_round: ReviewRound) -> None:
    unfinished = session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(
            Assessment.round_id == review_round.id,
            Assessment.basis.is_not(None),
            Assessment.step.not_in(FINISHED_STEPS),
        )
    )
    if unfinished:
        raise RaSoatError("round.unfinished", label=review_round.label, count=unfinished)


def end_lists(session: Session, review_round: ReviewRound) -> dict[int, str]:
    """household id → the list it is on at the end of `review_round` (only households on one):
    the chairman's decision where there is one, else the list it started the round on."""
    rows = session.execute(
        select(
            Assessment.household_id,
            func.coalesce(Assessment.decided_class, Assessment.start_class),
        ).where(Assessment.round_id == review_round.id)
    )
    return {hid: cls for hid, cls in rows if cls in CARRIED_LISTS}


def _carry_over(session: Session, previous: ReviewRound, new: ReviewRound) -> dict[str, int]:
    lists = end_lists(session, previous)
    reviewed = new.kind == "periodic"
    rows = []
    counts: dict[str, int] = {}
    now = utcnow()
    for hid, cls in sorted(lists.items()):
        review = reviewed and cls in REVIEWED_LISTS
        rows.append(
            (
                new.id,
                hid,
                "listed" if review else "none",
                "list" if review else None,
                "standard" if review else None,
                cls,
                new.starts_on if review else None,
                "",
                0,
                0,
                0,
                0,
                False,
                now,
            )
        )
        counts[cls] = counts.get(cls, 0) + 1
    insert_rows(
        session.connection(),
        Assessment,
        (
            "round_id",
            "household_id",
            "step",
            "basis",
            "track",
            "start_class",
            "step_on",
            "deprived",
            "deprived_count",
            "error_count",
            "warning_count",
            "unconfirmed_warnings",
            "final",
            "updated_at",
        ),
        rows,
    )
    return counts


def _set_current(session: Session, review_round: ReviewRound) -> None:
    setting = session.get(Setting, CURRENT_ROUND_KEY)
    if setting is None:
        session.add(Setting(key=CURRENT_ROUND_KEY, value=str(review_round.id)))
    else:
        setting.value = str(review_round.id)


def current_round_or_none(session: Session, commune: Commune) -> ReviewRound | None:
    setting = session.get(Setting, CURRENT_ROUND_KEY)
    if setting is not None:
        found = session.get(ReviewRound, int(setting.value))
        if found is not None and found.commune_id == commune.id:
            return found
    return session.scalars(
        select(ReviewRound)
        .where(ReviewRound.commune_id == commune.id)
        .order_by(ReviewRound.id.desc())
        .limit(1)
    ).first()


def current_round(session: Session, commune: Commune) -> ReviewRound:
    found = current_round_or_none(session, commune)
    if found is None:
        raise RaSoatError("round.none")
    return found
