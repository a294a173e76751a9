"""sources: real workbooks (written here with openpyxl, not by selfeval) → Projects or X03 findings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from selfeval import sources
from selfeval.model import Severity
from selfeval.sources import SourceResult, expand_paths, read_source
from support.form_layouts import (
    NATIONAL_DEVIATION,
    NATIONAL_DONE,
    NATIONAL_GOAL,
    NATIONAL_MERGES,
    SEED_DEVIATION,
    SEED_DONE,
    SEED_GOAL,
    SEED_MERGES,
    national_rows,
    seed_rows,
)
from support.libreoffice import convert, needs_libreoffice
from support.packages import edit_part


def write_form(ws: Worksheet, rows: list[list[object]], merges: list[str], top: int = 1, left: int = 1) -> None:
    """Write `rows` with their top-left cell at (top, left), merging as the paper form does."""
    for merge in merges:
        cells = CellRange(merge)
        cells.shift(col_shift=left - 1, row_shift=top - 1)
        ws.merge_cells(cells.coord)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "":
                ws.cell(top + r, left + c, value)


def only_x03(result: SourceResult) -> str:
    assert result.status == "unreadable"
    assert result.projects == []
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert (finding.code, finding.severity) == ("X03", Severity.ERROR)
    assert result.path in finding.message
    return finding.message


# --- done-when: two differently laid-out forms in one workbook ----------------------------


@pytest.fixture
def two_forms(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "填表说明"
    guide["A1"] = "填表说明"
    guide["A2"] = "1. 项目名称：填写预算批复的项目名称；一级指标、二级指标按附表填写。"
    write_form(book.create_sheet("督查效能"), seed_rows(), SEED_MERGES, top=3, left=2)
    write_form(book.create_sheet("养老服务"), national_rows(), NATIONAL_MERGES)
    hidden = book.create_sheet("旧表")
    write_form(hidden, national_rows(), NATIONAL_MERGES)
    hidden.sheet_state = "hidden"
    path = tmp_path / "两种表样.xlsx"
    book.save(path)
    return path


def test_two_differently_laid_out_forms_read_with_every_field(two_forms: Path) -> None:
    result = read_source(two_forms)
    assert result.status == "ok" and result.findings == []
    assert [p.sheet for p in result.projects] == ["督查效能", "养老服务"]  # guide: not a form; hidden: skipped
    seed, national = result.projects

    # the seed's layout, placed at B3
    assert seed.source == str(two_forms)
    assert (seed.name, seed.department, seed.unit, seed.year) == (
        "督查效能业务",
        "鄂州市督查考评办公室",
        "鄂州市督查考评办公室",
        2021,
    )
    assert (seed.category, seed.attribute, seed.kind) == ("部门预算项目", "持续性项目", "常年性项目")
    assert (seed.goal.expected, seed.goal.actual) == (SEED_GOAL, SEED_DONE)
    assert seed.funds is None
    assert (seed.stated_total, seed.stated_grade, seed.filler, seed.phone, seed.date) == (None, "", "", "", "")
    assert seed.cells == {
        "year": "B3",
        "name": "C4",
        "department": "C5",
        "unit": "F5",
        "category": "C6",
        "attribute": "C7",
        "kind": "C8",
        "goal.expected": "C10",
        "goal.actual": "F10",
        "indicators": "B12",
    }
    assert seed.formulas == {} and seed.notes == ()
    assert [
        (i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation, i.level1_inferred, i.row)
        for i in seed.indicators
    ] == [
        ("产出指标", "成本指标", "召开培训会议，组织相关人员业务培训", "100%", "100%", None, 25.0, "", True, 13),
        (
            "产出指标",
            "数量指标",
            "召开会议1次、组织业务培训1次、学习调研2次",
            "100%",
            "100%",
            None,
            23.0,
            SEED_DEVIATION,
            True,
            14,
        ),
        ("产出指标", "质量指标", "传达布置党委工作任务", "100%", "100%", None, 25.0, "", True, 16),
        (
            "效益指标",
            "经济效益指标",
            "推进全市重大决策部署落实和重大项目建设",
            "100％",
            "100%",
            None,
            25.0,
            "",
            True,
            17,
        ),
    ]
    seed_columns = {
        "level1": "B",
        "level2": "C",
        "name": "D",
        "target": "E",
        "actual": "F",
        "score": "G",
        "deviation": "H",
    }
    for item in seed.indicators:
        assert item.cells == {key: f"{col}{item.row}" for key, col in seed_columns.items()}
        assert item.raw == {}

    # the national layout, at A1
    assert (national.name, national.department, national.unit, national.year) == (
        "社区居家养老服务补助",
        "某市民政局",
        "某市养老服务指导中心",
        2022,
    )
    assert (national.category, national.attribute, national.kind) == ("", "", "")
    assert (national.goal.expected, national.goal.actual) == (NATIONAL_GOAL, NATIONAL_DONE)
    assert (national.stated_total, national.stated_grade) == (94.83, "优")
    assert (national.filler, national.phone, national.date) == ("张三", "13800000000", "2023-01-15")
    funds = national.funds
    assert funds is not None
    lines = [funds.total, funds.fiscal, funds.carryover, funds.other]
    assert [(ln.initial, ln.budget, ln.executed) for ln in lines] == [
        (200.0, 180.0, 171.0),
        (150.0, 150.0, 141.0),
        (50.0, 30.0, 30.0),
        (None, None, None),
    ]
    assert (funds.weight, funds.stated_rate, funds.stated_score, funds.bad_cells) == (10.0, 0.95, 9.5, {})
    expected_cells = {
        "year": "A2", "name": "B3", "department": "B4", "unit": "G4", "funds": "A5",
        "funds.weight": "F6", "funds.rate": "G6", "funds.score": "H6",
        "goal.expected": "B11", "goal.actual": "F11", "indicators": "B12", "total": "H21", "weight_total": "G21",
        "grade": "B22", "filler": "B23", "phone": "E23", "date": "H23",
        "level1.产出指标": "B13", "level1.效益指标": "B18", "level1.满意度指标": "B20",
    }  # fmt: skip
    for line, row in (("total", 6), ("fiscal", 7), ("carryover", 8), ("other", 9)):
        for col, letter in (("initial", "C"), ("budget", "D"), ("executed", "E")):
            expected_cells[f"funds.{line}.{col}"] = f"{letter}{row}"
    assert national.cells == expected_cells
    assert [
        (i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation, i.level1_inferred, i.row)
        for i in national.indicators
    ] == [
        ("产出指标", "数量指标", "服务老年人数", "≥1000人", "1050人", 20.0, 20.0, "", False, 13),
        ("产出指标", "数量指标", "开展活动场次", "≥12场", "10场", 10.0, 8.33, NATIONAL_DEVIATION, False, 14),
        ("产出指标", "质量指标", "服务合格率", "≥95%", "98%", 10.0, 10.0, "", False, 15),
        ("产出指标", "成本指标", "人均服务成本", "≤1800元", "1710元", 10.0, 10.0, "", False, 17),
        ("效益指标", "社会效益指标", "老年人生活质量", "有效提升", "有效提升", 30.0, 27.0, "", False, 18),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "93%", 10.0, 10.0, "", False, 20),
    ]
    national_columns = {
        "level1": "B",
        "level2": "C",
        "name": "D",
        "target": "E",
        "actual": "F",
        "weight": "G",
        "score": "H",
        "deviation": "I",
    }
    for item in national.indicators:
        assert item.cells == {key: f"{col}{item.row}" for key, col in national_columns.items()}


# --- bad input -----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "文件不存在" in only_x03(read_source(tmp_path / "没有这个文件.xlsx"))


def test_text_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "假的.xlsx"
    path.write_text("项目名称,某项目\n", encoding="utf-8")
    assert "不是有效的 Excel 文件" in only_x03(read_source(path))


def test_truncated_workbook(two_forms: Path, tmp_path: Path) -> None:
    data = two_forms.read_bytes()
    path = tmp_path / "截断.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    assert "可能已损坏或被截断" in only_x03(read_source(path))


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "0 字节" in only_x03(read_source(path))


def test_password_protected_workbook(two_forms: Path, tmp_path: Path) -> None:
    # A real encrypted package (ECMA-376 agile encryption inside an OLE container, as Excel
    # writes with 设置打开密码), made by msoffcrypto-tool, which oletools depends on.
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    path = tmp_path / "加密.xlsx"
    with open(two_forms, "rb") as plain, open(path, "wb") as encrypted:
        ooxml.OOXMLFile(plain).encrypt("密码123", encrypted)
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert "文件已加密" in only_x03(read_source(path))


@needs_libreoffice
def test_old_xls_content_under_an_xlsx_name(two_forms: Path, tmp_path: Path) -> None:
    xls = convert(two_forms, "xls", tmp_path / "lo")
    renamed = tmp_path / "其实是xls.xlsx"
    shutil.copy(xls, renamed)
    message = only_x03(read_source(renamed))
    assert "旧版 Excel（.xls）" in message and "扩展名改为 .xls" in message


@needs_libreoffice
def test_old_xls_workbooks_are_read_like_xlsx(two_forms: Path, tmp_path: Path) -> None:
    """Offices still keep .xls files: python-calamine reads them, every field as from the .xlsx."""
    xls = convert(two_forms, "xls", tmp_path / "lo")
    from_xls, from_xlsx = read_source(xls), read_source(two_forms)
    assert from_xls.status == "ok" and not from_xls.findings
    assert [p.name for p in from_xls.projects] == [p.name for p in from_xlsx.projects]
    for old, new in zip(from_xls.projects, from_xlsx.projects, strict=False):
        assert (old.year, old.department, old.unit, old.funds, old.goal) == (
            new.year,
            new.department,
            new.unit,
            new.funds,
            new.goal,
        )
        assert [(i.level2, i.name, i.weight, i.score) for i in old.indicators] == [
            (i.level2, i.name, i.weight, i.score) for i in new.indicators
        ]
        assert old.cells == new.cells


@needs_libreoffice
def test_wps_et_files_are_read_by_their_content(two_forms: Path, tmp_path: Path) -> None:
    """WPS 表格 saves .et as an .xlsx package (new versions) or as an .xls compound file (old)."""
    expected = [p.name for p in read_source(two_forms).projects]
    new_et, old_et = tmp_path / "新版.et", tmp_path / "旧版.et"
    shutil.copy(two_forms, new_et)
    shutil.copy(convert(two_forms, "xls", tmp_path / "lo"), old_et)
    for path in (new_et, old_et):
        result = read_source(path)
        assert result.status == "ok" and result.findings == [], path
        assert [p.name for p in result.projects] == expected


def test_workbook_without_any_form(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    summary = book.create_sheet("汇总")
    summary.append(["项目名称", "主管部门", "总分", "自评等级"])
    summary.append(["甲", "乙", 95, "优"])
    path = tmp_path / "无表.xlsx"
    book.save(path)
    assert "没有找到自评表" in only_x03(read_source(path))


def test_sheet_of_100000_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    data = book.create_sheet("数据")
    data.append(["编号", "名称", "金额"])
    for i in range(100_000):
        data.append([i, f"记录{i}", i * 1.5])
    path = tmp_path / "大表.xlsx"
    book.save(path)
    assert "没有找到自评表" in only_x03(read_source(path))


def test_long_sheet_beside_a_form_does_not_hide_the_form(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    write_form(book.active, national_rows(), NATIONAL_MERGES)
    data = book.create_sheet("明细")
    for i in range(20_000):
        data.append([i, f"记录{i}"])
    path = tmp_path / "表和明细.xlsx"
    book.save(path)
    result = read_source(path)
    assert result.status == "ok" and result.findings == []
    assert [p.name for p in result.projects] == ["社区居家养老服务补助"]


def test_unreadable_form_sheet_is_reported_and_the_others_still_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    write_form(book.active, national_rows(), NATIONAL_MERGES)
    book.active.title = "好表"
    broken = book.create_sheet("坏表")
    rows = national_rows()
    rows[11] = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "", "分值", "", ""]
    write_form(broken, rows, [])
    path = tmp_path / "一好一坏.xlsx"
    book.save(path)
    result = read_source(path)
    assert result.status == "ok"
    assert [p.sheet for p in result.projects] == ["好表"]
    [finding] = result.findings
    assert (finding.code, finding.sheet, finding.cell) == ("X03", "坏表", "B12")
    assert finding.location == "坏表!B12"
    assert "「实际完成值」" in finding.message  # a missing 得分 column alone is S09, not X03
    assert str(path) in finding.message and "坏表" in finding.message


def test_only_unreadable_forms_make_the_file_unreadable(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["2021年度某项目自评表"])
    book.active.append(["项目名称", "某项目"])
    path = tmp_path / "无指标表.xlsx"
    book.save(path)
    message = only_x03(read_source(path))
    assert "A2" in message and "表头" in message


def test_corrupt_sheet_part(two_forms: Path, tmp_path: Path) -> None:
    path = tmp_path / "坏了一页.xlsx"
    edit_part(two_forms, path, "xl/worksheets/sheet2.xml", lambda data: data[: len(data) // 2])  # 督查效能
    result = read_source(path)
    assert result.status == "ok"
    assert [p.sheet for p in result.projects] == ["养老服务"]
    [finding] = result.findings
    assert (finding.code, finding.sheet) == ("X03", "督查效能")
    assert "损坏" in finding.message


# --- X01 support: what computed cells of a template sheet hold ------------------------------


def template_like(path: Path, typed_grade: object = None) -> Path:
    """A national form marked as a template sheet (校验状态) with formulas in its computed cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目1"
    rows = national_rows()
    rows.insert(0, ["校验状态", "", "", "", "", "", "", "", ""])
    write_form(sheet, rows, [])
    sheet["G7"] = '=IF(D7=0,"",E7/D7)'
    sheet["H7"] = "=F7*MIN(G7,1)"
    sheet["H22"] = "=H7+SUM(H13:H21)"
    sheet["B23"] = typed_grade if typed_grade is not None else '=IF(H22>=90,"优",IF(H22>=80,"良","中"))'
    other = book.create_sheet("项目2")
    write_form(other, national_rows(), NATIONAL_MERGES)  # not a template sheet: no 校验状态
    book.save(path)
    return path


