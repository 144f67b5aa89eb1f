"""The responses tab: the households of a commune's current package, the office's verdict on
each (accepted, or a correction asked for with a comment), and the button that writes the
signed response file for the commune."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.office import intake_log, responses
from ui import office_jobs
from ui.rows_model import RowsModel

if TYPE_CHECKING:
    from ui.office_window import OfficeWindow

CORRECTION = QColor("#fff1d6")
COLUMNS = (
    "ui.office.resp.code",
    "ui.office.resp.head",
    "ui.office.resp.village",
    "ui.office.resp.members",
    "ui.office.resp.class",
    "ui.office.resp.verdict",
    "ui.office.resp.comment",
)


class ResponsesPage(QWidget):
    def __init__(self, window: OfficeWindow) -> None:
        super().__init__()
        self.window = window
        ctx = window.context
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(ctx.tr("ui.office.resp.package")))
        self.package = QComboBox()
        self.package.activated.connect(lambda _i: self.load_package())
        row.addWidget(self.package, 1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.correct_button = QPushButton(ctx.tr("ui.office.resp.ask_correction"))
        self.correct_button.clicked.connect(lambda: self.set_verdict("correction"))
        self.accept_button = QPushButton(ctx.tr("ui.office.resp.accept"))
        self.accept_button.clicked.connect(lambda: self.set_verdict("accepted"))
        self.send_button = QPushButton(ctx.tr("ui.office.send_response"))
        self.send_button.clicked.connect(lambda: office_jobs.send_response(window))
        for b in (self.correct_button, self.accept_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        layout.addLayout(buttons)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.model = RowsModel([ctx.tr(c) for c in COLUMNS], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda _i: self.set_verdict("correction"))
        layout.addWidget(self.view, 1)

    def commune(self) -> str | None:
        data = self.package.currentData()
        return str(data) if data else None

    def reload(self) -> None:
        ctx = self.window.context
        chosen = self.commune()
        with ctx.db.sessions() as session:
            current = intake_log.log_entries(session, "accepted")
        seen: dict[str, str] = {}
        for e in sorted(current, key=lambda e: (e.commune_name, e.round_label)):
            seen.setdefault(e.commune_code, f"{e.commune_name} — {e.round_label} ({e.file_name})")
        self.package.clear()
        for code, text in seen.items():
            self.package.addItem(text, code)
        codes = list(seen)
        if chosen in codes:
            self.package.setCurrentIndex(codes.index(chosen))
        self.load_package()

    def load_package(self) -> None:
        ctx = self.window.context
        code = self.commune()
        for b in (self.correct_button, self.accept_button, self.send_button):
            b.setEnabled(code is not None)
        if code is None:
            self.model.set_rows([])
            self.summary.setText(ctx.tr("ui.office.resp.none"))
            return
        with ctx.db.sessions() as session:
            households = responses.package_households(
                session, responses.current_package(session, code)
            )
        asked = sum(1 for h in households if h.verdict == "correction")
        self.summary.setText(ctx.tr("ui.office.resp.summary", count=len(households), asked=asked))
        self.model.set_rows(
            [
                (
                    h.code,
                    h.head,
                    h.village,
                    h.members,
                    ctx.tr(f"respond.class.{h.cls or 'none'}"),
                    ctx.tr(f"respond.verdict.{h.verdict}"),
                    h.comment,
                )
                for h in households
            ],
            keys=[h.code for h in households],
            backgrounds=[CORRECTION if h.verdict == "correction" else None for h in households],
        )

    def selected_household(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.key_at(rows[0].row()) if rows else None

    def set_verdict(self, verdict: str) -> None:
        code, household = self.commune(), self.selected_household()
        ctx = self.window.context
        if code is None or household is None:
            ctx.prompts.inform(
                self, ctx.tr("ui.office.tab.responses"), ctx.tr("ui.office.resp.pick")
            )
            return
        office_jobs.set_verdict(self.window, code, household, verdict)
