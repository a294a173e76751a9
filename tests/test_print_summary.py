"""The bureau summary as finance staff print it: rendered once by LibreOffice, read with poppler."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from selfeval.consolidate import summary_from_reports, write_summary
from selfeval.consolidate.summary import (
    BAR_CM,
    NO_FINDINGS,
    SCORE_AXIS_MAX,
    TOP_N,
)
from selfeval.validation import FileReport, validate_projects
from selfeval.vocabulary import SHEET_CHARTS, SHEET_SUMMARY, SHEET_SUMMARY_FINDINGS
from support.department_books import make_project
from support.edits import edited
from support.libreoffice import convert, needs_libreoffice
from support.pdf import (
    header_cells,
    info,
    needs_poppler,
    page_text,
    pages,
    smallest_text,
)

DEPARTMENTS = [f"第{i}号主管部门" for i in range(1, 31)]
TODAY = dt.date(2025, 3, 31)


def _reports() -> list[FileReport]:
    """30 departments, 45 projects; every fifth has a long name, some have findings."""
    reports = []
    for d, department in enumerate(DEPARTMENTS):
        projects = []
        for i in range(1 if d % 2 else 2):
            long = (d + i) % 5 == 0  # ends in a mark found nowhere else: 止 and its number
            name = f"{department}项目{i + 1}" + (f"农村公路养护及危桥改造工程补助资金止{d}" if long else "")
            project = make_project(name, department, budget=100.0 + d, executed=90.0 + d / 2, seed=d * 10 + i)
            project = replace(project, sheet=f"项目{i + 1}", source=f"收到的报表/{department}.xlsx")
            if d % 7 == 0:
                project = edited(project, {"indicators.0.score": None})  # S07: a finding for 问题清单
            projects.append(project)
        reports.append(FileReport(f"收到的报表/{department}.xlsx", "ok", [], validate_projects(projects)))
    return reports


@pytest.fixture(scope="module")
def summary():
    return summary_from_reports(_reports(), today=TODAY)


@pytest.fixture(scope="module")
def rendered(summary, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("summary")
    book = write_summary(summary, folder / "汇总.xlsx")
    return book, convert(book, "pdf", folder / "pdf")


def _sheet_pages(pdf: Path, first_title: str, next_title: str | None) -> list[list]:
    """The pages of one sheet: from the page with its title to the page before the next sheet's."""
    all_pages = pages(pdf)
    start = next(i for i, words in enumerate(all_pages) if first_title in page_text(words))
    end = len(all_pages)
    if next_title:
        end = next(i for i, words in enumerate(all_pages) if i > start and next_title in page_text(words))
    return all_pages[start:end]


def test_heading_rows_and_columns_in_reading_order(summary) -> None:
    sheet = summary.sheet(SHEET_SUMMARY)
    assert sheet.heading.title == "2024年度项目支出绩效自评汇总表"
    assert sheet.heading.left == "单位：万元" and sheet.heading.right == "制表日期：2025-03-31"
    headers = [c.header for c in sheet.blocks[0].columns]
    assert headers[:3] == ["序号", "项目名称", "主管部门"] and headers[-2:] == ["文件", "工作表"]
    assert [row[0] for row in sheet.blocks[0].rows] == list(range(1, 46))
    assert all(row[-2].endswith(".xlsx") and "/" not in row[-2] for row in sheet.blocks[0].rows)


@needs_libreoffice
@needs_poppler
def test_every_summary_header_prints_on_page_one_at_nine_points_or_more(summary, rendered) -> None:
    _book, pdf = rendered
    assert "A4" in info(pdf)["Page size"]
    summary_pages = _sheet_pages(pdf, "2024年度项目支出绩效自评汇总表", "（按主管部门）")
    printed = [c.header for c in summary.sheet(SHEET_SUMMARY).blocks[0].columns if c.printed]
    for words in summary_pages:
        assert header_cells(words, "序号") == printed  # all on the page, the header repeated on each
        assert smallest_text(words) >= 9.0
    for title, after in (("（按主管部门）", "问题清单"), ("问题清单", "文件清单")):
        for words in _sheet_pages(pdf, title, after):
            assert smallest_text(words) >= 9.0, title


