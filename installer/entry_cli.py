"""Entry point of the bundled `rasoat` command (the console program; no argument opens the app)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
