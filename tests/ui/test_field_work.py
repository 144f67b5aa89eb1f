"""Field work in the GUI: the officer assigns through the dialog, merges a bundle and decides the
conflict side by side; a reviewer's laptop starts from its key and an assignment, and exports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from app.actor import Actor
from app.communes import find_commune
from app.drafts import DraftStore
from app.settings import Settings
from app.storage import open_database
from app.users import create_user
from models.database import Database
from tests.app.bundles.laptops import Laptop
from tests.builders import household, member
from tests.conftest import ADMIN, TEST_PASSWORD, TESTER
from tests.snapshot import db_snapshot
from tests.ui.driving import ScriptedPrompts
from ui.conflicts_view import ConflictsDialog
from ui.context import AppContext
from ui.field_menu import assign, export, merge
from ui.field_start import FieldStartDialog
from ui.jobs import JobRunner
from ui.main_window import MainWindow
from ui.startup import StartupState

SHOTS = os.environ.get("RASOAT_SCREENSHOTS")  # a folder: save what the tests show, to look at


def shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def reviewer_laptop(template: Path, tmp_path: Path, name: str = "nam") -> Laptop:
    laptop = Laptop.fresh(template, tmp_path / f"{name}.sqlite", Actor(name, "reviewer", "Nam"))
    with laptop.db.sessions.begin() as s:
        create_user(s, ADMIN, name, TEST_PASSWORD, "reviewer", "Nguyễn Văn Nam")
    return laptop


@pytest.fixture
def hub(commune_db: Database) -> Laptop:
    laptop = Laptop(commune_db, TESTER)
    laptop.import_households(
        [
            household(id="H001", members=(member(id_number="066086000001"),)),
            household(id="H002", village="Khu phố Chợ", area="urban"),
        ]
    )
    return laptop


def test_officer_assigns_merges_and_decides_in_the_gui(
    qtbot: QtBot,
    main_window: MainWindow,
    prompts: ScriptedPrompts,
    hub: Laptop,
    template_db_file: Path,
    tmp_path: Path,
) -> None:
    main_window.reload()
    nam = reviewer_laptop(template_db_file, tmp_path)
    key_file = tmp_path / "nam.pub"
    key_file.write_text(nam.public_key())

    prompts.answer(str(key_file))  # the key file, when the dialog asks

    def fill_the_dialog() -> None:
        dialog = main_window.assign_dialog
        dialog.reviewer.setCurrentIndex(dialog.reviewer.count() - 1)  # a new reviewer
        dialog.code.setText("nam")
        dialog.name.setText("Nguyễn Văn Nam")
        dialog.choose_key()
        assert "Dấu vân tay" in dialog.key_label.text()
        dialog.villages.item(0).setCheckState(Qt.CheckState.Checked)
        shot(dialog, "field-assign")
        dialog.accept()

    out = tmp_path / "nam.rasoat-assignment"
    QTimer.singleShot(0, fill_the_dialog)  # runs inside the dialog's exec()
    assign(main_window, str(out))
    main_window.context.runner.wait()
    assert prompts.asked[-1][0] == "inform" and "phân công số 1 cho nam" in prompts.asked[-1][1]

    nam.open(out)
    nam.edit("H001", income_per_capita_month=777_000)
    bundle = nam.export(tmp_path)
    hub.edit("H001", income_per_capita_month=888_000)  # the officer, meanwhile

    merge(main_window, str(bundle.path))
    main_window.context.runner.wait()
    assert "1 xung đột mới" in prompts.asked[-1][1]
    dialog = main_window.conflicts_dialog
    assert isinstance(dialog, ConflictsDialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "H001 — Nguyễn Văn An"
    assert dialog.table.item(0, 1).text() == "Thu nhập bình quân/người/tháng"
    shot(dialog, "field-conflicts")
    shown = [dialog.side.itemAtPosition(0, col).widget().text() for col in (1, 2)]
    assert sorted(shown) == ["777.000 đ", "888.000 đ  (đang dùng)"]
    keep = dialog.side.itemAtPosition(4, shown.index("777.000 đ") + 1).widget()
    prompts.answer(True)
    keep.click()
    main_window.context.runner.wait()
    assert dialog.table.rowCount() == 0
    facts = hub.facts("H001")
    assert facts is not None and facts.income_per_capita_month == 777_000
    nam.db.dispose()


def test_a_refused_bundle_is_explained_and_changes_nothing(
    main_window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.rasoat-bundle"
    junk.write_bytes(b"RASOAT-FIELD/1\nnot a signature\n")
    before = db_snapshot(main_window.context.db)
    merge(main_window, str(junk))
    main_window.context.runner.wait()
    kind, text = prompts.asked[-1]
    assert kind == "error" and text.startswith("Không nhập:") and "chữ ký" in text
    assert db_snapshot(main_window.context.db) == before


def test_reviewer_laptop_starts_from_an_assignment_and_exports(
    qtbot: QtBot,
    hub: Laptop,
    template_db_file: Path,
    tmp_path: Path,
) -> None:
    empty = tmp_path / "field.sqlite"
    db = open_database(empty)  # a brand-new laptop: no accounts, no commune
    prompts = ScriptedPrompts()
    state = StartupState(Settings(), prompts, str(empty), db, Actor("local:nam", "officer"))
    try:
        start = FieldStartDialog(state)  # type: ignore[arg-type]
        qtbot.addWidget(start)
        assert len(start.fingerprint.text()) == 19  # "1A2B 3C4D 5E6F 7A8B"
        shot(start, "field-start")
        start.save_key(str(tmp_path / "field.pub"))
        hub.register("nam", (tmp_path / "field.pub").read_text(), name="Nguyễn Văn Nam")
        issued = hub.assign("nam", tmp_path / "a1.rasoat-assignment", households=["H001"])
        start.open_assignment(str(issued.path))
        start.runner.wait()
        assert start.result() == start.DialogCode.Accepted
        with db.sessions() as s:
            commune = find_commune(s)
            assert commune is not None and commune.code == "22237"

        field_actor = Actor("local:nam", "officer")
        runner = JobRunner(db, "vi", prompts)  # type: ignore[arg-type]
        drafts = DraftStore.for_database(db.describe())
        context = AppContext(db, field_actor, Settings(), prompts, runner, drafts)  # type: ignore[arg-type]
        window = MainWindow(context)
        qtbot.addWidget(window)
        assert window.export_bundle_action.isEnabled()
        export(window, str(tmp_path / "none.rasoat-bundle"))
        context.runner.wait()
        assert "Không có thay đổi" in prompts.asked[-1][1]
        Laptop(db, field_actor).edit("H001", latrine="none")
        export(window, str(tmp_path / "b1.rasoat-bundle"))
        context.runner.wait()
        assert "gói số 1: 1 hộ" in prompts.asked[-1][1]
        result = hub.merge(tmp_path / "b1.rasoat-bundle")
        assert result.updated == ["H001"]
    finally:
        db.dispose()
