"""Erasing a household's personal data (app/erasure.py): the household named by its code, a
reason, and the code typed again to confirm; below, the households past the retention period,
which can be erased together. The erasure runs on the writer lane; the role is checked in app."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import erasure
from app.communes import only_commune
from app.errors import RaSoatError
from app.textnorm import nfc
from ui.context import AppContext


class ErasureDialog(QDialog):
    """`erased` lists the codes erased while the dialog was open (the window reloads them)."""

    def __init__(self, context: AppContext, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.erased: list[str] = []
        self.setWindowTitle(self.t("ui.erase.title"))
        self.resize(680, 560)
        layout = QVBoxLayout(self)
        warning = QLabel(self.t("ui.erase.intro"))
        warning.setWordWrap(True)
        layout.addWidget(warning)
        layout.addWidget(self._one_box(code))
        layout.addWidget(self._due_box(), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()
        self.reload_due()

    def t(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    def _one_box(self, code: str) -> QGroupBox:
        box = QGroupBox(self.t("ui.erase.one"))
        form = QFormLayout(box)
        self.code = QLineEdit(code)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.t("ui.erase.reason_hint"))
        self.confirm_code = QLineEdit()
        self.confirm_code.setPlaceholderText(self.t("ui.erase.confirm_hint"))
        form.addRow(self.t("ui.erase.code"), self.code)
        form.addRow(self.t("ui.erase.reason"), self.reason)
        form.addRow(self.t("ui.erase.confirm_code"), self.confirm_code)
        self.erase_button = QPushButton(self.t("ui.erase.button"))
        self.erase_button.setAutoDefault(False)
        self.erase_button.clicked.connect(lambda _c=False: self.erase_one())
        form.addRow(self.erase_button)
        for field in (self.code, self.reason, self.confirm_code):
            field.textChanged.connect(self._update)
        return box

    def _due_box(self) -> QGroupBox:
        box = QGroupBox(self.t("ui.erase.due"))
        col = QVBoxLayout(box)
        self.due_note = QLabel()
        self.due_note.setWordWrap(True)
        col.addWidget(self.due_note)
        self.due_list = QListWidget()
        col.addWidget(self.due_list, 1)
        self.erase_due_button = QPushButton(self.t("ui.erase.due_button"))
        self.erase_due_button.setAutoDefault(False)
        self.erase_due_button.clicked.connect(lambda _c=False: self.erase_all_due())
        col.addWidget(self.erase_due_button)
        return box

    def _update(self) -> None:
        code = self.code.text().strip()
        self.erase_button.setEnabled(
            bool(code)
            and bool(nfc(self.reason.text()))
            and self.confirm_code.text().strip() == code
        )

    def reload_due(self) -> None:
        with self.context.db.sessions() as session:
            years = erasure.retention_years(session)
            codes = erasure.due_for_erasure(session, only_commune(session))
        self.due_list.clear()
        self.due_list.addItems(codes)
        self.due_note.setText(self.t("ui.erase.due_note", years=years, count=len(codes)))
        self.erase_due_button.setEnabled(bool(codes))

    def erase_one(self) -> None:
        code, reason = self.code.text().strip(), nfc(self.reason.text())
        if self.confirm_code.text().strip() != code:
            return
        db, actor = self.context.db, self.context.actor

        def task(progress, cancelled):  # type: ignore[no-untyped-def]
            return [erasure.erase_and_scrub(db, actor, code, reason)]

        self._run(task)

    def erase_all_due(self) -> None:
        count = self.due_list.count()
        if not self.context.prompts.confirm(
            self, self.windowTitle(), self.t("ui.erase.due_confirm", count=count)
        ):
            return
        db, actor = self.context.db, self.context.actor

        def task(progress, cancelled):  # type: ignore[no-untyped-def]
            with db.sessions.begin() as session:
                done = erasure.erase_due(session, actor, only_commune(session))
            erasure.scrub(db)
            return done

        self._run(task)

    def _run(self, task: Any) -> None:
        self.context.runner.run(
            task, self._done, title=self.t("ui.erase.working"), parent=self, on_error=self._failed
        )

    def _done(self, results: list[erasure.ErasureResult]) -> None:
        self.erased += [r.code for r in results]
        self.context.prompts.inform(
            self,
            self.windowTitle(),
            self.t("ui.erase.done", count=len(results), codes=", ".join(r.code for r in results)),
        )
        self.confirm_code.clear()
        self.reason.clear()
        self.reload_due()

    def _failed(self, exc: RaSoatError) -> None:
        self.context.prompts.error(self, self.windowTitle(), exc.message(self.context.lang))
