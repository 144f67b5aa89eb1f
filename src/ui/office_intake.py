"""The intake tab: the intake log (every package met, what became of it and why) with the
buttons to take in a folder or a USB stick and to export the log."""

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

from app.office import intake_log
from ui import office_jobs
from ui.rows_model import RowsModel

if TYPE_CHECKING:
    from ui.office_window import OfficeWindow

STATUS_COLOURS = {
    "accepted": QColor("#e3f2e1"),
    "superseded": QColor("#eeeeee"),
    "duplicate": QColor("#e8eef6"),
    "rejected": QColor("#fbe3e1"),
}
COLUMNS = (
    "intake.log.id",
    "intake.log.received_at",
    "intake.log.file",
    "intake.log.commune",
    "intake.log.round",
    "intake.log.households",
    "intake.log.status",
    "intake.log.reasons",
)


class IntakePage(QWidget):
    def __init__(self, window: OfficeWindow) -> None:
        super().__init__()
        self.window = window
        ctx = window.context
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.take_button = QPushButton(ctx.tr("ui.office.intake_folder"))
        self.take_button.clicked.connect(lambda: office_jobs.intake_folder(window))
        row.addWidget(self.take_button)
        export = QPushButton(ctx.tr("ui.office.export_log"))
        export.clicked.connect(lambda: office_jobs.export_log(window))
        row.addWidget(export)
        row.addStretch(1)
        row.addWidget(QLabel(ctx.tr("ui.office.show")))
        self.status_filter = QComboBox()
        self.status_filter.addItem(ctx.tr("ui.office.all"), None)
        for status in ("accepted", "superseded", "duplicate", "rejected"):
            self.status_filter.addItem(ctx.tr(f"intake.status.{status}"), status)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        row.addWidget(self.status_filter)
        layout.addLayout(row)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.model = RowsModel([ctx.tr(c) for c in COLUMNS], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)

    def reload(self) -> None:
        ctx = self.window.context
        with ctx.db.sessions() as session:
            everything = intake_log.log_entries(session)
            shown = intake_log.log_entries(session, self.status_filter.currentData())
        counts = {s: sum(1 for e in everything if e.status == s) for s in STATUS_COLOURS}
        self.summary.setText(ctx.tr("ui.office.log_summary", total=len(everything), **counts))
        self.model.set_rows(
            [
                (
                    e.id,
                    e.received_at.strftime("%d/%m/%Y %H:%M"),
                    e.file_name,
                    e.commune_name,
                    e.round_label,
                    e.households,
                    e.status_text(ctx.lang),
                    e.reason_text(ctx.lang),
                )
                for e in shown
            ],
            keys=[e.id for e in shown],
            backgrounds=[STATUS_COLOURS.get(e.status) for e in shown],
            tooltips=[e.reason_text(ctx.lang) for e in shown],
        )
        self.view.resizeRowsToContents()
