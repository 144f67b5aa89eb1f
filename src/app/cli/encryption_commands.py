"""`rasoat encrypt` and `rasoat rekey`: encrypt a plain database, change the passphrase.

Passphrases come from the environment only (RASOAT_PASSPHRASE, and RASOAT_NEW_PASSPHRASE for the
new one), never from arguments that other users of the machine could read. Both commands are the
administrator's (`database.rekey`), checked in app.encryption.rekey_database as in the GUI, and
recorded in the audit trail.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from app import encryption
from app.cli.context import CliContext
from app.errors import RaSoatError
from models.sqlite_file import is_encrypted


def register(sub: Any) -> None:
    p = sub.add_parser(
        "encrypt", help="mã hóa một cơ sở dữ liệu chưa mã hóa (mật khẩu: RASOAT_PASSPHRASE)"
    )
    p.set_defaults(handler=encrypt)
    p = sub.add_parser(
        "rekey", help="đổi mật khẩu cơ sở dữ liệu (RASOAT_PASSPHRASE → RASOAT_NEW_PASSPHRASE)"
    )
    p.set_defaults(handler=rekey)


def encrypt(ctx: CliContext, args: argparse.Namespace) -> int:
    """Encrypt a plain database with RASOAT_PASSPHRASE, as its administrator."""
    new = ctx.passphrase
    if new is None:
        raise RaSoatError("encryption.empty_passphrase")
    path = ctx.db_file
    if is_encrypted(path):
        raise RaSoatError("encryption.already", path=str(path))
    files = encryption.rekey_database(ctx.plain_database(), ctx.actor, "", new)
    ctx.say("cli.encrypted", db=str(path), files=files)
    return 0


def rekey(ctx: CliContext, args: argparse.Namespace) -> int:
    """Change an encrypted database's passphrase (RASOAT_PASSPHRASE → RASOAT_NEW_PASSPHRASE),
    as its administrator."""
    old = ctx.passphrase
    if old is None:
        raise RaSoatError("db.passphrase_required", path=str(ctx.db_file))
    new = os.environ.get("RASOAT_NEW_PASSPHRASE") or ""
    files = encryption.rekey_database(ctx.database(), ctx.actor, old, new)
    ctx.say("cli.rekeyed", db=str(ctx.db_file), files=files)
    return 0
