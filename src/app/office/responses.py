"""The return channel, office side: a verdict per household of a commune's accepted package
(accepted, or a correction asked for with a comment) and the signed review response file.

    <province>-<commune>-<round>-phan-hoi-<yyyymmddHHMM>.rasoat-response.zip
        response.json        rasoat.review-response/1: which package, each household's verdict
        response.json.p7s    detached CMS signature with the office's key

A household without a recorded verdict is accepted. Verdicts belong to one package: when a
newer package of the commune supersedes it, the review of the new one starts afresh.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import __version__, atomic, audit
from app.actor import Actor
from app.errors import RaSoatError
from app.office.intake_check import ACCEPTED
from app.office.setup import office
from app.package.signing import SigningIdentity
from app.permissions import require
from app.reports.source import official_class
from app.textnorm import nfc
from models import (
    Assessment,
    Household,
    HouseholdVerdict,
    Member,
    ReceivedPackage,
    ReviewRound,
    SentResponse,
    Village,
)

FORMAT = "rasoat.review-response/1"
RESPONSE = "response.json"
RESPONSE_SIGNATURE = "response.json.p7s"
SUFFIX = ".rasoat-response.zip"
VERDICTS = ("accepted", "correction")
MAX_COMMENT = 2000


@dataclass(frozen=True)
class PackageHousehold:
    """A household of an accepted package, as the office reviews it."""

    code: str
    head: str
    village: str
    members: int
    cls: str | None  # the class the reports count (the chairman's decision once recorded)
    verdict: str  # "accepted" unless a correction was asked for
    comment: str


@dataclass(frozen=True)
class ResponseResult:
    path: Path
    accepted: int
    corrections: int
    sha256: str


def current_package(
    session: Session, commune_code: str, round_key: str | None = None
) -> ReceivedPackage:
    """The commune's accepted package of `round_key` (default: its newest round)."""
    query = select(ReceivedPackage).where(
        ReceivedPackage.commune_code == commune_code, ReceivedPackage.status == ACCEPTED
    )
    if round_key:
        query = query.where(ReceivedPackage.round_key == round_key)
    found = sorted(
        session.scalars(query), key=lambda p: _round_order(p.round_key or ""), reverse=True
    )
    if not found:
        raise RaSoatError("respond.no_package", commune=commune_code, round=round_key or "*")
    return found[0]


def _round_order(key: str) -> tuple[int, int]:
    year, _, month = key.partition("t")
    return int(year or 0), int(month or 0)


def package_households(session: Session, package: ReceivedPackage) -> list[PackageHousehold]:
    """Every household of the package with the office's verdict so far, in code order."""
    heads = dict(
        session.execute(
            select(Member.household_id, Member.name)
            .join(Assessment, Assessment.household_id == Member.household_id)
            .where(Assessment.round_id == package.round_id, Member.relation == "head")
        ).all()
    )
    verdicts = {
        v.household_code: (v.verdict, v.comment)
        for v in session.scalars(
            select(HouseholdVerdict).where(HouseholdVerdict.package_id == package.id)
        )
    }
    rows = session.execute(
        select(
            Household.id,
            Household.code,
            Village.name,
            Assessment.result_class,
            Assessment.decided_class,
        )
        .join(Assessment, Assessment.household_id == Household.id)
        .join(Village, Village.id == Household.village_id)
        .where(Assessment.round_id == package.round_id)
        .order_by(Household.code)
    ).all()
    counts = _member_counts(session, package)
    out = []
    for hid, code, village, result, decided in rows:
        verdict, comment = verdicts.get(code, ("accepted", ""))
        cls = official_class(result, decided)
        out.append(
            PackageHousehold(
                code, heads.get(hid, ""), village, counts.get(hid, 0), cls, verdict, comment
            )
        )
    return out


def _member_counts(session: Session, package: ReceivedPackage) -> dict[int, int]:
    return dict(
        session.execute(
            select(Member.household_id, func.count())
            .join(Assessment, Assessment.household_id == Member.household_id)
            .where(Assessment.round_id == package.round_id)
            .group_by(Member.household_id)
        ).all()
    )


