"""Phiếu B's causes of poverty and support needs in the household editor: a check box per code
of the code list in force (app/survey_codes.py), and the main cause chosen among those ticked."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.i18n import tr
from app.survey_codes import code_list
from ui.form_fields import ChoiceCombo, Form, FormBinder

COLUMNS = 4  # check boxes per row: eight causes fit in two rows at 1366 px


class SurveySection(QGroupBox):
    def __init__(self, binder: FormBinder, lang: str) -> None:
        super().__init__(tr("ui.editor.section.survey", lang))
        self.lang = lang
        codes = code_list()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("field.survey.causes", lang)))
        self.causes = self._boxes(layout, binder, "causes", "causes")
        self.main_cause = binder.choice(
            ChoiceCombo([(c, codes.name("causes", c, lang)) for c in codes.causes], lang),
            "main_cause",
        )
        row = QGridLayout()
        row.addWidget(QLabel(tr("field.survey.main_cause", lang)), 0, 0)
        row.addWidget(self.main_cause, 0, 1)
        row.setColumnStretch(2, 1)
        layout.addLayout(row)
        layout.addWidget(QLabel(tr("field.survey.support_needs", lang)))
        self.needs = self._boxes(layout, binder, "needs", "support_needs")
        if not codes.verified:
            note = QLabel(tr("ui.editor.survey_unverified", lang, revision=codes.revision))
            note.setWordWrap(True)
            note.setStyleSheet("color: #8a6d00;")
            layout.addWidget(note)
        # The main cause must be one of the causes: offer only those ticked.
        binder.loaders.append(self._limit_main)
        for box in self.causes.values():
            box.toggled.connect(lambda _on: self._cause_toggled(binder.get_form()))

    def _boxes(
        self, layout: QVBoxLayout, binder: FormBinder, kind: str, key: str
    ) -> dict[str, QCheckBox]:
        codes = code_list()
        grid = QGridLayout()
        boxes = {}
        for i, code in enumerate(codes.codes(kind)):
            box = binder.member_of(QCheckBox(codes.name(kind, code, self.lang)), key, code)
            grid.addWidget(box, i // COLUMNS, i % COLUMNS)
            boxes[code] = box
        layout.addLayout(grid)
        return boxes

    def _cause_toggled(self, form: Form) -> None:
        self._limit_main(form)
        if form.get("main_cause") not in (form.get("causes") or ()):
            self.main_cause.set_value(None)  # unticking the main cause leaves none marked

    def _limit_main(self, form: Form) -> None:
        ticked = set(form.get("causes") or ())
        view = self.main_cause.view()
        for i in range(1, self.main_cause.count()):
            view.setRowHidden(i, self.main_cause.itemData(i) not in ticked)

    def focus_widget(self, path: str) -> QWidget | None:
        """The widget of a problem's path ("survey.causes[0]", "survey.main_cause")."""
        field = path.removeprefix("survey.").split("[", 1)[0]
        if field == "main_cause":
            return self.main_cause
        boxes = self.causes if field == "causes" else self.needs
        return next(iter(boxes.values()), None)
