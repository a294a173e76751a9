"""Word (.docx) forms built here with python-docx, in the national and the Hubei layout."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from selfeval.importers.docx import read_docx, symbol_glyph, table_rows
from selfeval.model import Severity
from selfeval.sources import read_source
from selfeval.validation import validate_file
from support.docx_forms import add_form, add_symbol, new_document, save, word_text
from support.form_layouts import (
    NATIONAL_DEVIATION,
    NATIONAL_MERGES,
    SEED_DEVIATION,
    SEED_MERGES,
    national_rows,
    seed_rows,
)


def shift_range(text: str, rows: int) -> str:
    """`A12:A20` moved up by `rows` rows."""
    return re.sub(r"\d+", lambda m: str(int(m.group()) - rows), text)


def national_table() -> tuple[list[str], list[list[object]], list[str]]:
    """The national form with its title and year line as paragraphs above the table."""
    rows = national_rows()
    title = [word_text(rows[0][0]), word_text(rows[1][0])]
    merges = [shift_range(m, 2) for m in NATIONAL_MERGES if not m.startswith(("A1:", "A2:"))]
    return title, rows[2:], merges


def hubei_rows() -> list[list[object]]:
    """The seed's first form as a Word table, title in its merged first row."""
    rows = seed_rows()
    rows[2][4] = "鄂州市督查考评办公室"
    return rows


@pytest.fixture()
def national_docx(tmp_path) -> Path:
    title, rows, merges = national_table()
    document = new_document()
    add_form(document, rows, merges, paragraphs_above=["附件2", *title])
    return save(document, tmp_path / "national.docx")


@pytest.fixture()
def hubei_docx(tmp_path) -> Path:
    document = new_document()
    table = add_form(document, hubei_rows(), SEED_MERGES)
    cell = table.cell(4, 1)  # 项目属性: the second option ticked with Word's Insert Symbol (Wingdings)
    cell.text = "1、持续性项目 □       2、新增性项目 "
    add_symbol(cell, "Wingdings", "F0FE")
    return save(document, tmp_path / "hubei.docx")


def test_merged_cells_are_collapsed_to_their_top_left(national_docx):
    table = docx.Document(str(national_docx)).tables[0]
    _, rows, _ = national_table()
    expected = [[word_text(v) for v in row] for row in rows]
    assert table_rows(table._tbl) == expected
    # what python-docx itself gives for a vertically merged 一级 cell: its text in every row
    assert table.rows[11].cells[1].text == "产出指标(50分)"
    assert expected[11][1] == ""


def test_national_docx_imports_as_spec_says(national_docx):
    report = validate_file(national_docx)
    assert report.status == "ok" and report.findings == []
    [item] = report.projects
    project = item.project
    assert project.sheet == "表1"
    assert (project.name, project.department, project.unit, project.year) == (
        "社区居家养老服务补助",
        "某市民政局",
        "某市养老服务指导中心",
        2022,
    )
    funds = project.funds
    assert (funds.total.initial, funds.total.budget, funds.total.executed) == (200, 180, 171)
    assert (funds.fiscal.budget, funds.carryover.budget, funds.other.budget) == (150, 30, None)
    assert (funds.weight, funds.stated_rate, funds.stated_score) == (10, 0.95, 9.5)
    # placeholder rows (时效指标, 经济效益指标 with nothing filled) are not indicators
    assert [(r.level1, r.level2, r.weight, r.score) for r in project.indicators] == [
        ("产出指标", "数量指标", 20, 20),
        ("产出指标", "数量指标", 10, 8.33),
        ("产出指标", "质量指标", 10, 10),
        ("产出指标", "成本指标", 10, 10),
        ("效益指标", "社会效益指标", 30, 27),
        ("满意度指标", "服务对象满意度指标", 10, 10),
    ]
    assert not any(r.level1_inferred for r in project.indicators)  # from the merged 一级 cells
    assert project.indicators[1].deviation == NATIONAL_DEVIATION
    assert (project.stated_total, project.stated_grade, project.filler) == (94.83, "优", "张三")
    assert item.scores.total == pytest.approx(94.83)
    assert item.scores.grade == "优"
    # SPEC §5 on this form: the only finding is D01, the qualitative 27 of 30 without a reason
    # at row 16, column I of the Word table, where a clerk finds it
    assert [(f.code, f.location) for f in item.findings] == [("D01", "表1!I16")]
    assert project.cells["name"] == "B1"


