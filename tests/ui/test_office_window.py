"""The receiving office's window, driven as an officer drives it: take in a folder (confirming
one unknown certificate, refusing another), see the log, the register, the round's communes,
mark a household for correction and write the signed reply; and the commune's side: import the
reply and see the comment on the household."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import keys
from app.drafts import DraftStore
from app.office.setup import assign_signing_key, set_up_office
from app.settings import Settings
from app.storage import open_database
from app.users import create_user
from models.database import Database
from tests.app.office.conftest import OFFICE, A, B, minutes
from tests.conftest import ADMIN, TEST_PASSWORD
from tests.office_factory import build, commune_signer
from tests.ui.driving import ScriptedPrompts
from ui.context import AppContext
from ui.jobs import JobRunner
from ui.office_window import OfficeWindow

KEY_PASSPHRASE = "khóa-của-sở-2026"
SHOTS = os.environ.get("RASOAT_SCREENSHOTS")  # a folder: save what the tests show, to look at


def shot(widget: object, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A USB stick with two communes' packages; returns it and the signers' fingerprints."""
    usb = tmp_path_factory.mktemp("usb")
    signers = [commune_signer(A), commune_signer(B)]
    build(usb, signers[0], 40, seed=1, created=minutes(0))
    build(usb, signers[1], 30, seed=2, created=minutes(1))
    return usb, [s.identity.fingerprint for s in signers]


@pytest.fixture
def office_context(db: Database, prompts: ScriptedPrompts) -> Iterator[AppContext]:
    with db.sessions.begin() as session:
        create_user(session, ADMIN, OFFICE.username, TEST_PASSWORD, "office", OFFICE.label)
        set_up_office(session, ADMIN, "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk", "66")
        info = keys.create_key(
            "so", "Sở NN và MT tỉnh Đắk Lắk", "Sở NN và MT", KEY_PASSPHRASE.encode()
        )
        assign_signing_key(session, ADMIN, info.name)
    settings = Settings()
    runner = JobRunner(db, settings.language, prompts)  # type: ignore[arg-type]
    yield AppContext(db, OFFICE, settings, prompts, runner, DraftStore.for_database(db.describe()))  # type: ignore[arg-type]
    runner.wait()


