"""Writing an analysed Excel list: villages, households, pending households, last year's classes.

Called by `app.excel.importing.import_excel` inside the caller's transaction, after the analysis
found no error and every match was decided. Everything is prepared first and cancellation is
checked before the first write, so a cancelled or failed import leaves the database untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.communes import VillageSpec, add_village, only_commune, villages_by_name
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.jobs import IsCancelled, JobCancelled
from app.pending_households import NewPending, add_pending
from app.previous_classes import ListedClass, open_round_lists, record_previous_classes
from app.rounds import current_round

if TYPE_CHECKING:
    from app.excel.importing import ExcelPreview


@dataclass(frozen=True)
class ImportCounts:
    created: int
    pending: int
    matched: int
    previous_classes: int
    villages_created: list[str]


def write_import(
    session: Session,
    actor: Actor,
    preview: ExcelPreview,
    accepted: dict[int, bool],
    cancelled: IsCancelled | None = None,
) -> ImportCounts:
    built = preview.built
    assert built is not None
    commune = only_commune(session)
    review_round = current_round(session, commune)
    source = f"{preview.path.name} [{preview.sheet}]"
    matched = {i: preview.match_for(i) for i, ok in accepted.items() if ok}
    new = [i for i in range(len(preview.households)) if i not in matched]
    if cancelled and cancelled():
        raise JobCancelled()
    needed = {built.village_names[i] for i in new}
    created_villages = [name for name in built.new_villages if name in needed]
    for name in created_villages:
        add_village(session, actor, commune, VillageSpec(name, preview.mapping.default_area))
    villages = villages_by_name(session, commune)
    complete = [built.facts[i] for i in new if built.complete[i]]
    if complete:
        document = ExchangeDocument(
            review_round.standard_id,
            review_round.reference_date,
            commune_ref(commune),
            [f for f in complete if f is not None],
        )
        import_document(session, actor, document, source=source, sha256=preview.sha256)
    pending = [
        NewPending(
            built.codes[i],
            villages[built.village_names[i]].id,
            built.documents[i],
            preview.households[i].declared_size,
            source,
            preview.households[i].row,
        )
        for i in new
        if not built.complete[i]
    ]
    add_pending(session, actor, commune, pending)
    classes = []
    for i, household in enumerate(preview.households):
        if household.previous_class is None:
            continue
        match = matched.get(i)
        code = match.known.code if match else built.codes[i]
        classes.append(
            ListedClass(
                code, household.previous_class, household.class_label, source, household.row
            )
        )
    recorded = record_previous_classes(session, actor, commune, preview.list_year, classes)
    in_register = [built.codes[i] for i in new if built.complete[i]] + [
        m.known.code for m in matched.values() if m and m.known.kind == "register"
    ]
    opened = open_round_lists(session, actor, commune, preview.list_year, in_register)
    audit.record(
        session,
        actor,
        "excel.import",
        "commune",
        commune.code,
        source=source,
        sha256=preview.sha256,
        year=preview.list_year,
        created=len(complete),
        pending=len(pending),
        matched=sorted(m.known.code for m in matched.values() if m),
        previous_classes=recorded,
        opening_lists=opened,
        villages=created_villages,
        mapping=preview.mapping.to_json(),
    )
    return ImportCounts(len(complete), len(pending), len(matched), recorded, created_villages)
