"""Creating a commune's database content: the commune, its villages and its first review round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.admin_units import commune_by_code
from app.errors import RaSoatError
from app.facts import AREAS
from app.permissions import require
from app.rounds import start_round
from app.textnorm import nfc
from models import Commune, Village


@dataclass(frozen=True)
class VillageSpec:
    name: str
    area: str = "rural"


def only_commune(session: Session) -> Commune:
    """The commune this database belongs to (a commune laptop holds exactly one)."""
    communes = session.scalars(select(Commune).limit(2)).all()
    if not communes:
        raise RaSoatError("db.no_commune")
    if len(communes) > 1:
        raise RaSoatError("db.many_communes")
    return communes[0]


def find_commune(session: Session) -> Commune | None:
    return session.scalars(select(Commune).order_by(Commune.id).limit(1)).first()


def create_commune(
    session: Session,
    actor: Actor,
    code: str,
    villages: Sequence[VillageSpec] = (),
    reference_date: date | None = None,
    standard_id: str | None = None,
) -> Commune:
    """Create the commune from the official list, its villages and an open periodic round."""
    require(session, actor, "commune.create")
    return insert_commune(session, actor, code, villages, reference_date, standard_id)


def insert_commune(
    session: Session,
    actor: Actor,
    code: str,
    villages: Sequence[VillageSpec] = (),
    reference_date: date | None = None,
    standard_id: str | None = None,
) -> Commune:
    """Create the commune as part of an operation the caller has already authorised (a
    reviewer's laptop opening its first assignment, which the commune laptop signed)."""
    if session.scalar(select(func.count()).select_from(Commune)):
        raise RaSoatError("commune.already_exists")
    unit = commune_by_code(code)
    commune = Commune(
        code=unit.code,
        name=unit.name,
        province_code=unit.province_code,
        province_name=unit.province_name,
    )
    session.add(commune)
    session.flush()
    audit.record(
        session,
        actor,
        "commune.create",
        "commune",
        commune.code,
        name=commune.name,
        province=commune.province_name,
    )
    for spec in villages:
        insert_village(session, actor, commune, spec)
    start_round(
        session,
        actor,
        commune,
        reference_date=reference_date or date.today(),
        standard_id=standard_id,
    )
    return commune


def add_village(session: Session, actor: Actor, commune: Commune, spec: VillageSpec) -> Village:
    """An officer adds a village to the commune."""
    require(session, actor, "village.add")
    return insert_village(session, actor, commune, spec)


def insert_village(session: Session, actor: Actor, commune: Commune, spec: VillageSpec) -> Village:
    """Add a village as part of an operation the caller has already authorised (a household
    saved or imported with a village not yet in the list)."""
    name = nfc(spec.name)
    if not name:
        raise RaSoatError("village.name_missing")
    if spec.area not in AREAS:
        raise RaSoatError("village.bad_area", area=spec.area)
    existing = session.scalar(
        select(Village).where(Village.commune_id == commune.id, Village.name == name)
    )
    if existing:
        raise RaSoatError("village.exists", name=name)
    position = session.scalar(
        select(func.coalesce(func.max(Village.position), 0)).where(Village.commune_id == commune.id)
    )
    village = Village(
        commune_id=commune.id, name=name, area=spec.area, position=(position or 0) + 1
    )
    session.add(village)
    session.flush()
    audit.record(session, actor, "village.create", "village", name, area=spec.area)
    return village


def villages_by_name(session: Session, commune: Commune) -> dict[str, Village]:
    return {
        v.name: v for v in session.scalars(select(Village).where(Village.commune_id == commune.id))
    }
