"""A demo commune exported once per session as a signed package; tests copy and tamper with it.

The package is built in its own data folder (keys and trust list), and tests verify it against
an explicit TrustStore holding the demo root, so nothing depends on the test's own data folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from cryptography import x509

from app import keys
from app.actor import Actor
from app.demo.commune import create_demo
from app.package.build import PackageResult, build_package
from app.package.trust import TrustStore
from app.reports import ReportSource, load_source
from app.storage import open_database

ACTOR = Actor("officer1", "officer", "Cán bộ Một")
CREATED = datetime(2026, 11, 20, 9, 30).astimezone()


@dataclass
class Built:
    home: Path
    db_path: Path
    result: PackageResult
    root: x509.Certificate
    source: ReportSource

    @property
    def trust(self) -> TrustStore:
        return TrustStore((self.root,))

    def root_pem(self, where: Path) -> Path:
        from cryptography.hazmat.primitives.serialization import Encoding

        path = where / "root.pem"
        path.write_bytes(self.root.public_bytes(Encoding.PEM))
        return path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    home = tmp_path_factory.mktemp("package-home")
    old = os.environ.get("RASOAT_HOME")
    os.environ["RASOAT_HOME"] = str(home)
    try:
        db_path = home / "demo.sqlite"
        db = open_database(db_path)
        create_demo(db, ACTOR, 400, 11, date(2026, 11, 15))
        with db.sessions.begin() as session:
            name = keys.assigned_key(session)
            identity = keys.load_identity(name, keys.DEMO_PASSPHRASE.encode())
            out = home / "out"
            out.mkdir()
            result = build_package(session, ACTOR, out, identity, now=CREATED)
            source = load_source(session)
        db.dispose()
        yield Built(home, db_path, result, identity.chain[-1], source)
    finally:
        if old is None:
            os.environ.pop("RASOAT_HOME", None)
        else:
            os.environ["RASOAT_HOME"] = old


@pytest.fixture
def package(built: Built, tmp_path: Path) -> Path:
    """A fresh copy of the package, free to change."""
    path = tmp_path / built.result.path.name
    shutil.copyfile(built.result.path, path)
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rewrite(path: Path, files: dict[str, bytes]) -> None:
    """Write a zip holding exactly `files`, as a tamperer with a zip tool would."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def tool(*argv: str, input_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    if shutil.which(argv[0]) is None:
        pytest.fail(f"{argv[0]} is not installed (listed in .ci/apt.d/package.txt)")
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)
