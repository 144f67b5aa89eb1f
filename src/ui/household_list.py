"""The household list page: search box, filters and the table, all keyboard-driven.

Typing filters at once (no timer): the search runs over precomputed accent-folded keys, a few
milliseconds per keystroke at 50,000 households. Enter opens the selected household, Ctrl+N
starts a new one, Ctrl+F returns to the search box, Down moves from the search box to the table.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.classify import CLASSES
from app.household_list import NOT_CLASSIFIED, SURVEY_PENDING, ListFilter, ListRow
from app.i18n import tr
from ui.household_table import HouseholdTableModel, step_label

COLUMN_WIDTHS = (110, 260, 180, 90, 230, 170, 190)
ROW_HEIGHT = 26


class HouseholdListPage(QWidget):
    open_requested = Signal(int)  # household id
    pending_requested = Signal(str)  # the code of a household listed but not surveyed yet
    new_requested = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.model = HouseholdTableModel(lang)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.view = self._table()
        layout.addWidget(self.view, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        self._shortcuts()
        self.model.modelReset.connect(self._update_count)

    def t(self, key: str, **params: object) -> str:
        return tr(key, self.lang, **params)

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.t("ui.list.search_hint"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.search.installEventFilter(self)
        row.addWidget(self.search, 3)
        self.village = QComboBox()
        self.village.addItem(self.t("ui.list.all_villages"), None)
        self.cls = QComboBox()
        self.cls.addItem(self.t("ui.list.all_classes"), None)
        for cls in (*CLASSES, NOT_CLASSIFIED):
            self.cls.addItem(self.t(f"class.{cls}"), cls)
        self.step = QComboBox()
        self.step.addItem(self.t("ui.list.all_steps"), None)
        self.errors_only = QCheckBox(self.t("ui.list.errors_only"))
        for combo in (self.village, self.cls, self.step):
            combo.currentIndexChanged.connect(self.apply_filter)
            row.addWidget(combo, 1)
        self.errors_only.toggled.connect(self.apply_filter)
        row.addWidget(self.errors_only)
        self.new_button = QPushButton(self.t("ui.list.new"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_requested)
        row.addWidget(self.new_button)
        return row

    def _table(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        # Fixed row heights: the view never measures 50,000 rows.
        vertical = view.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        vertical.hide()
        header = view.horizontalHeader()
        for i, width in enumerate(COLUMN_WIDTHS):
            view.setColumnWidth(i, width)
        header.setStretchLastSection(True)
        view.activated.connect(lambda index: self.open_row(index.row()))
        return view

    def open_row(self, row: int) -> None:
        r = self.model.row_at(row)
        if r.household_id is None:
            self.pending_requested.emit(r.code)
        else:
            self.open_requested.emit(r.household_id)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        new = QShortcut(QKeySequence("Ctrl+N"), self, context=context)
        new.activated.connect(self.new_requested)
        find = QShortcut(QKeySequence("Ctrl+F"), self, context=context)
        find.activated.connect(self.focus_search)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down or Enter in the search box moves to the first household found."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            moves = event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if moves and self.model.rowCount():
                self.view.setFocus()
                if not self.view.selectionModel().hasSelection():
                    self.view.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    # ---- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[ListRow], villages: list[tuple[int, str]]) -> None:
        self._fill(self.village, villages)
        steps: list[tuple[object, str]] = [
            (s, step_label(s, self.lang)) for s in sorted({r.step for r in rows if r.step})
        ]
        if any(r.pending for r in rows):
            steps.insert(0, (SURVEY_PENDING, self.t("ui.list.survey_pending")))
        self._fill(self.step, steps)
        self.model.set_rows(rows)

    def _fill(self, combo: QComboBox, items: list[tuple[object, str]]) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for value, text in items:
            combo.addItem(text, value)
        found = combo.findData(keep)
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def current_filter(self) -> ListFilter:
        return ListFilter(
            text=self.search.text(),
            village_id=self.village.currentData(),
            cls=self.cls.currentData(),
            step=self.step.currentData(),
            errors_only=self.errors_only.isChecked(),
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())

    def _update_count(self) -> None:
        shown, total = len(self.model.rows), len(self.model.all_rows)
        self.count.setText(
            self.t(
                "ui.list.count", shown=_grouped(shown, self.lang), total=_grouped(total, self.lang)
            )
        )

    def _id_at(self, row: int) -> int | None:
        return self.model.row_at(row).household_id

    def select_household(self, household_id: int) -> None:
        self._select(self.model.index_of(household_id))

    def select_code(self, code: str) -> None:
        self._select(self.model.index_of_code(code))

    def _select(self, row: int | None) -> None:
        if row is not None:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self._id_at(rows[0].row()) if rows else None

    def current_code(self) -> str:
        """The code of the selected household, or "" (to pre-fill a dialog about it)."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).code if rows else ""


def _grouped(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "vi" else text
