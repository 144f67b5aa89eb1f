"""Reviewers on the commune laptop: registered with their public key, each with a code prefix for
the households they create, and the commune laptop's own identity as a change source."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.actor import Actor
from app.errors import NotFound, RaSoatError
from app.fieldwork import laptop_keys
from app.fieldwork.state import (
    COMMUNE_ROLE,
    REVIEWER_ROLE,
    ROLE_KEY,
    SOURCE_KEY,
    role,
    set_setting,
)
from app.permissions import require
from app.textnorm import nfc
from models import Commune, FieldFile, FieldKey, Reviewer, ReviewerHousehold

CODE = re.compile(r"[a-z0-9_-]{1,32}")
PREFIX = re.compile(r"[A-Z0-9]{1,12}")
COMMUNE_SOURCE_NAME = "xa"


def laptop_key(session: Session, actor: Actor) -> FieldKey:
    """This laptop's signing key, made on first use (a reviewer's laptop, before any work)."""
    require(session, actor, "fieldwork.setup")
    if role(session) == COMMUNE_ROLE:
        raise RaSoatError("sync.wrong_role.reviewer")
    return laptop_keys.ensure_own_key(session, actor)


def source_id(name: str, fingerprint: str) -> str:
    """A change source: who, and which key (a laptop set up again with a new key starts a new
    series of change numbers, so numbers never repeat)."""
    return f"{name}:{fingerprint[:8]}"


def commune_source(session: Session, actor: Actor) -> str:
    """Make this database the commune laptop (its key, its change source), once; returns the
    source. A reviewer's working copy cannot become one."""
    if role(session) == REVIEWER_ROLE:
        raise RaSoatError("sync.wrong_role.commune")
    key = laptop_keys.ensure_own_key(session, actor)
    source = source_id(COMMUNE_SOURCE_NAME, key.fingerprint)
    if role(session) is None:
        set_setting(session, ROLE_KEY, COMMUNE_ROLE)
        set_setting(session, SOURCE_KEY, source)
        audit.record(session, actor, "sync.commune_laptop", "key", key.fingerprint[:16])
    return source


@dataclass(frozen=True)
class ReviewerSpec:
    code: str
    display_name: str = ""
    public_key: str | None = None  # PEM text; needed the first time, or to replace the key
    prefix: str | None = None
    # False: the reviewer stopped (their laptop lost, or they left); their bundles are refused
    # from then on. True: working again. None: unchanged.
    active: bool | None = None


def find_reviewer(session: Session, commune: Commune, code: str) -> Reviewer | None:
    return session.scalar(
        select(Reviewer).where(Reviewer.commune_id == commune.id, Reviewer.code == code)
    )


def register_reviewer(
    session: Session, actor: Actor, commune: Commune, spec: ReviewerSpec
) -> Reviewer:
    """Register a reviewer, or update their name, prefix or key. Returns the reviewer."""
    require(session, actor, "fieldwork.assign")
    code = spec.code.strip().lower()
    if not CODE.fullmatch(code) or code == COMMUNE_SOURCE_NAME:
        raise RaSoatError("reviewer.bad_code", code=spec.code)
    found = find_reviewer(session, commune, code)
    if found is None and spec.public_key is None:
        raise RaSoatError("reviewer.key_needed", code=code)
    prefix = (spec.prefix or (found.code_prefix if found else _default_prefix(code))).upper()
    if not PREFIX.fullmatch(prefix):
        raise RaSoatError("reviewer.bad_prefix", prefix=prefix)
    _check_prefix_free(session, commune, prefix, code)
    reviewer = found or Reviewer(commune_id=commune.id, code=code, registered_by=actor.username)
    changes: dict[str, object] = {}
    if spec.public_key is not None:
        _set_key(session, reviewer, spec.public_key, changes)
    name = nfc(spec.display_name) if spec.display_name else (reviewer.display_name or code)
    for attr, value in (("display_name", name), ("code_prefix", prefix)):
        if getattr(reviewer, attr, None) != value:
            changes[attr] = [getattr(reviewer, attr, None), value]
            setattr(reviewer, attr, value)
    if found is None:
        reviewer.active = True
        reviewer.max_counter = 0
        session.add(reviewer)
    if spec.active is not None and spec.active != reviewer.active:
        changes["active"] = [reviewer.active, spec.active]
        reviewer.active = spec.active
    session.flush()
    if changes:
        action = "reviewer.register" if found is None else "reviewer.update"
        audit.record(session, actor, action, "reviewer", code, changes=changes)
    return reviewer


