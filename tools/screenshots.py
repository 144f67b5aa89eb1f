"""`make screenshots`: PNGs of the main screens at 1366×768 (a common field laptop) for the README.

Runs the real windows on the offscreen platform over a fresh demo commune: first start, the
household list, the editor showing an error, the overview. Usage:
    python tools/screenshots.py [OUT_DIR]   (default docs/screenshots)
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

SIZE = (1366, 768)
PASSWORD = "mat-khau-anh-chup"  # the accounts of the throw-away demo below


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="rasoat-shots-")
    os.environ["RASOAT_HOME"] = home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

    from PySide6.QtWidgets import QApplication

    from app.demo.accounts import create_demo_accounts
    from app.demo.commune import create_demo
    from app.settings import Settings
    from app.storage import open_database
    from app.users import bootstrap_administrator
    from ui.app_root import RaSoatApp, apply_language
    from ui.first_start import FirstStartDialog
    from ui.fonts import load_fonts
    from ui.prompts import Prompts
    from ui.startup import StartupState

    class SignedIn(Prompts):
        """The real dialogs, but the sign-in answered as the demo's commune officer."""

        def sign_in(self, *_args: object) -> tuple[str, str]:
            return "canbo", PASSWORD

    app = QApplication.instance() or QApplication(sys.argv)
    load_fonts(app)
    apply_language("vi")

    empty = open_database(Path(home) / "new.sqlite")
    dialog = FirstStartDialog(StartupState(Settings(), Prompts(), None, empty))
    dialog.search.setText("ea ly")
    dialog.results.setCurrentRow(0)
    for name, area in (("Thôn 1", 0), ("Thôn Hòa Bình", 0), ("Buôn Ea Ly", 0), ("Khu phố Chợ", 1)):
        dialog.village_name.setText(name)
        dialog.village_area.setCurrentIndex(area)
        dialog.add_village()
    dialog.resize(960, 680)
    _save(app, dialog, out / "first-start.png")
    dialog.deleteLater()
    empty.dispose()

    db_path = Path(home) / "demo.sqlite"
    db = open_database(db_path)
    with db.sessions.begin() as session:
        admin = bootstrap_administrator(session, "quantri", PASSWORD, "Quản trị")
        officer = create_demo_accounts(session, admin, PASSWORD)["officer"]
    create_demo(db, officer, 2000, seed=7, reference_date=date(2026, 11, 15))
    applied, screened_out = _review_examples(db, officer)
    db.dispose()
    root = RaSoatApp(str(db_path), settings=Settings(), prompts=SignedIn())
    assert root.start()
    window = root.window
    assert window is not None
    window.resize(*SIZE)
    _save(app, window, out / "household-list.png")
    window.list_page.search.setText("nguyen van")
    _save(app, window, out / "household-search.png")
    window.list_page.search.clear()
    window.open_household(window.list_page.model.row_at(3).household_id)
    editor = window.editor
    editor.form["members"][1]["birth"] = "31/02/1975"
    editor.form["members"][1]["health_insurance"] = None
    editor.roster.model.set_members(editor.form["members"])
    editor.check_now()
    _save(app, window, out / "editor-error.png")
    editor.tabs.setCurrentIndex(1)
    _save(app, window, out / "editor-phieu-b.png")
    editor.original = editor.form  # leave without the discard question
    editor.request_close()
    # The review tab: an application (Mẫu 01) waiting for its Phiếu A, three criteria ticked...
    window.open_household(window.list_page.model.rows[_row(window, applied)].household_id)
    editor.tabs.setCurrentWidget(editor.review_tab)
    for no in (2, 5, 7):
        editor.review_tab.phieu_a.checks[no].setChecked(True)
    _save(app, window, out / "editor-application.png")
    editor.request_close()
    # ...and one whose Phiếu A had four: the review stops, the criteria stay on record.
    window.open_household(window.list_page.model.rows[_row(window, screened_out)].household_id)
    editor.tabs.setCurrentWidget(editor.review_tab)
    _save(app, window, out / "editor-phieu-a.png")
    editor.request_close()
    page = window.list_page
    page.step.setCurrentIndex(page.step.findData("survey_pending"))
    _save(app, window, out / "household-list-pending.png")
    page.step.setCurrentIndex(0)
    window.show_overview()
    _save(app, window, out / "overview.png")
    _guard_screens(app, window, admin, out)
    root.shutdown()
    print(f"screenshots written to {out}")
    return 0


def _row(window: object, code: str) -> int:
    row = window.list_page.model.index_of_code(code)  # type: ignore[attr-defined]
    assert row is not None, code
    return int(row)


