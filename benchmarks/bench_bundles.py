"""Field bundles: merging a bundle of 5,000 changed households, beside a plain bulk import of the
same 5,000 households into the same commune (the raw baseline: no field-level merge at all).

The commune laptop holds the demo commune; a reviewer's laptop opens an assignment of 5,000 of its
households, changes two fields of each and a member of every fifth, and exports one bundle. The
merge is timed on a copy of the commune laptop, the import of the reviewer's versions of those
households (the exchange format, all-or-nothing, with audit) on another copy.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

from app.actor import Actor
from app.communes import VillageSpec, create_commune, only_commune
from app.demo.households import DEMO_COMMUNE, generate, villages
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.facts import HouseholdFacts
from app.fieldwork.assignment_open import open_assignment
from app.fieldwork.assignments import Selection, issue_assignment
from app.fieldwork.bundle_export import export_bundle
from app.fieldwork.bundle_merge import merge_bundle
from app.fieldwork.reviewers import ReviewerSpec, laptop_key, register_reviewer
from app.household_rows import iter_commune_households
from app.rounds import current_round
from app.storage import open_database
from models.database import Database

REFERENCE = date(2026, 11, 15)
# Databases without accounts: the role alone is checked. The reviewer's laptop is run by an
# officer here, so the changes can be written with the bulk import.
OFFICER = Actor("bench", "officer")
FIELD = Actor("nam", "officer")
CHANGED = 5_000
REPEAT = 3


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def _commune(db: Database, households: int) -> list[HouseholdFacts]:
    with db.sessions.begin() as session:
        commune = create_commune(
            session,
            OFFICER,
            DEMO_COMMUNE,
            [VillageSpec(v.name, v.area) for v in villages()],
            REFERENCE,
        )
        facts = list(generate(households, 1, REFERENCE))
        doc = ExchangeDocument("VN-MPS-2022-2025", REFERENCE, commune_ref(commune), facts)
        import_document(session, OFFICER, doc, source="bench")
    return facts


def _changed(facts: HouseholdFacts, i: int) -> HouseholdFacts:
    """Two fields of every household, and a member of every fifth one."""
    out = facts._replace(
        income_per_capita_month=(facts.income_per_capita_month or 0) + 10_000,
        latrine="none" if facts.latrine != "none" else "septic",
    )
    if i % 5 == 0:
        members = list(out.members)
        members[-1] = members[-1]._replace(health_insurance=not members[-1].health_insurance)
        out = out._replace(members=tuple(members))
    return out


def _import(db: Database, households: list[HouseholdFacts]) -> Any:
    with db.sessions.begin() as session:
        commune = only_commune(session)
        doc = ExchangeDocument(
            current_round(session, commune).standard_id,
            REFERENCE,
            commune_ref(commune),
            households,
        )
        return import_document(session, OFFICER, doc, source="bench")


def _merge(db: Database, path: Path) -> Any:
    with db.sessions.begin() as session:
        return merge_bundle(session, OFFICER, only_commune(session), path)


def run(workdir: Path, report: Any, households: int = 50_000) -> None:
    os.environ["RASOAT_HOME"] = str(workdir / "home")
    changed = min(CHANGED, households)
    hub = open_database(workdir / "hub.sqlite")
    field = open_database(workdir / "field.sqlite")
    facts = _commune(hub, households)
    codes = sorted(f.id for f in facts)[:changed]
    with field.sessions.begin() as session:
        public = laptop_key(session, FIELD).public_key
    with hub.sessions.begin() as session:
        commune = only_commune(session)
        register_reviewer(session, OFFICER, commune, ReviewerSpec("nam", "Nam", public))

    def assign() -> Any:
        with hub.sessions.begin() as session:
            selection = Selection(households=tuple(codes))
            return issue_assignment(
                session, OFFICER, only_commune(session), "nam", selection, workdir
            )

    assign_s, issued = timed(assign)
    report.add(
        f"assignment of {changed:,} households written (commune of {households:,})",
        f"{assign_s:.2f} s",
        f"{issued.path.stat().st_size / 1e6:.1f} MB",
    )

    def open_() -> Any:
        with field.sessions.begin() as session:
            return open_assignment(session, FIELD, issued.path)

    open_s, _ = timed(open_)
    report.add("assignment opened on an empty laptop", f"{open_s:.2f} s")
    with field.sessions() as session:
        mine = [f for _row, f in iter_commune_households(session.connection(), 1)]
    edits = [_changed(f, i) for i, f in enumerate(mine)]
    with field.sessions.begin() as session:
        doc = ExchangeDocument(
            "VN-MPS-2022-2025", REFERENCE, commune_ref(only_commune(session)), edits
        )
        import_document(session, FIELD, doc, source="field edits")

    def export() -> Any:
        with field.sessions.begin() as session:
            return export_bundle(session, FIELD, workdir)

    export_s, bundle = timed(export)
    report.add(
        f"bundle of {bundle.households:,} changed households exported",
        f"{export_s:.2f} s",
        f"{bundle.changes:,} changed fields, {bundle.path.stat().st_size / 1e6:.1f} MB",
    )
    hub.dispose()
    field.dispose()

    base = workdir / "hub.sqlite"
    merges, imports = [], []
    for i in range(REPEAT):  # fresh copies each time; the best of three, as the machine is shared
        shutil.copyfile(base, workdir / f"merge{i}.sqlite")
        shutil.copyfile(base, workdir / f"import{i}.sqlite")
        merging = open_database(workdir / f"merge{i}.sqlite")
        importing = open_database(workdir / f"import{i}.sqlite")
        merges.append(timed(_merge, merging, bundle.path))
        imports.append(timed(_import, importing, edits))
        if i < REPEAT - 1:
            merging.dispose()
        importing.dispose()
    merge_s, result = min(merges, key=lambda m: m[0])
    raw_s, imported = min(imports, key=lambda m: m[0])
    report.add(
        f"merge of the bundle ({changed:,} changed households)",
        f"{merge_s:.2f} s",
        f"{len(result.updated):,} updated, {len(result.conflicts_opened)} conflicts",
    )
    report.add(
        f"raw baseline: bulk import of the same {changed:,} households",
        f"{raw_s:.2f} s",
        f"{imported.updated:,} updated",
    )
    report.add("ratio merge / bulk import", f"{merge_s / raw_s:.1f}×")
    again_s, again = timed(_merge, merging, bundle.path)
    assert again.already_merged
    report.add("the same bundle again (recognised, nothing written)", f"{again_s:.2f} s")
    merging.dispose()
