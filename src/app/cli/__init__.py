"""The `rasoat` command line. With no arguments (or `rasoat gui`) it starts the desktop app.

Each command group lives in its own module `app/cli/*_commands.py` with a `register(subparsers)`
function (found automatically); handlers get a `CliContext` and return an exit status. Every
change goes through the same `app` functions as the GUI. Exit statuses: 0 success, 1 a known
error (told in plain words), 2 invalid input data.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

import app.cli
from app import __version__
from app.cli.context import CliContext
from app.errors import InvalidData, RaSoatError
from app.i18n import LANGS


def command_groups() -> list[ModuleType]:
    """Every `*_commands` module of this package, in name order."""
    names = sorted(
        m.name for m in pkgutil.iter_modules(app.cli.__path__) if m.name.endswith("_commands")
    )
    return [importlib.import_module(f"app.cli.{name}") for name in names]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rasoat",
        description="RaSoat — rà soát hộ nghèo, hộ cận nghèo (chạy không cần mạng).",
    )
    parser.add_argument("--version", action="version", version=f"RaSoat {__version__}")
    parser.add_argument(
        "--db",
        default=os.environ.get("RASOAT_DB") or None,
        help="tệp cơ sở dữ liệu hoặc URL SQLAlchemy (sqlite:///…, "
        "postgresql+psycopg://…); mặc định: biến RASOAT_DB, hoặc tệp trong thư mục dữ liệu "
        "người dùng",
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="ngôn ngữ thông báo: vi (mặc định) hoặc en",
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("RASOAT_USER") or None,
        help="tên đăng nhập (mặc định: biến RASOAT_USER); mật khẩu lấy từ biến RASOAT_PASSWORD "
        "hoặc được hỏi khi chạy trong cửa sổ dòng lệnh",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    gui = sub.add_parser("gui", help="mở ứng dụng trên màn hình")
    gui.set_defaults(handler=_run_gui)
    for group in command_groups():
        group.register(sub)
    return parser


def _run_gui(ctx: CliContext, args: argparse.Namespace) -> int:
    from ui.main import main as gui_main  # only here: `app` must not import Qt otherwise

    # The GUI keeps its language in its settings; only an explicit --lang overrides them.
    return gui_main(db_target=args.db, lang=args.lang)


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    # A frozen (installed) RaSoat starting one of intake's checking processes runs that
    # process's work here and exits; elsewhere this does nothing.
    multiprocessing.freeze_support()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None) or _run_gui
    ctx = CliContext(
        lang=args.lang or os.environ.get("RASOAT_LANG", "vi"),
        db_target=args.db,
        out=out or sys.stdout,
        err=err or sys.stderr,
        user=args.user,
    )
    try:
        return int(handler(ctx, args))
    except InvalidData as exc:
        ctx.print_problems(exc.problems)
        return 2
    except RaSoatError as exc:
        ctx.error(exc.message(ctx.lang))
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
