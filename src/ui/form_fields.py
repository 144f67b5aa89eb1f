"""Form widgets bound to the editor's form dict (app/household_form.py), and Enter-moves-on.

A FormBinder connects each widget to one key of the current form: loading a household sets the
widgets without firing change signals; a change writes the typed value back at once and calls
`on_change` (which schedules validation and the autosave).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from app.i18n import tr

Form = dict[str, Any]


class ChoiceCombo(QComboBox):
    """A code list as a combo box: the first item is "—" (not answered yet) unless `required`
    is False and a default exists. Typing a letter jumps to the matching label."""

    def __init__(
        self,
        choices: Sequence[tuple[Any, str]],
        lang: str,
        empty: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if empty:
            self.addItem(tr("ui.choice.empty", lang), None)
        for value, text in choices:
            self.addItem(text, value)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        index = self.findData(value)
        self.setCurrentIndex(index if index >= 0 else 0)


def code_choices(kind: str, codes: Sequence[str], lang: str) -> list[tuple[Any, str]]:
    return [(code, tr(f"code.{kind}.{code}", lang)) for code in codes]


def yes_no(lang: str) -> list[tuple[Any, str]]:
    return [(True, tr("ui.choice.yes", lang)), (False, tr("ui.choice.no", lang))]


class FormBinder:
    def __init__(self, get_form: Callable[[], Form], on_change: Callable[[str], None]) -> None:
        self.get_form = get_form
        self.on_change = on_change
        self.loaders: list[Callable[[Form], None]] = []
        self.widgets: dict[str, QWidget] = {}

    def _changed(self, key: str, value: Any) -> None:
        self.get_form()[key] = value
        self.on_change(key)

    def text(self, widget: QLineEdit, key: str) -> QLineEdit:
        widget.textEdited.connect(lambda text: self._changed(key, text))
        self.loaders.append(lambda form: widget.setText(str(form.get(key) or "")))
        self.widgets[key] = widget
        return widget

    def choice(self, widget: ChoiceCombo, key: str) -> ChoiceCombo:
        widget.currentIndexChanged.connect(lambda _i: self._changed(key, widget.value()))
        self.loaders.append(lambda form: widget.set_value(form.get(key)))
        self.widgets[key] = widget
        return widget

    def check(self, widget: QCheckBox, key: str) -> QCheckBox:
        widget.toggled.connect(lambda on: self._changed(key, on))
        self.loaders.append(lambda form: widget.setChecked(bool(form.get(key))))
        self.widgets[key] = widget
        return widget

    def member_of(self, widget: QCheckBox, key: str, item: str) -> QCheckBox:
        """A check box for one `item` of the list at `key` (information devices)."""

        def toggled(on: bool) -> None:
            items = [i for i in self.get_form().get(key) or [] if i != item]
            self._changed(key, [*items, item] if on else items)

        widget.toggled.connect(toggled)
        self.loaders.append(lambda form: widget.setChecked(item in (form.get(key) or [])))
        self.widgets[f"{key}.{item}"] = widget
        return widget

    def load(self, form: Form) -> None:
        for widget in self.widgets.values():
            widget.blockSignals(True)
        try:
            for loader in self.loaders:
                loader(form)
        finally:
            for widget in self.widgets.values():
                widget.blockSignals(False)


class EnterMovesOn(QObject):
    """Enter in a text field or a closed combo box moves to the next field, as Tab does:
    officers type a paper form top to bottom and Enter is the key under their hand."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QWidget):
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                if isinstance(watched, QComboBox) and watched.view().isVisible():
                    return False
                watched.focusNextChild()
                return True
        return False
