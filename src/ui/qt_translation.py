"""Qt's own strings (standard buttons, file dialogs, the line-edit menu) in Vietnamese.

The PySide6 wheels ship no qtbase_vi.qm, so RaSoat carries its own translation of the standard
dialog strings as data (`resources/qt_i18n/<lang>.json`: context -> source text -> translation)
and answers Qt's lookups with a QTranslator. Qt asks the translator for every string it shows;
what the file does not cover falls through to Qt's English.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication, QTranslator

from app.resources import resource_path


def load_strings(lang: str) -> dict[str, dict[str, str]]:
    path = resource_path("qt_i18n", f"{lang}.json")
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        data: dict[str, dict[str, str]] = json.load(fh)
    return {context: dict(strings) for context, strings in data.items() if context != "_note"}


class StandardStringsTranslator(QTranslator):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.strings = load_strings(lang)

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:  # type: ignore[override]
        found = self.strings.get(context, {}).get(source)
        if found is None:
            # Buttons are often asked for with and without their mnemonic.
            found = self.strings.get(context, {}).get(source.replace("&", ""))
        return found

    def isEmpty(self) -> bool:
        return not self.strings


_installed: list[StandardStringsTranslator] = []


def install(lang: str) -> None:
    """Use `lang` for Qt's own strings from now on (replacing any earlier choice)."""
    app = QCoreApplication.instance()
    if app is None:
        return
    while _installed:
        app.removeTranslator(_installed.pop())
    translator = StandardStringsTranslator(lang)
    if not translator.isEmpty():
        app.installTranslator(translator)
        _installed.append(translator)
