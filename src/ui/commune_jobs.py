"""The long jobs on the whole commune, each on the writer lane with a cancellable progress
dialog: import an exchange file, export it, classify every household again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.assessments import classify_round
from app.communes import only_commune
from app.exchange.exporting import export_file
from app.exchange.importing import import_file
from app.rounds import current_round

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def import_households(window: MainWindow, path: str | None = None) -> None:
    ctx = window.context
    path = path or ctx.prompts.open_file(
        window, ctx.tr("ui.menu.import"), ctx.tr("ui.file_filter.exchange")
    )
    if not path:
        return
    actor = ctx.actor

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        result = import_file(session, actor, Path(path), progress, cancelled)
        commune = only_commune(session)
        classify_round(session, actor, commune, current_round(session, commune))
        return result

    def done(result: Any) -> None:
        window.reload()
        ctx.prompts.inform(
            window,
            ctx.tr("ui.menu.import"),
            ctx.tr(
                "cli.import_done",
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                warnings=len(result.warnings),
            ),
        )

    ctx.runner.run_in_session(
        task, done, title=ctx.tr("ui.job.importing", file=Path(path).name), parent=window
    )


def export_households(window: MainWindow, path: str | None = None) -> None:
    ctx = window.context
    path = path or ctx.prompts.save_file(
        window, ctx.tr("ui.menu.export"), "households.json", ctx.tr("ui.file_filter.exchange")
    )
    if not path:
        return
    actor = ctx.actor

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        return export_file(session, actor, Path(path), progress, cancelled)

    def done(count: int) -> None:
        ctx.prompts.inform(
            window, ctx.tr("ui.menu.export"), ctx.tr("cli.export_done", households=count, path=path)
        )

    ctx.runner.run_in_session(task, done, title=ctx.tr("ui.job.exporting"), parent=window)


def classify_all(window: MainWindow) -> None:
    ctx = window.context
    actor = ctx.actor

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        commune = only_commune(session)
        return classify_round(
            session, actor, commune, current_round(session, commune), progress, cancelled
        )

    def done(summary: Any) -> None:
        window.reload()
        counts = {
            k: summary.by_class.get(k, 0) for k in ("poor", "near_poor", "average", "not_poor")
        }
        window.statusBar().showMessage(
            ctx.tr(
                "cli.classify_all_done",
                total=summary.total,
                errors=summary.with_errors,
                warnings=summary.with_unconfirmed_warnings,
                **counts,
            ),
            10000,
        )

    ctx.runner.run_in_session(task, done, title=ctx.tr("ui.job.classifying"), parent=window)
