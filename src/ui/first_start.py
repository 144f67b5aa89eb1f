"""The first start: create the commune from the official list, open a file, or try the demo.

The commune search ignores diacritics and case ("ea ly" finds "Xã Ea Ly") over the 3,321
communes of `resources/admin_units` (app.admin_units.search_communes), optionally within one
province. Villages are typed with their area (rural or urban), which decides the income line.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.admin_units import CommuneUnit, provinces, search_communes
from app.communes import VillageSpec, create_commune
from app.errors import RaSoatError
from app.i18n import tr
from app.textnorm import nfc
from ui.account_setup import Passphrase, ensure_administrator
from ui.jobs import JobRunner
from ui.startup import DEMO_HOUSEHOLDS, StartupState

SEARCH_LIMIT = 60


class FirstStartDialog(QDialog):
    def __init__(self, state: StartupState, parent: QWidget | None = None) -> None:
        super().__init__(parent or state.parent)
        self.state = state
        self.lang = state.lang
        self.chosen_file: str | None = None
        self.demo_requested = False
        self.office_created = False
        self.demo_households = DEMO_HOUSEHOLDS
        self.selected: CommuneUnit | None = None
        self.setWindowTitle(self.t("ui.first.title"))
        self.resize(960, 680)
        layout = QVBoxLayout(self)
        intro = QLabel(self.t("ui.first.intro", db=state.db.describe() if state.db else ""))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._create_box(), 1)
        layout.addLayout(self._other_choices())
        self.search.setFocus()
        self._search()

    def t(self, key: str, **params: object) -> str:
        return tr(key, self.lang, **params)

    # ---- creating a commune ------------------------------------------------------------------

    def _create_box(self) -> QGroupBox:
        box = QGroupBox(self.t("ui.first.create"))
        row = QHBoxLayout(box)
        left = QVBoxLayout()
        form = QFormLayout()
        self.province = QComboBox()
        self.province.addItem(self.t("ui.first.all_provinces"), None)
        for code, name in provinces():
            self.province.addItem(name, code)
        self.province.currentIndexChanged.connect(self._search)
        form.addRow(self.t("ui.first.province"), self.province)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.t("ui.first.search_hint"))
        self.search.textChanged.connect(self._search)
        self.search.returnPressed.connect(self._focus_results)
        form.addRow(self.t("ui.first.search"), self.search)
        left.addLayout(form)
        self.results = QListWidget()
        self.results.currentItemChanged.connect(self._pick)
        self.results.itemActivated.connect(lambda _item: self.village_name.setFocus())
        left.addWidget(self.results, 1)
        self.chosen = QLabel(self.t("ui.first.none_chosen"))
        self.chosen.setWordWrap(True)
        left.addWidget(self.chosen)
        row.addLayout(left, 1)
        row.addLayout(self._villages_column(), 1)
        return box

    def _villages_column(self) -> QVBoxLayout:
        col = QVBoxLayout()
        col.addWidget(QLabel(self.t("ui.first.villages")))
        self.villages = QTableWidget(0, 2)
        self.villages.setHorizontalHeaderLabels(
            [self.t("ui.first.village_name"), self.t("ui.first.village_area")]
        )
        header = self.villages.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.villages.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        col.addWidget(self.villages, 1)
        add_row = QHBoxLayout()
        self.village_name = QLineEdit()
        self.village_name.setPlaceholderText(self.t("ui.first.village_hint"))
        self.village_name.returnPressed.connect(self.add_village)
        self.village_area = self._area_combo()
        add = _button(self.t("ui.first.add_village"), self.add_village)
        remove = _button(self.t("ui.first.remove_village"), self._remove_village)
        add_row.addWidget(self.village_name, 1)
        add_row.addWidget(self.village_area)
        add_row.addWidget(add)
        add_row.addWidget(remove)
        col.addLayout(add_row)
        form = QFormLayout()
        self.reference = QDateEdit(QDate.currentDate())
        self.reference.setDisplayFormat("dd/MM/yyyy")
        self.reference.setCalendarPopup(True)
        form.addRow(self.t("ui.first.reference_date"), self.reference)
        col.addLayout(form)
        self.create_button = _button(self.t("ui.first.create_button"), self.create)
        col.addWidget(self.create_button)
        return col

    def _area_combo(self) -> QComboBox:
        combo = QComboBox()
        for area in ("rural", "urban"):
            combo.addItem(self.t(f"ui.area.{area}"), area)
        return combo

    def _search(self) -> None:
        province = self.province.currentData()
        self.results.clear()
        for unit in search_communes(self.search.text(), province, SEARCH_LIMIT):
            item = QListWidgetItem(f"{unit.name} — {unit.province_name} ({unit.code})")
            item.setData(Qt.ItemDataRole.UserRole, unit)
            self.results.addItem(item)
        if self.results.count() == 1:
            self.results.setCurrentRow(0)

    def _focus_results(self) -> None:
        if self.results.count():
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            self.results.setFocus()

    def _pick(self, item: QListWidgetItem | None) -> None:
        self.selected = item.data(Qt.ItemDataRole.UserRole) if item else None
        if self.selected:
            self.chosen.setText(
                self.t(
                    "ui.first.chosen",
                    name=self.selected.name,
                    province=self.selected.province_name,
                    code=self.selected.code,
                )
            )

    def add_village(self) -> None:
        name = nfc(self.village_name.text())
        if not name:
            return
        row = self.villages.rowCount()
        self.villages.insertRow(row)
        self.villages.setItem(row, 0, QTableWidgetItem(name))
        area = self._area_combo()
        area.setCurrentIndex(self.village_area.currentIndex())
        self.villages.setCellWidget(row, 1, area)
        self.village_name.clear()
        self.village_name.setFocus()

    def _remove_village(self) -> None:
        row = self.villages.currentRow()
        if row >= 0:
            self.villages.removeRow(row)

    def village_specs(self) -> list[VillageSpec]:
        specs = []
        for row in range(self.villages.rowCount()):
            item = self.villages.item(row, 0)
            combo = self.villages.cellWidget(row, 1)
            assert isinstance(combo, QComboBox)
            if item and nfc(item.text()):
                specs.append(VillageSpec(nfc(item.text()), combo.currentData()))
        return specs

    def create(self) -> None:
        state = self.state
        if self.selected is None:
            state.prompts.error(self, self.t("ui.first.title"), self.t("ui.first.pick_commune"))
            self.search.setFocus()
            return
        if nfc(self.village_name.text()):
            self.add_village()  # typed but not added yet: the officer meant it
        villages = self.village_specs()
        if not villages:
            state.prompts.error(self, self.t("ui.first.title"), self.t("ui.first.need_village"))
            self.village_name.setFocus()
            return
        if ensure_administrator(state, self, Passphrase.REQUIRED) is None:
            return  # the administrator (and the passphrase) come first
        assert state.db is not None and state.actor is not None
        code, actor = self.selected.code, state.actor
        reference = _to_date(self.reference.date())
        runner = JobRunner(state.db, self.lang, state.prompts, self)

        def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
            create_commune(session, actor, code, villages, reference)
            return True

        runner.run_in_session(task, lambda _ok: self.accept(), parent=self, on_error=self._failed)
        runner.wait()

    def _failed(self, exc: RaSoatError) -> None:
        self.state.prompts.error(self, self.t("ui.first.title"), exc.message(self.lang))

    # ---- the other ways in ---------------------------------------------------------------------

    def _other_choices(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(_button(self.t("ui.first.open_file"), self.open_file))
        row.addWidget(_button(self.t("ui.field.start"), self.start_from_assignment))
        row.addWidget(_button(self.t("ui.first.office"), self.create_office))
        row.addStretch(1)
        row.addWidget(QLabel(self.t("ui.first.demo_count")))
        self.demo_count = QSpinBox()
        self.demo_count.setRange(10, 50_000)
        self.demo_count.setSingleStep(100)
        self.demo_count.setValue(DEMO_HOUSEHOLDS)
        self.demo_count.setGroupSeparatorShown(True)
        row.addWidget(self.demo_count)
        row.addWidget(_button(self.t("ui.first.demo"), self.open_demo))
        return row

    def start_from_assignment(self) -> None:
        """A reviewer's laptop: its key for the officer, then the assignment (ui/field_start)."""
        from ui.field_start import FieldStartDialog

        if ensure_administrator(self.state, self, Passphrase.REQUIRED) is None:
            return
        self.field_start = FieldStartDialog(self.state, self)
        if self.field_start.exec():
            self.accept()  # the assignment created the commune

    def create_office(self) -> None:
        """Make this (new) database a receiving office's, for the province chosen above."""
        from ui.office_setup import set_up_office_here

        if set_up_office_here(self.state, self, self.province.currentData()):
            self.office_created = True
            self.accept()

    def open_file(self) -> None:
        path = self.state.prompts.open_file(
            self, self.t("ui.first.open_file"), self.t("ui.file_filter.database")
        )
        if path:
            self.chosen_file = path
            self.accept()

    def open_demo(self) -> None:
        self.demo_requested = True
        self.demo_households = self.demo_count.value()
        self.accept()


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _button(text: str, slot: object) -> QPushButton:
    """A button that Enter in a text field never presses by accident (no auto-default)."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button