@needs_libreoffice
@needs_poppler
def test_long_names_wrap_whole_and_totals_say_what_they_are(rendered) -> None:
    book, pdf = rendered
    sheet_pages = _sheet_pages(pdf, "2024年度项目支出绩效自评汇总表", "（按主管部门）")
    text = "".join(page_text(w) for w in sheet_pages)
    ends = [f"止{d}" for d in range(30) for i in range(1 if d % 2 else 2) if (d + i) % 5 == 0]
    assert len(ends) == 9 and all(end in text for end in ends)  # the last line of every long name prints
    assert "共45个项目" in text and "均" in text and "注：合计行中" in text
    ws = openpyxl.load_workbook(book)[SHEET_SUMMARY]
    tall = [r for r in range(4, 49) if "补助资金" in str(ws.cell(r, 2).value)]
    assert all(ws.row_dimensions[r].height > 15 for r in tall)


@needs_libreoffice
@needs_poppler
def test_findings_list_names_department_unit_and_project(summary, rendered) -> None:
    block = summary.sheet(SHEET_SUMMARY_FINDINGS).blocks[0]
    headers = [c.header for c in block.columns]
    assert headers[:4] == ["序号", "主管部门", "实施单位", "项目名称"]
    rows = [dict(zip(headers, row, strict=False)) for row in block.rows]
    assert rows and all(row["主管部门"] and row["实施单位"] and row["项目名称"] for row in rows)
    assert {row["主管部门"] for row in rows if row["代码"] == "S07"} == {DEPARTMENTS[d] for d in range(0, 30, 7)}
    assert next(c for c in block.columns if c.header == "问题说明").wrap


def test_an_empty_findings_list_is_a_sentence_not_an_empty_table(tmp_path: Path) -> None:
    project = replace(make_project("无问题项目", "审计局", seed=3), sheet="项目1")
    clean = list(validate_projects([project]))
    for item in clean:
        item.findings.clear()
    summary = summary_from_reports([FileReport("审计局.xlsx", "ok", [], clean)], today=TODAY)
    block = summary.sheet(SHEET_SUMMARY_FINDINGS).blocks[0]
    assert block.rows == [] and block.table_name is None and block.empty == NO_FINDINGS
    ws = openpyxl.load_workbook(write_summary(summary, tmp_path / "汇总.xlsx"))[SHEET_SUMMARY_FINDINGS]
    assert ws["A3"].value == NO_FINDINGS and not ws.tables


def test_charts_grow_with_their_bars_and_score_axes_end_at_100(summary) -> None:
    charts = {c.block: c for c in summary.sheet(SHEET_CHARTS).charts}
    rates, totals = charts["部门执行率"], charts["项目总分"]
    assert rates.height_cm >= 30 * BAR_CM  # one bar per department, each labelled
    assert totals.axis_max == SCORE_AXIS_MAX
    projects = summary.sheet(SHEET_CHARTS).block("项目总分").rows
    assert len(projects) == 2 * TOP_N and "共 45 个项目有总分" in totals.note
    rows = [int(c.anchor[1:]) for c in summary.sheet(SHEET_CHARTS).charts]
    assert rows == sorted(rows) and len(set(rows)) == 3  # stacked, never on top of each other


def test_no_budget_means_a_sentence_instead_of_an_empty_rate_chart(tmp_path: Path) -> None:
    project = replace(make_project("无资金项目", "档案局", seed=4), funds=None, sheet="项目1")
    summary = summary_from_reports([FileReport("档案局.xlsx", "ok", [], validate_projects([project]))], today=TODAY)
    ws = openpyxl.load_workbook(write_summary(summary, tmp_path / "汇总.xlsx"))[SHEET_CHARTS]
    assert len(ws._charts) == 2  # grades and totals; no rate chart
    texts = [c.value for row in ws.iter_rows(max_col=1) for c in row if c.value]
    assert any("无法计算执行率" in t for t in texts)


@needs_libreoffice
@needs_poppler
def test_the_rate_chart_labels_every_department(rendered) -> None:
    _book, pdf = rendered
    chart_pages = _sheet_pages(pdf, "各等级项目数", None)
    text = "".join(page_text(w) for w in chart_pages)
    missing = [d for d in DEPARTMENTS if d not in text]
    assert not missing
    titles = ("各等级项目数", "各主管部门预算执行率", "各项目总分")
    on = [[n for n, words in enumerate(chart_pages) if title in page_text(words)] for title in titles]
    assert on == [[0], [1], [2]] and len(chart_pages) == 3  # each chart whole, on a page of its own
