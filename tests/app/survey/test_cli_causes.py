"""`rasoat causes`: the code list, recording a household's answers, refusing unknown codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import select

from app.cli import main
from app.storage import open_database
from models import Assessment, AuditEvent
from tests.builders import contract_example
from tests.snapshot import db_snapshot

# Signing in is audited even when the command is then refused: compare the data, not the trail.
TABLES = ("assessments", "households", "household_versions", "members", "warning_confirmations")


def data(database: object) -> dict[str, object]:
    return {k: v for k, v in db_snapshot(database).items() if k in TABLES}  # type: ignore[arg-type]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_causes_are_listed_recorded_and_refused_when_unknown(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    assert run("--db", db, "--user", "tester", "init", "--commune", "22237")[0] == 0
    assert run("--db", db, "--user", "tester", "users", "add", "canbo", "--role", "officer")[0] == 0
    file = tmp_path / "h.json"
    file.write_text(json.dumps(contract_example(), ensure_ascii=False), encoding="utf-8")
    assert run("--db", db, "--user", "canbo", "import", str(file))[0] == 0

    code, out, _ = run("--db", db, "causes", "--codes")
    assert code == 0 and "no_land" in out and "Thiếu đất sản xuất" in out and "Vay vốn" in out

    argv = ("--db", db, "--user", "canbo", "causes", "H001")
    code, out, _ = run(*argv, "--cause", "no_tools", "--cause", "no_land", "--main", "no_land",
                       "--need", "housing")  # fmt: skip
    assert code == 0, out
    assert "Nguyên nhân nghèo: Thiếu đất sản xuất, Thiếu công cụ sản xuất" in out
    assert "Nguyên nhân chính: Thiếu đất sản xuất" in out and "Nhu cầu hỗ trợ: Nhà ở" in out
    database = open_database(db)
    with database.sessions() as s:
        a = s.scalars(select(Assessment)).one()
        # Stored in the code list's order, whatever order they were typed in.
        assert (a.causes, a.main_cause, a.support_needs) == (
            "no_land,no_tools",
            "no_land",
            "housing",
        )
        assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
            "household.update"
        )
    before = data(database)
    database.dispose()

    code, out, err = run(*argv, "--cause", "drought")
    assert code != 0 and "drought" in err and "không có trong danh mục" in err
    database = open_database(db)
    assert data(database) == before
    database.dispose()
    code, out, _ = run("--db", db, "--user", "canbo", "causes", "H001")
    assert code == 0 and "Thiếu công cụ sản xuất" in out
