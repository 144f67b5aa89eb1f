"""Where the data files in `resources/` live: in a source tree or a frozen bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: beside `src/` in a checkout, or inside the bundle when frozen.

    `RASOAT_RESOURCES` overrides both, so an officer's corrected copy of the data can be used
    without a new release.
    """
    override = os.environ.get("RASOAT_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
