"""Settings: the language of the program (Vietnamese or English), the autosave interval and the
minutes without input after which the window locks."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from app.i18n import LANGS
from app.settings import save_settings
from ui.context import AppContext
from ui.form_fields import ChoiceCombo


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.language_changed = False
        self.setWindowTitle(context.tr("ui.settings.title"))
        form = QFormLayout(self)
        self.language = ChoiceCombo(
            [(lang, context.tr(f"ui.settings.language.{lang}")) for lang in LANGS],
            context.lang,
            empty=False,
        )
        self.language.set_value(context.lang)
        form.addRow(context.tr("ui.settings.language"), self.language)
        self.autosave = QSpinBox()
        self.autosave.setRange(1, 600)
        self.autosave.setSuffix(context.tr("ui.settings.seconds"))
        self.autosave.setValue(context.settings.autosave_seconds)
        form.addRow(context.tr("ui.settings.autosave"), self.autosave)
        self.lock_after = QSpinBox()
        self.lock_after.setRange(1, 240)
        self.lock_after.setSuffix(context.tr("ui.settings.minutes"))
        self.lock_after.setValue(context.settings.lock_after_minutes)
        form.addRow(context.tr("ui.settings.lock_after"), self.lock_after)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        old = self.context.settings
        new = replace(
            old,
            language=self.language.value(),
            autosave_seconds=self.autosave.value(),
            lock_after_minutes=self.lock_after.value(),
        )
        save_settings(new)
        self.context.settings = new
        self.language_changed = new.language != old.language
        super().accept()
