"""Entry point of the bundled `rasoat-gui` program (the desktop app, no console window)."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