@pytest.fixture
def window(qtbot: QtBot, office_context: AppContext) -> OfficeWindow:
    w = OfficeWindow(office_context)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def cells(view: object) -> list[list[str]]:
    model = view.model()  # type: ignore[attr-defined]
    return [
        [model.index(r, c).data() or "" for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def take_usb(window: OfficeWindow, prompts: ScriptedPrompts, usb: Path, *confirm: bool) -> str:
    from ui import office_jobs

    prompts.answer(str(usb), *confirm)
    before = len(prompts.asked)
    office_jobs.intake_folder(window)

    def informed() -> bool:
        window.context.runner.wait()
        return any(kind == "inform" for kind, _ in prompts.asked[before:])

    QtBot(window).waitUntil(informed, timeout=120_000)
    return [text for kind, text in prompts.asked if kind == "inform"][-1]


def test_intake_asks_about_each_new_certificate_and_logs_the_outcome(
    window: OfficeWindow, prompts: ScriptedPrompts, packages: tuple[Path, list[str]]
) -> None:
    usb, _ = packages
    # Newest first: commune B's package, then A's. Trust B's certificate, refuse A's.
    summary = take_usb(window, prompts, usb, True, False)
    questions = [text for kind, text in prompts.asked if kind == "confirm"]
    assert len(questions) == 2 and "Phường Bình Kiến" in questions[0]
    assert "1 gói được nhận (30 hộ)" in summary and "1 gói bị từ chối" in summary
    assert "chưa có trong danh sách tin cậy" in summary
    rows = cells(window.intake_page.view)
    assert [r[6] for r in rows] == ["Từ chối", "Đã nhận"]
    assert "Phường Bình Kiến" in rows[1][3]
    assert [r[0] for r in cells(window.signers_page.view)] == ["Phường Bình Kiến"]
    shot(window, "office-intake")
    window.tabs.setCurrentWidget(window.signers_page)
    shot(window, "office-signers")


def test_consolidation_tab_shows_the_communes_and_writes_the_reports(
    window: OfficeWindow,
    prompts: ScriptedPrompts,
    packages: tuple[Path, list[str]],
    tmp_path: Path,
) -> None:
    usb, _ = packages
    take_usb(window, prompts, usb, True, True)
    window.tabs.setCurrentWidget(window.consolidation_page)
    window.context.runner.wait()
    rows = cells(window.consolidation_page.view)
    assert sorted(r[0] for r in rows) == ["Phường Bình Kiến", "Phường Tuy Hoà"]
    assert "70 hộ" in window.consolidation_page.summary.text()
    assert len(window.consolidation_page.chart.stacks) == 2
    shot(window, "office-consolidation")
    from ui import office_jobs

    prompts.answer(str(tmp_path / "bao-cao"))
    office_jobs.consolidate_round(window)
    window.context.runner.wait()
    assert sorted(p.name for p in (tmp_path / "bao-cao").iterdir()) == [
        "tong-hop-66-2026.pdf",
        "tong-hop-66-2026.xlsx",
    ]


def test_a_correction_is_asked_and_the_signed_reply_written(
    window: OfficeWindow,
    prompts: ScriptedPrompts,
    packages: tuple[Path, list[str]],
    tmp_path: Path,
) -> None:
    usb, _ = packages
    take_usb(window, prompts, usb, True, True)
    page = window.responses_page
    window.tabs.setCurrentWidget(page)
    page.package.setCurrentIndex(page.package.findText("Phường Tuy Hoà", flags=_contains()))
    page.load_package()
    page.view.selectRow(2)
    code = page.selected_household()
    prompts.answer("Thiếu thẻ BHYT của con thứ hai")
    page.set_verdict("correction")
    window.context.runner.wait()
    row = next(r for r in cells(page.view) if r[0] == code)
    assert row[5:] == ["đề nghị sửa", "Thiếu thẻ BHYT của con thứ hai"]
    assert "1 hộ được đề nghị sửa" in page.summary.text()
    shot(window, "office-responses")
    from ui import office_jobs

    prompts.answer(str(tmp_path / "phan-hoi"), KEY_PASSPHRASE)
    office_jobs.send_response(window)
    window.context.runner.wait()
    [reply] = (tmp_path / "phan-hoi").iterdir()
    assert reply.name.startswith(f"66-{A}-2026-phan-hoi-")
    assert "39 hộ chấp nhận, 1 hộ đề nghị sửa" in prompts.asked[-1][1]


def _contains():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchContains


def test_the_commune_imports_the_reply_and_sees_the_comment(
    qtbot: QtBot,
    main_window: object,
    prompts: ScriptedPrompts,
    commune_db: Database,
    template_db_file: Path,
    tmp_path: Path,
) -> None:
    """Xã Ea Ly (the commune of the GUI fixtures) gets a reply from an office it trusts."""
    from app.communes import only_commune
    from app.demo.households import generate
    from app.exchange.exporting import commune_ref
    from app.exchange.importing import import_document
    from app.exchange.read import ExchangeDocument
    from app.office.intake import IntakeOptions, intake
    from app.office.responses import set_verdict, write_response
    from app.office.signers import register_certificate
    from tests.conftest import OFFICER, REFERENCE_DATE

    households = list(generate(12, 8, REFERENCE_DATE))
    with commune_db.sessions.begin() as session:
        commune = only_commune(session)
        import_document(
            session,
            OFFICER,
            ExchangeDocument("VN-MPS-2022-2025", REFERENCE_DATE, commune_ref(commune), households),
        )
    signer = commune_signer("22237")
    usb = tmp_path / "usb"
    usb.mkdir()
    build(usb, signer, households, created=minutes(0))
    office_file = tmp_path / "so.sqlite"
    shutil.copyfile(template_db_file, office_file)
    office = open_database(office_file)
    try:
        with office.sessions.begin() as session:
            create_user(session, ADMIN, OFFICE.username, TEST_PASSWORD, "office")
            set_up_office(session, ADMIN, "Sở NN và MT tỉnh Đắk Lắk", "66")
            register_certificate(session, OFFICE, signer.certificate, None, "file")
        intake(office, OFFICE, [next(usb.iterdir())], IntakeOptions())
        office_signer = commune_signer("22237", name="Sở NN và MT tỉnh Đắk Lắk")
        keys.trust(office_signer.root)  # the commune trusts its upper level
        with office.sessions.begin() as session:
            set_verdict(
                session, OFFICE, "22237", households[5].id, "correction", "Sai năm sinh chủ hộ"
            )
            reply = write_response(session, OFFICE, "22237", tmp_path, office_signer.identity).path
    finally:
        office.dispose()
    from ui.review_responses import import_response_file

    prompts.answer(str(reply))
    import_response_file(main_window, None)  # type: ignore[arg-type]
    main_window.context.runner.wait()  # type: ignore[attr-defined]
    assert "1 hộ cần sửa" in [t for k, t in prompts.asked if k == "inform"][-1]
    from ui.review_responses import CommentsDialog

    [dialog] = main_window.findChildren(CommentsDialog)  # type: ignore[attr-defined]
    assert dialog.isVisible()
    assert cells(dialog.view)[0][0] == households[5].id
    assert cells(dialog.view)[0][4] == "Sai năm sinh chủ hộ"
    shot(dialog, "commune-comments")
    dialog.open_row(0)  # as a double click does: the household opens in the editor
    editor = main_window.editor  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: main_window.stack.currentWidget() is editor)  # type: ignore[attr-defined]
    assert editor.review_note.isVisible()
    assert "Sai năm sinh chủ hộ" in editor.review_note.text()
    shot(main_window, "commune-editor-note")


def test_a_new_database_becomes_an_office_from_the_first_start(
    qtbot: QtBot, tmp_path: Path, prompts: ScriptedPrompts
) -> None:
    """The first-start dialog's office button: its name asked, the province chosen above, then
    the administrator and the passphrase (a new database); the office's window opens for the
    administrator, on an encrypted file."""
    from app.settings import Settings
    from tests.conftest import TEST_PASSWORD
    from ui.account_setup import AdminSetup
    from ui.app_root import main_window_for
    from ui.first_start import FirstStartDialog
    from ui.startup import CommuneStep, Next, SignInStep, StartupState

    db = open_database(tmp_path / "so.sqlite")
    state = StartupState(Settings(), prompts, str(db.path), db)
    try:
        assert SignInStep().run(state) is Next.CONTINUE
        assert state.actor is None  # a new file: no one to sign in yet
        dialog = FirstStartDialog(state)
        qtbot.addWidget(dialog)
        dialog.province.setCurrentIndex(dialog.province.findData("66"))
        prompts.answer(
            "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk",
            AdminSetup("quantri", "Quản trị Sở", TEST_PASSWORD, "cụm mật khẩu 2026"),
        )
        dialog.create_office()
        assert dialog.office_created and dialog.result() == dialog.DialogCode.Accepted
        assert state.actor is not None and state.actor.role == "administrator"
        assert state.db is not None and state.db.encrypted
        assert CommuneStep().run(state) is Next.CONTINUE  # no commune needed
        db = state.db
        context = AppContext(
            db,
            state.actor,
            Settings(),
            prompts,
            JobRunner(db, "vi", prompts),  # type: ignore[arg-type]
            DraftStore.for_database(db.describe()),
        )
        window = main_window_for(context)
        qtbot.addWidget(window)
        assert isinstance(window, OfficeWindow)
        assert "Sở Nông nghiệp và Môi trường tỉnh Đắk Lắk" in window.windowTitle()
        assert window.office.province_name == "Tỉnh Đắk Lắk"
        assert window.users_action.isEnabled()  # the administrator adds the office's officers
        lock = window.window_lock  # the office's window locks after inactivity too
        lock.lock()
        assert lock.locked and not window.tabs.isVisible() and not window.users_action.isEnabled()
        lock.screen.password.setText(TEST_PASSWORD)
        lock.screen.unlock_button.click()
        assert not lock.locked and window.users_action.isEnabled()
    finally:
        state.close_database()
        db.dispose()
