"""Dialogs of field work: choosing what to assign to whom, and this laptop's key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.communes import only_commune
from app.errors import RaSoatError
from app.fieldwork import laptop_keys
from app.fieldwork.assignments import Selection
from app.fieldwork.reviewers import ReviewerSpec, reviewer_statuses
from models import Village
from ui.context import AppContext

NEW = "__new__"


class AssignDialog(QDialog):
    """Who gets which households: a registered reviewer or a new one (with their key file), the
    villages, and the household selected in the list."""

    def __init__(
        self, context: AppContext, selected_code: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.selected_code = selected_code
        self.public_key: str | None = None
        self.setWindowTitle(self.t("ui.field.assign_title"))
        self.resize(640, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.reviewer = QComboBox()
        with context.db.sessions() as session:
            commune = only_commune(session)
            statuses = reviewer_statuses(session, commune)
            villages = session.scalars(
                select(Village.name)
                .where(Village.commune_id == commune.id)
                .order_by(Village.position)
            ).all()
        for s in statuses:
            text = self.t(
                "ui.field.reviewer_item", name=s.display_name, code=s.code, count=s.households
            )
            self.reviewer.addItem(text, s.code)
        self.reviewer.addItem(self.t("ui.field.new_reviewer"), NEW)
        self.reviewer.currentIndexChanged.connect(self._toggle_new)
        form.addRow(self.t("ui.field.reviewer"), self.reviewer)
        self.code, self.name, self.prefix = QLineEdit(), QLineEdit(), QLineEdit()
        self.code.setPlaceholderText("nam")
        self.prefix.setPlaceholderText(self.t("ui.field.prefix_hint"))
        self.key_button = QPushButton(self.t("ui.field.choose_key"))
        self.key_button.clicked.connect(self.choose_key)
        self.key_label = QLabel(self.t("ui.field.no_key"))
        self.key_label.setWordWrap(True)
        key_row = QVBoxLayout()
        key_row.addWidget(self.key_button, 0, Qt.AlignmentFlag.AlignLeft)
        key_row.addWidget(self.key_label)
        self.new_rows = [
            (self.t("ui.field.code"), self.code),
            (self.t("ui.field.name"), self.name),
            (self.t("ui.field.prefix"), self.prefix),
        ]
        for label, widget in self.new_rows:
            form.addRow(label, widget)
        form.addRow(self.t("ui.field.key"), key_row)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.t("ui.field.villages")))
        self.villages = QListWidget()
        for name in villages:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.villages.addItem(item)
        layout.addWidget(self.villages, 1)
        self.with_selected = QCheckBox(self.t("ui.field.with_selected", code=selected_code or "—"))
        self.with_selected.setEnabled(selected_code is not None)
        layout.addWidget(self.with_selected)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._toggle_new()

    def t(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    def is_new(self) -> bool:
        return self.reviewer.currentData() == NEW

    def _toggle_new(self) -> None:
        for _label, widget in self.new_rows:
            widget.setEnabled(self.is_new())

    def choose_key(self) -> None:
        path = self.context.prompts.open_file(
            self, self.t("ui.field.choose_key"), self.t("ui.field.key_filter")
        )
        if not path:
            return
        try:
            text = Path(path).read_text("ascii")
            fingerprint = laptop_keys.fingerprint(laptop_keys.normalised_public_key(text))
        except (OSError, UnicodeDecodeError, RaSoatError):
            self.context.prompts.error(self, self.windowTitle(), self.t("key.invalid"))
            return
        self.public_key = text
        self.key_label.setText(
            self.t("ui.field.key_loaded", fingerprint=laptop_keys.readable(fingerprint))
        )

    def reviewer_code(self) -> str:
        return self.code.text().strip() if self.is_new() else str(self.reviewer.currentData())

    def spec(self) -> ReviewerSpec | None:
        """The reviewer to register (a new one, or a new key for a known one); None if nothing."""
        if self.is_new():
            return ReviewerSpec(
                self.reviewer_code(), self.name.text(), self.public_key, self.prefix.text() or None
            )
        if self.public_key is not None:
            return ReviewerSpec(self.reviewer_code(), "", self.public_key)
        return None

    def selection(self) -> Selection:
        villages = tuple(
            self.villages.item(i).text()
            for i in range(self.villages.count())
            if self.villages.item(i).checkState() == Qt.CheckState.Checked
        )
        households = (self.selected_code,) if self.with_selected.isChecked() else ()
        return Selection(villages, tuple(c for c in households if c))


class KeyDialog(QDialog):
    """This laptop's key: the fingerprint to read to the officer, and the public key file."""

    def __init__(
        self, context: AppContext, public_key: str, fingerprint: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context, self.public_key = context, public_key
        self.setWindowTitle(context.tr("ui.field.key_title"))
        layout = QVBoxLayout(self)
        intro = QLabel(context.tr("ui.field.key_intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        caption = QLabel(context.tr("ui.field.fingerprint"))
        layout.addWidget(caption, 0, Qt.AlignmentFlag.AlignHCenter)
        self.fingerprint = QLabel(laptop_keys.readable(fingerprint))
        self.fingerprint.setStyleSheet("font-size: 20pt; font-family: monospace;")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.fingerprint, 0, Qt.AlignmentFlag.AlignHCenter)
        save = QPushButton(context.tr("ui.field.save_key"))
        save.clicked.connect(self.save)
        layout.addWidget(save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        ctx = self.context
        path = ctx.prompts.save_file(
            self, ctx.tr("ui.field.save_key"), "khoa-may.pub", ctx.tr("ui.field.key_filter")
        )
        if not path:
            return
        from app import atomic

        atomic.write_bytes(Path(path), self.public_key.encode("ascii"))
        ctx.prompts.inform(self, self.windowTitle(), ctx.tr("ui.field.key_saved", path=path))