def set_verdict(
    session: Session,
    actor: Actor,
    commune_code: str,
    household_code: str,
    verdict: str,
    comment: str = "",
    round_key: str | None = None,
) -> None:
    """Record the office's verdict on one household of the commune's current package."""
    require(session, actor, "office.respond")
    if verdict not in VERDICTS:
        raise RaSoatError("respond.bad_verdict", verdict=verdict, allowed=", ".join(VERDICTS))
    text = nfc(comment)
    if verdict == "correction" and not text:
        raise RaSoatError("respond.comment_missing", household=household_code)
    if len(text) > MAX_COMMENT:
        raise RaSoatError("respond.comment_long", limit=MAX_COMMENT)
    package = current_package(session, commune_code, round_key)
    if not _in_package(session, package, household_code):
        raise RaSoatError(
            "respond.unknown_household", household=household_code, commune=commune_code
        )
    row = session.scalar(
        select(HouseholdVerdict).where(
            HouseholdVerdict.package_id == package.id,
            HouseholdVerdict.household_code == household_code,
        )
    )
    if row is None:
        row = HouseholdVerdict(package_id=package.id, household_code=household_code)
        session.add(row)
    row.verdict, row.comment, row.decided_by = verdict, text, actor.username
    row.decided_at = datetime.now().astimezone().replace(tzinfo=None)
    session.flush()
    audit.record(
        session,
        actor,
        "office.verdict",
        "household",
        f"{commune_code}/{household_code}",
        package=package.id,
        verdict=verdict,
        comment=text,
    )


def _in_package(session: Session, package: ReceivedPackage, code: str) -> bool:
    return (
        session.scalar(
            select(Household.id)
            .join(Assessment, Assessment.household_id == Household.id)
            .where(Assessment.round_id == package.round_id, Household.code == code)
        )
        is not None
    )


def response_document(
    session: Session, package: ReceivedPackage, created: datetime
) -> dict[str, Any]:
    the_office = office(session)
    review_round = session.get(ReviewRound, package.round_id)
    assert review_round is not None
    households = package_households(session, package)
    entries: list[dict[str, Any]] = []
    for h in households:
        entry: dict[str, Any] = {"id": h.code, "verdict": h.verdict}
        if h.comment:
            entry["comment"] = h.comment
        entries.append(entry)
    return {
        "format": FORMAT,
        "created_at": created.isoformat(),
        "app": {"name": "RaSoat", "version": __version__},
        "office": {"name": the_office.name, "province_code": the_office.province_code},
        "commune": {"code": package.commune_code, "name": package.commune_name},
        "round": {
            "kind": review_round.kind,
            "year": review_round.year,
            "month": review_round.month,
            "label": review_round.label,
        },
        "package": {
            "fingerprint": package.fingerprint,
            "manifest_sha256": package.manifest_sha256,
            "created_at": package.created_at,
            "file": package.file_name,
        },
        "counts": {v: sum(1 for h in households if h.verdict == v) for v in VERDICTS},
        "households": entries,
    }


def write_response(
    session: Session,
    actor: Actor,
    commune_code: str,
    out_dir: Path,
    identity: SigningIdentity,
    round_key: str | None = None,
    now: datetime | None = None,
) -> ResponseResult:
    """Write the signed review response for the commune's current package into `out_dir`."""
    require(session, actor, "office.respond")
    package = current_package(session, commune_code, round_key)
    created = (now or datetime.now()).astimezone().replace(microsecond=0)
    document = response_document(session, package, created)
    body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    blob = _zip({RESPONSE: body, RESPONSE_SIGNATURE: identity.sign_detached(body)}, created)
    stem = f"{package.province_code}-{commune_code}-{package.round_key}"
    name = f"{stem}-phan-hoi-{created:%Y%m%d%H%M}{SUFFIX}"
    path = out_dir / name
    atomic.write_bytes(path, blob)
    counts = document["counts"]
    digest = hashlib.sha256(body).hexdigest()
    session.add(
        SentResponse(
            package_id=package.id,
            file_name=name,
            sha256=digest,
            accepted=counts["accepted"],
            corrections=counts["correction"],
            created_by=actor.username,
        )
    )
    audit.record(
        session,
        actor,
        "office.respond",
        "package",
        package.manifest_sha256 or str(package.id),
        file=name,
        sha256=digest,
        accepted=counts["accepted"],
        corrections=counts["correction"],
        signer=identity.fingerprint,
    )
    return ResponseResult(path, counts["accepted"], counts["correction"], digest)


def _zip(files: dict[str, bytes], created: datetime) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=created.timetuple()[:6])
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
