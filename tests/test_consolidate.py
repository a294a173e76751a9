"""`selfeval consolidate` end to end: a folder of good, duplicate and broken workbooks."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from selfeval.cli import main
from selfeval.writer import write_workbook
from support.department_books import department_workbook, make_project
from support.libreoffice import convert, needs_libreoffice

FORMULA_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def good_books(tmp_path_factory) -> Path:
    """Three department workbooks (10, 10 and 2 projects), written once for the module."""
    folder = tmp_path_factory.mktemp("good")
    department_workbook(folder / "教育局.xlsx", "教育局", 10, seed=1)
    department_workbook(folder / "交通局.xlsx", "交通局", 10, seed=2)
    write_workbook(
        [make_project(FORMULA_NAME, "文化局", seed=3), make_project("@SUM(A1)", "文化局", seed=4)],
        folder / "文化局.xlsx",
    )
    return folder


@pytest.fixture
def mixed_folder(good_books: Path, tmp_path: Path) -> Path:
    """Good books, a duplicate, a truncated zip, text named .xlsx and an empty workbook."""
    folder = tmp_path / "收到的报表"
    shutil.copytree(good_books, folder)
    (folder / "子目录").mkdir()
    shutil.copy(folder / "教育局.xlsx", folder / "子目录" / "教育局（重发）.xlsx")
    data = (folder / "交通局.xlsx").read_bytes()
    (folder / "截断.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "文本.xlsx").write_text("这不是工作簿", encoding="utf-8")
    Workbook().save(folder / "空白.xlsx")
    return folder


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(row) for row in wb[sheet].iter_rows(values_only=True)]


def _by_header(rows: list[tuple]) -> list[dict]:
    """The data rows under the header row (the one starting with 序号), by header."""
    top = next(i for i, row in enumerate(rows) if row[0] == "序号")
    header = rows[top]
    return [dict(zip(header, row, strict=False)) for row in rows[top + 1 :] if isinstance(row[0], int)]


def _totals(rows: list[tuple]) -> dict:
    """The totals row (starting with 合计), by header."""
    header = next(row for row in rows if row[0] == "序号")
    return dict(zip(header, next(row for row in rows if row[0] == "合计"), strict=False))


def test_mixed_folder_lists_every_input_and_counts_duplicates_once(mixed_folder: Path, tmp_path: Path, capsys):
    out = tmp_path / "汇总.xlsx"
    code = main(["consolidate", str(mixed_folder), "-o", str(out), "--jobs", "2"])
    assert code == 1  # some inputs could not be read; the summary is still written
    files = {Path(r["文件"]).name: r for r in _by_header(_rows(out, "文件清单"))}
    inputs = {p.name for p in mixed_folder.rglob("*.xlsx")}
    assert set(files) == inputs
    twins = ("教育局.xlsx", "教育局（重发）.xlsx")
    assert sorted(files[name]["状态"] for name in twins) == ["已读取", "重复文件"]
    duplicate, original = sorted(twins, key=lambda name: files[name]["状态"] != "重复文件")
    assert original in files[duplicate]["说明"] and files[duplicate]["项目数"] == 0
    assert {name: r["状态"] for name, r in files.items() if name not in twins} == {
        "交通局.xlsx": "已读取",
        "文化局.xlsx": "已读取",
        "截断.xlsx": "无法读取",
        "文本.xlsx": "无法读取",
        "空白.xlsx": "无法读取",
    }
    for name in ("截断.xlsx", "文本.xlsx", "空白.xlsx"):
        assert files[name]["说明"], name
    assert files[original]["项目数"] == 10

    projects = _by_header(_rows(out, "汇总"))
    assert len(projects) == 22  # the duplicate is not counted twice
    assert sum(r["主管部门"] == "教育局" for r in projects) == 10
    findings = _by_header(_rows(out, "问题清单"))
    x03_files = {Path(r["文件"]).name for r in findings if r["代码"] == "X03"}
    assert x03_files == {"截断.xlsx", "文本.xlsx", "空白.xlsx"}
    err = capsys.readouterr().err
    assert "无法读取" in err and "截断.xlsx" in err and "重复文件" in err
    assert "\x1b" not in err  # no progress bar or colours when not on a terminal


@needs_libreoffice
def test_summary_opens_in_libreoffice_with_text_kept_as_text(mixed_folder: Path, tmp_path: Path):
    out = tmp_path / "summary.xlsx"
    assert main(["consolidate", str(mixed_folder), "-o", str(out), "--jobs", "1"]) == 1
    pdf = convert(out, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    # re-saved by LibreOffice: totals computed by a spreadsheet, names still plain text
    resaved = openpyxl.load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    rows = list(resaved["汇总"].iter_rows(values_only=True))
    projects, totals = _by_header(rows), _totals(rows)
    names = [row["项目名称"] for row in projects]
    assert FORMULA_NAME in names and "@SUM(A1)" in names
    assert totals["项目名称"] == "共22个项目"  # SUBTOTAL(103, 项目名称) in its caption
    budgets = [row["全年预算数"] for row in projects]
    executed = [row["全年执行数"] for row in projects]
    assert totals["全年预算数"] == pytest.approx(sum(budgets))
    assert totals["执行率"] == pytest.approx(sum(executed) / sum(budgets))  # total rate, not a mean of rates
    assert set(resaved.sheetnames) >= {"汇总", "部门汇总", "问题清单", "文件清单"}


@needs_libreoffice
def test_forms_without_funds_total_to_blanks_not_errors(tmp_path: Path):
    """The seed has no funds section: rate and execution-score totals stay blank, never #DIV/0!."""
    from selfeval.importing import example_projects

    book = write_workbook(example_projects(), tmp_path / "seed.xlsx")
    out = tmp_path / "汇总表.xlsx"
    assert main(["consolidate", str(book), "-o", str(out), "--jobs", "1"]) == 0
    resaved = openpyxl.load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    for sheet in resaved.worksheets:
        errors = [
            (sheet.title, cell.coordinate, cell.value)
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("#") and cell.value.endswith(("!", "?", "A"))
        ]
        assert not errors
    totals = _totals(list(resaved["汇总"].iter_rows(values_only=True)))
    assert totals["项目名称"] == "共3个项目"


