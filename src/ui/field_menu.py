"""The field-work menu (Thực địa): assignments, bundles and conflicts, on the writer lane.

On the commune officer's laptop: assign households to a reviewer, merge a reviewer's bundle,
decide conflicts. On a reviewer's working copy: export a bundle, open an updated assignment,
show the laptop's key. Which set appears follows the laptop's role (app/fieldwork/state.py); what an
account may do is still checked in `app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.communes import only_commune
from app.errors import RaSoatError
from app.fieldwork.assignment_open import open_assignment_file
from app.fieldwork.assignments import default_name, issue_assignment
from app.fieldwork.bundle_export import SUFFIX as BUNDLE_SUFFIX
from app.fieldwork.bundle_export import export_bundle
from app.fieldwork.bundle_merge import MergeResult, merge_bundle_file
from app.fieldwork.conflicts import conflict_count
from app.fieldwork.reviewers import laptop_key, register_reviewer
from app.fieldwork.state import REVIEWER_ROLE, role
from app.permissions import can
from models import Household
from ui.conflicts_view import ConflictsDialog
from ui.field_dialogs import AssignDialog, KeyDialog

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_field_menu(window: MainWindow) -> None:
    ctx = window.context
    t, actor = ctx.tr, ctx.actor
    menu = window.menu(t("ui.menu.field"))
    with ctx.db.sessions() as session:
        reviewer_laptop = role(session) == REVIEWER_ROLE
    if reviewer_laptop:
        window.export_bundle_action = menu.addAction(t("ui.field.export"))
        window.export_bundle_action.triggered.connect(lambda _c=False: export(window))
        window.export_bundle_action.setEnabled(can(actor, "fieldwork.export"))
        update = menu.addAction(t("ui.field.open_update"))
        update.triggered.connect(lambda _c=False: open_update(window))
        update.setEnabled(can(actor, "fieldwork.setup"))
        key = menu.addAction(t("ui.field.key_title"))
        key.triggered.connect(lambda _c=False: show_key(window))
        return
    assign_action = menu.addAction(t("ui.field.assign") + "…")
    assign_action.triggered.connect(lambda _c=False: assign(window))
    assign_action.setEnabled(can(actor, "fieldwork.assign"))
    window.merge_bundle_action = menu.addAction(t("ui.field.merge") + "…")
    window.merge_bundle_action.triggered.connect(lambda _c=False: merge(window))
    window.merge_bundle_action.setEnabled(can(actor, "fieldwork.merge"))
    menu.addSeparator()
    conflicts = menu.addAction(t("ui.conflicts.title") + "…")
    conflicts.triggered.connect(lambda _c=False: show_conflicts(window))


def _selected_code(window: MainWindow) -> str | None:
    household_id = window.list_page.selected_id()
    if household_id is None:
        return None
    with window.context.db.sessions() as session:
        household = session.get(Household, household_id)
        return household.code if household else None


def assign(window: MainWindow, out: str | None = None) -> None:
    ctx = window.context
    dialog = AssignDialog(ctx, _selected_code(window), window)
    window.assign_dialog = dialog
    if not dialog.exec():
        return
    spec, selection, code = dialog.spec(), dialog.selection(), dialog.reviewer_code()
    if out is None:
        with ctx.db.sessions() as session:
            name = default_name(only_commune(session), code or "rv", 0)
        out = ctx.prompts.save_file(
            window, ctx.tr("ui.field.assign"), name, ctx.tr("ui.field.assign_filter")
        )
    if not out:
        return
    actor, target = ctx.actor, Path(out)

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        commune = only_commune(session)
        if spec is not None:
            register_reviewer(session, actor, commune, spec)
        return issue_assignment(session, actor, commune, code, selection, target)

    def done(issued: Any) -> None:
        ctx.prompts.inform(
            window,
            ctx.tr("ui.field.assign"),
            ctx.tr(
                "bundle_cli.assigned",
                reviewer=issued.reviewer,
                serial=issued.serial,
                households=issued.households,
                deleted=issued.deleted,
                withdrawn=issued.withdrawn,
                conflicts=issued.in_conflict,
                path=str(issued.path),
                fingerprint="",
            ),
        )

    ctx.runner.run_in_session(task, done, title=ctx.tr("ui.field.assigning"), parent=window)


def merge(window: MainWindow, path: str | None = None) -> None:
    """Merge one bundle (checked first, then a backup, then one transaction)."""
    ctx = window.context
    path = path or ctx.prompts.open_file(
        window, ctx.tr("ui.field.merge"), ctx.tr("ui.field.bundle_filter")
    )
    if not path:
        return
    actor, db = ctx.actor, ctx.db

    def task(progress, cancelled):  # type: ignore[no-untyped-def]
        return merge_bundle_file(db, actor, Path(path))

    def done(result: MergeResult) -> None:
        window.reload()
        key = "bundle_cli.already_merged" if result.already_merged else "bundle_cli.merged"
        text = ctx.tr(
            key,
            file=Path(path).name,
            seq=result.seq,
            reviewer=result.reviewer,
            created=len(result.created),
            updated=len(result.updated),
            deleted=len(result.deleted),
            opened=len(result.conflicts_opened),
            settled=len(result.conflicts_settled),
        )
        for number, codes in result.duplicates:
            text += "\n" + ctx.tr("bundle_cli.duplicate", id_number=number, codes=", ".join(codes))
        ctx.prompts.inform(window, ctx.tr("ui.field.merge"), text)
        if result.conflicts_opened or result.duplicates:
            show_conflicts(window)

    def refused(exc: RaSoatError) -> None:
        reason = ctx.tr("bundle_cli.rejected", reason=exc.message(ctx.lang))
        ctx.prompts.error(window, ctx.tr("ui.field.merge"), reason)

    title = ctx.tr("ui.field.merging", file=Path(path).name)
    ctx.runner.run(task, done, title=title, parent=window, on_error=refused)


def show_conflicts(window: MainWindow) -> None:
    dialog = ConflictsDialog(window.context, window)
    dialog.decided.connect(window.reload)
    window.conflicts_dialog = dialog
    dialog.open()


def export(window: MainWindow, out: str | None = None) -> None:
    ctx = window.context
    if out is None:
        out = ctx.prompts.save_file(
            window,
            ctx.tr("ui.field.export"),
            f"goi{BUNDLE_SUFFIX}",
            ctx.tr("ui.field.bundle_filter"),
        )
    if not out:
        return
    actor, target = ctx.actor, Path(out)

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        return export_bundle(session, actor, target)

    def done(bundle: Any) -> None:
        if bundle.path is None:
            text = ctx.tr("bundle_cli.nothing_new", seq=bundle.seq)
        else:
            text = ctx.tr(
                "bundle_cli.exported",
                seq=bundle.seq,
                households=bundle.households,
                new=bundle.new_households,
                changes=bundle.changes,
                path=str(bundle.path),
            )
        ctx.prompts.inform(window, ctx.tr("ui.field.export"), text)

    ctx.runner.run_in_session(task, done, title=ctx.tr("ui.field.exporting"), parent=window)


def open_update(window: MainWindow, path: str | None = None) -> None:
    ctx = window.context
    path = path or ctx.prompts.open_file(
        window, ctx.tr("ui.field.open_update"), ctx.tr("ui.field.assign_filter")
    )
    if not path:
        return
    actor, db = ctx.actor, ctx.db

    def task(progress, cancelled):  # type: ignore[no-untyped-def]
        return open_assignment_file(db, actor, Path(path))

    def done(opened: Any) -> None:
        window.reload()
        ctx.prompts.inform(window, ctx.tr("ui.field.open_update"), opened.summary(ctx.lang))

    ctx.runner.run(task, done, title=ctx.tr("ui.field.opening"), parent=window)


def show_key(window: MainWindow) -> None:
    ctx = window.context
    actor = ctx.actor

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        key = laptop_key(session, actor)  # made on first use: a write, so on the lane
        return key.public_key, key.fingerprint

    def done(found: tuple[str, str]) -> None:
        dialog = KeyDialog(ctx, found[0], found[1], window)
        window.key_dialog = dialog
        dialog.open()

    ctx.runner.run_in_session(task, done, parent=window)


def conflicts_waiting(window: MainWindow) -> int:
    with window.context.db.sessions() as session:
        return conflict_count(session, only_commune(session))
