"""The `rasoat` command line, run in-process and once as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.builders import contract_example

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, doc: object) -> str:
    path = tmp_path / "households.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_classify_json_matches_the_contract(tmp_path: Path) -> None:
    code, out, err = run("classify", write(tmp_path, contract_example()), "--json")
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "format": "rasoat.classification/1",
        "standard": "VN-MPS-2022-2025",
        "reference_date": "2026-11-15",
        "households": [
            {
                "id": "H001",
                "class": "poor",
                "deprived": [
                    "health_insurance",
                    "housing_quality",
                    "housing_area",
                    "water_source",
                    "latrine",
                ],
                "deprived_count": 5,
                "income_basis": "income",
                "income_per_capita_month": 1200000,
            }
        ],
    }


def test_classify_table_is_readable(tmp_path: Path) -> None:
    code, out, _ = run("classify", write(tmp_path, contract_example()))
    assert code == 0
    assert "H001" in out and "Hộ nghèo" in out and "1.200.000 đ" in out


def test_invalid_file_exits_2_with_path_lines(tmp_path: Path) -> None:
    doc = contract_example()
    doc["households"][0]["members"][0]["sex"] = "m"
    doc["households"][0]["housing"]["floor_area_m2"] = "lớn"
    code, out, err = run("classify", write(tmp_path, doc), "--json")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert "households[0].members[0].sex: Giá trị «m» không hợp lệ" in lines[0]
    assert lines[1] == "households[0].housing.floor_area_m2: Phải là một số."


def test_invalid_file_in_english(tmp_path: Path) -> None:
    doc = contract_example()
    doc["households"][0]["members"][0]["sex"] = "m"
    code, _, err = run("--lang", "en", "classify", write(tmp_path, doc))
    assert code == 2
    assert err.startswith('households[0].members[0].sex: Value "m" is not allowed')


def test_validate_reports_warnings_but_passes(tmp_path: Path) -> None:
    doc = contract_example()
    doc["households"][0]["members"][0]["id_number"] = "066085001234"  # year digits 85, born 1984
    code, out, err = run("validate", write(tmp_path, doc))
    assert code == 0
    assert "households[0].members[0].id_number" in err
    assert "1 hộ" in out


def test_unreadable_file_is_exit_1_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\x89PNG\r\n")
    code, _, err = run("classify", str(path))
    assert code == 1 and "UTF-8" in err


def test_init_import_export_cycle(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    # The first `init` on an empty database creates its administrator (RASOAT_USER, "tester").
    code, out, _ = run(
        "--db", db, "init", "--commune", "22237", "--village", "Thôn 3",
        "--reference-date", "2026-11-15",
    )  # fmt: skip
    assert code == 0 and "tester" in out
    # The administrator manages accounts but does not enter data: an officer imports.
    code, _, err = run("--db", db, "import", write(tmp_path, contract_example()))
    assert code == 1 and "không có quyền: Nhập tệp dữ liệu hộ" in err
    assert run("--db", db, "users", "add", "canbo", "--role", "officer")[0] == 0
    code, out, _ = run("--db", db, "--user", "canbo", "import", write(tmp_path, contract_example()))
    assert code == 0 and "1 hộ mới" in out
    code, out, _ = run("--db", db, "--user", "canbo", "classify-all")
    assert code == 0 and "1 nghèo" in out
    target = tmp_path / "out.json"
    assert run("--db", db, "--user", "canbo", "export", "--out", str(target))[0] == 0
    exported = json.loads(target.read_text("utf-8"))
    assert exported["households"][0]["members"] == contract_example()["households"][0]["members"]
    assert exported["households"][0]["status"]["class"] == "poor"
    assert run("--db", f"sqlite:///{db}", "audit", "verify")[0] == 0


def test_cli_sign_in_refuses_a_wrong_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "x.sqlite")
    assert run("--db", db, "init", "--commune", "22237")[0] == 0
    monkeypatch.setenv("RASOAT_PASSWORD", "not the password")
    code, _, err = run("--db", db, "users", "list")
    assert code == 1 and "Sai tên đăng nhập hoặc mật khẩu" in err
    monkeypatch.delenv("RASOAT_PASSWORD")
    code, _, err = run("--db", db, "users", "list")  # no terminal to ask in
    assert code == 1 and "RASOAT_PASSWORD" in err


def test_a_database_without_accounts_says_how_to_start(tmp_path: Path) -> None:
    code, _, err = run("--db", str(tmp_path / "x.sqlite"), "classify-all")
    assert code == 1 and "rasoat --user TÊN init" in err


def test_init_with_unknown_commune_code(tmp_path: Path) -> None:
    code, _, err = run("--db", str(tmp_path / "x.sqlite"), "init", "--commune", "99999")
    assert code == 1 and "99999" in err


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        db = str(tmp_path / f"{name}.sqlite")
        assert (
            run(
                "--db",
                db,
                "demo",
                "--households",
                "60",
                "--seed",
                "7",
                "--reference-date",
                "2026-11-15",
            )[0]
            == 0
        )
        target = tmp_path / f"{name}.json"
        assert run("--db", db, "--user", "canbo", "export", "--out", str(target))[0] == 0
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    households = json.loads(outputs[0])["households"]
    names = " ".join(m["name"] for h in households for m in h["members"])
    assert any(ch in names for ch in "ễặờ")  # Vietnamese with diacritics
    assert len({h["village"] for h in households}) >= 5
    assert {m.get("ethnicity") for h in households for m in h["members"]} > {"Kinh", "Ê Đê"}


def test_version_and_help_in_a_real_process() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("RaSoat ")


@pytest.mark.parametrize("args", [("standards",)])
def test_standards_lists_unverified_values(args: tuple[str, ...]) -> None:
    code, out, _ = run(*args)
    assert code == 0
    assert "VN-MPS-2027-2030" in out and "dự thảo" in out
    assert "b1.poverty.rural = 140 [unverified]" in out
