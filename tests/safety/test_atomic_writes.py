"""Every file RaSoat writes for the officer goes through app/atomic.py (temporary file, fsync,
rename), so a crash leaves the old file or the new one. This scan fails when code writes a
file directly; backups.py writes through SQLite and renames the same way itself."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
# Where a direct write is right, and why.
ALLOWED = {
    "app/atomic.py": "the atomic writer itself",
    "app/selftest.py": "writes only into its own temporary folder, deleted afterwards",
}
WRITING_METHODS = {"write_text", "write_bytes"}


def _direct_writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        through_atomic = isinstance(func, ast.Attribute) and (
            isinstance(func.value, ast.Name) and func.value.id == "atomic"
        )
        if isinstance(func, ast.Attribute) and func.attr in WRITING_METHODS and not through_atomic:
            found.append((node.lineno, f".{func.attr}()"))
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name == "open" and _write_mode(node):
            found.append((node.lineno, "open(..., write mode)"))
    return found


def _write_mode(call: ast.Call) -> bool:
    modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(
        isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
        for m in modes
    )


def test_no_direct_file_writes_outside_atomic() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in ALLOWED or "/migrations/" in rel:
            continue
        for line, what in _direct_writes(ast.parse(path.read_text("utf-8"))):
            offenders.append(f"{rel}:{line}: {what}")
    assert offenders == [], "write these through app.atomic:\n" + "\n".join(offenders)


def test_the_scan_finds_a_direct_write() -> None:
    tree = ast.parse(
        "Path('x').write_text('y')\nopen('z', 'wb')\natomic.write_bytes(p, b'')\nopen('r')\n"
    )
    assert [w for _, w in _direct_writes(tree)] == [".write_text()", "open(..., write mode)"]
