"""`rasoat encrypt` and `rasoat rekey`: encrypt a plain database, change the passphrase.

Passphrases come from the environment only (RASOAT_PASSPHRASE, and RASOAT_NEW_PASSPHRASE for the
new one), never from arguments that other users of the machine could read.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from app import encryption
from app.cli.context import CliContext
from app.errors import RaSoatError


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
    if ctx.passphrase is None:
        raise RaSoatError("encryption.empty_passphrase")
    files = encryption.encrypt_database(ctx.db_file, ctx.passphrase)
    ctx.say("cli.encrypted", db=str(ctx.db_file), files=files)
    return 0


def rekey(ctx: CliContext, args: argparse.Namespace) -> int:
    new = os.environ.get("RASOAT_NEW_PASSPHRASE") or ""
    if ctx.passphrase is None:
        raise RaSoatError("db.passphrase_required", path=str(ctx.db_file))
    files = encryption.change_passphrase(ctx.db_file, ctx.passphrase, new)
    ctx.say("cli.rekeyed", db=str(ctx.db_file), files=files)
    return 0
