"""Simulated laptops for the bundle tests: the officer's and the reviewers', one database each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.actor import Actor
from app.communes import only_commune
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.exchange.write import household_dict
from app.facts import HouseholdFacts
from app.fieldwork import laptop_keys
from app.fieldwork.assignment_open import OpenedAssignment, open_assignment
from app.fieldwork.assignments import IssuedAssignment, Selection, issue_assignment
from app.fieldwork.bundle_export import ExportedBundle, export_bundle
from app.fieldwork.bundle_merge import MergeResult, merge_bundle
from app.fieldwork.conflicts import Conflict, list_conflicts, resolve_conflict
from app.fieldwork.reviewers import ReviewerSpec, register_reviewer
from app.households import delete_household, household_facts, load_household, save_household
from app.rounds import current_round
from app.storage import open_database
from app.survey import SurveyAnswers, stored_answers
from models import FieldKey, Household, SyncHousehold
from models.database import Database
from tests.builders import REFERENCE_DATE

OFFICER = Actor("officer1", "officer", "Cán bộ Một")


def loose_key() -> FieldKey:
    """A key pair that no database knows: a stranger's laptop."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return FieldKey(
        private_key=private_pem.decode(),
        public_key=public.decode(),
        fingerprint=laptop_keys.fingerprint(public.decode()),
    )


class Laptop:
    def __init__(self, db: Database, actor: Actor) -> None:
        self.db, self.actor = db, actor

    @classmethod
    def fresh(cls, template: Path, path: Path, actor: Actor) -> Laptop:
        shutil.copyfile(template, path)
        return cls(open_database(path), actor)

    # --- local work -----------------------------------------------------------------------

    def save(self, facts: HouseholdFacts, **kw: Any) -> None:
        with self.db.sessions.begin() as s:
            save_household(s, self.actor, only_commune(s), facts, allow_unconfirmed=True, **kw)

    def delete(self, code: str) -> None:
        with self.db.sessions.begin() as s:
            delete_household(s, self.actor, only_commune(s), code)

    def facts(self, code: str) -> HouseholdFacts | None:
        with self.db.sessions() as s:
            found = s.scalar(select(Household).where(Household.code == code))
            if found is None:
                return None
            return household_facts(s, load_household(s, only_commune(s), code))

    def edit(self, code: str, **changes: Any) -> None:
        facts = self.facts(code)
        assert facts is not None, code
        self.save(facts._replace(**changes))

    def edit_member(self, code: str, index: int, **changes: Any) -> None:
        facts = self.facts(code)
        assert facts is not None, code
        members = list(facts.members)
        members[index] = members[index]._replace(**changes)
        self.save(facts._replace(members=tuple(members)))

    def answer(self, code: str, answers: SurveyAnswers) -> None:
        """Record the household's Phiếu B causes and needs, as the editor saves them."""
        facts = self.facts(code)
        assert facts is not None, code
        self.save(facts, survey=answers)

    def answers(self, code: str) -> SurveyAnswers:
        with self.db.sessions() as s:
            commune = only_commune(s)
            household = load_household(s, commune, code)
            return stored_answers(s, current_round(s, commune).id, household.id)

    def import_households(self, households: list[HouseholdFacts]) -> None:
        with self.db.sessions.begin() as s:
            commune = only_commune(s)
            r = current_round(s, commune)
            doc = ExchangeDocument(r.standard_id, REFERENCE_DATE, commune_ref(commune), households)
            import_document(s, self.actor, doc, source="test")

    # --- field files ----------------------------------------------------------------------

    def public_key(self) -> str:
        with self.db.sessions.begin() as s:
            return laptop_keys.ensure_own_key(s, self.actor).public_key

    def register(self, code: str, public_key: str, **kw: Any) -> None:
        with self.db.sessions.begin() as s:
            spec = ReviewerSpec(code, kw.pop("name", code.title()), public_key, **kw)
            register_reviewer(s, self.actor, only_commune(s), spec)

    def assign(self, reviewer: str, out: Path, **selection: Any) -> IssuedAssignment:
        with self.db.sessions.begin() as s:
            sel = Selection(**{k: tuple(v) for k, v in selection.items()})
            return issue_assignment(s, self.actor, only_commune(s), reviewer, sel, out)

    def open(self, path: Path) -> OpenedAssignment:
        with self.db.sessions.begin() as s:
            return open_assignment(s, self.actor, path)

    def export(self, out: Path, everything: bool = False) -> ExportedBundle:
        with self.db.sessions.begin() as s:
            return export_bundle(s, self.actor, out, everything)

    def merge(self, path: Path) -> MergeResult:
        with self.db.sessions.begin() as s:
            return merge_bundle(s, self.actor, only_commune(s), path)

    def conflicts(self) -> list[Conflict]:
        with self.db.sessions() as s:
            return list_conflicts(s, only_commune(s))

    def resolve(self, code: str, path: str, value: Any) -> None:
        with self.db.sessions.begin() as s:
            resolve_conflict(s, self.actor, only_commune(s), code, path, value)

    # --- what tests compare ---------------------------------------------------------------

    def register_state(self) -> dict[str, Any]:
        """Every household as exchange data, with its declared size."""
        with self.db.sessions() as s:
            out = {}
            for h in s.scalars(select(Household).order_by(Household.code)):
                facts = household_facts(s, load_household(s, only_commune(s), h.code))
                out[h.code] = [household_dict(facts), h.declared_size]
            return out

    def merge_state(self) -> dict[str, Any]:
        """The merge state of every tracked household (values and registers), as stored."""
        with self.db.sessions() as s:
            rows = s.execute(
                select(
                    SyncHousehold.code,
                    SyncHousehold.present,
                    SyncHousehold.field_values,
                    SyncHousehold.registers,
                    SyncHousehold.conflicts,
                ).order_by(SyncHousehold.code)
            )
            return {
                code: [present, json.loads(values), json.loads(registers), conflicts]
                for code, present, values, registers, conflicts in rows
            }
