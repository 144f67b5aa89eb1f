"""The package menu: build the signed handover package for the upper level, check a package
received or about to be sent, print the certificates (Mẫu 03). Long jobs on the writer lane
with a progress dialog; every rule (roles, keys, verification) is in `app`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import keys
from app.package.build import PackageResult, build_package, write_certificates
from app.package.trust import TrustStore
from app.package.verify import VerificationReport, verify_package
from app.permissions import can

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_package_menu(window: MainWindow) -> None:
    ctx = window.context
    t, actor = ctx.tr, ctx.actor
    menu = window.menu(t("ui.menu.package"))
    may_sign = can(actor, "package.prepare") or can(actor, "package.sign")
    window.export_package_action = menu.addAction(t("ui.menu.export_package"))
    window.export_package_action.triggered.connect(lambda _c=False: export_package(window))
    window.export_package_action.setEnabled(may_sign)
    window.certificates_action = menu.addAction(t("ui.menu.certificates"))
    window.certificates_action.triggered.connect(lambda _c=False: print_certificates(window))
    window.certificates_action.setEnabled(may_sign)
    menu.addSeparator()
    verify = menu.addAction(t("ui.menu.verify_package"))
    verify.triggered.connect(lambda _c=False: check_package(window))


def _passphrase(window: MainWindow) -> bytes | None:
    """The key passphrase: RASOAT_KEY_PASSPHRASE when set (scripts, the demo), else asked."""
    from_env = keys.passphrase_from_env()
    if from_env:
        return from_env
    ctx = window.context
    typed = ctx.prompts.ask_secret(window, ctx.tr("ui.menu.export_package"), ctx.tr("ui.ask_key"))
    return typed.encode("utf-8") if typed else None


def _signed_job(window: MainWindow, title_key: str, job: Any, done: Any) -> None:
    ctx = window.context
    folder = ctx.prompts.choose_directory(window, ctx.tr(title_key))
    if not folder:
        return
    passphrase = _passphrase(window)
    if passphrase is None:
        return
    actor = ctx.actor

    def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
        identity = keys.load_identity(keys.assigned_key(session), passphrase)
        return job(session, actor, Path(folder), identity, progress, cancelled)

    ctx.runner.run_in_session(task, done, title=ctx.tr(title_key), parent=window)


def export_package(window: MainWindow) -> None:
    ctx = window.context

    def job(session, actor, folder, identity, progress, cancelled):  # type: ignore[no-untyped-def]
        return build_package(
            session, actor, folder, identity, progress=progress, cancelled=cancelled
        )

    def done(result: PackageResult) -> None:
        ctx.prompts.inform(
            window,
            ctx.tr("ui.menu.export_package"),
            ctx.tr(
                "package.done",
                path=str(result.path),
                households=result.households,
                poor=result.by_class.get("poor", 0),
                near_poor=result.by_class.get("near_poor", 0),
                fingerprint=result.fingerprint,
            ),
        )

    _signed_job(window, "ui.menu.export_package", job, done)


def print_certificates(window: MainWindow) -> None:
    ctx = window.context

    def job(session, actor, folder, identity, progress, cancelled):  # type: ignore[no-untyped-def]
        return write_certificates(session, actor, folder, identity)

    def done(path: Path) -> None:
        ctx.prompts.inform(
            window,
            ctx.tr("ui.menu.certificates"),
            ctx.tr("package.certificates_done", path=str(path)),
        )

    _signed_job(window, "ui.menu.certificates", job, done)


def check_package(window: MainWindow, path: str | None = None) -> None:
    ctx = window.context
    path = path or ctx.prompts.open_file(
        window, ctx.tr("ui.menu.verify_package"), ctx.tr("ui.file_filter.package")
    )
    if not path:
        return

    def task(progress, cancelled):  # type: ignore[no-untyped-def]
        return verify_package(Path(path), TrustStore.local())

    def done(report: VerificationReport) -> None:
        title = ctx.tr("ui.menu.verify_package")
        text = report.summary(ctx.lang)
        if report.ok:
            ctx.prompts.inform(window, title, text)
        else:
            ctx.prompts.error(window, title, text)

    ctx.runner.run(task, done, title=ctx.tr("ui.job.verifying"), parent=window)
