"""The consolidation tab: a round across the communes whose packages were accepted — a row per
commune, the chart of its classes (poorest first), and the button that writes the reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.office.consolidated_reports import when_made
from app.office.consolidation import ConsolidatedSource, available_rounds, load_consolidation
from app.office.rate_chart import bars
from ui import office_jobs
from ui.charts import Stack, StackedBars
from ui.rows_model import RowsModel

if TYPE_CHECKING:
    from ui.office_window import OfficeWindow

CLASSES = ("poor", "near_poor", "average", "not_poor", None)
COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#bbbbbb")
COLUMNS = (
    "ui.office.cons.commune",
    "ui.office.cons.households",
    "ui.office.cons.poor",
    "ui.office.cons.poor_rate",
    "ui.office.cons.near_poor",
    "ui.office.cons.near_poor_rate",
    "ui.office.cons.made",
)


class ConsolidationPage(QWidget):
    def __init__(self, window: OfficeWindow) -> None:
        super().__init__()
        self.window = window
        self.stale = True
        self.source: ConsolidatedSource | None = None
        ctx = window.context
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(ctx.tr("ui.office.cons.round")))
        self.round = QComboBox()
        self.round.activated.connect(lambda _i: self.load_round())
        row.addWidget(self.round)
        row.addStretch(1)
        self.write_button = QPushButton(ctx.tr("ui.office.consolidate"))
        self.write_button.clicked.connect(lambda: office_jobs.consolidate_round(window))
        row.addWidget(self.write_button)
        layout.addLayout(row)
        self.summary = QLabel(ctx.tr("ui.office.cons.nothing"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter()
        self.model = RowsModel([ctx.tr(c) for c in COLUMNS], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        splitter.addWidget(self.view)
        legend = [
            (ctx.tr(f"respond.class.{c or 'none'}"), QColor(colour))
            for c, colour in zip(CLASSES, COLOURS, strict=True)
        ]
        self.chart = StackedBars(legend, lambda n: ctx.tr("ui.office.cons.bar_total", count=n))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart)
        splitter.addWidget(scroll)
        splitter.setSizes([640, 640])
        layout.addWidget(splitter, 1)

    def reload(self) -> None:
        """The rounds offered again, then the chosen (default: newest) round loaded."""
        self.stale = False
        ctx = self.window.context
        chosen = self.round.currentData()
        with ctx.db.sessions() as session:
            rounds = available_rounds(session)
        self.round.clear()
        for r in rounds:
            self.round.addItem(
                ctx.tr("ui.office.cons.round_item", label=r.label, communes=r.communes), r.key
            )
        keys = [r.key for r in rounds]
        if chosen in keys:
            self.round.setCurrentIndex(keys.index(chosen))
        if rounds:
            self.load_round()
        else:
            self.show_source(None)

    def load_round(self) -> None:
        key = self.round.currentData()
        ctx = self.window.context

        def task(session: Any, progress: Any, cancelled: Any) -> ConsolidatedSource:
            return load_consolidation(session, key, None, progress, cancelled)

        ctx.runner.run_in_session(
            task, self.show_source, title=ctx.tr("ui.office.cons.loading"), parent=self.window
        )

    def show_source(self, source: ConsolidatedSource | None) -> None:
        self.source = source
        ctx = self.window.context
        if source is None:
            self.summary.setText(ctx.tr("ui.office.cons.nothing"))
            self.model.set_rows([])
            self.chart.set_stacks([])
            return
        households = len(source.features)
        poor = sum(1 for f in source.features if f.cls == "poor")
        near = sum(1 for f in source.features if f.cls == "near_poor")
        self.summary.setText(
            ctx.tr(
                "ui.office.cons.summary",
                communes=len(source.communes),
                households=f"{households:,}".replace(",", "."),
                poor=f"{poor:,}".replace(",", "."),
                near_poor=f"{near:,}".replace(",", "."),
                fingerprint=source.fingerprint[:16],
            )
        )
        self.model.set_rows(
            [
                (
                    c.name,
                    len(c.features),
                    c.count("poor"),
                    c.rate("poor"),
                    c.count("near_poor"),
                    c.rate("near_poor"),
                    when_made(c.created_at),
                )
                for c in source.communes
            ],
            keys=[c.code for c in source.communes],
        )
        by_name = {c.name: c for c in source.communes}
        self.chart.set_stacks(
            [Stack(b.name, tuple(by_name[b.name].count(c) for c in CLASSES)) for b in bars(source)]
        )
