"""RaSoat core: everything the program does, with no Qt.

`app` imports `models`; it never imports `ui` or PySide6 (tests/test_layering.py checks it).
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("rasoat")
except _metadata.PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"
