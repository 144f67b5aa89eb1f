"""Intake: a folder (or a USB stick) of commune packages into the consolidation database.

Every package is verified as `rasoat verify` does (every file's SHA-256 against the signed
manifest, the CMS signature, each PDF's PAdES signature, the data against the manifest), by a
signer the office's register trusts *for that commune*. Then it is:

- accepted: its data becomes the current picture of its commune and round (app/office/loading);
- superseded: a newer package of the same commune and round is already there — or arrives and
  replaces it. Superseded packages stay in the log and the archive, never in the figures;
- duplicate: the same package was received before (same file, or the same signed manifest in
  another zip or envelope) and is not imported again;
- rejected: with every reason, in plain Vietnamese, in the log.

Two stages, pipelined: a worker thread verifies and reads the next package
(intake_prepare.py) while this thread writes the previous one (intake_record.py), each package
in one transaction of its own. Verification is mostly Python and the write mostly the database
(the PostgreSQL server, SQLite's engine, a disk sync), so the two overlap even under the GIL.
A failure or a cancel never leaves half a package, and packages taken before stay taken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.actor import Actor
from app.jobs import IsCancelled, Progress, collector_paused
from app.office.intake_prepare import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    SUPERSEDED,
    ConfirmSigner,
    Decrypt,
    IntakeOptions,
    Prepared,
    Preparer,
    SignerCandidate,
)
from app.office.intake_record import Outcome, Recorder
from app.office.package_data import reason_text
from app.office.setup import office
from app.permissions import require
from models.database import Database

__all__ = [
    "ACCEPTED",
    "DUPLICATE",
    "REJECTED",
    "STATUSES",
    "SUPERSEDED",
    "ConfirmSigner",
    "Decrypt",
    "IntakeOptions",
    "IntakeSummary",
    "Outcome",
    "SignerCandidate",
    "find_packages",
    "intake",
    "reason_text",
]

STATUSES = (ACCEPTED, SUPERSEDED, DUPLICATE, REJECTED)
PATTERNS = ("*.rasoat.zip", "*.rasoat.zip.p7m")
MAX_DEPTH = 6  # folders below the one chosen (a USB stick's own folders)


@dataclass
class IntakeSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def counts(self) -> dict[str, int]:
        found = Counter(o.status for o in self.outcomes)
        return {s: found.get(s, 0) for s in STATUSES}

    @property
    def households_accepted(self) -> int:
        return sum(o.households or 0 for o in self.outcomes if o.status == ACCEPTED)


def find_packages(folder: Path) -> list[Path]:
    """The packages in `folder` and the folders below it (hidden ones skipped), newest name
    first: names end in yyyymmddHHMM, so a commune's newest package is taken before the ones
    it supersedes and those are only verified and logged, not imported and then replaced."""
    if folder.is_file():
        return [folder]
    found: list[Path] = []

    def walk(directory: Path, depth: int) -> None:
        try:
            entries = sorted(directory.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and not entry.is_symlink() and depth < MAX_DEPTH:
                walk(entry, depth + 1)
            elif entry.is_file() and any(entry.match(p) for p in PATTERNS):
                found.append(entry)

    walk(folder, 0)
    return sorted(found, key=lambda p: p.name, reverse=True)


def intake(
    db: Database,
    actor: Actor,
    paths: Sequence[Path],
    options: IntakeOptions | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> IntakeSummary:
    """Take each package in `paths` (see the module doc); a cancel stops between packages."""
    with db.sessions() as session:
        require(session, actor, "office.intake")
        the_office = office(session)
    preparer = Preparer(db, actor, the_office, options or IntakeOptions())
    recorder = Recorder(db, actor, the_office)
    summary = IntakeSummary()
    # Bulk work: hundreds of thousands of short-lived tuples (see app/jobs.collector_paused).
    with collector_paused(), ThreadPoolExecutor(1, "rasoat-intake") as ahead:
        next_up: Future[Prepared] | None = (
            ahead.submit(preparer.prepare, paths[0]) if paths else None
        )
        for n in range(len(paths)):
            assert next_up is not None
            prepared = next_up.result()
            stop = bool(cancelled and cancelled())
            next_up = (
                None
                if stop or n + 1 == len(paths)
                else ahead.submit(preparer.prepare, paths[n + 1])
            )
            if stop:
                summary.cancelled = True
                break
            summary.outcomes.append(recorder.record(prepared))
            if progress:
                progress(n + 1, len(paths))
    return summary
