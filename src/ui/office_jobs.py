"""What the office's buttons and menus do: each question through the Prompts service, each
change through one function of app/office on the writer lane (ui/jobs.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from app import keys
from app.errors import RaSoatError
from app.i18n import format_date
from app.office import intake_log, responses, setup, signers
from app.office.consolidated_reports import consolidate
from app.office.intake import IntakeOptions, IntakeSummary, SignerCandidate, find_packages, intake
from app.office.signer_scan import new_signers

if TYPE_CHECKING:
    from ui.office_window import OfficeWindow

MAX_REJECTIONS_SHOWN = 8


def _grouped(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def intake_folder(window: OfficeWindow, folder: str | None = None) -> None:
    """Choose a folder (or a USB stick), ask about each unknown certificate, then take every
    package in it on the writer lane."""
    ctx = window.context
    folder = folder or ctx.prompts.choose_directory(window, ctx.tr("ui.office.intake_folder"))
    if not folder:
        return
    paths = find_packages(Path(folder))
    if not paths:
        ctx.prompts.inform(
            window, ctx.tr("ui.office.intake_folder"), ctx.tr("intake.none_found", folders=folder)
        )
        return

    def scan(progress: Any, cancelled: Any) -> list[SignerCandidate]:
        return new_signers(ctx.db, paths)

    def scanned(found: list[SignerCandidate]) -> None:
        accepted = _confirmed(window, found)
        # The next job starts from the event loop, not from inside this job's own signal.
        QTimer.singleShot(0, lambda: _take(window, paths, accepted))

    ctx.runner.run(scan, scanned, title=ctx.tr("ui.office.scanning"), parent=window)


def _confirmed(window: OfficeWindow, candidates: list[SignerCandidate]) -> list[SignerCandidate]:
    """The certificates the officer, having compared fingerprints with the commune, trusts."""
    ctx = window.context
    accepted = []
    for c in candidates:
        text = ctx.tr(
            "ui.office.signer_question",
            file=c.file_name,
            commune=f"{c.commune_name} ({c.commune_code})",
            subject=c.subject,
            issuer=c.issuer,
            fingerprint=_grouped(c.fingerprint),
            until=format_date(c.not_after.date()),
        )
        if ctx.prompts.confirm(window, ctx.tr("ui.office.signer_title"), text):
            accepted.append(c)
    return accepted


def _take(window: OfficeWindow, paths: list[Path], accepted: list[SignerCandidate]) -> None:
    ctx = window.context
    options = IntakeOptions(trust_first=tuple(accepted))

    def task(progress: Any, cancelled: Any) -> IntakeSummary:
        return intake(ctx.db, ctx.actor, paths, options, progress, cancelled)

    def done(summary: IntakeSummary) -> None:
        window.reload()
        ctx.prompts.inform(window, ctx.tr("ui.office.intake_folder"), summary_text(window, summary))

    ctx.runner.run(task, done, title=ctx.tr("ui.office.taking", count=len(paths)), parent=window)


def summary_text(window: OfficeWindow, summary: IntakeSummary) -> str:
    ctx = window.context
    counts = summary.counts()
    lines = [
        ctx.tr(
            "intake.summary",
            households=f"{summary.households_accepted:,}".replace(",", "."),
            **counts,
        )
    ]
    if summary.cancelled:
        lines.append(ctx.tr("ui.office.intake_cancelled"))
    rejected = [o for o in summary.outcomes if o.status == "rejected"]
    for o in rejected[:MAX_REJECTIONS_SHOWN]:
        lines.append(f"• {o.path.name}: " + "; ".join(o.reason_texts(ctx.lang)))
    if len(rejected) > MAX_REJECTIONS_SHOWN:
        lines.append(ctx.tr("ui.office.more_in_log", count=len(rejected) - MAX_REJECTIONS_SHOWN))
    return "\n".join(lines)


def export_log(window: OfficeWindow) -> None:
    ctx = window.context
    path = ctx.prompts.save_file(
        window,
        ctx.tr("ui.office.export_log"),
        "nhat-ky-tiep-nhan.xlsx",
        ctx.tr("ui.office.log_filter"),
    )
    if not path:
        return
    actor = ctx.actor

    def task(session: Any, progress: Any, cancelled: Any) -> int:
        return intake_log.export_log(session, actor, Path(path), ctx.lang)

    ctx.runner.run_in_session(
        task,
        lambda count: ctx.prompts.inform(
            window,
            ctx.tr("ui.office.export_log"),
            ctx.tr("intake.log_written", path=path, count=count),
        ),
        parent=window,
    )


def import_signer(
    window: OfficeWindow, path: str | None = None, commune: str | None = None
) -> None:
    """A commune's certificate file; its commune is asked when the certificate does not say."""
    ctx = window.context
    path = path or ctx.prompts.open_file(
        window, ctx.tr("ui.office.import_signer"), ctx.tr("ui.office.cert_filter")
    )
    if not path:
        return
    actor = ctx.actor

    def task(session: Any, progress: Any, cancelled: Any) -> Any:
        return signers.import_signers(session, actor, Path(path), commune)

    def done(added: Any) -> None:
        window.reload()
        lines = [
            ctx.tr(
                "ui.office.signer_added" if new else "ui.office.signer_known",
                commune=f"{e.commune_name} ({e.commune_code})",
                subject=e.subject,
            )
            for e, new in added
        ]
        ctx.prompts.inform(window, ctx.tr("ui.office.import_signer"), "\n".join(lines))

    def failed(exc: RaSoatError) -> None:
        if exc.key == "signers.commune_missing" and commune is None:
            code = ctx.prompts.ask_text(
                window, ctx.tr("ui.office.import_signer"), exc.message(ctx.lang)
            )
            if code:
                import_signer(window, path, code.strip())
            return
        ctx.prompts.error(window, ctx.tr("ui.office.import_signer"), exc.message(ctx.lang))

    ctx.runner.run_in_session(task, done, parent=window, on_error=failed)


