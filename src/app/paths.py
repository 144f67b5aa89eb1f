"""Where RaSoat keeps its files on the officer's machine (platformdirs), or beside it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "RaSoat"


def data_dir() -> Path:
    """The user's data folder; `RASOAT_HOME` overrides it (tests, portable installs).

    A portable build (a `portable.txt` file beside the executable) keeps its data in `data/`
    beside the program, so a USB stick carries both.
    """
    override = os.environ.get("RASOAT_HOME")
    if override:
        return Path(override)
    if getattr(sys, "frozen", False):
        exe_dir = Path(sys.executable).resolve().parent
        if (exe_dir / "portable.txt").exists():
            return exe_dir / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "rasoat.sqlite"


def user_standards_dir() -> Path:
    """Standard packs corrected by an officer; a higher revision here overrides the shipped pack."""
    return data_dir() / "standards"


def user_survey_dir() -> Path:
    """Phiếu B code lists corrected by an officer (causes of poverty, support needs); a higher
    revision here overrides the shipped list (app/survey_codes.py)."""
    return data_dir() / "survey"
