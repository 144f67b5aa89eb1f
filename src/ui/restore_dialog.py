"""Choosing a backup to restore: every backup with its date, reason, size and whether it
passes its integrity check (checked off the GUI thread as the dialog opens)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import backups
from app.jobs import IsCancelled, Progress
from models.sqlite_file import PassphraseError
from ui.context import AppContext

COLUMNS = ("ui.restore.when", "ui.restore.reason", "ui.restore.size", "ui.restore.state")


def check_all(
    found: list[backups.Backup], passphrase: str | None, progress: Progress, cancelled: IsCancelled
) -> list[str]:
    """Each backup's state: "ok", "damaged" or "other_passphrase" (made before a change)."""
    states = []
    for done, backup in enumerate(found):
        if cancelled():
            break
        try:
            states.append("ok" if backups.check_backup(backup.path, passphrase).ok else "damaged")
        except PassphraseError:
            states.append("other_passphrase")
        except Exception:  # a file that is not even SQLite: damaged, said plainly
            states.append("damaged")
        progress(done + 1, len(found))
    return states


class RestoreDialog(QDialog):
    """Accepted with `chosen` set to the backup the officer confirmed."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.chosen: Path | None = None
        assert context.db.path is not None
        self.found = backups.list_backups(context.db.path)
        self.states: list[str] = []
        self.setWindowTitle(self.t("ui.restore.title"))
        self.resize(820, 460)
        layout = QVBoxLayout(self)
        note = QLabel(self.t("ui.restore.intro", folder=str(backups.backup_dir(context.db.path))))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(len(self.found), len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.t(key) for key in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self._fill()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(
            self.t("ui.restore.button"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selection_changed)

    def t(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    def _fill(self) -> None:
        for row, backup in enumerate(self.found):
            values = (
                f"{backup.created:%d/%m/%Y %H:%M:%S}",
                self.t(f"backup.reason.{backup.reason}"),
                f"{backup.size / 1e6:.1f} MB",
                self.t("ui.restore.checking"),
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column in (2,):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def start_checks(self) -> None:
        """Check every backup on the job lane, with progress; the states fill the last column."""
        found, passphrase = self.found, self.context.db.passphrase

        def task(progress: Progress, cancelled: IsCancelled) -> list[str]:
            return check_all(found, passphrase, progress, cancelled)

        self.context.runner.run(
            task, self._checked, title=self.t("ui.restore.checking"), parent=self
        )

    def _checked(self, states: list[str]) -> None:
        self.states = states
        for row, state in enumerate(states):
            item = self.table.item(row, 3)
            item.setText(self.t(f"ui.restore.state.{state}"))
            if state != "ok":
                item.setForeground(Qt.GlobalColor.darkRed)
        self._selection_changed()

    def _selection_changed(self) -> None:
        row = self.table.currentRow()
        self.restore_button.setEnabled(0 <= row < len(self.states) and self.states[row] == "ok")

    def accept(self) -> None:
        row = self.table.currentRow()
        if not (0 <= row < len(self.states)) or self.states[row] != "ok":
            return
        backup = self.found[row]
        question = self.t(
            "ui.restore.confirm",
            when=f"{backup.created:%d/%m/%Y %H:%M}",
            reason=self.t(f"backup.reason.{backup.reason}"),
        )
        if not self.context.prompts.confirm(self, self.windowTitle(), question):
            return
        self.chosen = backup.path
        super().accept()