def test_template_formulas_are_read(tmp_path: Path) -> None:
    path = template_like(tmp_path / "模板.xlsx")
    result = read_source(path)
    assert result.status == "ok" and result.findings == []
    template, plain = result.projects
    assert template.cells["status"] == "B1"
    # read with the sheet: every computed cell, as X01 sees it
    assert template.formulas == {
        "funds.rate": '=IF(D7=0,"",E7/D7)',
        "funds.score": "=F7*MIN(G7,1)",
        "total": "=H7+SUM(H13:H21)",
        "grade": '=IF(H22>=90,"优",IF(H22>=80,"良","中"))',
    }
    assert plain.formulas == {}


def test_typed_constant_over_a_formula_is_read_as_typed(tmp_path: Path) -> None:
    result = read_source(template_like(tmp_path / "改写.xlsx", typed_grade="良"))
    assert result.projects[0].formulas["grade"] == "良"
    assert result.projects[0].stated_grade == "良"


def test_cells_are_not_read_again_without_template_sheets_or_numeric_values(
    two_forms: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selfeval import xlsxcells

    def must_not_run(*args: object) -> None:
        raise AssertionError("formula cells read for a workbook without template sheets")

    monkeypatch.setattr(xlsxcells, "read_cell_contents", must_not_run)
    monkeypatch.setattr(xlsxcells, "percent_cells", must_not_run)
    monkeypatch.setattr(xlsxcells, "read_cells", must_not_run)
    result = read_source(two_forms)
    assert result.status == "ok" and result.findings == []


@needs_libreoffice
def test_formulas_survive_a_spreadsheet_application_round_trip(tmp_path: Path) -> None:
    # LibreOffice recalculates and writes cached values (and its own XML: shared strings,
    # shared formulas): calamine reads the values, the formula reader still sees formulas.
    source = template_like(tmp_path / "模板.xlsx")
    saved = convert(source, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    result = read_source(saved)
    template = result.projects[0]
    assert template.funds is not None and template.funds.stated_rate == pytest.approx(0.95)
    assert template.stated_total == pytest.approx(9.5 + 20 + 8.33 + 10 + 10 + 27 + 10)
    assert template.stated_grade == "优"
    assert all(template.formulas[key].startswith("=") for key in ("funds.rate", "funds.score", "total", "grade"))
    assert "SUM(H13:H21)" in template.formulas["total"]


def test_shared_formula_dependents_and_shared_strings(tmp_path: Path) -> None:
    # Hand-edit the sheet XML the way Excel writes it: a shared formula whose dependent
    # cell has no text of its own, and a typed constant held in the shared-string table.
    from selfeval.xlsxcells import read_cell_contents

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表"
    sheet["A1"], sheet["A2"], sheet["B3"] = 1, 2, "typed"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    edited = tmp_path / "shared.xlsx"
    shared = (
        b'<row r="5"><c r="C5"><f t="shared" ref="C5:C6" si="0">A1*2</f><v>2</v></c></row>'
        b'<row r="6"><c r="C6"><f t="shared" si="0"/><v>4</v></c></row></sheetData>'
    )
    edit_part(plain, edited, "xl/worksheets/sheet1.xml", lambda data: data.replace(b"</sheetData>", shared))
    found = read_cell_contents(edited, {"表": ["C5", "C6", "B3", "A2", "Z9"], "没有的表": ["A1"]})
    assert found == {"表": {"C5": "=A1*2", "C6": "=A1*2", "B3": "typed", "A2": "2", "Z9": ""}}


# --- paths ---------------------------------------------------------------------------------


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "b" / "深层").mkdir(parents=True)
    for name in ("b/深层/z.xlsx", "b/a.XLSM", "b/~$a.xlsx", "b/说明.pdf", "b/c.xls", "a.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    single = tmp_path / "b" / "说明.pdf"
    files, errors = expand_paths(
        [tmp_path / "b", single, tmp_path / "a.xlsx", tmp_path / "b" / "a.XLSM", tmp_path / "无"]
    )
    assert files == [
        tmp_path / "b" / "a.XLSM",
        tmp_path / "b" / "c.xls",
        tmp_path / "b" / "深层" / "z.xlsx",
        single,
        tmp_path / "a.xlsx",
    ]
    assert errors == [f"找不到文件或文件夹：{tmp_path / '无'}"]
    # the PDF comes from the folder scan too (nothing in a folder is dropped) and is skipped
    skipped = read_source(single)
    assert (skipped.status, skipped.findings, skipped.projects) == ("skipped", [], [])
    assert "不是自评表的文件类型（.pdf）" in skipped.note


def test_word_and_text_importers_are_registered(tmp_path: Path) -> None:
    seed = Path(__file__).parent / "fixtures" / "seed_2021_ezhou.txt"
    result = read_source(seed)
    assert result.status == "ok" and result.findings == []
    assert [(p.name, p.year, len(p.indicators)) for p in result.projects] == [
        ("督查效能业务", 2021, 4),
        ("绩效目标管理和考核业务", 2021, 2),
        ("作风建设", 2021, 2),
    ]
    (tmp_path / "a.docx").write_bytes(b"x")
    (tmp_path / "b.txt").write_bytes(b"x")
    files, _ = expand_paths([tmp_path])
    assert [f.name for f in files] == ["a.docx", "b.txt"]


def test_reader_registry_accepts_new_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selfeval.grid import Grid

    def read_lines(path: Path):  # type: ignore[no-untyped-def]
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
        yield Grid(rows, source=str(path))
        yield sources.SourceError("第二部分无法读取", cell="第 2 节")

    monkeypatch.setitem(sources.READERS, ".tsv", read_lines)
    path = tmp_path / "表.tsv"
    lines = ["\t".join(str(v) for v in row) for row in national_rows()]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_source(path)
    assert result.status == "ok"
    assert [p.name for p in result.projects] == ["社区居家养老服务补助"]
    assert result.projects[0].sheet is None and result.projects[0].source == str(path)
    assert [(f.code, f.cell) for f in result.findings] == [("X03", "第 2 节")]


def test_no_traceback_from_a_broken_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path):  # type: ignore[no-untyped-def]
        raise ValueError("bug")
        yield  # pragma: no cover

    monkeypatch.setitem(sources.READERS, ".bad", broken)
    path = tmp_path / "x.bad"
    path.write_text("x")
    assert "意外错误（ValueError）" in only_x03(read_source(path))


def test_dates_and_numbers_through_calamine(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    write_form(book.active, national_rows(), NATIONAL_MERGES)
    book.active["H23"] = dt.datetime(2023, 1, 15, 0, 0)
    book.active["E23"] = "027-8888 1234"
    path = tmp_path / "日期.xlsx"
    book.save(path)
    project = read_source(path).projects[0]
    assert (project.date, project.phone) == ("2023-01-15", "027-8888 1234")


# --- the project's own template is read like any other form ---------------------------------


def test_committed_template_reads_back_at_the_layout_addresses(tmp_path: Path) -> None:
    from selfeval.layout import SheetLayout, project_sheet_name
    from selfeval.template import DEFAULT_TEMPLATE_PATH

    if not DEFAULT_TEMPLATE_PATH.exists():
        pytest.skip("the template workbook has not been built")
    layout = SheetLayout()
    path = tmp_path / "填好的.xlsx"
    shutil.copy(DEFAULT_TEMPLATE_PATH, path)
    book = openpyxl.load_workbook(path)
    sheet = book[project_sheet_name(1)]
    sheet[layout.cells["name"]] = "测试项目"
    row = layout.first_indicator_row
    for key, value in (("name", "培训人数"), ("target", "≥100人"), ("actual", "120人"), ("weight", 20), ("score", 20)):
        sheet[layout.indicator_cell(key, row)] = value
    book.save(path)

    result = read_source(path)
    assert result.status == "ok" and result.findings == []
    [project] = result.projects  # 填表说明, 目录, 汇总, 代码表 are not forms; the master sheet is hidden
    assert project.sheet == project_sheet_name(1)
    assert project.name == "测试项目"
    for key, address in project.cells.items():
        assert layout.cells.get(key, address) == address, key  # "funds" is the block's label: not in layout
    assert {"name", "status", "total", "grade", "funds.rate", "indicators"} <= set(project.cells)
    [item] = project.indicators  # the template's pre-filled, otherwise empty rows are placeholders
    assert (item.level1, item.level2, item.name, item.weight, item.score) == (
        "产出指标",
        "数量指标",
        "培训人数",
        20.0,
        20.0,
    )
    assert item.cells["target"] == layout.indicator_cell("target", row)
    assert set(project.formulas) == {"funds.rate", "funds.score", "total", "grade"}
    assert all(content.startswith("=") for content in project.formulas.values())


def test_damaged_bytes_never_raise(two_forms: Path, tmp_path: Path) -> None:
    import random

    data = two_forms.read_bytes()
    generator = random.Random(20240601)
    statuses = set()
    for attempt in range(40):
        damaged = bytearray(data)
        start = generator.randrange(len(damaged))
        for i in range(start, min(len(damaged), start + generator.randrange(1, 200))):
            damaged[i] = generator.randrange(256)
        path = tmp_path / f"坏{attempt}.xlsx"
        path.write_bytes(bytes(damaged))
        result = read_source(path)
        statuses.add(result.status)
        assert result.status == "ok" or result.findings
        assert all(f.code == "X03" and str(path) in f.message for f in result.findings)
    assert "unreadable" in statuses


def test_percentages_typed_in_excel_read_as_percent_text(tmp_path: Path) -> None:
    # Excel stores `98%` typed in a cell as 0.98 with a percent number format; calamine gives 0.98.
    book = openpyxl.Workbook()
    sheet = book.active
    write_form(sheet, national_rows(), NATIONAL_MERGES)
    sheet["F15"], sheet["F15"].number_format = 0.98, "0%"  # 服务合格率
    sheet["E20"], sheet["E20"].number_format = 0.9, "0.00%"  # 服务对象满意度 target
    sheet["F20"], sheet["F20"].number_format = 0.935, "[Blue]0.0%;[Red]-0.0%"
    sheet["F13"] = 1050  # a plain number stays a number
    path = tmp_path / "百分比.xlsx"
    book.save(path)
    project = read_source(path).projects[0]
    quality = next(i for i in project.indicators if i.name == "服务合格率")
    satisfaction = next(i for i in project.indicators if i.name == "服务对象满意度")
    people = next(i for i in project.indicators if i.name == "服务老年人数")
    assert quality.actual == "98%"
    assert (satisfaction.target, satisfaction.actual) == ("90%", "93.5%")
    assert people.actual == "1050"


def _template_with_percent(path: Path) -> Path:
    template_like(path, typed_grade="良")  # a typed grade over the grade formula
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    sheet["F16"], sheet["F16"].number_format = 0.98, "0%"  # 服务合格率 (one row lower: 校验状态 on top)
    book.save(path)
    return path


def test_formulas_and_percent_formats_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selfeval import xlsxcells

    def must_not_run(*args: object) -> None:
        raise AssertionError("the package was read again")

    monkeypatch.setattr(xlsxcells, "read_cell_contents", must_not_run)
    monkeypatch.setattr(xlsxcells, "percent_cells", must_not_run)
    result = read_source(_template_with_percent(tmp_path / "模板.xlsx"))
    assert result.findings == []
    template = result.projects[0]
    assert template.formulas["grade"] == "良" and template.formulas["total"] == "=H7+SUM(H13:H21)"
    assert next(i for i in template.indicators if i.name == "服务合格率").actual == "98%"


def test_broken_styles_keep_the_formulas_and_the_numbers(tmp_path: Path) -> None:
    # calamine tolerates a cell format whose numFmtId is not a number; the percent check cannot
    # read it, and that must not cost the formula check (nor any finding, nor the number)
    source = _template_with_percent(tmp_path / "模板.xlsx")
    path = tmp_path / "样式损坏.xlsx"
    edit_part(
        source,
        path,
        "xl/styles.xml",
        lambda data: data.replace(
            b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton',
            b'<xf numFmtId="none" fontId="0" fillId="0" borderId="0" pivotButton',
            1,
        ),
    )
    with zipfile.ZipFile(path) as package:
        assert b'numFmtId="none"' in package.read("xl/styles.xml")
    result = read_source(path)
    assert result.status == "ok" and result.findings == []
    template = result.projects[0]
    assert template.formulas["grade"] == "良" and template.formulas["total"] == "=H7+SUM(H13:H21)"
    assert next(i for i in template.indicators if i.name == "服务合格率").actual == "0.98"


def test_x01_end_to_end_a_constant_typed_over_the_total(tmp_path: Path) -> None:
    """A clerk overwrites the 总分 formula with 99: X01 names the cell, P02 stays silent."""
    from selfeval.layout import DEFAULT_LAYOUT
    from selfeval.validation import validate_file
    from selfeval.writer import new_workbook

    path = new_workbook(tmp_path / "改总分.xlsx", projects=1, year=2025)
    book = openpyxl.load_workbook(path)
    book["项目1"][DEFAULT_LAYOUT.cells["total"]] = 99
    book.save(path)
    (report,) = validate_file(path).projects
    x01 = [f for f in report.findings if f.code == "X01"]
    assert [(f.location, "99" in f.message) for f in x01] == [(f"项目1!{DEFAULT_LAYOUT.cells['total']}", True)]
    assert not [f for f in report.findings if f.code == "P02"]


# --- hostile and unusual inputs (issue 11) --------------------------------------------------


def national_book(path: Path, far: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "养老服务"
    write_form(sheet, national_rows(), NATIONAL_MERGES)
    if far:
        sheet[far] = "误输入"
    book.save(path)
    return path


def test_a_stray_far_cell_is_left_out_and_the_form_read(tmp_path: Path) -> None:
    plain = read_source(national_book(tmp_path / "正常.xlsx"))
    result = read_source(national_book(tmp_path / "远处.xlsx", far="XFD1048576"))
    assert result.status == "ok"
    [project] = result.projects
    assert (project.name, len(project.indicators)) == (plain.projects[0].name, len(plain.projects[0].indicators))
    [finding] = result.findings
    assert (finding.code, finding.sheet) == ("X03", "养老服务")
    assert "XFD1048576" in finding.message and "远离表格" in finding.message


def test_a_sheet_spanning_too_many_cells_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    from selfeval import sheetextent

    def must_not_read(*args: object) -> None:
        raise AssertionError("calamine was asked for a sheet beyond the limits")

    path = national_book(tmp_path / "大.xlsx", far="CV2000")  # 100 columns × 2000 rows: no gap to cut at
    monkeypatch.setattr(sheetextent, "MAX_GRID_CELLS", 1000)
    monkeypatch.setattr(sheetextent, "OUTLIER_GAP_ROWS", 5000)
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineSheet, "to_python", must_not_read, raising=False)
    message = only_x03(read_source(path))
    assert "工作表「养老服务」" in message and "读取上限" in message and "1,000" in message


def test_a_zip_bomb_part_is_refused_by_its_stated_size(tmp_path: Path) -> None:
    path = tmp_path / "炸弹.xlsx"
    padded = b"</sheetData>" + b" " * 80_000_000
    edit_part(
        national_book(tmp_path / "a.xlsx"),
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b"</sheetData>", padded),
    )
    message = only_x03(read_source(path))
    assert "工作表「养老服务」" in message and "xl/worksheets/sheet1.xml" in message and "64 MB" in message


def test_a_dtd_in_any_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "实体.xlsx"

    def with_dtd(data: bytes) -> bytes:
        at = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
        return data[:at] + b'<!DOCTYPE a [<!ENTITY b "c">]>' + data[at:]

    edit_part(national_book(tmp_path / "a.xlsx"), path, "xl/styles.xml", with_dtd)
    assert "「xl/styles.xml」含有 DTD 声明" in only_x03(read_source(path))


def test_office_types_not_read_are_x05_and_other_types_skipped(tmp_path: Path) -> None:
    for name in ("旧.doc", "导出.csv", "模板.xltx", "文字.wps"):
        (tmp_path / name).write_bytes(b"x")
        result = read_source(tmp_path / name)
        [finding] = result.findings
        assert (result.status, finding.code, finding.severity) == ("unreadable", "X05", Severity.ERROR)
        assert "未读取" in finding.message and ("另存为 .docx" in finding.message or "另存为 .xlsx" in finding.message)
    (tmp_path / "扫描件.jpg").write_bytes(b"\xff\xd8\xff")
    result = read_source(tmp_path / "扫描件.jpg")
    assert (result.status, result.findings) == ("skipped", [])


def test_selfevals_own_summary_is_skipped_with_a_note(tmp_path: Path) -> None:
    from selfeval.cli import main

    summary = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(national_book(tmp_path / "a.xlsx")), "-o", str(summary), "--jobs", "1"]) == 0
    result = read_source(summary)
    assert (result.status, result.findings, result.projects) == ("skipped", [], [])
    assert "selfeval 生成的汇总表" in result.note


