"""The member roster: an editable table over the form's member dicts, with proper editors.

Names, ethnicity and ID numbers are text; the birth date is typed as dd/mm/yyyy (or only the
year, which the contract counts from 1 January); sex, relation, disability, employment and
education are code lists; insurance and the schooling and nutrition answers are yes/no. Enter
commits a cell and opens the next one, so a whole member is typed without the mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import facts as F
from app.household_form import new_member_form
from app.i18n import tr
from ui.form_fields import ChoiceCombo, code_choices, yes_no

ModelIndex = QModelIndex | QPersistentModelIndex

# (form key, header key, kind): kind is "text", "date", a code-list name, or "bool".
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "field.name", "text"),
    ("sex", "field.sex", "sex"),
    ("birth", "field.birth_date", "date"),
    ("relation", "field.relation", "relation"),
    ("ethnicity", "field.ethnicity", "text"),
    ("id_number", "field.id_number", "text"),
    ("health_insurance", "field.health_insurance", "bool"),
    ("disability", "field.disability", "disability"),
    ("employment", "field.employment", "employment"),
    ("education", "field.education", "education"),
    ("in_school", "field.in_school", "bool"),
    ("school_level_appropriate", "field.school_level_appropriate", "bool"),
    ("malnourished", "field.malnourished", "bool"),
)
KEYS = tuple(c[0] for c in COLUMNS)
# The validator's field names where they differ from the form's.
PATH_FIELDS = {"birth_date": "birth"}
WIDTHS = (190, 70, 100, 95, 80, 120, 70, 90, 170, 150, 80, 90, 90)
CODES = {
    "sex": F.SEXES,
    "relation": F.RELATIONS,
    "disability": F.DISABILITIES,
    "employment": F.EMPLOYMENTS,
    "education": F.EDUCATIONS,
}
SEVERITY_COLOURS = {"error": QColor("#fde2e1"), "warning": QColor("#fff1c2")}


def choices_for(kind: str, lang: str) -> list[tuple[Any, str]]:
    return yes_no(lang) if kind == "bool" else code_choices(kind, CODES[kind], lang)


class MemberModel(QAbstractTableModel):
    member_changed = Signal(int, str)  # row, form key

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.members: list[dict[str, Any]] = []
        self.marks: dict[tuple[int, str], str] = {}  # (row, key) -> "error" | "warning"
        self._labels = {kind: dict(choices_for(kind, lang)) for kind in (*CODES, "bool")}

    def set_members(self, members: list[dict[str, Any]]) -> None:  # the form's own list
        self.beginResetModel()
        self.members = members
        self.endResetModel()

    def set_marks(self, marks: dict[tuple[int, str], str]) -> None:
        self.marks = marks
        if self.members:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.members) - 1, len(COLUMNS) - 1)
            )

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section][1], self.lang)
        return str(section + 1)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, _header, kind = COLUMNS[index.column()]
        value = self.members[index.row()].get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            if kind in ("text", "date"):
                return value or ""
            return "" if value is None else self._labels[kind].get(value, str(value))
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.BackgroundRole:
            mark = self.marks.get((index.row(), key))
            return SEVERITY_COLOURS.get(mark) if mark else None
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        key = COLUMNS[index.column()][0]
        member = self.members[index.row()]
        if member.get(key) == value:
            return False
        member[key] = value
        self.dataChanged.emit(index, index)
        self.member_changed.emit(index.row(), key)
        return True

    # ---- rows ------------------------------------------------------------------------------------

    def add(self) -> int:
        row = len(self.members)
        self.beginInsertRows(QModelIndex(), row, row)
        self.members.append(new_member_form(None if row else "head"))
        self.endInsertRows()
        self.member_changed.emit(row, "")
        return row

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.members[row]
        self.endRemoveRows()
        self.member_changed.emit(row, "")

    def move(self, row: int, offset: int) -> int:
        target = row + offset
        if not (0 <= row < len(self.members) and 0 <= target < len(self.members)):
            return row
        self.beginResetModel()
        self.members[row], self.members[target] = self.members[target], self.members[row]
        self.endResetModel()
        self.member_changed.emit(target, "")
        return target


class MemberDelegate(QStyledItemDelegate):
    """Code lists and yes/no get a combo box; Enter commits and opens the next cell."""

    def __init__(self, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        kind = COLUMNS[index.column()][2]
        if kind in ("text", "date"):
            editor = QLineEdit(parent)
            if kind == "date":
                editor.setPlaceholderText(tr("ui.editor.date_hint", self.lang))
            return editor
        return ChoiceCombo(choices_for(kind, self.lang), self.lang, parent=parent)

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, ChoiceCombo):
            editor.set_value(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(value or "")

    def setModelData(self, editor: QWidget, model: Any, index: ModelIndex) -> None:
        if isinstance(editor, ChoiceCombo):
            model.setData(index, editor.value())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QWidget):
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if isinstance(editor, ChoiceCombo) and editor.view().isVisible():
                    return False
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
                return True
        return super().eventFilter(editor, event)


class MemberRoster(QWidget):
    """The table with its Add / Remove / Up / Down buttons."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.model = MemberModel(lang)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(MemberDelegate(lang, self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setTabKeyNavigation(True)
        header = self.view.horizontalHeader()
        for i, width in enumerate(WIDTHS):
            self.view.setColumnWidth(i, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.verticalHeader().setDefaultSectionSize(26)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(self._buttons())

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        actions: Sequence[tuple[str, Callable[[], None]]] = (
            ("ui.roster.add", self.add_member),
            ("ui.roster.remove", self.remove_member),
            ("ui.roster.up", lambda: self.move_member(-1)),
            ("ui.roster.down", lambda: self.move_member(1)),
        )
        for key, slot in actions:
            button = QPushButton(tr(key, self.lang))
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def add_member(self) -> None:
        self.finish_editing()
        row = self.model.add()
        index = self.model.index(row, 0)
        self.view.setFocus()
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def remove_member(self) -> None:
        self.finish_editing()
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.model.remove(row)

    def move_member(self, offset: int) -> None:
        self.finish_editing()
        index = self.view.currentIndex()
        if index.isValid():
            row = self.model.move(index.row(), offset)
            self.view.setCurrentIndex(self.model.index(row, index.column()))

    def finish_editing(self) -> None:
        """Commit a cell still being typed in (before saving, adding or moving)."""
        index = self.view.currentIndex()
        editor = self.view.indexWidget(index) if index.isValid() else None
        if editor is not None:
            delegate = self.view.itemDelegate()
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def fit_columns(self) -> None:
        """Wide enough for each header and value, never narrower than the usual width."""
        self.view.resizeColumnsToContents()
        for i, width in enumerate(WIDTHS):
            self.view.setColumnWidth(i, max(width, self.view.columnWidth(i)))

    def focus_cell(self, row: int, key: str) -> None:
        key = PATH_FIELDS.get(key, key)
        if key not in KEYS or not 0 <= row < self.model.rowCount():
            return
        self.view.setFocus()
        self.view.setCurrentIndex(self.model.index(row, KEYS.index(key)))
