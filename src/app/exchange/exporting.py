"""Exporting the commune's register in the exchange format v1 (all households, current round)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import atomic, audit
from app.actor import Actor
from app.communes import only_commune
from app.exchange.read import Commune as CommuneRef
from app.exchange.write import document_dict, dumps
from app.household_rows import iter_commune_households
from app.jobs import IsCancelled, Progress, Ticker
from app.permissions import require
from app.rounds import current_round
from models import Assessment, Commune


def commune_ref(commune: Commune) -> CommuneRef:
    return CommuneRef(commune.code, commune.name, commune.province_code, commune.province_name)


def _statuses(session: Session, round_id: int) -> dict[int, dict[str, Any]]:
    """Each household's status in the round. `decided_class` appears once the chairman has
    decided ("none": on no list): the upper level counts the decision, as the reports do."""
    rows = session.execute(
        select(
            Assessment.household_id,
            Assessment.step,
            Assessment.result_class,
            Assessment.deprived,
            Assessment.standard_id,
            Assessment.final,
            Assessment.decided_class,
        ).where(Assessment.round_id == round_id)
    )
    out: dict[int, dict[str, Any]] = {}
    for hid, step, cls, deprived, standard, final, decided in rows:
        status = {
            "step": step,
            "class": cls,
            "deprived": deprived.split(",") if deprived else [],
            "standard": standard,
            "final": final,
        }
        if decided is not None:
            status["decided_class"] = decided
        out[hid] = status
    return out


def export_document(
    session: Session, progress: Progress | None = None, cancelled: IsCancelled | None = None
) -> dict[str, Any]:
    """The whole register as a `rasoat.households/1` document, with each household's status."""
    commune = only_commune(session)
    review_round = current_round(session, commune)
    statuses = _statuses(session, review_round.id)
    loaded = list(iter_commune_households(session.connection(), commune.id))
    ticker = Ticker(len(loaded), progress, cancelled)
    by_code = {}
    for n, (row, facts) in enumerate(loaded, 1):
        ticker.tick(n)
        if row[0] in statuses:
            by_code[facts.id] = statuses[row[0]]
    return document_dict(
        commune_ref(commune),
        review_round.standard_id,
        review_round.reference_date,
        (f for _, f in loaded),
        by_code,
    )


def export_file(
    session: Session,
    actor: Actor,
    out: Path,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> int:
    """Write the export atomically (old file or new file, never half); returns the count."""
    require(session, actor, "household.export")
    document = export_document(session, progress, cancelled)
    atomic.write_bytes(out, dumps(document))
    count = len(document["households"])
    audit.record(
        session,
        actor,
        "export",
        "commune",
        document["commune"]["code"],
        file=out.name,
        households=count,
    )
    return count