def test_word_unicode_and_gbk_text_exports_are_read(tmp_path: Path) -> None:
    seed = Path(__file__).parent / "fixtures" / "seed_2021_ezhou.txt"
    text = seed.read_text(encoding="utf-8")
    expected = [p.name for p in read_source(seed).projects]
    for name, data in (
        ("unicode.txt", text.encode("utf-16")),
        ("utf16be.txt", b"\xfe\xff" + text.encode("utf-16-be")),
        ("gbk.txt", text.encode("gbk")),
    ):
        (tmp_path / name).write_bytes(data)
        result = read_source(tmp_path / name)
        assert result.status == "ok" and result.findings == [], name
        assert [p.name for p in result.projects] == expected


def test_encrypted_and_mislabelled_files_say_so(tmp_path: Path) -> None:
    from selfeval.addin.cfb import write_compound_file

    locked = write_compound_file({"EncryptionInfo": b"\x04\x00" * 40, "EncryptedPackage": b"\x00" * 5000})
    for name in ("加密.xlsx", "加密.docx"):
        (tmp_path / name).write_bytes(locked)
        assert "已加密" in only_x03(read_source(tmp_path / name))
    book = national_book(tmp_path / "a.xlsx")
    shutil.copy(book, tmp_path / "其实是表格.docx")
    assert "内容是 Excel 工作簿" in only_x03(read_source(tmp_path / "其实是表格.docx"))


