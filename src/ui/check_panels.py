"""The editor's live panels: the result (class and reasons) and the problems (errors, warnings).

Errors are red and block saving. Warnings are amber until the officer confirms them with a
reason (stored with the household); a confirmed warning turns green and shows its reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.classify import Classification
from app.explain import class_label, explain
from app.facts import HouseholdFacts
from app.i18n import label, tr
from app.standards import StandardPack
from app.validation import ERROR, Problem
from ui.household_table import CLASS_COLOURS
from ui.icons import state_icon

_MEMBER_PATH = re.compile(r"^members\[(\d+)\](?:\.(\w+))?$")
_FIELD_ALIASES = {"id": "code", "income_per_capita_month": "income_per_capita_month"}


def where(path: str, facts: HouseholdFacts | None, lang: str) -> str:
    """Where a problem is, in words: "Thành viên 2 (Nguyễn Văn An) · Ngày sinh"."""
    found = _MEMBER_PATH.match(path)
    if found:
        index, field = int(found.group(1)), found.group(2)
        name = ""
        if facts is not None and index < len(facts.members) and facts.members[index].name:
            name = f" ({facts.members[index].name})"
        text = tr("ui.problem.member", lang, number=index + 1, name=name)
        if field:
            text += " · " + label(f"field.{field}", lang, field)
        return text
    if path.startswith("survey."):  # "survey.causes[1]": the list, whichever item
        return label(f"field.{path.split('[', 1)[0]}", lang, path)
    field = path.rsplit(".", 1)[-1]
    if field == "members":
        return tr("ui.problem.members", lang)
    return label(f"field.{_FIELD_ALIASES.get(field, field)}", lang, field)


class ResultPanel(QWidget):
    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(tr("ui.result.title", lang))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        self.cls = QLabel()
        self.cls.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(self.cls)
        self.lines = QLabel()
        self.lines.setWordWrap(True)
        self.lines.setTextFormat(Qt.TextFormat.RichText)
        self.lines.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.lines, 1)

    def show_result(
        self, result: Classification | None, facts: HouseholdFacts, pack: StandardPack
    ) -> None:
        if result is None:
            self.cls.setText(class_label(None, self.lang))
            self.cls.setStyleSheet("font-size: 15pt; font-weight: bold; color: #555;")
            self.lines.setText(tr("ui.result.blocked", self.lang))
            return
        colour = CLASS_COLOURS[result.cls].name()
        self.cls.setText(class_label(result.cls, self.lang))
        self.cls.setStyleSheet(f"font-size: 15pt; font-weight: bold; color: {colour};")
        lines = explain(result, facts, pack, self.lang)
        items = "".join(f"<li>{_escape(line)}</li>" for line in lines[1:])
        deprived = tr(
            "ui.result.deprived", self.lang, count=result.deprived_count, total=len(pack.indicators)
        )
        self.lines.setText(
            f"<p>{_escape(lines[0])}</p><p><b>{deprived}</b></p>"
            + (f"<ul style='margin-left: -20px'>{items}</ul>" if items else "")
        )


class ProblemsPanel(QWidget):
    confirm_requested = Signal(str, str)  # problem code, path
    problem_activated = Signal(str)  # path

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(self._selection_changed)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.confirm = QPushButton(tr("ui.problems.confirm", lang))
        self.confirm.setAutoDefault(False)
        self.confirm.setEnabled(False)
        self.confirm.clicked.connect(self._confirm_current)
        row.addWidget(self.confirm)
        row.addStretch(1)
        layout.addLayout(row)
        self.problems: list[Problem] = []

    def show_problems(
        self,
        problems: Sequence[Problem],
        confirmed: dict[tuple[str, str], str],
        facts: HouseholdFacts | None,
    ) -> None:
        self.problems = list(problems)
        self.list.clear()
        errors = sum(p.severity == ERROR for p in problems)
        open_warnings = sum(
            p.severity != ERROR and (p.code, p.path) not in confirmed for p in problems
        )
        self.title.setText(
            tr("ui.problems.title", self.lang, errors=errors, warnings=open_warnings)
        )
        ordered = sorted(problems, key=lambda p: (p.severity != ERROR, p.path))
        for p in ordered:
            reason = confirmed.get((p.code, p.path))
            kind = "error" if p.severity == ERROR else "confirmed" if reason else "warning"
            text = f"{where(p.path, facts, self.lang)}: {p.message(self.lang)}"
            if reason:
                text += "\n" + tr("ui.problems.confirmed_with", self.lang, reason=reason)
            item = QListWidgetItem(state_icon(kind), text)
            item.setData(Qt.ItemDataRole.UserRole, (p.code, p.path, kind))
            self.list.addItem(item)
        if not problems:
            self.list.addItem(QListWidgetItem(state_icon("ok"), tr("ui.problems.none", self.lang)))
        self._selection_changed(self.list.currentItem())

    def _selection_changed(self, item: QListWidgetItem | None) -> None:
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.confirm.setEnabled(bool(data) and data[2] == "warning")

    def _confirm_current(self) -> None:
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if data and data[2] == "warning":
            self.confirm_requested.emit(data[0], data[1])

    def _activated(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        if data[2] == "warning":
            self.confirm_requested.emit(data[0], data[1])
        else:
            self.problem_activated.emit(data[1])

    def items(self) -> list[tuple[str, str, str]]:
        """(code, path, kind) of every row shown, for tests and screen readers."""
        out = []
        for i in range(self.list.count()):
            data = self.list.item(i).data(Qt.ItemDataRole.UserRole)
            if data:
                out.append(tuple(data))
        return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
