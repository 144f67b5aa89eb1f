"""The editor's form sections: the household header, and Phiếu B (income, the living conditions
behind the 12 indicators). Widgets are laid out in the order of the paper forms, which is also
the Tab order."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import facts as F
from app.i18n import tr
from ui.form_fields import ChoiceCombo, FormBinder, code_choices, yes_no
from ui.survey_section import SurveySection


def _t(lang: str, key: str, **params: object) -> str:
    return tr(key, lang, **params)


class HeaderSection(QGroupBox):
    """Code, village and area, address, farm household, declared household size."""

    def __init__(self, binder: FormBinder, lang: str, villages: list[tuple[str, str]]) -> None:
        super().__init__(_t(lang, "ui.editor.section.header"))
        self.lang = lang
        grid = QGridLayout(self)
        self.code = binder.text(QLineEdit(), "code")
        self.village = binder.choice(
            ChoiceCombo([(name, name) for name, _area in villages], lang), "village"
        )
        self.village_areas = dict(villages)
        self.area = binder.choice(
            ChoiceCombo([(a, _t(lang, f"ui.area.{a}")) for a in F.AREAS], lang, empty=False), "area"
        )
        self.address = binder.text(QLineEdit(), "address")
        self.farm = binder.check(QCheckBox(_t(lang, "ui.editor.farm_household")), "farm_household")
        self.declared = binder.text(QLineEdit(), "declared_size")
        self.declared.setPlaceholderText(_t(lang, "ui.editor.declared_hint"))
        cells = (
            ("ui.editor.code", self.code),
            ("field.village", self.village),
            ("field.area", self.area),
            ("ui.editor.address", self.address),
            ("ui.editor.declared_size", self.declared),
        )
        for i, (key, widget) in enumerate(cells):
            grid.addWidget(QLabel(_t(lang, key)), i // 3, (i % 3) * 2)
            grid.addWidget(widget, i // 3, (i % 3) * 2 + 1)
        grid.addWidget(self.farm, 1, 4, 1, 2)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)


class PhieuBSection(QWidget):
    """Income (the team's estimate, or the B1 total from the paper form) and the facts of the
    indicators: housing, water, latrine, telecom, information devices, waste; then the causes
    of poverty and support needs."""

    def __init__(self, binder: FormBinder, lang: str) -> None:
        super().__init__()
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.addWidget(self._income(binder))
        row = QHBoxLayout()
        row.addWidget(self._housing(binder), 1)
        row.addWidget(self._services(binder), 1)
        layout.addLayout(row)
        layout.addWidget(self._devices(binder))
        self.survey = SurveySection(binder, lang)
        layout.addWidget(self.survey)
        layout.addStretch(1)

    def _income(self, binder: FormBinder) -> QGroupBox:
        box = QGroupBox(_t(self.lang, "ui.editor.section.income"))
        form = QFormLayout(box)
        self.income = binder.text(QLineEdit(), "income")
        self.income.setPlaceholderText(_t(self.lang, "ui.editor.income_hint"))
        self.b1 = binder.text(QLineEdit(), "b1_score")
        self.b1.setPlaceholderText(_t(self.lang, "ui.editor.b1_hint"))
        form.addRow(_t(self.lang, "ui.editor.income"), self.income)
        form.addRow(_t(self.lang, "field.b1_score"), self.b1)
        note = QLabel(_t(self.lang, "ui.editor.income_note"))
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def _housing(self, binder: FormBinder) -> QGroupBox:
        box = QGroupBox(_t(self.lang, "ui.editor.section.housing"))
        form = QFormLayout(box)
        self.floor_area = binder.text(QLineEdit(), "floor_area")
        self.floor_area.setPlaceholderText(_t(self.lang, "ui.editor.area_hint"))
        form.addRow(_t(self.lang, "field.floor_area_m2"), self.floor_area)
        self.durable: dict[str, ChoiceCombo] = {}
        for key in ("walls_durable", "columns_durable", "roof_durable"):
            self.durable[key] = binder.choice(ChoiceCombo(yes_no(self.lang), self.lang), key)
            form.addRow(_t(self.lang, f"field.{key}"), self.durable[key])
        return box

    def _services(self, binder: FormBinder) -> QGroupBox:
        lang = self.lang
        box = QGroupBox(_t(lang, "ui.editor.section.services"))
        form = QFormLayout(box)
        self.water = binder.choice(
            ChoiceCombo(code_choices("water_source", F.WATER_SOURCES, lang), lang), "water_source"
        )
        self.latrine = binder.choice(
            ChoiceCombo(code_choices("latrine", F.LATRINES, lang), lang), "latrine"
        )
        self.phone = binder.choice(ChoiceCombo(yes_no(lang), lang), "phone")
        self.internet = binder.choice(ChoiceCombo(yes_no(lang), lang), "internet")
        self.waste = binder.choice(
            ChoiceCombo(code_choices("waste_handling", F.WASTE_HANDLINGS, lang), lang),
            "waste_handling",
        )
        for key, widget in (
            ("field.water_source", self.water),
            ("field.latrine", self.latrine),
            ("field.phone", self.phone),
            ("field.internet", self.internet),
            ("field.waste_handling", self.waste),
        ):
            form.addRow(_t(lang, key), widget)
        return box

    def _devices(self, binder: FormBinder) -> QGroupBox:
        box = QGroupBox(_t(self.lang, "field.information_devices"))
        row = QHBoxLayout(box)
        self.devices = {}
        for code in F.DEVICES:
            check = QCheckBox(_t(self.lang, f"code.device.{code}"))
            self.devices[code] = binder.member_of(check, "devices", code)
            row.addWidget(check)
        row.addStretch(1)
        return box
