"""Rewrite imports of moved modules (tools/module_moves.txt) in the given files, in place.

    python tools/apply_module_moves.py FILE...      (or no arguments: every tracked text file)

Handles `import app.x`, `from app.x import y`, `from app import x` and dotted strings such as
monkeypatch targets ("app.x.name") and paths ("src/app/x.py").
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".py", ".md", ".txt", ".spec", ".toml", ".cfg", ".ini", ".nsi", ".json"}


def moves() -> list[tuple[str, str]]:
    pairs = []
    for line in (ROOT / "tools" / "module_moves.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            old, new = line.split()
            pairs.append((old, new))
    # Longest first, so app.demo_names is not taken for app.demo.
    return sorted(pairs, key=lambda p: -len(p[0]))


def rewrite(text: str, pairs: list[tuple[str, str]]) -> str:
    """One pass over the text, so a new name (app.demo.names) is never rewritten again."""
    table = dict(pairs)
    names = "|".join(re.escape(old) for old, _ in pairs)
    text = re.sub(rf"(?<![\w.])({names})(?!\w)", lambda m: table[m.group(1)], text)
    paths = {}
    for old, new in pairs:
        old_file, new_file = old.replace(".", "/") + ".py", new.replace(".", "/") + ".py"
        paths["src/" + old_file] = "src/" + new_file
        paths[old_file] = new_file  # "app/backups.py" as docstrings name modules
    path_names = "|".join(re.escape(old) for old in sorted(paths, key=len, reverse=True))
    return re.sub(rf"(?<![\w/])({path_names})", lambda m: paths[m.group(1)], text)


def main(argv: list[str]) -> int:
    files = (
        argv
        or subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    pairs = moves()
    for name in files:
        path = ROOT / name if not Path(name).is_absolute() else Path(name)
        if path.suffix not in {
            ".py",
            ".md",
            ".txt",
            ".spec",
            ".toml",
            ".cfg",
            ".ini",
            ".nsi",
            ".json",
        }:
            continue
        if not path.is_file():
            continue
        before = path.read_text(encoding="utf-8")
        after = rewrite(before, pairs)
        if after != before:
            path.write_text(after, encoding="utf-8")
            print("rewrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
