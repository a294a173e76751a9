"""Every formula selfeval writes carries its value: a reader that does not calculate
(python-calamine, like phone previews and Protected View) finds the numbers a spreadsheet
computes (LibreOffice recalculates the same files)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from selfeval.consolidate import summary_from_reports, write_summary
from selfeval.importing import example_projects
from selfeval.template import build_template
from selfeval.validation import FileReport, validate_projects
from selfeval.vocabulary import SHEET_SUMMARY
from selfeval.writer import new_workbook, write_workbook
from support.department_books import make_project
from support.libreoffice import convert, needs_libreoffice


def _formula_cells(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Sheet → (row, column) of every formula cell, 0-based."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [
            (c.row - 1, c.column - 1)
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=")
        ]
        for ws in wb.worksheets
    }


def _cached(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def _at(grid: list[list[object]], row: int, col: int) -> object:
    return grid[row][col] if row < len(grid) and col < len(grid[row]) else ""


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cached")
    filled = [make_project("道路养护", "交通局", budget=200, executed=150, seed=5), *example_projects()]
    return {
        "template": build_template(folder / "template.xlsx"),
        "new": new_workbook(folder / "new.xlsx", projects=3, year=2025, department="交通局"),
        "filled": write_workbook(filled, folder / "filled.xlsx"),
    }


@pytest.mark.parametrize("key", ["template", "new", "filled"])
def test_every_formula_cell_has_a_value_a_preview_shows(books: dict[str, Path], key: str) -> None:
    cached = _cached(books[key])
    formulas = _formula_cells(books[key])
    assert sum(map(len, formulas.values())) > 20
    grid = cached["目录"]
    titles = [_at(cached[name], 0, 0) for name in cached if name.startswith("项目") or name in ("道路养护",)]
    assert all(str(t).startswith("项目支出绩效自评表（") for t in titles)
    if key == "filled":
        assert _at(cached["道路养护"], 0, 0) == "项目支出绩效自评表（2024年度）"
        assert [_at(grid, 2, c) for c in (2, 4)] == ["道路养护", cached["道路养护"][_grade_row(cached["道路养护"])][5]]
        assert isinstance(_at(grid, 2, 3), float) and 0 < _at(grid, 2, 3) <= 100


def _grade_row(grid: list[list[object]]) -> int:
    return next(i for i, row in enumerate(grid) if "自评等级" in row)


@needs_libreoffice
def test_cached_values_equal_what_a_spreadsheet_computes(books: dict[str, Path], tmp_path: Path) -> None:
    for key in ("new", "filled"):
        path = books[key]
        computed = openpyxl.load_workbook(convert(path, "xlsx", tmp_path / key), data_only=True)
        cached = _cached(path)
        compared = 0
        for sheet, cells in _formula_cells(path).items():
            for row, col in cells:
                mine = _at(cached[sheet], row, col)
                theirs = computed[sheet].cell(row + 1, col + 1).value
                theirs = "" if theirs is None else theirs
                if isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
                    assert mine == pytest.approx(theirs, abs=1e-9), (key, sheet, row + 1, col + 1)
                else:
                    assert mine == theirs, (key, sheet, row + 1, col + 1)
                compared += 1
        assert compared > 40


def test_summary_totals_carry_their_values(tmp_path: Path) -> None:
    projects = [
        make_project("甲", "卫健委", budget=100, executed=80, seed=1),
        make_project("乙", "卫健委", budget=300, executed=150, seed=2),
    ]
    projects = [replace(project, sheet=f"项目{number}") for number, project in enumerate(projects, start=1)]
    summary = summary_from_reports(
        [FileReport("卫健委.xlsx", "ok", [], validate_projects(projects))], today=dt.date(2025, 1, 2)
    )
    path = write_summary(summary, tmp_path / "汇总.xlsx")
    grid = _cached(path)[SHEET_SUMMARY]
    header = grid[2]
    totals = dict(zip(header, next(row for row in grid if row[0] == "合计"), strict=False))
    assert totals["项目名称"] == "共2个项目"
    assert totals["全年预算数"] == pytest.approx(400) and totals["执行率"] == pytest.approx(230 / 400)
    assert totals["总分"] == pytest.approx(sum(r[header.index("总分")] for r in grid[3:5]) / 2)
