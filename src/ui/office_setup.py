"""Setting up a receiving office from the first-start dialog: its name asked, the province the
dialog has chosen (or every province), written before any account exists."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.errors import RaSoatError
from app.i18n import tr
from app.office.setup import set_up_office
from app.permissions import can
from ui.startup import StartupState, local_actor


def set_up_office_here(state: StartupState, parent: QWidget, province_code: str | None) -> bool:
    """True when the database became an office's. A database without accounts is its
    laptop user's to set up (as the first administrator would be); accounts come after."""
    assert state.db is not None
    name = state.prompts.ask_text(
        parent, tr("ui.first.office", state.lang), tr("ui.first.office_name", state.lang)
    )
    if not name:
        return False
    actor = state.actor
    if actor is None or (actor.username.startswith("local:") and not can(actor, "office.setup")):
        actor = local_actor("administrator")  # refused in core once accounts exist
    try:
        with state.db.sessions.begin() as session:
            set_up_office(session, actor, name, province_code)
    except RaSoatError as exc:
        state.prompts.error(parent, "RaSoat", exc.message(state.lang))
        return False
    return True
