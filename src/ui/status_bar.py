"""The status bar: which database, which standard pack (flagged when draft or not fully
verified) and which review round the officer is working in. Always visible."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.communes import find_commune
from app.i18n import tr
from app.rounds import current_round_or_none
from app.standards import get_pack
from models.database import Database


class RaSoatStatusBar(QStatusBar):
    def __init__(self, db: Database, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.database = QLabel()
        self.standard = QLabel()
        self.round = QLabel()
        for label in (self.database, self.standard, self.round):
            label.setContentsMargins(6, 0, 6, 0)
            self.addPermanentWidget(label)
        self.refresh()

    def refresh(self) -> None:
        lang = self.lang
        self.database.setText(tr("ui.status.database", lang, path=self.db.describe()))
        self.database.setToolTip(self.db.describe())
        with self.db.sessions() as session:
            commune = find_commune(session)
            review_round = current_round_or_none(session, commune) if commune else None
            if review_round is None:
                self.standard.setText("")
                self.round.setText("")
                return
            pack = get_pack(review_round.standard_id)
            label = tr("ui.status.round", lang, round=review_round.label)
            reference = review_round.reference_date.strftime("%d/%m/%Y")
            self.round.setText(f"{label} · {tr('ui.status.reference', lang, date=reference)}")
        text = tr("ui.status.standard", lang, standard=pack.name_in(lang))
        badges = []
        if pack.draft:
            badges.append(tr("ui.status.draft", lang))
        unverified = len(pack.unverified_facts())
        if unverified:
            badges.append(tr("ui.status.unverified", lang, count=unverified))
        if badges:
            text += f" <span style='color:#b45309; font-weight:bold'>[{'; '.join(badges)}]</span>"
        self.standard.setText(text)
        self.standard.setToolTip(
            "\n".join(
                f"{where} = {fact.value!r} ({fact.status})"
                for where, fact in pack.unverified_facts()
            )
        )
