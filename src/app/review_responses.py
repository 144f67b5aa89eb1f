"""The return channel, commune side: importing the upper level's signed review response and
showing its verdict and comment on each household.

A response is refused unless its signature verifies and chains to a certificate this laptop
trusts (the office's, added with `rasoat keys trust`), it is about this commune, and it is well
formed; nothing is written then. A response already imported (same SHA-256 of its content) is
recognised and changes nothing at all, however often it is imported again. A household the
response names but the register no longer holds is reported, not invented.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.communes import only_commune
from app.errors import RaSoatError
from app.package.cms_verify import CmsError, chain_to, verify_detached
from app.package.read import Limits, NotAZip, PackageZip
from app.package.signing import common_name
from app.package.trust import TrustStore
from app.permissions import require
from app.textnorm import nfc
from models import AuditEvent, Household, HouseholdComment, ImportedResponse, Member, Village
from models.bulk import insert_rows

FORMAT = "rasoat.review-response/1"
RESPONSE = "response.json"
RESPONSE_SIGNATURE = "response.json.p7s"
VERDICTS = ("accepted", "correction")
MAX_COMMENT = 2000
LIMITS = Limits(max_entries=4, max_file=64 << 20, max_total=65 << 20)


@dataclass(frozen=True)
class VerifiedResponse:
    body: bytes
    document: dict[str, Any]
    signer: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class ResponseImport:
    already: bool  # imported before: nothing was written
    office: str
    accepted: int
    corrections: int
    unknown: tuple[str, ...]  # household ids the register does not hold
    package_known: bool  # the response is about a package this database exported


@dataclass(frozen=True)
class Comment:
    verdict: str
    comment: str
    office: str
    created_at: str


def read_response(path: Path, trust: TrustStore) -> VerifiedResponse:
    """The response's content, checked: a safe zip of exactly the two files, a valid signature
    from a trusted signer, and the format. Raises RaSoatError saying what is wrong."""
    try:
        package = PackageZip(path, LIMITS)
    except NotAZip:
        raise RaSoatError("response.not_a_response", path=str(path)) from None
    except OSError as exc:
        raise RaSoatError("response.unreadable", path=str(path), detail=exc.strerror) from None
    try:
        if package.problems or set(package.names()) != {RESPONSE, RESPONSE_SIGNATURE}:
            raise RaSoatError("response.not_a_response", path=str(path))
        body = package.read(RESPONSE)
        signature = package.read(RESPONSE_SIGNATURE, 1 << 20)
    except zipfile.BadZipFile:
        raise RaSoatError("response.not_a_response", path=str(path)) from None
    finally:
        package.close()
    try:
        result = verify_detached(signature, body)
    except CmsError as exc:
        raise RaSoatError("response.signature_invalid", reason=exc.code) from None
    when = result.signing_time or datetime.now(UTC)
    if chain_to(result.signer, result.certificates, trust.anchors, when, trust.revoked) is None:
        raise RaSoatError("response.signer_unknown", signer=common_name(result.signer))
    return VerifiedResponse(body, _parse(body), common_name(result.signer))


def _parse(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RaSoatError("response.invalid", field="json") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RaSoatError("response.invalid", field="format")
    for key in ("office", "commune", "round", "package"):
        if not isinstance(doc.get(key), dict):
            raise RaSoatError("response.invalid", field=key)
    households = doc.get("households")
    if not isinstance(households, list):
        raise RaSoatError("response.invalid", field="households")
    seen: set[str] = set()
    for i, h in enumerate(households):
        ok = (
            isinstance(h, dict)
            and isinstance(h.get("id"), str)
            and h["id"] not in seen
            and h.get("verdict") in VERDICTS
            and isinstance(h.get("comment", ""), str)
            and len(h.get("comment", "")) <= MAX_COMMENT
            and (h.get("verdict") == "accepted" or h.get("comment"))
        )
        if not ok:
            raise RaSoatError("response.invalid", field=f"households[{i}]")
        seen.add(h["id"])
    return doc


def import_response(
    session: Session, actor: Actor, path: Path, trust: TrustStore | None = None
) -> ResponseImport:
    """Import the response at `path` into this commune's register (see the module doc)."""
    require(session, actor, "response.import")
    response = read_response(path, trust if trust is not None else TrustStore.local())
    doc = response.document
    commune = only_commune(session)
    if doc["commune"].get("code") != commune.code:
        raise RaSoatError(
            "response.other_commune", code=str(doc["commune"].get("code")), own=commune.code
        )
    households = doc["households"]
    counts = {v: sum(1 for h in households if h["verdict"] == v) for v in VERDICTS}
    office = str(doc["office"].get("name", ""))[:200]
    fingerprint = str(doc["package"].get("fingerprint", ""))[:64]
    known = _package_known(session, fingerprint)
    ids = dict(
        session.execute(
            select(Household.code, Household.id).where(Household.commune_id == commune.id)
        ).all()
    )
    unknown = tuple(h["id"] for h in households if h["id"] not in ids)
    if session.scalar(
        select(ImportedResponse.id).where(ImportedResponse.sha256 == response.sha256)
    ):
        return ResponseImport(
            True, office, counts["accepted"], counts["correction"], unknown, known
        )
    row = ImportedResponse(
        sha256=response.sha256,
        office=office,
        signer_subject=response.signer[:200],
        package_fingerprint=fingerprint,
        round_label=str(doc["round"].get("label", ""))[:120],
        created_at=str(doc.get("created_at", ""))[:40],
        accepted=counts["accepted"],
        corrections=counts["correction"],
        imported_by=actor.username,
    )
    session.add(row)
    session.flush()
    insert_rows(
        session.connection(),
        HouseholdComment,
        ("response_id", "household_id", "verdict", "comment"),
        [
            (row.id, ids[h["id"]], h["verdict"], nfc(h.get("comment", "")))
            for h in households
            if h["id"] in ids
        ],
    )
    audit.record(
        session,
        actor,
        "response.import",
        "commune",
        commune.code,
        sha256=response.sha256,
        office=office,
        package=fingerprint,
        accepted=counts["accepted"],
        corrections=counts["correction"],
        unknown=list(unknown),
    )
    return ResponseImport(False, office, counts["accepted"], counts["correction"], unknown, known)


