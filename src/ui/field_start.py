"""A reviewer's laptop at its first start: its key for the officer, then the assignment.

Reached from the first-start dialog (ui/first_start.py). The laptop's key is made here (the
first time) on the writer lane; its public key is saved to a file for the officer, its
fingerprint read out; the assignment the officer sends back is then opened, which creates the
commune and the households, and the first-start dialog closes on a working copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import atomic
from app.errors import RaSoatError
from app.fieldwork import laptop_keys
from app.fieldwork.assignment_open import open_assignment_file
from app.fieldwork.reviewers import laptop_key
from app.i18n import tr
from ui.jobs import JobRunner

if TYPE_CHECKING:
    from ui.startup import StartupState


class FieldStartDialog(QDialog):
    """Accepted once an assignment has been opened into the (empty) database."""

    def __init__(self, state: StartupState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert state.db is not None and state.actor is not None
        self.state, self.lang = state, state.lang
        self.runner = JobRunner(state.db, self.lang, state.prompts, self)
        self.public_key = ""
        self.setWindowTitle(self.t("ui.field.start_title"))
        self.resize(620, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(self.t("ui.field.start_intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.t("ui.field.fingerprint")), 0, Qt.AlignmentFlag.AlignHCenter)
        self.fingerprint = QLabel("…")
        self.fingerprint.setStyleSheet("font-size: 20pt; font-family: monospace;")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.fingerprint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.save_button = QPushButton(self.t("ui.field.save_key"))
        self.save_button.clicked.connect(lambda _c=False: self.save_key())
        layout.addWidget(self.save_button)
        self.open_button = QPushButton(self.t("ui.field.open_first"))
        self.open_button.clicked.connect(lambda _c=False: self.open_assignment())
        layout.addWidget(self.open_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._make_key()

    def t(self, key: str, **params: Any) -> str:
        return tr(key, self.lang, **params)

    def _make_key(self) -> None:
        actor = self.state.actor
        assert actor is not None

        def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
            key = laptop_key(session, actor)
            return key.public_key, key.fingerprint

        def done(found: tuple[str, str]) -> None:
            self.public_key = found[0]
            self.fingerprint.setText(laptop_keys.readable(found[1]))

        self.runner.run_in_session(task, done, parent=self, on_error=self._failed)
        self.runner.wait()

    def save_key(self, path: str | None = None) -> None:
        prompts = self.state.prompts
        path = path or prompts.save_file(
            self, self.t("ui.field.save_key"), "khoa-may.pub", self.t("ui.field.key_filter")
        )
        if not path:
            return
        atomic.write_bytes(Path(path), self.public_key.encode("ascii"))
        prompts.inform(self, self.windowTitle(), self.t("ui.field.key_saved", path=path))

    def open_assignment(self, path: str | None = None) -> None:
        prompts, db, actor = self.state.prompts, self.state.db, self.state.actor
        assert db is not None and actor is not None
        path = path or prompts.open_file(
            self, self.t("ui.field.open_first"), self.t("ui.field.assign_filter")
        )
        if not path:
            return

        def task(progress, cancelled):  # type: ignore[no-untyped-def]
            return open_assignment_file(db, actor, Path(path))

        def done(opened: Any) -> None:
            prompts.inform(self, self.windowTitle(), opened.summary(self.lang))
            self.accept()

        self.runner.run(
            task, done, title=self.t("ui.field.opening"), parent=self, on_error=self._failed
        )

    def _failed(self, exc: RaSoatError) -> None:
        self.state.prompts.error(self, self.windowTitle(), exc.message(self.lang))