def _default_prefix(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())[:12] or "RV"


def _check_prefix_free(session: Session, commune: Commune, prefix: str, code: str) -> None:
    other = session.scalar(
        select(Reviewer.code).where(
            Reviewer.commune_id == commune.id,
            Reviewer.code_prefix == prefix,
            Reviewer.code != code,
        )
    )
    if other is not None:
        raise RaSoatError("reviewer.prefix_taken", prefix=prefix, other=other)


def _set_key(session: Session, reviewer: Reviewer, text: str, changes: dict[str, object]) -> None:
    pem = laptop_keys.normalised_public_key(text)
    fp = laptop_keys.fingerprint(pem)
    if fp == reviewer.key_fingerprint:
        return
    own = laptop_keys.own_key(session)
    taken = session.scalar(select(Reviewer.code).where(Reviewer.key_fingerprint == fp))
    if (own is not None and own.fingerprint == fp) or taken is not None:
        raise RaSoatError("reviewer.key_taken", fingerprint=laptop_keys.readable(fp))
    changes["key"] = [reviewer.key_fingerprint, fp]
    reviewer.public_key, reviewer.key_fingerprint = pem, fp
    reviewer.source = source_id(reviewer.code, fp)


def require_reviewer(session: Session, commune: Commune, code: str) -> Reviewer:
    found = find_reviewer(session, commune, code.strip().lower())
    if found is None:
        raise NotFound("reviewer.not_found", code=code)
    return found


@dataclass(frozen=True)
class ReviewerStatus:
    code: str
    display_name: str
    prefix: str
    fingerprint: str
    active: bool
    households: int
    bundles: int
    last_bundle: int
    missing: list[tuple[int, int]]  # ranges of change numbers (from, to] not yet received


def missing_ranges(received: list[tuple[int, int]], highest: int) -> list[tuple[int, int]]:
    """Gaps in (0, highest] not covered by the received (from, to] ranges."""
    gaps, reached = [], 0
    for start, end in sorted(received):
        if start > reached:
            gaps.append((reached, start))
        reached = max(reached, end)
    if highest > reached:
        gaps.append((reached, highest))
    return gaps


def reviewer_statuses(session: Session, commune: Commune) -> list[ReviewerStatus]:
    out = []
    for r in session.scalars(
        select(Reviewer).where(Reviewer.commune_id == commune.id).order_by(Reviewer.code)
    ):
        households = session.scalar(
            select(func.count())
            .select_from(ReviewerHousehold)
            .where(ReviewerHousehold.reviewer_id == r.id, ReviewerHousehold.active.is_(True))
        )
        bundles = session.execute(
            select(FieldFile.seq, FieldFile.counter_from, FieldFile.counter_to).where(
                FieldFile.kind == "bundle",
                FieldFile.direction == "in",
                FieldFile.reviewer == r.code,
            )
        ).all()
        ranges = [(a, b) for _seq, a, b in bundles]
        out.append(
            ReviewerStatus(
                r.code,
                r.display_name,
                r.code_prefix,
                r.key_fingerprint,
                r.active,
                households or 0,
                len(bundles),
                max((s for s, _a, _b in bundles), default=0),
                missing_ranges(ranges, max((b for _a, b in ranges), default=0)),
            )
        )
    return out
