"""`rasoat selftest`: an installed copy proves it works, end to end, in a throw-away folder.

Each check exercises what a bundle can lose on the way to a laptop (a data file left out of the
installer, a library that does not load, a font missing): the shipped resources, a new database
with its migrations, the demo commune classified, an exchange file written and read back, an
Excel list analysed, one PDF page rendered with the embedded Vietnamese font. Nothing touches
the officer's own data: everything happens in a temporary folder that is removed afterwards.

and a small signed handover package written and verified, with its reports. Nothing touches the
officer's own data: everything happens in a temporary folder, which also serves as the data
folder while the checks run (the demo commune's signing key lands there), and is removed after.
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app import __version__
from app.errors import RaSoatError

Progress = Callable[[str], None]
DEMO_HOUSEHOLDS = 40
REFERENCE = date(2026, 11, 15)


@dataclass(frozen=True)
class Check:
    name: str  # message key of the check's title
    ok: bool
    detail: str
    seconds: float


@contextmanager
def _timed(out: list[Check], name: str, progress: Progress | None) -> Iterator[list[str]]:
    """Run one check: its body appends detail text; any exception makes it a failure."""
    if progress:
        progress(name)
    detail: list[str] = []
    start = time.perf_counter()
    try:
        yield detail
    except Exception as exc:  # a self-test reports every failure instead of stopping
        out.append(Check(name, False, f"{type(exc).__name__}: {exc}", time.perf_counter() - start))
        return
    out.append(Check(name, True, "; ".join(detail), time.perf_counter() - start))


@contextmanager
def _data_folder(folder: Path) -> Iterator[None]:
    """Make `folder` the data folder (RASOAT_HOME) while the checks run."""
    old = os.environ.get("RASOAT_HOME")
    os.environ["RASOAT_HOME"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("RASOAT_HOME", None)
        else:
            os.environ["RASOAT_HOME"] = old


def run_selftest(progress: Progress | None = None, work_dir: Path | None = None) -> list[Check]:
    """All checks, in order; a failed check does not stop the following ones that can run."""
    checks: list[Check] = []
    with tempfile.TemporaryDirectory(prefix="rasoat-selftest-", dir=work_dir) as tmp:
        folder = Path(tmp)
        with _timed(checks, "selftest.resources", progress) as detail:
            detail.append(_resources())
        with _data_folder(folder / "home"):
            _run_checks(folder, checks, progress)
    return checks


def _run_checks(folder: Path, checks: list[Check], progress: Progress | None) -> None:
    state: dict[str, Any] = {}
    with _timed(checks, "selftest.database", progress) as detail:
        detail.append(_database(folder, state))
    if "db" in state:
        try:
            for name, check in (
                ("selftest.classify", _classify),
                ("selftest.exchange", _exchange),
                ("selftest.excel", _excel),
                ("selftest.package", _package),
            ):
                with _timed(checks, name, progress) as detail:
                    detail.append(check(folder, state))
        finally:
            state["db"].dispose()
    with _timed(checks, "selftest.pdf", progress) as detail:
        detail.append(_pdf_page(folder))


def _resources() -> str:
    from app.admin_units import communes
    from app.old_admin_units import old_communes
    from app.paths import data_dir
    from app.resources import resource_path
    from app.standards import available_packs

    packs = available_packs()
    fonts = sorted(p.name for p in resource_path("fonts").glob("NotoSans-*.ttf"))
    if not packs or not fonts:
        raise RaSoatError("selftest.resources_missing")
    return (
        f"RaSoat {__version__}; {len(packs)} standard packs; {len(communes())} communes; "
        f"{len(old_communes())} old communes; {len(fonts)} fonts; data folder {data_dir()}"
    )


def _database(folder: Path, state: dict[str, Any]) -> str:
    from app.demo.commune import create_demo
    from app.storage import open_database
    from app.users import bootstrap_administrator, create_user

    db = open_database(folder / "selftest.sqlite")
    state["db"] = db
    password = secrets.token_urlsafe(12)
    with db.sessions.begin() as session:
        admin = bootstrap_administrator(session, "selftest-admin", password, "Self-test")
        state["officer"] = create_user(session, admin, "selftest", password, "officer", "Self-test")
    state["document"] = create_demo(db, state["officer"], DEMO_HOUSEHOLDS, 7, REFERENCE)
    return f"{db.describe()}: demo commune with {DEMO_HOUSEHOLDS} households"


def _classify(folder: Path, state: dict[str, Any]) -> str:
    """The stored results must equal an independent classification of the same facts."""
    from sqlalchemy import select

    from app.assessments import Evaluator
    from app.communes import only_commune
    from app.rounds import current_round
    from models import Assessment, Household

    document = state["document"]
    with state["db"].sessions() as session:
        evaluator = Evaluator(current_round(session, only_commune(session)))
    expected = {}
    for h in document.households:
        c = evaluator.evaluate(h, explain=False).classification
        expected[h.id] = c.cls if c else None
    with state["db"].sessions() as session:
        stored = dict(
            session.execute(
                select(Household.code, Assessment.result_class).join(
                    Assessment, Assessment.household_id == Household.id
                )
            ).all()
        )
    if stored != expected:
        wrong = sorted(code for code in expected if stored.get(code) != expected[code])
        raise RaSoatError("selftest.classes_differ", households=", ".join(wrong[:5]))
    counts: dict[str, int] = {}
    for cls in stored.values():
        counts[cls or "errors"] = counts.get(cls or "errors", 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _exchange(folder: Path, state: dict[str, Any]) -> str:
    from app.exchange.exporting import export_file
    from app.exchange.read import read_file

    out = folder / "export.json"
    with state["db"].sessions.begin() as session:
        count = export_file(session, state["officer"], out)
    document = read_file(out)  # validated again on the way back in
    if len(document.households) != count or count != DEMO_HOUSEHOLDS:
        raise RaSoatError("selftest.exchange_count", written=count, read=len(document.households))
    return f"{count} households written and read back ({out.stat().st_size} bytes)"


def _excel(folder: Path, state: dict[str, Any]) -> str:
    from openpyxl import Workbook

    from app.excel.importing import analyse_excel

    path = folder / "danh-sach.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["DANH SÁCH HỘ NGHÈO NĂM 2025 - XÃ EA LY"])
    ws.append(["STT", "Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Thôn"])
    ws.append([1, "Nguyễn Văn Thử", "01/02/1970", 66070000123, "Thôn 1"])
    wb.save(path)
    with state["db"].sessions() as session:
        preview = analyse_excel(session, state["officer"], path, today=REFERENCE)
    member = preview.households[0].members[0].data if preview.households else {}
    if preview.errors or member.get("id_number") != "066070000123":
        raise RaSoatError("selftest.excel_read", detail=str(member))
    return f"{len(preview.households)} household read, ID zero restored"


def _pdf_page(folder: Path) -> str:
    """One A4 page in Vietnamese with Noto Sans embedded (the font the reports use)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from app.resources import resource_path

    font = resource_path("fonts", "NotoSans-Regular.ttf")
    pdfmetrics.registerFont(TTFont("RaSoatSelftest", str(font)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, initialFontName="RaSoatSelftest")
    page.setFont("RaSoatSelftest", 14)
    page.drawString(72, 770, "RaSoat — kiểm tra: Hộ nghèo, hộ cận nghèo; Ê Đê, H'Mông, Đắk Lắk")
    page.showPage()
    page.save()
    data = buffer.getvalue()
    (folder / "selftest.pdf").write_bytes(data)
    if not data.startswith(b"%PDF") or b"FontFile2" not in data:
        raise RaSoatError("selftest.pdf_bad")
    return f"1 page, {len(data)} bytes, font embedded"


def _package(folder: Path, state: dict[str, Any]) -> str:
    """A signed package of the demo commune (with its Excel and PDF reports), then verified
    completely: hashes, manifest signature, PDF signatures, no extra file."""
    from app.keys import DEMO_PASSPHRASE, assigned_key, load_identity
    from app.package.build import build_package
    from app.package.trust import TrustStore
    from app.package.verify import verify_package

    out = folder / "package"
    out.mkdir()
    with state["db"].sessions.begin() as session:
        identity = load_identity(assigned_key(session), DEMO_PASSPHRASE.encode())
        built = build_package(session, state["officer"], out, identity)
    report = verify_package(built.path, TrustStore.local())
    if not report.ok:
        raise RaSoatError(
            "selftest.package_bad", problems="; ".join(p.message() for p in report.problems[:3])
        )
    return (
        f"{built.path.name}: {report.files_checked} files, "
        f"{report.pdf_signatures_checked} PDF signatures verified"
    )
