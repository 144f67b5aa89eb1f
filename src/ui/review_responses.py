"""The commune's side of the upper level's reply: import a signed review response (package
menu), see the households it asks to correct, and the verdict on the household being edited."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.permissions import can
from app.review_responses import (
    ResponseImport,
    commented_households,
    import_response,
    latest_comments,
)
from ui.context import AppContext
from ui.rows_model import RowsModel

if TYPE_CHECKING:
    from ui.main_window import MainWindow

COLUMNS = (
    "ui.office.resp.code",
    "ui.office.resp.head",
    "ui.office.resp.village",
    "ui.office.resp.verdict",
    "ui.office.resp.comment",
    "ui.response.from",
)


def build_response_menu(window: MainWindow) -> None:
    ctx = window.context
    menu = window.menu(ctx.tr("ui.menu.package"))
    menu.addSeparator()
    window.import_response_action = menu.addAction(ctx.tr("ui.response.import"))
    window.import_response_action.triggered.connect(lambda _c=False: import_response_file(window))
    window.import_response_action.setEnabled(can(ctx.actor, "response.import"))
    comments = menu.addAction(ctx.tr("ui.response.comments"))
    comments.triggered.connect(lambda _c=False: show_comments(window))


def import_response_file(window: MainWindow, path: str | None = None) -> None:
    ctx = window.context
    path = path or ctx.prompts.open_file(
        window, ctx.tr("ui.response.import"), ctx.tr("ui.response.filter")
    )
    if not path:
        return
    actor = ctx.actor

    def task(session: Any, progress: Any, cancelled: Any) -> ResponseImport:
        return import_response(session, actor, Path(path))

    def done(result: ResponseImport) -> None:
        key = "response.already" if result.already else "response.imported"
        lines = [
            ctx.tr(
                key, office=result.office, accepted=result.accepted, corrections=result.corrections
            )
        ]
        if result.unknown:
            lines.append(
                ctx.tr(
                    "response.unknown_households",
                    count=len(result.unknown),
                    codes=", ".join(result.unknown[:20]),
                )
            )
        if not result.package_known:
            lines.append(ctx.tr("response.package_unknown"))
        ctx.prompts.inform(window, ctx.tr("ui.response.import"), "\n".join(lines))
        if result.corrections and not result.already:
            show_comments(window)

    ctx.runner.run_in_session(task, done, parent=window)


def show_comments(window: MainWindow) -> CommentsDialog:
    """The commented households, beside the window (not blocking it); choosing one opens it."""
    dialog = CommentsDialog(window.context, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def closed(result: int) -> None:
        if result and dialog.chosen is not None:
            window.open_household(dialog.chosen)

    dialog.finished.connect(closed)
    dialog.open()
    return dialog


class CommentsDialog(QDialog):
    """The households the upper level commented on; Enter or a double click opens one."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.chosen: int | None = None
        self.setWindowTitle(context.tr("ui.response.comments"))
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.all = QCheckBox(context.tr("ui.response.show_all"))
        self.all.toggled.connect(lambda _on: self.reload())
        layout.addWidget(self.all)
        self.model = RowsModel([context.tr(c) for c in COLUMNS], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        with ctx.db.sessions() as session:
            rows = commented_households(session, corrections_only=not self.all.isChecked())
        self.summary.setText(ctx.tr("ui.response.summary", count=len(rows)))
        self.model.set_rows(
            [
                (
                    r.code,
                    r.head,
                    r.village,
                    ctx.tr(f"respond.verdict.{r.comment.verdict}"),
                    r.comment.comment,
                    r.comment.office,
                )
                for r in rows
            ],
            keys=[r.household_id for r in rows],
        )

    def open_row(self, row: int) -> None:
        self.chosen = self.model.key_at(row)
        if self.chosen is not None:
            self.accept()


class ReviewNote(QLabel):
    """Above the household editor: the upper level's newest verdict on the household, if any."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWordWrap(True)
        self.hide()

    def show_for(self, household_id: int | None) -> None:
        found = None
        if household_id is not None:
            with self.context.db.sessions() as session:
                found = latest_comments(session, [household_id]).get(household_id)
        if found is None:
            self.hide()
            return
        ctx = self.context
        correction = found.verdict == "correction"
        self.setText(
            ctx.tr(
                "ui.response.note_correction" if correction else "ui.response.note_accepted",
                office=found.office,
                comment=found.comment,
            )
        )
        colour = "#fff1d6" if correction else "#e3f2e1"
        self.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 3px;")
        self.show()
