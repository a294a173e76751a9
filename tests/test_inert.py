"""Nothing selfeval writes is evaluated, and no control character reaches a terminal or a workbook.

End to end: forms whose every text field looks like a formula (and some with ESC/BEL) are
written by the writer, read back, validated and consolidated with --csv; then every CSV field
and every cell of every written workbook is read and checked.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from selfeval.cli import main
from selfeval.importing import example_source
from selfeval.inert import CSV_FORMULA_TRIGGERS, csv_field, csv_texts, json_text, printable
from selfeval.model import Goal, Project
from selfeval.writer import write_workbook
from support.department_books import make_project

PAYLOADS = ("=2+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=2+2", "\r=1+1", '=HYPERLINK("http://x","y")')
MARKERS = ("2+2", "cmd", "2+3", "SUM(A1)", "1+1", "HYPERLINK")  # what a payload leaves in a formula
ESCAPED = "督查\x1b[2J\x1b[H效能\x07业务"
SHEET_REFERENCE = re.compile(r"'(?:[^']|'')*'!")
TOTALS_FORMULAS = ("=SUBTOTAL(", "=IF(SUBTOTAL(", '="共"&SUBTOTAL(')  # the only formulas the summary writes


def _hostile(number: int, payload: str) -> Project:
    project = make_project(f"{payload}项目{number}", payload + "局", seed=number)
    rows = tuple(replace(row, name=payload + row.name, deviation=payload) for row in project.indicators)
    return replace(
        project,
        unit=payload,
        category=payload,
        filler=payload,
        phone=payload,
        goal=Goal(payload + "目标", payload + "目标"),
        indicators=rows,
    )


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for number, payload in enumerate(PAYLOADS):
        write_workbook([_hostile(number, payload)], folder / f"{number}.xlsx")
    with example_source() as seed:  # a text export (workbooks cannot hold ESC) with ESC and BEL
        text = seed.read_text(encoding="utf-8")
    (folder / "控制字符.txt").write_text(text.replace("\t督查效能业务\n", f"\t{ESCAPED}\n", 1), encoding="utf-8")
    return folder


def _would_evaluate(field: str) -> bool:
    """A CSV field a spreadsheet evaluates: it starts like a formula and is not a plain number."""
    if not field.startswith(CSV_FORMULA_TRIGGERS):
        return False
    try:
        float(field)
    except ValueError:
        return True
    return False


def test_csv_field_marks_formula_like_text_and_keeps_numbers() -> None:
    assert [csv_field(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert csv_field(-5.0) == -5.0 and csv_field(3) == 3 and csv_field("项目") == "项目"
    assert csv_field("a\x1bb\x07") == "ab" and csv_field("=a\x1b") == "'=a"


def test_csv_texts_does_for_a_column_what_csv_field_does_for_a_value() -> None:
    import pandas as pd

    values = [*PAYLOADS, "项目", "", "a\x1bb", "=a\x1b", "\x1b=b", "1.5", "-3"]
    assert csv_texts(pd.Series(values, dtype="str")).tolist() == [csv_field(v) for v in values]


def test_json_text_escapes_what_json_leaves_raw() -> None:
    import json

    value = {"name": "a\x1b\x9b[2J\u202eb\x7f"}
    text = json_text(json.dumps(value, ensure_ascii=False))
    assert not any(ch in text for ch in "\x1b\x9b\u202e\x7f") and json.loads(text) == value


def test_printable_shows_control_characters() -> None:
    assert printable("a\x1b[2Jb\x07\n共 0 个错误") == "a␛[2Jb␇␊共 0 个错误"
    assert printable("\u202eevil\x9b") == "\\u202eevil\\u009b"
    assert printable("普通文字 = + - @") == "普通文字 = + - @"


def test_writer_keeps_every_payload_a_string(hostile_folder: Path) -> None:
    for number, payload in enumerate(PAYLOADS):
        book = openpyxl.load_workbook(hostile_folder / f"{number}.xlsx")
        strings, formulas = set(), []
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # a quoted sheet name ('=2+2项目0'!B3) is a reference
                        formulas.append(SHEET_REFERENCE.sub("", str(cell.value)))
                    elif isinstance(cell.value, str):
                        strings.add(cell.value)
        assert payload in strings, payload
        assert not [f for f in formulas if any(m in f for m in MARKERS)], payload


def test_consolidated_outputs_hold_no_formula_from_the_forms(hostile_folder: Path, tmp_path: Path, capsys) -> None:
    out, csv_dir = tmp_path / "汇总.xlsx", tmp_path / "csv"
    inputs = [str(p) for p in sorted(hostile_folder.iterdir())]
    assert main(["consolidate", *inputs, "-o", str(out), "--csv", str(csv_dir), "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert "控制字符" in captured.out and "\x1b" not in captured.out + captured.err

    fields = 0
    for path in sorted(csv_dir.iterdir()):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        assert len(header) == len(set(header)), (path.name, header)  # no two columns of one name
        for row in rows[1:]:
            for field in row:
                fields += 1
                assert not _would_evaluate(field), (path.name, field)
                assert "\x1b" not in field and "\x07" not in field
    assert fields > 1000
    names = {r["项目名称"] for r in csv.DictReader((csv_dir / "项目.csv").open(encoding="utf-8-sig"))}
    assert "'=2+2项目0" in names and "'@SUM(A1)项目3" in names

    book = openpyxl.load_workbook(out)
    texts = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert str(cell.value).startswith(TOTALS_FORMULAS), (ws.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
                    assert "\x1b" not in cell.value and "\x07" not in cell.value
    assert "=2+2项目0" in texts and "督查[2J[H效能业务" in texts
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                xml = package.read(name).decode()
                assert not [m for m in MARKERS if f"<f>{m}" in xml or f"<f>={m}" in xml]


def test_file_names_that_look_like_formulas_are_inert_in_csv(hostile_folder: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "=1+1.xlsx").write_bytes((hostile_folder / "0.xlsx").read_bytes())
    (work / "-2.xlsx").write_bytes((hostile_folder / "2.xlsx").read_bytes())
    code = (
        "import sys; from selfeval.cli import main; "
        "sys.exit(main(['consolidate', '-o', 'out.xlsx', '--csv', 'csv', '--', '=1+1.xlsx', '-2.xlsx']))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with (work / "csv" / "问题.csv").open(encoding="utf-8-sig") as handle:
        files = {row["文件"] for row in csv.DictReader(handle)}
    assert files == {"'=1+1.xlsx", "'-2.xlsx"}


def test_validate_shows_escape_sequences_instead_of_running_them(hostile_folder: Path, capsys) -> None:
    assert main(["validate", str(hostile_folder / "控制字符.txt")]) in (0, 1)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "督查␛[2J␛[H效能␇业务" in out


def test_validate_on_a_terminal_keeps_its_own_colours_only(hostile_folder: Path) -> None:
    """Under a pseudo-terminal rich colours selfeval's words; the form's ESC is still shown as ␛."""
    from support.terminal import run_in_terminal

    _, text = run_in_terminal(["validate", str(hostile_folder / "控制字符.txt")])
    assert "␛[2J" in text and "\x1b[2J" not in text and "\x1b[H" not in text and "\x07" not in text


def test_import_of_a_text_with_escape_characters_removes_them_and_says_where(
    hostile_folder: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "导入.xlsx"
    assert main(["import", str(hostile_folder / "控制字符.txt"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "控制字符" in printed and "已删除" in printed and "!B3" in printed
    assert "\x1b" not in printed and "\x07" not in printed
    book = openpyxl.load_workbook(out)
    names = {
        ws["B3"].value for ws in book.worksheets if ws.title not in ("填表说明", "目录", "汇总", "代码表", "项目模板")
    }
    assert "督查[2J[H效能业务" in names