def _package_known(session: Session, fingerprint: str) -> bool:
    """Whether this database exported the package the response is about (its audit trail
    records every export with the package's fingerprint)."""
    if len(fingerprint) != 64:
        return False
    found = session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "package.export", AuditEvent.details.contains(fingerprint)
        )
    )
    return found is not None


def latest_comments(session: Session, household_ids: list[int] | None = None) -> dict[int, Comment]:
    """Each household's verdict from the newest response that names it."""
    query = select(
        HouseholdComment.household_id,
        HouseholdComment.verdict,
        HouseholdComment.comment,
        ImportedResponse.office,
        ImportedResponse.created_at,
        ImportedResponse.id,
    ).join(ImportedResponse, ImportedResponse.id == HouseholdComment.response_id)
    if household_ids is not None:
        query = query.where(HouseholdComment.household_id.in_(household_ids))
    out: dict[int, tuple[tuple[datetime, int], Comment]] = {}
    for hid, verdict, comment, office, created, rid in session.execute(query):
        key = (_when(created), rid)
        if hid not in out or key > out[hid][0]:
            out[hid] = (key, Comment(verdict, comment, office, created))
    return {hid: entry[1] for hid, entry in out.items()}


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CommentedHousehold:
    household_id: int
    code: str
    head: str
    village: str
    comment: Comment


def commented_households(
    session: Session, corrections_only: bool = True
) -> list[CommentedHousehold]:
    """The households of the register with the upper level's newest verdict (only those asked
    to correct something, by default), in code order."""
    comments = latest_comments(session)
    wanted = [
        hid for hid, c in comments.items() if c.verdict == "correction" or not corrections_only
    ]
    if not wanted:
        return []
    heads = dict(
        session.execute(
            select(Member.household_id, Member.name).where(
                Member.household_id.in_(wanted), Member.relation == "head"
            )
        ).all()
    )
    rows = session.execute(
        select(Household.id, Household.code, Village.name)
        .join(Village, Village.id == Household.village_id)
        .where(Household.id.in_(wanted))
        .order_by(Household.code)
    ).all()
    return [
        CommentedHousehold(hid, code, heads.get(hid, ""), village, comments[hid])
        for hid, code, village in rows
    ]
