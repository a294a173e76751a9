"""The seed (Word forms exported to text) read as SPEC §6 says, and the export grammar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selfeval.grid import Grid
from selfeval.importers.seedtext import read_seed_text, split_forms
from selfeval.model import LEVEL1_OF_LEVEL2, Severity
from selfeval.scoring import score_project
from selfeval.sources import read_source
from selfeval.validation import validate_file
from selfeval.values import Quantity, parse_value

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed_2021_ezhou.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")

# SPEC §6, form by form: (二级指标, 得分) of every indicator row.
SPEC_ROWS = {
    "督查效能业务": [("成本指标", 25), ("数量指标", 23), ("质量指标", 25), ("经济效益指标", 25)],
    "绩效目标管理和考核业务": [("数量指标", 50), ("质量指标", 50)],
    "作风建设": [("数量指标", 45), ("质量指标", 50)],
}
SPEC_TOTALS = {"督查效能业务": 98, "绩效目标管理和考核业务": 100, "作风建设": 95}
REQUIRED_CODES = {"S04", "S06", "S08", "F06", "Q01"}
ABSENT_CODES = {"S01", "S02", "S05", "S07", "X03"}


def cell_at(grid: Grid, address: str) -> object:
    """The grid value at an A1 address the reader reported."""
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", address).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return grid.rows[int(digits) - grid.first_row][col - grid.first_col]


@pytest.fixture(scope="module")
def seed_report():
    return validate_file(SEED)


def test_seed_gives_the_three_projects_of_spec(seed_report):
    assert seed_report.status == "ok"
    assert seed_report.findings == []
    projects = [item.project for item in seed_report.projects]
    assert [p.name for p in projects] == list(SPEC_ROWS)
    for project in projects:
        assert project.year == 2021
        assert project.department == project.unit == "鄂州市督查考评办公室"
        assert (project.category, project.attribute, project.kind) == ("部门预算项目", "持续性项目", "常年性项目")
        assert project.funds is None


def test_seed_indicators_and_scores_match_spec(seed_report):
    for item in seed_report.projects:
        project = item.project
        expected = SPEC_ROWS[project.name]
        assert [(row.level2, row.score) for row in project.indicators] == expected
        for row in project.indicators:
            assert row.level1 == LEVEL1_OF_LEVEL2[row.level2] and row.level1_inferred
            assert row.weight is None and not row.weight_proposed  # no 分值 column: nothing invented
            assert row.name and row.target and row.actual
        assert sum(row.score for row in project.indicators) == SPEC_TOTALS[project.name]
        assert item.scores.total == SPEC_TOTALS[project.name]
    deviations = {
        (item.project.name, row.level2): bool(row.deviation)
        for item in seed_report.projects
        for row in item.project.indicators
    }
    assert [key for key, filled in deviations.items() if filled] == [
        ("督查效能业务", "数量指标"),
        ("作风建设", "数量指标"),
    ]


def test_form3_quantity_target_full_width_percent_is_not_met(seed_report):
    project = seed_report.projects[2].project
    row = project.indicators[0]
    assert row.level2 == "数量指标" and row.target == "100％" and row.actual == "95%"
    target, actual = parse_value(row.target), parse_value(row.actual)
    assert isinstance(target, Quantity) and target.number == 100 and target.unit in ("%", "％")
    assert isinstance(actual, Quantity) and actual.number == 95
    assert score_project(project).indicators[0].met is False
    assert seed_report.projects[2].scores.indicators[0].met is False


def test_seed_findings(seed_report):
    for item in seed_report.projects:
        codes = {f.code for f in item.findings}
        assert codes >= REQUIRED_CODES, item.project.name
        assert not codes & ABSENT_CODES, item.project.name
        assert not seed_report.has_errors
        assert all(f.severity is not Severity.ERROR for f in item.findings)


def test_finding_addresses_point_at_the_cells_they_name():
    grids = list(read_seed_text(SEED))
    assert [g.sheet for g in grids] == ["表1", "表2", "表3"]
    result = read_source(SEED)
    for grid, project in zip(grids, result.projects, strict=False):
        assert project.sheet == grid.sheet
        assert cell_at(grid, project.cells["name"]) == project.name
        for row in project.indicators:
            assert cell_at(grid, row.cells["name"]) == row.name
            assert cell_at(grid, row.cells["target"]) == row.target
            assert cell_at(grid, row.cells["score"]) == f"{row.score:g}"
    # rows are numbered as in the Word table: 项目名称 is row 1, the title paragraph above is row 0
    assert grids[2].rows[0][0] == "2021年度作风建设项目自评表" and grids[2].first_row == 0
    assert result.projects[2].cells["name"] == "B1"
    assert result.projects[2].indicators[0].cells["target"] == "D10"


def test_export_artefacts_are_stripped():
    grids = list(read_seed_text(SEED))
    cells = [c for g in grids for row in g.rows for c in row if isinstance(c, str)]
    assert not any("[bookmark" in c or "\u3000" in c or "\t" in c for c in cells)
    assert cells.count("鄂州市督查考评办公室") == 6  # 主管部门 and 实施单位 of three forms
    header = next(row for row in grids[0].rows if row[0] == "一级指标")
    # a line without a tab continues the cell above it; the 二级 header spans the 三级 column
    assert header[:7] == ["一级指标", "二级指标", "", "年初\n目标值", "实际\n完成值", "得分", "偏差原因分析及改正措施"]


def test_grammar_rows_cells_titles_and_paragraphs():
    text = (
        "附件2\n"
        "2022年度示例项目自评表\n"
        "（2022年度）\n"
        "\t项目名称\n\t示例\u3000项目\u3000\n\n\n"
        "\t主管部门\n\t[bookmark: _GoBack]某局\t\n"
        "\t实施单位\n\t某中心\n"
        "第二段\n"
        "\n填报人：张三\n"
    )
    forms = split_forms(text)
    assert len(forms) == 1  # the 附件2 preamble has no table: not a form
    form = forms[0]
    assert form.title == "2022年度示例项目自评表" and form.title_line == 2
    assert form.rows == [
        ["（2022年度）"],
        ["项目名称", "示例项目"],
        ["主管部门", "某局", "实施单位", "某中心\n第二段"],
        ["填报人：张三"],
    ]
    assert form.in_table == [False, True, True, False]


def test_ticked_box_marks_the_choice_when_present(tmp_path):
    ticked = SEED_TEXT.replace("1、部门预算项目      2、省直专项   □", "1、部门预算项目 □     2、省直专项   ☑", 1)
    assert ticked != SEED_TEXT
    path = tmp_path / "ticked.txt"
    path.write_text(ticked, encoding="utf-8")
    projects = read_source(path).projects
    assert [p.category for p in projects] == ["省直专项", "部门预算项目", "部门预算项目"]


def test_gb18030_export_reads_the_same(tmp_path):
    path = tmp_path / "ansi.txt"
    path.write_bytes(SEED_TEXT.encode("gb18030"))
    names = [(p.name, len(p.indicators)) for p in read_source(path).projects]
    assert names == [(name, len(rows)) for name, rows in SPEC_ROWS.items()]


def test_title_without_table_is_x03_and_the_other_forms_go_on(tmp_path):
    lines = SEED_TEXT.splitlines()
    second = next(i for i, line in enumerate(lines) if line.startswith("2021年度绩效目标管理"))
    third = next(i for i, line in enumerate(lines) if line.startswith("2021年度作风建设"))
    broken = "\n".join([*lines[: second + 1], "这一份只剩下标题。", "", *lines[third:]])
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    result = read_source(path)
    assert [p.name for p in result.projects] == ["督查效能业务", "作风建设"]
    assert [p.sheet for p in result.projects] == ["表1", "表3"]
    assert result.status == "ok"
    [finding] = result.findings
    assert finding.code == "X03" and finding.sheet == "表2"
    assert str(path) in finding.message and f"第 {second + 1} 行" in finding.message


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        ("这是一份普通的说明文字。\n没有表格。\n".encode(), "没有找到自评表"),
        (b"\xff\xfe\x00\x01binary\x00\x00", "无法读取"),
    ],
)
def test_file_without_a_form_is_x03_unreadable(tmp_path, content, phrase):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    result = read_source(path)
    assert result.status == "unreadable" and result.projects == []
    [finding] = result.findings
    assert finding.code == "X03" and finding.severity is Severity.ERROR
    assert str(path) in finding.message and phrase in finding.message


def test_validate_accepts_the_seed_directly(capsys):
    import json

    from selfeval.cli import main

    assert main(["validate", "--format", "json", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    [file] = data["files"]
    assert file["status"] == "ok" and file["findings"] == []
    assert [p["name"] for p in file["projects"]] == list(SPEC_ROWS)
    assert [p["total"] for p in file["projects"]] == list(SPEC_TOTALS.values())
    assert data["summary"]["errors"] == 0 and data["summary"]["projects"] == 3
    form3 = file["projects"][2]["indicators"][0]
    assert (form3["target"], form3["actual"], form3["met"], form3["location"]) == ("100％", "95%", False, "表3!C10")
