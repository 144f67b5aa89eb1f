"""The Excel import wizard: pick the file and sheet, correct the column mapping, see every
problem, confirm each match with a known household, then import as a long job.

Everything it decides goes through `app.excel.importing` (analyse_excel, import_excel_into): the
wizard only shows the analysis and collects the officer's answers. The analysis of a large list
takes seconds, so it runs on the writer lane with the progress dialog, like every long job.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import RaSoatError
from app.excel.fields import CLASSES, fields_catalogue
from app.excel.importing import ExcelPreview, analyse_excel, import_excel_into
from app.excel.mapping import ExcelMapping, load_mapping, save_mapping, saved_mappings
from app.excel.sheet import list_sheets
from app.i18n import label
from ui.context import AppContext

if TYPE_CHECKING:
    from ui.main_window import MainWindow

ERROR_BRUSH = QBrush(QColor("#fde2e1"))
WARNING_BRUSH = QBrush(QColor("#fff4d6"))
NO_FIELD = ""


class ExcelImportWizard(QWizard):
    """State shared by the pages: the file, the mapping being corrected, the latest preview."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.mapping = ExcelMapping()
        self.preview: ExcelPreview | None = None
        self.decisions: dict[int, bool] = {}
        self.result: Any = None
        self.setWindowTitle(context.tr("ui.excel.title"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(1100, 700)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.matches_page = MatchesPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.matches_page):
            self.addPage(page)
        buttons = {
            QWizard.WizardButton.BackButton: "ui.excel.back",
            QWizard.WizardButton.NextButton: "ui.excel.next",
            QWizard.WizardButton.FinishButton: "ui.excel.finish",
            QWizard.WizardButton.CancelButton: "ui.excel.cancel",
        }
        for button, key in buttons.items():
            self.setButtonText(button, context.tr(key))

    def tr_(self, key: str, **params: Any) -> str:
        return self.context.tr(key, **params)

    @property
    def path(self) -> Path:
        return Path(self.file_page.path.text().strip())

    def analyse(self, page: QWizardPage, on_done: Any) -> None:
        """Analyse the file with the current mapping on the writer lane; `on_done(preview)`."""
        actor, path, mapping = self.context.actor, self.path, self.mapping

        def task(session, progress, cancelled):  # type: ignore[no-untyped-def]
            return analyse_excel(
                session, actor, path, mapping, progress=progress, cancelled=cancelled
            )

        def done(preview: ExcelPreview) -> None:
            self.preview = preview
            on_done(preview)

        def failed(exc: RaSoatError) -> None:
            self.preview = None
            self.context.prompts.error(self, self.windowTitle(), exc.message(self.context.lang))
            on_done(None)

        self.context.runner.run_in_session(
            task,
            done,
            title=self.tr_("ui.excel.analysing", file=path.name),
            parent=self,
            on_error=failed,
        )

    def accept(self) -> None:
        """Finish: the import itself, as a long job (backup first, then one transaction)."""
        preview = self.preview
        if preview is None:
            return
        actor, path, mapping = self.context.actor, self.path, preview.mapping
        decisions = {m.row: self.decisions[m.index] for m in preview.matches}

        def task(progress, cancelled):  # type: ignore[no-untyped-def]
            return import_excel_into(
                self.context.db,
                actor,
                path,
                mapping,
                decisions,
                progress=progress,
                cancelled=cancelled,
            )

        def done(result: Any) -> None:
            self.result = result
            self.context.prompts.inform(
                self.parentWidget(),
                self.windowTitle(),
                self.tr_(
                    "cli.excel_done",
                    created=result.created,
                    pending=result.pending,
                    matched=result.matched,
                    classes=result.previous_classes,
                    year=preview.list_year,
                ),
            )
            super(ExcelImportWizard, self).accept()

        self.context.runner.run(
            task, done, title=self.tr_("ui.excel.importing", file=path.name), parent=self
        )


class FilePage(QWizardPage):
    def __init__(self, wizard: ExcelImportWizard) -> None:
        super().__init__()
        self.w = wizard
        t = wizard.tr_
        self.setTitle(t("ui.excel.file_title"))
        self.setSubTitle(t("ui.excel.file_help"))
        self.path = QLineEdit()
        self.path.textChanged.connect(self._file_changed)
        browse = QPushButton(t("ui.excel.browse"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.sheet = QComboBox()
        self.saved = QComboBox()
        self.saved.addItem(t("ui.excel.mapping_guess"), None)
        for name in saved_mappings():
            self.saved.addItem(name, name)
        self.year = QSpinBox()
        self.year.setRange(0, 2100)
        self.year.setSpecialValueText(t("ui.excel.from_title"))
        self.list_class = QComboBox()
        self.list_class.addItem(t("ui.excel.from_file"), None)
        for code in CLASSES:
            self.list_class.addItem(label(f"class.{code}", wizard.context.lang), code)
        self.area = QComboBox()
        for code in ("rural", "urban"):
            self.area.addItem(label(f"code.area.{code}", wizard.context.lang), code)
        form = QFormLayout(self)
        form.addRow(t("ui.excel.file"), row)
        form.addRow(t("ui.excel.sheet"), self.sheet)
        form.addRow(t("ui.excel.saved_mapping"), self.saved)
        form.addRow(t("ui.excel.year"), self.year)
        form.addRow(t("ui.excel.list_class"), self.list_class)
        form.addRow(t("ui.excel.new_village_area"), self.area)

    def _browse(self) -> None:
        chosen = self.w.context.prompts.open_file(
            self, self.w.tr_("ui.excel.title"), self.w.tr_("ui.excel.file_filter")
        )
        if chosen:
            self.path.setText(chosen)

    def _file_changed(self) -> None:
        self.sheet.clear()
        path = Path(self.path.text().strip())
        if path.is_file():
            try:
                for info in list_sheets(path):
                    self.sheet.addItem(f"{info.name} ({info.rows} × {info.columns})", info.name)
            except RaSoatError as exc:
                self.setSubTitle(exc.message(self.w.context.lang))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.sheet.count() > 0

    def validatePage(self) -> bool:
        name = self.saved.currentData()
        try:
            mapping = load_mapping(name) if name else ExcelMapping()
        except RaSoatError as exc:
            self.w.context.prompts.error(self, self.title(), exc.message(self.w.context.lang))
            return False
        mapping.sheet = self.sheet.currentData()
        mapping.header_rows = None if not name else mapping.header_rows
        mapping.list_year = self.year.value() or mapping.list_year
        mapping.default_class = self.list_class.currentData() or mapping.default_class
        mapping.default_area = self.area.currentData()
        self.w.mapping = mapping
        return True


class MappingPage(QWizardPage):
    """The columns the analysis found, each with the field it holds; the officer corrects it."""

    def __init__(self, wizard: ExcelImportWizard) -> None:
        super().__init__()
        self.w = wizard
        t = wizard.tr_
        self.setTitle(t("ui.excel.mapping_title"))
        self.setSubTitle(t("ui.excel.mapping_help"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [t("ui.excel.col_letter"), t("ui.excel.col_title"), t("ui.excel.col_field")]
        )
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        save = QPushButton(t("ui.excel.save_mapping"))
        save.clicked.connect(self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignRight)
        self.combos: dict[int, QComboBox] = {}
        self.ready = False

    def initializePage(self) -> None:
        self.ready = False
        self.table.setRowCount(0)
        self.info.setText(self.w.tr_("ui.excel.analysing", file=self.w.path.name))
        self.w.analyse(self, self._show)

    def _show(self, preview: ExcelPreview | None) -> None:
        if preview is None:
            self.info.setText("")
            return
        layout = preview.layout
        self.info.setText(
            self.w.tr_(
                "ui.excel.layout",
                sheet=preview.sheet,
                first=layout.header_first,
                last=layout.header_last,
                start=layout.data_start,
            )
        )
        chosen = {index: fid for fid, index in preview.fields.items()}
        fields = list(fields_catalogue().fields)
        self.table.setRowCount(len(layout.columns))
        self.combos = {}
        for row, column in enumerate(layout.columns):
            self.table.setItem(row, 0, _item(column.letter))
            self.table.setItem(row, 1, _item(column.title))
            combo = QComboBox()
            combo.addItem(self.w.tr_("ui.excel.no_field"), NO_FIELD)
            for fid in fields:
                combo.addItem(label(f"excel.field.{fid}", self.w.context.lang, fid), fid)
            combo.setCurrentIndex(max(0, combo.findData(chosen.get(column.index, NO_FIELD))))
            self.table.setCellWidget(row, 2, combo)
            self.combos[column.index] = combo
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 300)
        self.ready = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ready

    def chosen_mapping(self) -> ExcelMapping:
        preview = self.w.preview
        assert preview is not None
        keys = {c.index: c.key for c in preview.layout.columns}
        columns = {}
        for index, combo in self.combos.items():
            fid = combo.currentData()
            if fid and fid not in columns:
                columns[fid] = keys[index]
        base = self.w.mapping
        return ExcelMapping(
            columns,
            preview.sheet,
            (preview.layout.header_first, preview.layout.header_last),
            base.list_year,
            base.default_class,
            base.default_area,
            base.default_village,
            base.value_maps,
        )

    def validatePage(self) -> bool:
        self.w.mapping = self.chosen_mapping()
        return True

    def _save(self) -> None:
        name = self.w.context.prompts.ask_text(
            self, self.w.tr_("ui.excel.save_mapping"), self.w.tr_("ui.excel.mapping_name")
        )
        if not name:
            return
        try:
            path = save_mapping(self.chosen_mapping(), name)
        except RaSoatError as exc:
            self.w.context.prompts.error(self, self.title(), exc.message(self.w.context.lang))
            return
        self.w.context.prompts.inform(
            self, self.title(), self.w.tr_("cli.excel_mapping_saved", path=str(path))
        )


class PreviewPage(QWizardPage):
    """Every household as it will be imported, and every problem with its row and column."""

    def __init__(self, wizard: ExcelImportWizard) -> None:
        super().__init__()
        self.w = wizard
        t = wizard.tr_
        self.setTitle(t("ui.excel.preview_title"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                t("ui.excel.col_row"),
                t("excel.field.household_code"),
                t("excel.field.head_name"),
                t("excel.field.village"),
                t("ui.excel.col_members"),
                t("excel.field.previous_class"),
                t("ui.excel.col_state"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.problems = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel(t("ui.excel.problems")))
        layout.addWidget(self.problems, 2)
        self.ready = False

    def initializePage(self) -> None:
        self.ready = False
        self.table.setRowCount(0)
        self.problems.clear()
        self.summary.setText(self.w.tr_("ui.excel.analysing", file=self.w.path.name))
        self.w.analyse(self, self._show)

    def _show(self, preview: ExcelPreview | None) -> None:
        if preview is None:
            self.summary.setText("")
            return
        lang = self.w.context.lang
        self.summary.setText(preview.summary(lang))
        worst: dict[int, str] = {}
        for p in preview.problems:
            worst[p.row] = "error" if p.is_error or worst.get(p.row) == "error" else "warning"
        self.table.setRowCount(len(preview.households))
        villages = preview.built.village_names if preview.built else []
        for row, (h, code, done) in enumerate(
            zip(preview.households, preview.codes, preview.complete, strict=True)
        ):
            head = h.head or (h.members[0] if h.members else None)
            values = [
                str(h.row),
                code,
                str(head.data.get("name") or "") if head else "",
                villages[row] if row < len(villages) else h.village or "",
                str(h.declared_size or len(h.members)),
                label(f"class.{h.previous_class}", lang) if h.previous_class else "",
                self.w.tr_("ui.excel.state_complete" if done else "ui.excel.state_pending"),
            ]
            state = next((worst[r] for r in h.rows if r in worst and worst[r] == "error"), None)
            state = state or next((worst[r] for r in h.rows if r in worst), None)
            for col, value in enumerate(values):
                item = _item(value)
                if state:
                    item.setBackground(ERROR_BRUSH if state == "error" else WARNING_BRUSH)
                self.table.setItem(row, col, item)
        for p in preview.problems:
            entry = QListWidgetItem(p.line(lang))
            entry.setBackground(ERROR_BRUSH if p.is_error else WARNING_BRUSH)
            self.problems.addItem(entry)
        for r, reason in preview.skipped:
            self.problems.addItem(
                self.w.tr_("cli.excel_skipped", row=r, reason=self.w.tr_(f"excel.skip.{reason}"))
            )
        self.table.resizeColumnsToContents()
        self.ready = not preview.errors
        self.setSubTitle(
            self.w.tr_("excel.has_errors", count=len(preview.errors)) if preview.errors else ""
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ready

    def nextId(self) -> int:
        """Without matches to confirm, this page is the last: Finish imports."""
        preview = self.w.preview
        return -1 if preview is not None and not preview.matches else super().nextId()


class MatchesPage(QWizardPage):
    """Each proposed match, for the officer to answer: the same household, or another one."""

    def __init__(self, wizard: ExcelImportWizard) -> None:
        super().__init__()
        self.w = wizard
        t = wizard.tr_
        self.setTitle(t("ui.excel.matches_title"))
        self.setSubTitle(t("ui.excel.matches_help"))
        self.setFinalPage(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                t("ui.excel.col_row"),
                t("ui.excel.col_listed"),
                t("ui.excel.col_known"),
                t("ui.excel.col_reason"),
                t("ui.excel.col_answer"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.answers: dict[int, QComboBox] = {}

    def initializePage(self) -> None:
        preview = self.w.preview
        assert preview is not None
        self.w.decisions = {}
        self.answers = {}
        self.table.setRowCount(len(preview.matches))
        for row, m in enumerate(preview.matches):
            listed = preview.households[m.index]
            head = listed.head or listed.members[0]
            kind = self.w.tr_(f"excel.match.{m.known.kind}")
            known = f"{m.known.code} — {m.known.head}, {m.known.village} ({kind})"
            self.table.setItem(row, 0, _item(str(m.row)))
            self.table.setItem(row, 1, _item(f"{head.data.get('name', '')}, {listed.village}"))
            self.table.setItem(row, 2, _item(known))
            self.table.setItem(row, 3, _item(f"{self.w.tr_(f'excel.match.{m.reason}')}: {m.value}"))
            answer = QComboBox()
            answer.addItem(self.w.tr_("ui.excel.answer_none"), None)
            answer.addItem(self.w.tr_("ui.excel.answer_same"), True)
            if m.rejectable:
                answer.addItem(self.w.tr_("ui.excel.answer_other"), False)
            answer.currentIndexChanged.connect(lambda _i, index=m.index: self._answered(index))
            self.table.setCellWidget(row, 4, answer)
            self.answers[m.index] = answer
        self.table.resizeColumnsToContents()
        self.completeChanged.emit()

    def _answered(self, index: int) -> None:
        value = self.answers[index].currentData()
        if value is None:
            self.w.decisions.pop(index, None)
        else:
            self.w.decisions[index] = bool(value)
        self.completeChanged.emit()

    def answer_all(self, same: bool) -> None:
        """Give every match the same answer (tests; a "same for all" button could use it)."""
        for combo in self.answers.values():
            combo.setCurrentIndex(max(0, combo.findData(same)))

    def isComplete(self) -> bool:
        return set(self.answers) <= set(self.w.decisions)


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def open_excel_import(window: MainWindow) -> ExcelImportWizard:
    """The File menu's "Nhập danh sách từ Excel…": the wizard, then the list reloads."""
    wizard = ExcelImportWizard(window.context, window)
    wizard.finished.connect(lambda _code: window.reload())
    wizard.open()
    return wizard


def install(window: MainWindow) -> None:
    """Add the wizard to the File menu (called by ui/menus.py)."""
    menu = window.menu(window.context.tr("ui.menu.file"))
    action = menu.addAction(window.context.tr("ui.excel.menu"))
    action.triggered.connect(lambda _checked=False: open_excel_import(window))
    window.excel_import_action = action
