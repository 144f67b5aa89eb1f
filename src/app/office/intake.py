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

Two stages, pipelined. The first (intake_check.py: read, verify, read the data, plan the rows)
needs no database; for a batch it runs in worker processes, several packages ahead, because it
is pure Python and Python runs one thread at a time; for a few packages, on a thread. The
second (intake_record.py) writes each package in one transaction of its own, in the order the
packages were given. A failure or a cancel never leaves half a package, and packages taken
before stay taken. Certificates the officer confirmed (signer_scan.py) are registered first.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.jobs import IsCancelled, Progress, collector_paused
from app.office.intake_check import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    SUPERSEDED,
    Checked,
    DecryptKey,
    IntakeOptions,
    SignerCandidate,
    Snapshot,
    check_in_worker,
    check_package,
    start_worker,
)
from app.office.intake_record import Outcome, Recorder
from app.office.package_data import reason_text
from app.office.setup import Office, office
from app.office.signers import load_register, register_certificate
from app.permissions import require
from models import ReceivedPackage
from models.database import Database

__all__ = [
    "ACCEPTED",
    "DUPLICATE",
    "REJECTED",
    "STATUSES",
    "SUPERSEDED",
    "DecryptKey",
    "IntakeOptions",
    "IntakeSummary",
    "Outcome",
    "SignerCandidate",
    "accept_candidate",
    "find_packages",
    "intake",
    "reason_text",
]

STATUSES = (ACCEPTED, SUPERSEDED, DUPLICATE, REJECTED)
PATTERNS = ("*.rasoat.zip", "*.rasoat.zip.p7m")
MAX_DEPTH = 6  # folders below the one chosen (a USB stick's own folders)
PROCESS_BATCH = 4  # from this many packages on, worker processes check ahead of the writer
MAX_WORKERS = 4
LOCAL_HOSTS = frozenset(("localhost", "127.0.0.1", "::1"))


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
    options = options or IntakeOptions()
    with db.sessions.begin() as session:
        require(session, actor, "office.intake")
        the_office = office(session)
        for c in options.trust_first:
            accept_candidate(session, actor, c, options.allow_demo)
    with db.sessions() as session:
        snapshot = take_snapshot(session, the_office)
    recorder = Recorder(db, actor, the_office)
    summary = IntakeSummary()
    workers = worker_count(len(paths), options.workers, server_here(db))
    with collector_paused(), _checker(snapshot, options, workers) as checker:
        for n, checked in enumerate(checker.results(paths)):
            if cancelled and cancelled():
                summary.cancelled = True
                break
            summary.outcomes.append(recorder.record(checked))
            if progress:
                progress(n + 1, len(paths))
    return summary


def worker_count(packages: int, asked: int | None = None, local_server: bool = False) -> int:
    """Processes checking ahead of the writer: none for a few packages (starting a process
    costs more than it saves), else one per core, at least two: the writer into SQLite does
    not fill a core, and a second checker on two cores also covers the first one's waits for
    the disk (measured on two cores: 55–63% of the raw COPY rate with two, 48% with one).

    A PostgreSQL server on this machine (`local_server`) is a busy process of its own, which
    the writer waits on for every package: the writer and the server are the pipeline's one
    serial stage, so the checkers leave them a core (measured on two cores, two pairs of runs
    of bench_office's 100 packages: intake 3–5% faster with one checker than with two)."""
    if asked is not None:
        return max(0, asked)
    if packages < PROCESS_BATCH:
        return 0
    cores = os.cpu_count() or 2
    if local_server:
        return max(1, min(MAX_WORKERS, cores - 1))
    return max(2, min(MAX_WORKERS, cores))


def server_here(db: Database) -> bool:
    """Whether `db` is a PostgreSQL server on this machine (a local host name, an address of
    this machine's loopback, or a Unix socket)."""
    url = db.url
    if url.get_backend_name() != "postgresql":
        return False
    host = url.host or str(url.query.get("host") or "")
    return not host or host.startswith("/") or host in LOCAL_HOSTS


class _Checker:
    """Checks packages ahead of the writer, in order, keeping a few in flight."""

    def __init__(self, snapshot: Snapshot, options: IntakeOptions, workers: int) -> None:
        self.snapshot, self.options = snapshot, options
        if workers:
            self.pool: Executor = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),  # never fork a GUI or a pool
                initializer=start_worker,
                initargs=(snapshot, options),
            )
            self.ahead = workers + 1
        else:
            self.pool = ThreadPoolExecutor(1, "rasoat-intake")
            self.ahead = 1

    def _submit(self, path: Path) -> Future[Checked]:
        if isinstance(self.pool, ProcessPoolExecutor):
            return self.pool.submit(check_in_worker, path)
        return self.pool.submit(check_package, path, self.snapshot, self.options)

    def results(self, paths: Sequence[Path]) -> Iterator[Checked]:
        waiting: deque[Future[Checked]] = deque()
        queue = iter(paths)
        # A worker process takes about a second to start (it imports the checking code), and
        # the writer would wait that long for the first package: it checks that one itself,
        # meanwhile, here (measured: the whole intake one package's check sooner).
        first = next(queue, None) if isinstance(self.pool, ProcessPoolExecutor) else None
        for path in itertools.islice(queue, self.ahead):
            waiting.append(self._submit(path))
        if first is not None:
            yield check_package(first, self.snapshot, self.options)
        while waiting:
            checked = waiting.popleft().result()
            following = next(queue, None)
            if following is not None:
                waiting.append(self._submit(following))
            yield checked

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _checker(snapshot: Snapshot, options: IntakeOptions, workers: int) -> Iterator[_Checker]:
    checker = _Checker(snapshot, options, workers)
    try:
        yield checker
    finally:
        checker.close()


def take_snapshot(session: Session, the_office: Office) -> Snapshot:
    """The register and the files received so far, as the first stage needs them."""
    from cryptography.hazmat.primitives.serialization import Encoding

    register = load_register(session)
    revoked = tuple(c.public_bytes(Encoding.DER) for c in register.revoked_certs)
    known = session.scalars(
        select(ReceivedPackage.file_sha256).where(
            ReceivedPackage.status.in_((ACCEPTED, SUPERSEDED))
        )
    )
    return Snapshot(
        tuple(c.public_bytes(Encoding.DER) for c in register.trust.anchors),
        dict(register.communes),
        revoked,
        frozenset(known),
        the_office.province_code,
        the_office.province_name,
        the_office.archive_dir,
    )


def accept_candidate(
    session: Session, actor: Actor, c: SignerCandidate, allow_demo: bool = False
) -> None:
    """Trust a certificate met on a package, for the commune it signed for, once the officer
    compared its fingerprint with the commune's and confirmed it."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(c.certificate)
    register_certificate(session, actor, cert, c.commune_code, "package", allow_demo)
