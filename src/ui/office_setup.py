"""Setting up a receiving office from the first-start dialog: its name asked, the province the
dialog has chosen (or every province), written before any account exists."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.errors import RaSoatError
from app.i18n import tr
from app.office.setup import set_up_office
from ui.account_setup import Passphrase, ensure_administrator
from ui.startup import StartupState


def set_up_office_here(state: StartupState, parent: QWidget, province_code: str | None) -> bool:
    """True when the database became an office's. A new database gets its administrator (and
    its passphrase) first; the office's officers get their accounts from the administrator."""
    assert state.db is not None
    name = state.prompts.ask_text(
        parent, tr("ui.first.office", state.lang), tr("ui.first.office_name", state.lang)
    )
    if not name:
        return False
    if ensure_administrator(state, parent, Passphrase.REQUIRED) is None:
        return False
    actor = state.actor
    assert actor is not None
    try:
        with state.db.sessions.begin() as session:
            set_up_office(session, actor, name, province_code)
    except RaSoatError as exc:
        state.prompts.error(parent, "RaSoat", exc.message(state.lang))
        return False
    return True
