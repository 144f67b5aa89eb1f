"""The trusted-signers tab: each commune's certificate the office trusts (or has revoked), with
the buttons to import a commune's certificate file and to revoke one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.office.signers import list_signers
from ui import office_jobs
from ui.rows_model import RowsModel

if TYPE_CHECKING:
    from ui.office_window import OfficeWindow

REVOKED = QColor("#fbe3e1")
COLUMNS = (
    "ui.office.signer.commune",
    "ui.office.signer.code",
    "ui.office.signer.subject",
    "ui.office.signer.fingerprint",
    "ui.office.signer.until",
    "ui.office.signer.source",
    "ui.office.signer.state",
)


def grouped(fingerprint: str, digits: int = 32) -> str:
    """The start of a fingerprint in groups of four, as an officer reads it over the phone."""
    head = fingerprint[:digits]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4)) + " …"


class SignersPage(QWidget):
    def __init__(self, window: OfficeWindow) -> None:
        super().__init__()
        self.window = window
        ctx = window.context
        layout = QVBoxLayout(self)
        intro = QLabel(ctx.tr("ui.office.signers_intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        add = QPushButton(ctx.tr("ui.office.import_signer"))
        add.clicked.connect(lambda: office_jobs.import_signer(window))
        row.addWidget(add)
        self.revoke_button = QPushButton(ctx.tr("ui.office.revoke_signer"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.model = RowsModel([ctx.tr(c) for c in COLUMNS], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 1)

    def reload(self) -> None:
        ctx = self.window.context
        with ctx.db.sessions() as session:
            entries = list_signers(session)
        self.model.set_rows(
            [
                (
                    e.commune_name,
                    e.commune_code,
                    e.subject,
                    grouped(e.fingerprint),
                    e.not_after.strftime("%d/%m/%Y"),
                    ctx.tr(f"ui.office.signer.from_{e.source}"),
                    ctx.tr("signers.active")
                    if e.active
                    else ctx.tr("signers.revoked", reason=e.revoke_reason or ""),
                )
                for e in entries
            ],
            keys=[e.fingerprint for e in entries],
            backgrounds=[None if e.active else REVOKED for e in entries],
            tooltips=[e.fingerprint for e in entries],
        )

    def selected_fingerprint(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.key_at(rows[0].row()) if rows else None

    def revoke_selected(self) -> None:
        fingerprint = self.selected_fingerprint()
        if fingerprint is None:
            ctx = self.window.context
            ctx.prompts.inform(
                self, ctx.tr("ui.office.revoke_signer"), ctx.tr("ui.office.pick_signer")
            )
            return
        office_jobs.revoke_signer(self.window, fingerprint)
