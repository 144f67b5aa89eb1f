"""The overview page: class counts and rates, classes by village, deprivation shares, progress.

People would rather look than read here, so each part is drawn (ui/charts.py); the numbers are
written beside the bars. The data comes from app.overview in one short read.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.classify import CLASSES
from app.i18n import tr
from app.overview import UNCLASSIFIED, Overview, commune_overview
from models.database import Database
from ui.charts import Bar, HorizontalBars, Stack, StackedBars
from ui.household_table import CLASS_COLOURS

UNCLASSIFIED_COLOUR = QColor("#9e9e9e")
DEPRIVATION_COLOUR = QColor("#c2410c")
PROGRESS_COLOUR = QColor("#1565c0")


def number(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "vi" else text


def percent(share: float, lang: str) -> str:
    text = f"{share * 100:.1f} %"
    return text.replace(".", ",") if lang == "vi" else text


class ClassCard(QFrame):
    def __init__(self, cls: str, lang: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        colour = CLASS_COLOURS.get(cls, UNCLASSIFIED_COLOUR).name()
        self.setStyleSheet(f"ClassCard {{ border-left: 6px solid {colour}; }}")
        layout = QVBoxLayout(self)
        self.name = QLabel(tr(f"class.{cls}", lang))
        self.count = QLabel("0")
        self.count.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {colour};")
        self.rate = QLabel("")
        for widget in (self.name, self.count, self.rate):
            layout.addWidget(widget)


class OverviewPage(QScrollArea):
    def __init__(self, db: Database, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(self.heading)
        cards = QHBoxLayout()
        self.cards = {cls: ClassCard(cls, lang) for cls in (*CLASSES, UNCLASSIFIED)}
        for card in self.cards.values():
            cards.addWidget(card)
        layout.addLayout(cards)
        grid = QGridLayout()
        self.villages = StackedBars(
            self._legend(), lambda n: self.t("ui.overview.households", n=number(n, lang))
        )
        self.deprivations = HorizontalBars()
        self.progress = HorizontalBars()
        grid.addWidget(self._box("ui.overview.by_village", self.villages), 0, 0)
        grid.addWidget(self._box("ui.overview.progress", self.progress), 1, 0)
        grid.addWidget(self._box("ui.overview.deprivations", self.deprivations), 0, 1, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(body)
        self.overview: Overview | None = None

    def t(self, key: str, **params: object) -> str:
        return tr(key, self.lang, **params)

    def _legend(self) -> list[tuple[str, QColor]]:
        return [(self.t(f"class.{c}"), CLASS_COLOURS[c]) for c in CLASSES] + [
            (self.t(f"class.{UNCLASSIFIED}"), UNCLASSIFIED_COLOUR)
        ]

    def _box(self, key: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(self.t(key))
        layout = QVBoxLayout(box)
        layout.addWidget(widget)
        layout.addStretch(1)  # a chart shorter than its box sits at the top, under its title
        return box

    def refresh(self) -> None:
        with self.db.sessions() as session:
            self.overview = commune_overview(session)
        if self.overview is not None:
            self.show_overview(self.overview)

    def show_overview(self, o: Overview) -> None:
        lang = self.lang
        self.heading.setText(
            self.t("ui.overview.heading", round=o.round_label, total=number(o.classes.total, lang))
        )
        for cls, card in self.cards.items():
            card.count.setText(number(o.classes.count(cls), lang))
            card.rate.setText(self.t("ui.overview.rate", rate=percent(o.classes.rate(cls), lang)))
        order = (*CLASSES, UNCLASSIFIED)
        self.villages.set_stacks(
            [Stack(v.village, tuple(v.classes.count(c) for c in order)) for v in o.villages]
        )
        self.deprivations.set_bars(
            [
                Bar(
                    d.name.get(lang) or d.name["vi"],
                    d.share,
                    f"{percent(d.share, lang)} ({number(d.households, lang)})",
                    DEPRIVATION_COLOUR,
                )
                for d in o.deprivations
            ]
        )
        p = o.progress
        items = (
            ("listed", p.listed),
            ("classified", p.classified),
            ("with_errors", p.with_errors),
            ("unconfirmed", p.unconfirmed),
            ("final", p.final),
        )
        self.progress.set_bars(
            [
                Bar(
                    self.t(f"ui.overview.progress.{key}"),
                    value / p.households if p.households else 0.0,
                    f"{number(value, lang)} / {number(p.households, lang)}",
                    QColor("#c62828") if key == "with_errors" else PROGRESS_COLOUR,
                )
                for key, value in items
            ]
        )