def revoke_signer(window: OfficeWindow, fingerprint: str) -> None:
    ctx = window.context
    reason = ctx.prompts.ask_text(
        window, ctx.tr("ui.office.revoke_signer"), ctx.tr("ui.office.revoke_reason")
    )
    if not reason:
        return
    actor = ctx.actor

    def task(session: Any, progress: Any, cancelled: Any) -> Any:
        return signers.revoke_signer(session, actor, fingerprint, reason)

    ctx.runner.run_in_session(task, lambda _e: window.reload(), parent=window)


def consolidate_round(window: OfficeWindow) -> None:
    ctx = window.context
    folder = ctx.prompts.choose_directory(window, ctx.tr("ui.office.consolidate"))
    if not folder:
        return
    actor = ctx.actor
    round_key = window.consolidation_page.round.currentData()

    def task(session: Any, progress: Any, cancelled: Any) -> Any:
        return consolidate(session, actor, Path(folder), round_key, None, progress, cancelled)

    def done(files: Any) -> None:
        ctx.prompts.inform(
            window,
            ctx.tr("ui.office.consolidate"),
            files.summary(ctx.lang),
        )

    ctx.runner.run_in_session(task, done, title=ctx.tr("ui.office.consolidating"), parent=window)


def set_verdict(window: OfficeWindow, commune: str, household: str, verdict: str) -> None:
    ctx = window.context
    comment = ""
    if verdict == "correction":
        answer = ctx.prompts.ask_text(
            window,
            ctx.tr("ui.office.resp.ask_correction"),
            ctx.tr("ui.office.resp.comment_for", household=household),
        )
        if not answer:
            return
        comment = answer
    actor = ctx.actor

    def task(session: Any, progress: Any, cancelled: Any) -> None:
        responses.set_verdict(session, actor, commune, household, verdict, comment)

    ctx.runner.run_in_session(task, lambda _r: window.responses_page.load_package(), parent=window)


def send_response(window: OfficeWindow) -> None:
    """The signed response for the commune chosen on the responses tab."""
    ctx = window.context
    commune = window.responses_page.commune()
    if commune is None:
        ctx.prompts.inform(window, ctx.tr("ui.office.send_response"), ctx.tr("ui.office.resp.none"))
        return
    folder = ctx.prompts.choose_directory(window, ctx.tr("ui.office.send_response"))
    if not folder:
        return
    passphrase = ctx.prompts.ask_secret(
        window, ctx.tr("ui.office.send_response"), ctx.tr("ui.office.key_passphrase")
    )
    if passphrase is None:
        return
    actor = ctx.actor

    def task(session: Any, progress: Any, cancelled: Any) -> Any:
        identity = keys.load_identity(setup.signing_key(session), passphrase.encode("utf-8"))
        return responses.write_response(session, actor, commune, Path(folder), identity)

    def done(result: Any) -> None:
        ctx.prompts.inform(
            window,
            ctx.tr("ui.office.send_response"),
            ctx.tr(
                "respond.sent",
                path=str(result.path),
                accepted=result.accepted,
                corrections=result.corrections,
            ),
        )

    ctx.runner.run_in_session(task, done, parent=window)
