"""The summary as data (what the Excel layer writes) and its openpyxl rendering."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from selfeval.consolidate import summary_from_reports, write_summary
from selfeval.consolidate.summary import SEVERITY_COLOURS, Summary
from selfeval.model import Indicator
from selfeval.validation import FileReport, validate_file, validate_projects
from selfeval.writer import write_workbook
from support.department_books import make_project


def _report(path: str, projects) -> FileReport:
    projects = [
        replace(project, sheet=f"项目{number}", source=path) for number, project in enumerate(projects, start=1)
    ]
    return FileReport(path, "ok", [], validate_projects(projects))


def _rows(summary: Summary, sheet: str) -> list[dict]:
    block = summary.sheet(sheet).blocks[0]
    return [dict(zip([c.header for c in block.columns], row, strict=False)) for row in block.rows]


def test_department_rate_is_total_executed_over_total_budget():
    projects = [
        make_project("甲", "卫健委", budget=100, executed=100, seed=1),
        make_project("乙", "卫健委", budget=300, executed=150, seed=2),
        make_project("丙", "审计局", budget=50, executed=40, seed=3),
    ]
    summary = summary_from_reports([_report("卫健委.xlsx", projects[:2]), _report("审计局.xlsx", projects[2:])])
    departments = {row["主管部门"]: row for row in _rows(summary, "部门汇总")}
    health = departments["卫健委"]
    assert health["项目数（重复只计一次）"] == 2
    assert health["全年预算数"] == pytest.approx(400) and health["全年执行数"] == pytest.approx(250)
    assert health["执行率"] == pytest.approx(250 / 400)  # a mean of the rates would be 0.75
    totals = {c.header: c.total for c in summary.sheet("部门汇总").blocks[0].columns}
    assert totals["执行率"].kind == "ratio" and totals["执行率"].value == pytest.approx(290 / 450)
    grades = sum(health[f"{g}（个）"] for g in "优良中差") + health["未评定"]
    assert grades == 2


def test_projects_block_matches_scoring_and_counts():
    projects = [make_project("道路养护", "交通局", budget=200, executed=150, seed=5)]
    report = _report("交通局.xlsx", projects)
    row = _rows(summary_from_reports([report]), "汇总")[0]
    scores = report.projects[0].scores
    assert row["执行率"] == pytest.approx(0.75)
    assert row["执行率得分"] == pytest.approx(scores.execution.score)
    assert row["总分"] == pytest.approx(scores.total) and row["等级"] == scores.grade
    assert row["产出得分"] == pytest.approx(scores.by_level1["产出指标"])
    errors = sum(f.severity.label == "错误" for f in report.projects[0].findings)
    assert row["错误数"] == errors


def test_total_above_100_is_shown_and_counted_as_an_error():
    project = make_project("超分项目", "水务局", seed=6)
    # no 分值 column: only the total can show the mistake
    rows = [replace(row, weight=None) for row in project.indicators]
    rows[0] = replace(rows[0], score=45.0)  # within 产出指标's 50, but the total passes 100: P08
    project = replace(project, indicators=tuple(rows))
    report = _report("水务局.xlsx", [project])
    scores = report.projects[0].scores
    assert scores.total > 100
    summary = summary_from_reports([report])
    row = _rows(summary, "汇总")[0]
    assert row["总分"] == pytest.approx(scores.total) and row["等级"] == "优"
    assert row["产出得分"] == pytest.approx(scores.by_level1["产出指标"])
    findings = _rows(summary, "问题清单")
    assert [r["代码"] for r in findings if r["严重程度"] == "错误"] == ["P08"]
    assert row["错误数"] == 1


def test_unknown_level2_is_kept_as_unrecognised():
    from selfeval.consolidate import frames_from_rows, rows_from_reports

    project = make_project("新指标", "文旅局", seed=7)
    project = replace(
        project, indicators=(*project.indicators, Indicator("产出指标", "覆盖指标", "覆盖面", "≥3个", "3个", 0.0, 0.0))
    )
    frames = frames_from_rows(rows_from_reports([_report("文旅局.xlsx", [project])]))
    odd = frames.indicators[frames.indicators["name"] == "覆盖面"].iloc[0]
    assert odd["level2"] == "未识别" and "覆盖指标" in odd["level_note"]


def test_summary_blocks_are_consistent_for_any_writer(tmp_path: Path):
    book = write_workbook(
        [make_project("公园维护", "园林局", seed=8), make_project("绿化", "园林局", seed=9)], tmp_path / "园林局.xlsx"
    )
    summary = summary_from_reports([validate_file(book)])
    assert [s.name for s in summary.sheets][:4] == ["汇总", "部门汇总", "问题清单", "文件清单"]
    for sheet in summary.sheets:
        for block in sheet.blocks:
            assert all(len(row) == len(block.columns) for row in block.rows), block.title
            if block.totals:
                assert block.columns[0].total.kind == "label"
        for chart in sheet.charts:
            block = sheet.block(chart.block)
            block.column_index(chart.category_column), block.column_index(chart.value_column)
    findings = summary.sheet("问题清单").blocks[0]
    assert findings.colours == ("严重程度", SEVERITY_COLOURS)
    assert summary.projects == 2 and summary.files == 1 and summary.unreadable == 0


def test_control_characters_and_long_texts_are_written(tmp_path: Path):
    project = make_project("名称\x01含控制符", "档案局", seed=10)
    project = replace(project, unit="单位" * 20000)  # 40,000 characters, more than a cell holds
    out = write_summary(summary_from_reports([_report("档案局.xlsx", [project])]), tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)["汇总"]
    assert ws["B3"].value == "项目名称" and ws["D3"].value == "实施单位"
    assert ws["B4"].value == "名称含控制符"
    assert len(ws["D4"].value) == 32767
    assert ws.row_dimensions[4].height == 409  # as tall as Excel allows


def test_markup_whitespace_and_empty_texts_read_back_as_written(tmp_path: Path):
    from python_calamine import CalamineWorkbook

    names = ["a&b<c>d", " 前后有空格 ", "换行\r\n之后", "-1", "+x", "]]>"]
    projects = [make_project(name, "文旅局 & <局>", seed=20 + i) for i, name in enumerate(names)]
    summary = summary_from_reports([_report("文旅局.xlsx", projects)])
    out = write_summary(summary, tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)["汇总"]
    cells = [ws.cell(row, 2) for row in range(4, 4 + len(names))]
    assert sorted(c.value for c in cells) == sorted(names)
    assert all(c.data_type == "s" for c in cells)
    assert ws["C4"].value == "文旅局 & <局>"
    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
    assert [row[1] for row in grid[3 : 3 + len(names)]] == [c.value for c in cells]
    files = openpyxl.load_workbook(out)["文件清单"]
    reason_col = [c.value for c in files[3]].index("说明") + 1
    assert files.cell(4, reason_col).value is None  # a file read without remarks: an empty cell