def _review_examples(db: object, actor: object) -> tuple[str, str]:
    """Two applicants (Mẫu 01), one screened out with four Phiếu A criteria; and three
    households from last year's list still waiting for their survey."""
    from sqlalchemy import select

    from app.communes import only_commune
    from app.pending_households import NewPending, add_pending
    from app.rounds import current_round
    from app.workflow.listing import register_application
    from app.workflow.review_actions import screen
    from models import Assessment, Household, Member, Village

    filed, screened = date(2026, 11, 16), date(2026, 11, 18)
    with db.sessions.begin() as s:  # type: ignore[attr-defined]
        commune = only_commune(s)
        r = current_round(s, commune)
        rows = s.execute(
            select(Household.code, Member.name, Member.id_number)
            .join(Assessment, Assessment.household_id == Household.id)
            .join(Member, (Member.household_id == Household.id) & (Member.relation == "head"))
            .where(Assessment.round_id == r.id, Assessment.result_class == "near_poor")
            .where(Assessment.step == "none")
            .order_by(Household.code)
            .limit(2)
        ).all()
        reasons = ("Chồng ốm dài ngày, mất sức lao động", "Nhà bị sập sau bão số 13")
        for (code, head, id_number), reason in zip(rows, reasons, strict=True):
            register_application(s, actor, r, code, "01", filed, head, "poor", reason, id_number)
        screen(s, actor, r, rows[1][0], screened, criteria=[1, 3, 5, 8])
        village = s.scalars(select(Village).where(Village.commune_id == commune.id)).first()
        names = ("Y Bhim Niê", "H'Hen Byă", "Lò Văn Ún")
        add_pending(
            s,
            actor,
            commune,
            [
                NewPending(
                    f"DS2025-{i:05d}",
                    village.id,
                    {
                        "id": f"DS2025-{i:05d}",
                        "village": village.name,
                        "area": village.area,
                        "members": [{"name": name, "relation": "head"}],
                    },
                    4,
                    "Danh sách hộ nghèo năm 2025.xlsx",
                    8 + i,
                )
                for i, name in enumerate(names, start=1)
            ],
        )
    return rows[0][0], rows[1][0]


def _guard_screens(app: object, window: object, admin: object, out: Path) -> None:
    """Sign-in and data protection (issue #6): the administrator and passphrase dialog, the
    sign-in, the lock screen, restoring a backup, erasing a household, the accounts."""
    from dataclasses import replace

    from app import backups
    from ui.account_setup import AdministratorDialog, Passphrase
    from ui.erasure_dialog import ErasureDialog
    from ui.restore_dialog import RestoreDialog
    from ui.sign_in_dialog import SignInDialog
    from ui.users_dialog import UsersDialog

    ctx = window.context  # type: ignore[attr-defined]
    setup = AdministratorDialog("vi", Passphrase.REQUIRED)
    setup.display_name.setText("Nguyễn Văn Quản")
    for field in (setup.password, setup.password_again):
        field.setText(PASSWORD)
    setup.passphrase.setText("Thôn Đông 2026")
    setup.passphrase_again.setText("Thôn Đông 202")
    setup.accept()  # refused: shows the problem in the dialog
    _save(app, setup, out / "admin-passphrase.png")
    sign_in = SignInDialog(
        "Đăng nhập RaSoat",
        "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau 10:45 26/11/2026.",
        "canbo",
    )
    _save(app, sign_in, out / "sign-in-locked.png")
    window.lock()  # type: ignore[attr-defined]
    _save(app, window, out / "lock-screen.png")
    window.unlock()  # type: ignore[attr-defined]
    assert ctx.db.path is not None
    backups.create_backup(ctx.db.path, ctx.db.passphrase, "manual")
    restore = RestoreDialog(ctx, window)  # type: ignore[arg-type]
    restore.start_checks()
    ctx.runner.wait()
    restore.table.selectRow(0)
    _save(app, restore, out / "restore.png")
    erase = ErasureDialog(ctx, window.list_page.model.row_at(0).code, window)  # type: ignore[attr-defined]
    erase.reason.setText("Chủ hộ yêu cầu xóa ngày 02/12/2026")
    _save(app, erase, out / "erase-household.png")
    users = UsersDialog(replace(ctx, actor=admin), window)  # type: ignore[arg-type]
    users.table.selectRow(1)
    _save(app, users, out / "accounts.png")


def _save(app: object, widget: object, path: Path) -> None:
    widget.show()  # type: ignore[attr-defined]
    for _ in range(3):
        app.processEvents()  # type: ignore[attr-defined]
    widget.grab().save(str(path))  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
