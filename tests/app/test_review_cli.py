"""The review procedure from the command line, with each role signing in for its own steps."""

from __future__ import annotations

import io
import json
from pathlib import Path

from app.cli import main
from tests.builders import contract_example


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_a_household_through_the_round_on_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    assert run("--db", db, "init", "--commune", "22237", "--reference-date", "2026-11-15")[0] == 0
    for user, role in (("canbo", "officer"), ("rv", "reviewer"), ("ct", "chairman")):
        assert run("--db", db, "users", "add", user, "--role", role)[0] == 0
    data = tmp_path / "h.json"
    data.write_text(json.dumps(contract_example(), ensure_ascii=False), encoding="utf-8")
    assert run("--db", db, "--user", "canbo", "import", str(data))[0] == 0

    def as_(user: str, *argv: str) -> tuple[int, str, str]:
        return run("--db", db, "--user", user, *argv)

    steps = [
        ("canbo", "review", "apply", "H001", "--form", "01", "--applicant", "Y Bhim Niê",
         "--request", "poor", "--on", "2026-09-05"),
        ("rv", "review", "screen", "H001", "--criteria", "2", "--on", "2026-09-06"),
        ("rv", "causes", "H001", "--cause", "no_land", "--main", "no_land", "--need", "credit"),
        ("rv", "review", "survey", "H001", "--on", "2026-09-10"),
        ("canbo", "review", "meeting", "--village", "Thôn 3", "--chair", "Trưởng thôn",
         "--secretary", "Thư ký", "--attendees", "20", "--group", "Hộ nghèo:H001:15",
         "--on", "2026-09-15"),
        ("canbo", "review", "post", "H001", "--on", "2026-09-16"),
    ]  # fmt: skip
    for user, *argv in steps:
        code, _, err = as_(user, *argv)
        assert code == 0, (argv, err)
    # Posted Wednesday 16 Sept for 3 working days: the final list waits until Monday 21.
    code, _, err = as_("canbo", "review", "final-list", "H001", "--on", "2026-09-18")
    assert code == 1 and "chỉ ghi được từ ngày 21/09/2026" in err
    assert as_("canbo", "review", "final-list", "H001", "--on", "2026-09-21")[0] == 0
    opinion = ("review", "opinion", "H001", "--opinion", "Thống nhất", "--on", "2026-09-22")
    assert as_("canbo", *opinion)[0] == 0
    decision = ("review", "decide", "H001", "--number", "12/QĐ-UBND", "--on", "2026-09-23")
    code, _, err = as_("rv", *decision)
    assert code == 1 and "không có quyền: Ghi quyết định của Chủ tịch UBND xã" in err
    assert as_("ct", *decision)[0] == 0
    assert as_("ct", "review", "certify", "H001", "--on", "2026-09-24")[0] == 0

    code, out, _ = as_("canbo", "review", "history", "H001")
    assert code == 0 and "Ghi quyết định của Chủ tịch" in out and "Cấp giấy chứng nhận" in out
    code, out, _ = as_("canbo", "round", "status")
    assert "Đã cấp giấy chứng nhận" in out
    code, out, _ = as_("canbo", "movements")
    new = next(line for line in out.splitlines() if line.startswith("Phát sinh mới"))
    assert new.split()[-2:] == ["1", "2"]  # 1 household, 2 persons
    assert run("--db", db, "audit", "verify")[0] == 0
    code, out, _ = as_("canbo", "round", "new", "--kind", "in_year", "--reference-date",
                       "2026-10-15")  # fmt: skip
    assert code == 0 and "Rà soát thường xuyên tháng 10/2026" in out
