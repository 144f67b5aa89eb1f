"""The package checked with tools we did not write: pdfsig (poppler + NSS), openssl cms,
LibreOffice, pdftotext."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from app.package.manifest import MANIFEST, SIGNATURE
from app.reports import final_list, summary_tables
from app.reports.list_tables import detailed_list
from app.reports.table import DATA, format_number
from tests.app.package.conftest import Built, members, tool


@pytest.fixture(scope="module")
def nss_db(built: Built, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An NSS database that trusts the demo root, as a receiving office's would."""
    where = tmp_path_factory.mktemp("nss")
    root = built.root_pem(where)
    tool("certutil", "-N", "-d", f"sql:{where}", "--empty-password").check_returncode()
    tool("certutil", "-A", "-d", f"sql:{where}", "-n", "root", "-t", "CT,C,C", "-i", str(root))
    return f"sql:{where}"


def extract(built: Built, where: Path) -> dict[str, Path]:
    out = {}
    for name, data in members(built.result.path).items():
        path = where / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out[name] = path
    return out


def test_pdfsig_reports_every_pdf_signature_valid_and_trusted(
    built: Built, tmp_path: Path, nss_db: str
) -> None:
    pdfs = {n: p for n, p in extract(built, tmp_path).items() if n.endswith(".pdf")}
    assert len(pdfs) >= 4
    for name, path in pdfs.items():
        run = tool("pdfsig", "-nssdir", nss_db, str(path))
        # pdfsig exits 0 even for a bad signature: the verdict is in its text.
        assert "Signature Validation: Signature is Valid." in run.stdout, (name, run.stdout)
        assert "Certificate Validation: Certificate is Trusted." in run.stdout, name
        assert "Total document signed" in run.stdout, name
        assert "ETSI.CAdES.detached" in run.stdout, name


def test_pdfsig_sees_a_changed_pdf(built: Built, tmp_path: Path, nss_db: str) -> None:
    path = extract(built, tmp_path)["reports/bao-cao-tong-hop.pdf"]
    data = bytearray(path.read_bytes())
    i = data.find(b"stream") + 200
    data[i] ^= 0x01
    path.write_bytes(bytes(data))
    run = tool("pdfsig", "-nssdir", nss_db, str(path))
    assert "Signature is Valid." not in run.stdout


def test_pdffonts_all_fonts_embedded(built: Built, tmp_path: Path) -> None:
    for name, path in extract(built, tmp_path).items():
        if name.endswith(".pdf"):
            lines = tool("pdffonts", str(path)).stdout.splitlines()[2:]
            assert lines, name
            assert all(" yes yes " in line for line in lines), (name, lines)


def test_openssl_accepts_the_manifest_signature(built: Built, tmp_path: Path) -> None:
    files = extract(built, tmp_path)
    root = built.root_pem(tmp_path)
    run = tool(
        "openssl",
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(files[SIGNATURE]),
        "-content",
        str(files[MANIFEST]),
        "-CAfile",
        str(root),
        "-purpose",
        "any",
        "-out",
        str(tmp_path / "out"),
    )
    assert run.returncode == 0, run.stderr
    assert "Verification successful" in run.stderr
    assert (tmp_path / "out").read_bytes() == files[MANIFEST].read_bytes()


def test_openssl_refuses_a_changed_manifest(built: Built, tmp_path: Path) -> None:
    files = extract(built, tmp_path)
    files[MANIFEST].write_bytes(files[MANIFEST].read_bytes().replace(b'"poor": ', b'"poor":  '))
    run = tool(
        "openssl",
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(files[SIGNATURE]),
        "-content",
        str(files[MANIFEST]),
        "-CAfile",
        str(built.root_pem(tmp_path)),
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    )
    assert run.returncode != 0


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


@pytest.mark.slow
def test_libreoffice_reads_the_workbook_with_the_same_numbers(built: Built, tmp_path: Path) -> None:
    book = extract(built, tmp_path)["reports/bao-cao-ra-soat.xlsx"]
    out = tmp_path / "csv"
    run = tool(
        "soffice",
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{tmp_path}/lo",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        "--outdir",
        str(out),
        str(book),
    )
    assert run.returncode == 0, run.stderr
    tables = summary_tables(built.source)
    for table in tables:
        sheet = out / f"bao-cao-ra-soat-{table.sheet}.csv"
        assert sheet.exists(), sorted(p.name for p in out.iterdir())
        with sheet.open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[3][0] == table.title
        body = rows[6 + table.header_rows : 6 + table.header_rows + len(table.rows)]
        for got, want in zip(body, table.rows, strict=True):
            for cell, value, col in zip(got, want.values, table.columns, strict=False):
                if col.kind == "text" or value in ("", None):
                    continue
                assert _number(cell) == pytest.approx(value, abs=1e-9), (table.key, got)


def test_pdftotext_shows_the_computed_numbers(built: Built, tmp_path: Path) -> None:
    files = extract(built, tmp_path)
    text = tool("pdftotext", "-layout", str(files["reports/bao-cao-tong-hop.pdf"]), "-").stdout
    for table in summary_tables(built.source):
        assert table.title.split()[0] in text
        total = table.total_row()
        assert total is not None
        shown = [format_number(v, c.kind) for v, c in zip(total.values, table.columns, strict=True)]
        # The totals row, cell by cell, in order on one line.
        pattern = r"\s+".join(re.escape(s) for s in shown if s)
        assert re.search(pattern, text), (table.key, shown)
    assert built.result.fingerprint in text.replace("\n", "")


def test_pdftotext_lists_every_poor_and_near_poor_household(built: Built, tmp_path: Path) -> None:
    files = extract(built, tmp_path)
    text = tool("pdftotext", "-layout", str(files["reports/danh-sach-chi-tiet.pdf"]), "-").stdout
    for cls in ("poor", "near_poor"):
        table = detailed_list(built.source, cls)
        for row in table.rows:
            if row.kind == DATA and row.values[3]:
                assert row.values[3] in text
    final = tool(
        "pdftotext", "-layout", str(files["reports/phu-luc-vi-danh-sach-chinh-thuc.pdf"]), "-"
    ).stdout
    codes = [r.values[2] for r in final_list(built.source).rows if r.kind == DATA]
    assert codes and all(code in final for code in codes)
    assert len(codes) == sum(1 for r in built.source.results if r.cls in ("poor", "near_poor"))


def test_every_pdf_page_carries_the_page_number_and_fingerprint(
    built: Built, tmp_path: Path
) -> None:
    for name, path in extract(built, tmp_path).items():
        if not name.endswith(".pdf"):
            continue
        pages = tool("pdftotext", "-layout", str(path), "-").stdout.split("\f")[:-1]
        assert pages
        for n, page in enumerate(pages, 1):
            assert f"Trang {n}/{len(pages)}" in page, (name, n)
            assert built.result.fingerprint in page, (name, n)
            assert "Xã Ea Ly" in page


def test_pdf_metadata_carries_the_qr_payload(built: Built, tmp_path: Path) -> None:
    """The QR code on every page encodes the same text the PDF's metadata states."""
    files = extract(built, tmp_path)
    info = tool("pdfinfo", str(files["reports/bao-cao-tong-hop.pdf"])).stdout
    assert f"RASOAT-PKG:1:{built.result.fingerprint}" in info
    assert "Creator:" in info and "RaSoat" in info
