"""The work the kill tests interrupt, each through the same app functions the GUI and CLI call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app import backups
from app.actor import Actor
from app.communes import only_commune
from app.exchange.exporting import export_file
from app.exchange.importing import import_file_into
from app.households import household_facts, load_household, save_household
from app.storage import open_database

ACTOR = Actor("kill-test", "officer")


def run(command: dict[str, Any]) -> None:
    OPS[command["op"]](command)


def _import(c: dict[str, Any]) -> None:
    db = open_database(c["db"], passphrase=c.get("passphrase"))
    import_file_into(db, ACTOR, Path(c["file"]))
    db.dispose()


def _save(c: dict[str, Any]) -> None:
    """Several saves of one household in a row, each its own transaction."""
    db = open_database(c["db"], passphrase=c.get("passphrase"))
    for n in range(c["loops"]):
        with db.sessions.begin() as session:
            commune = only_commune(session)
            household = load_household(session, commune, c["code"])
            facts = household_facts(session, household)
            head = facts.members[0]._replace(name=f"{facts.members[0].name.split(' #')[0]} #{n}")
            facts = facts._replace(
                members=(head, *facts.members[1:]),
                income_per_capita_month=(facts.income_per_capita_month or 0) + 1000,
            )
            save_household(
                session,
                ACTOR,
                commune,
                facts,
                expected_version=household.version,
                allow_unconfirmed=True,
            )
    db.dispose()


def _export(c: dict[str, Any]) -> None:
    db = open_database(c["db"], passphrase=c.get("passphrase"))
    with db.sessions.begin() as session:
        export_file(session, ACTOR, Path(c["out"]))
    db.dispose()


def _backup(c: dict[str, Any]) -> None:
    for _ in range(c["loops"]):
        backups.create_backup(Path(c["db"]), c.get("passphrase"), "manual")


def _restore(c: dict[str, Any]) -> None:
    backups.restore_backup(Path(c["db"]), Path(c["backup"]), c.get("passphrase"))


OPS = {
    "import": _import,
    "save": _save,
    "export": _export,
    "backup": _backup,
    "restore": _restore,
}