def _as_ordinary_user(job):  # type: ignore[no-untyped-def]
    """Run `job()` in a forked child as user nobody when the tests run as root (file permissions
    do not stop root), directly otherwise; returns its (picklable) result."""
    import codecs
    import json

    if os.geteuid() != 0:
        return job()
    for codec in ("cp437", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "latin-1", "utf-8-sig", "ascii"):
        codecs.lookup(codec)  # nobody cannot import codec modules from root's Python later
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        try:
            os.setgid(65534)
            os.setuid(65534)
            payload = json.dumps({"result": job()})
        except BaseException as error:
            payload = json.dumps({"error": repr(error)})
        os.write(write_end, payload.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        answer = json.loads(stream.read() or b'{"error": "no answer"}')
    os.waitpid(pid, 0)
    assert "error" not in answer, answer
    return answer["result"]


def test_a_file_and_a_folder_without_read_permission() -> None:
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="selfeval-permissions-"))  # pytest's tmp is root's alone
    tmp_path.chmod(0o755)
    readable = national_book(tmp_path / "可读.xlsx")
    readable.chmod(0o644)
    assert read_source(readable).status == "ok"  # also loads, as root, every module reading needs
    path = national_book(tmp_path / "无权.xlsx")
    folder = tmp_path / "无权文件夹"
    folder.mkdir()
    national_book(folder / "里面.xlsx")
    path.chmod(0)
    folder.chmod(0)

    def job() -> dict[str, object]:
        files, _ = expand_paths([tmp_path])
        results = {Path(f).name: read_source(f) for f in files}
        return {name: [r.status, [f.message for f in r.findings]] for name, r in results.items()}

    try:
        found = _as_ordinary_user(job)
    finally:
        path.chmod(0o600)
        folder.chmod(0o700)
        shutil.rmtree(tmp_path)
    assert set(found) == {"可读.xlsx", "无权.xlsx", "无权文件夹"}
    assert found["可读.xlsx"] == ["ok", []]
    status, [message] = found["无权.xlsx"]
    assert status == "unreadable" and "没有读取权限" in message
    assert "Permission" not in message and "损坏" not in message
    status, [message] = found["无权文件夹"]
    assert status == "unreadable" and "没有读取权限的文件夹" in message


def test_folder_scan_follows_links_once_and_lists_loops(tmp_path: Path) -> None:
    (tmp_path / "甲").mkdir()
    national_book(tmp_path / "甲" / "表.xlsx")
    os.symlink("..", tmp_path / "甲" / "上级")
    os.symlink("环2.xlsx", tmp_path / "环1.xlsx")
    os.symlink("环1.xlsx", tmp_path / "环2.xlsx")
    files, errors = expand_paths([tmp_path])
    assert errors == []
    assert files == sorted(
        [tmp_path / "甲" / "上级", tmp_path / "甲" / "表.xlsx", tmp_path / "环1.xlsx", tmp_path / "环2.xlsx"]
    )
    link = read_source(tmp_path / "甲" / "上级")
    assert link.status == "skipped" and "链接" in link.note
    assert "循环的符号链接" in only_x03(read_source(tmp_path / "环1.xlsx"))