def test_formula_like_names_are_written_as_strings(good_books: Path, tmp_path: Path):
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(good_books), "-o", str(out), "--jobs", "1"]) == 0
    ws = openpyxl.load_workbook(out)["汇总"]
    cells = {c.value: c for row in ws.iter_rows(min_col=2, max_col=2) for c in row}
    assert cells[FORMULA_NAME].data_type == "s"
    assert cells["@SUM(A1)"].data_type == "s"
    with zipfile.ZipFile(out) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "HYPERLINK" in sheet_xml and not re.search(r"<f>[^<]*HYPERLINK", sheet_xml)  # text, no formula


def test_workbook_features(good_books: Path, tmp_path: Path):
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(good_books), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == ["汇总", "部门汇总", "问题清单", "文件清单"]
    ws = wb["汇总"]
    assert ws["A1"].value == "2024年度项目支出绩效自评汇总表" and ws["A2"].value == "单位：万元"
    assert any(str(c.value).startswith("制表日期：") for c in ws[2])
    header = [c.value for c in ws[3]]
    assert header == [
        "序号",
        "项目名称",
        "主管部门",
        "实施单位",
        "项目类别",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行率",
        "执行率得分",
        "产出得分",
        "效益得分",
        "满意度得分",
        "总分",
        "等级",
        "错误数",
        "警告数",
        "重复（部门汇总不计）",
        "文件",
        "工作表",
    ]
    assert ws.freeze_panes == "A4"
    table = ws.tables["ProjectSummary"]
    totals = 3 + 22 + 1
    assert table.ref == f"A3:T{totals}" and table.totalsRowCount == 1
    assert table.autoFilter.ref == f"A3:T{totals - 1}"
    assert ws.cell(4, 7).number_format == "#,##0.00" and ws.cell(4, 9).number_format == "0.0%"
    assert ws.cell(totals, 1).value == "合计"
    assert ws.cell(totals, 2).value == f'="共"&SUBTOTAL(103,B4:B{totals - 1})&"个项目"'
    assert ws.cell(totals, 7).value == f"=SUBTOTAL(109,G4:G{totals - 1})"
    assert ws.cell(totals, 14).number_format == '"均"0.0'  # an average says so
    assert ws.cell(totals + 1, 1).value.startswith("注：合计行中")
    assert ws.print_area == f"'汇总'!$A$1:$R${totals + 1}"  # 文件 and 工作表 stay on screen
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$3:$3"
    assert (
        wb["问题清单"]["A3"].value == "本次汇总的项目均未发现问题。"
    )  # these books are clean: a sentence, no empty table
    charts = [chart for sheet in wb.worksheets for chart in sheet._charts]
    assert len(charts) == 3