def test_hubei_docx_imports_as_spec_says(hubei_docx):
    report = validate_file(hubei_docx)
    assert report.status == "ok" and report.findings == []
    [item] = report.projects
    project = item.project
    assert (project.name, project.year, project.department, project.unit) == (
        "督查效能业务",
        2021,
        "鄂州市督查考评办公室",
        "鄂州市督查考评办公室",
    )
    # 项目类别 by the seed rule (the option without □), 项目属性 by its ☑ symbol
    assert (project.category, project.attribute, project.kind) == ("部门预算项目", "新增性项目", "常年性项目")
    assert [(r.level2, r.score, r.weight) for r in project.indicators] == [
        ("成本指标", 25, None),
        ("数量指标", 23, None),
        ("质量指标", 25, None),
        ("经济效益指标", 25, None),
    ]
    assert all(r.level1_inferred for r in project.indicators)
    assert project.indicators[1].deviation == SEED_DEVIATION
    assert project.indicators[0].target == "100%"
    codes = {f.code for f in item.findings}
    assert {"S04", "S06", "S08", "F06", "Q01"} <= codes
    assert not codes & {"S01", "S02", "S05", "S07", "X03"}
    assert not report.has_errors


def test_several_forms_other_tables_and_an_unreadable_form(tmp_path):
    title, rows, merges = national_table()
    broken = [list(row) for row in rows]
    broken[9][5] = "备注"  # the indicator header loses its 实际完成值 column
    document = new_document()
    add_form(document, [["说明", "本表为示例"], ["", ""]])  # table 1: not a form
    add_form(document, hubei_rows(), SEED_MERGES, paragraphs_below=["填报人：李四"])  # table 2
    add_form(document, broken, merges, paragraphs_above=title)  # table 3
    add_form(document, rows, merges, paragraphs_above=title)  # table 4
    path = save(document, tmp_path / "three.docx")
    result = read_source(path)
    assert result.status == "ok"
    assert [(p.sheet, p.name) for p in result.projects] == [("表2", "督查效能业务"), ("表4", "社区居家养老服务补助")]
    [finding] = result.findings
    assert finding.code == "X03" and finding.severity is Severity.ERROR
    assert finding.sheet == "表3" and str(path) in finding.message and "实际完成值" in finding.message
    assert result.projects[1].year == 2022  # the title paragraphs went with their own table


def test_form_split_over_two_tables_is_one_form(tmp_path):
    rows = hubei_rows()
    head, table = rows[:9], rows[9:]
    document = new_document()
    add_form(document, head, [m for m in SEED_MERGES if int(re.findall(r"\d+", m)[-1]) <= 9])
    add_form(document, table, [shift_range("B10:C10", 9)], paragraphs_above=["（续表）"])
    path = save(document, tmp_path / "split.docx")
    [project] = read_source(path).projects
    assert project.name == "督查效能业务" and len(project.indicators) == 4


@pytest.mark.parametrize(
    ("content", "phrase"),
    [(b"PK\x03\x04 not really a zip", "无法作为 Word 文档"), (None, "没有表格")],
)
def test_unreadable_or_tableless_docx_is_x03(tmp_path, content, phrase):
    path = tmp_path / "doc.docx"
    if content is None:
        document = new_document()
        document.add_paragraph("2021年度某项目自评表")
        save(document, path)
    else:
        path.write_bytes(content)
    result = read_source(path)
    assert result.status == "unreadable" and result.projects == []
    [finding] = result.findings
    assert finding.code == "X03" and str(path) in finding.message and phrase in finding.message


def test_symbol_fonts_map_check_boxes():
    assert symbol_glyph("Wingdings", 0xF0FE) == "☑"
    assert symbol_glyph("Wingdings 2", 0xF052) == "☑"
    assert symbol_glyph("Wingdings", 0xF0A8) == "□"
    assert symbol_glyph("Symbol", 0xF0FE) is None


def test_grids_have_one_row_per_table_row_below_the_title(national_docx):
    [grid] = list(read_docx(national_docx))
    title, rows, _ = national_table()
    assert [row[0] for row in grid.rows[:2]] == title  # 附件2 is above the title: not kept
    assert len(grid.rows) == 2 + len(rows)


def test_paragraph_text_reads_what_word_shows():
    from docx.oxml import parse_xml

    from selfeval.importers.docx import paragraph_text

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p = parse_xml(
        f"<w:p {w}><w:r><w:t>1、持续性项目</w:t></w:r>"
        '<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>\u00a8</w:t></w:r>'
        '<w:r><w:tab/><w:t>2、新增性项目</w:t><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>'
        '<w:moveFrom w:id="1" w:author="a"><w:r><w:t>旧文字</w:t></w:r></w:moveFrom>'
        "<w:r><w:br/><w:t>第二行</w:t></w:r></w:p>"
    )
    assert paragraph_text(p) == "1、持续性项目□ 2、新增性项目☑\n第二行"