def test_csv_files_are_utf8_with_bom(good_books: Path, tmp_path: Path):
    out, csv_dir = tmp_path / "汇总.xlsx", tmp_path / "csv"
    assert main(["consolidate", str(good_books), "-o", str(out), "--csv", str(csv_dir)]) == 0
    names = sorted(p.name for p in csv_dir.iterdir())
    assert names == sorted(["项目.csv", "指标.csv", "问题.csv"])
    projects = (csv_dir / "项目.csv").read_bytes()
    assert projects.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((csv_dir / "项目.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 22 and rows[0]["文件"] and "项目名称" in rows[0]
    indicators = list(csv.DictReader((csv_dir / "指标.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(indicators) == 22 * 5
    assert (csv_dir / "问题.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_usage_errors_exit_2(tmp_path: Path, good_books: Path, capsys):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(empty), "-o", str(out)]) == 2
    assert "没有找到" in capsys.readouterr().err
    assert main(["consolidate", str(tmp_path / "不存在"), "-o", str(out)]) == 2
    assert "找不到" in capsys.readouterr().err
    assert main(["consolidate", str(good_books), "-o", str(tmp_path / "汇总.csv")]) == 2
    assert main(["consolidate", str(good_books), "-o", str(out), "--jobs", "0"]) == 2
    assert not out.exists()


def test_never_overwrites_an_input_or_a_foreign_file(tmp_path: Path, good_books: Path, capsys):
    book = tmp_path / "教育局.xlsx"
    shutil.copy(good_books / "教育局.xlsx", book)
    before = book.read_bytes()
    assert main(["consolidate", str(book), "-o", str(book)]) == 2
    assert book.read_bytes() == before
    other = tmp_path / "别人的表.xlsx"
    Workbook().save(other)
    foreign = other.read_bytes()
    assert main(["consolidate", str(book), "-o", str(other)]) == 2
    assert other.read_bytes() == foreign
    assert "不是 selfeval 生成的汇总表" in capsys.readouterr().err
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(book), "-o", str(out)]) == 0
    # run again on the whole folder: the earlier summary is replaced, not read as an input
    assert main(["consolidate", str(tmp_path), "-o", str(out)]) == 1  # 别人的表.xlsx has no form
    listed = [Path(r["文件"]).name for r in _by_header(_rows(out, "文件清单"))]
    assert sorted(listed) == ["别人的表.xlsx", "教育局.xlsx"]
    assert not list(tmp_path.glob(".*tmp"))  # no temp file left behind


def test_parallel_and_serial_reading_agree(good_books: Path, mixed_folder: Path):
    from selfeval.consolidate import consolidate_files, frames_from_rows
    from selfeval.sources import expand_paths

    files, _ = expand_paths([mixed_folder])
    serial = frames_from_rows(consolidate_files(files, jobs=1))
    parallel = frames_from_rows(consolidate_files(files, jobs=2))
    assert serial.projects.equals(parallel.projects)
    assert serial.findings.equals(parallel.findings)


def test_validate_path_does_not_load_pandas():
    code = (
        "import sys, selfeval.cli, selfeval.validation, selfeval.consolidate.rows;"
        "print(sorted(m for m in ('pandas', 'pandera') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_csv_target_that_is_a_file_is_a_clear_error(good_books: Path, tmp_path: Path, capsys):
    not_a_folder = tmp_path / "导出"
    not_a_folder.write_text("已有文件", encoding="utf-8")
    code = main(
        ["consolidate", str(good_books / "文化局.xlsx"), "-o", str(tmp_path / "汇总.xlsx"), "--csv", str(not_a_folder)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "无法写入" in err and "导出" in err and "Traceback" not in err
    assert not_a_folder.read_text(encoding="utf-8") == "已有文件"


def test_progress_bar_on_a_terminal_only(good_books: Path, tmp_path: Path):
    """Run the command under a pseudo-terminal: the bar is drawn on stderr there."""
    from support.terminal import run_in_terminal

    out = tmp_path / "汇总.xlsx"
    code, text = run_in_terminal(["consolidate", str(good_books), "-o", str(out), "--jobs", "1"])
    assert code == 0
    assert "读取工作簿" in text and "3/3" in text
    assert out.exists()
