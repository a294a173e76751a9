"""The template's formulas, recalculated by a real spreadsheet application (LibreOffice),
agree with `scoring` on generated projects; a filled sheet prints on one A4 page."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook

from project_generators import boundary_project, generated_project
from selfeval.layout import INDEX_COLUMNS, INDEX_FIRST_ROW, SheetLayout
from selfeval.model import LEVEL1_NAMES, Indicator, Project
from selfeval.preview import example_project, render_png
from selfeval.scoring import score_project
from selfeval.vocabulary import FORM_TITLE_FORMAT, SHEET_INDEX
from selfeval.writer import project_layout, sheet_names, write_workbook
from support.libreoffice import convert, needs_libreoffice

pytestmark = needs_libreoffice


class Values:
    """A sheet's recalculated values by A1 address (python-calamine)."""

    def __init__(self, sheet: python_calamine.CalamineSheet) -> None:
        self.rows = sheet.to_python(skip_empty_area=False)
        self.start = sheet.start or (0, 0)

    def __getitem__(self, address: str) -> object:
        letters, digits = re.match(r"([A-Z]+)(\d+)", address).groups()
        col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters))) - 1
        r, c = int(digits) - 1 - self.start[0], col - self.start[1]
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


def crowded_project() -> Project:
    """More indicators in one group than it has blank rows: the writer inserts rows."""
    rows = [
        Indicator("产出指标", "数量指标", f"数量{i}", "≥10次", f"{8 + i}次", 6.0, 6.0 * min(1, (8 + i) / 10))
        for i in range(6)
    ]
    rows.append(Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "91%", 54.0, 54.0))
    return Project(name="插入行项目", department="部门", unit="单位", year=2023, indicators=rows)


def expected_cells(project: Project, layout: SheetLayout) -> dict[str, object]:
    """What every computed cell must show, from `scoring` ('' where it computes nothing)."""
    scores = score_project(project)
    blank = lambda v: "" if v is None else v  # noqa: E731
    weights = [i.weight for i in project.indicators if i.weight is not None]
    weight_total = scores.weight_total
    if weight_total is None and weights:
        weight_total = scores.execution.weight + sum(weights)  # the sheet sums what is there
    expected: dict[str, object] = {
        "title": FORM_TITLE_FORMAT.format(year=project.year),
        "funds.rate": blank(scores.execution.rate),
        "funds.score": blank(scores.execution.score),
        "total": blank(scores.total),
        "grade": blank(scores.grade),
        "weight_total": blank(weight_total),
        "subtotal.execution.weight": scores.execution.weight,
        "subtotal.execution.score": blank(scores.execution.score),
    }
    for level1 in LEVEL1_NAMES:
        expected[f"subtotal.{level1}.score"] = scores.by_level1[level1]
        expected[f"subtotal.{level1}.weight"] = sum(
            i.weight for i in project.indicators if i.level1 == level1 and i.weight is not None
        )
    assert set(expected) == set(layout.computed)
    return expected


def same(actual: object, expected: object) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and abs(actual - expected) < 1e-6
    return actual == expected


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory):
    rng = random.Random(20240601)
    projects = [generated_project(rng, n) for n in range(1, 23)]
    projects += [boundary_project(total, n) for n, total in enumerate((90.0, 89.996, 89.99, 80.0, 59.99), 1)]
    projects += [crowded_project(), Project()]
    work = tmp_path_factory.mktemp("lo")
    source = write_workbook(projects, work / "generated.xlsx")
    result = convert(source, "xlsx", work / "out")
    return projects, result


def test_every_computed_cell_agrees_with_scoring(recalculated) -> None:
    projects, result = recalculated
    book = python_calamine.CalamineWorkbook.from_path(str(result))
    names = sheet_names(projects)
    assert len(projects) >= 20
    grew = False
    for name, project in zip(names, projects, strict=False):
        layout = project_layout(project)
        grew = grew or layout.last_indicator_row > SheetLayout().last_indicator_row
        values = Values(book.get_sheet_by_name(name))
        expected = expected_cells(project, layout)
        if project.year is None:  # the empty form: the title keeps its blank year
            expected["title"] = "项目支出绩效自评表（　　年度）"
        wrong = {
            key: (values[layout.computed[key]], want)
            for key, want in expected.items()
            if not same(values[layout.computed[key]], want)
        }
        assert not wrong, f"sheet {name}: {wrong}"
    assert grew, "no project needed inserted rows"
    grades = {score_project(p).grade for p in projects}
    assert grades == {"优", "良", "中", "差", None}, "the generated projects must reach every grade band"


def test_half_way_totals_grade_as_the_spreadsheet_shows_them(tmp_path: Path) -> None:
    project = boundary_project(59.995, 1)
    layout = project_layout(project)
    result = convert(write_workbook([project], tmp_path / "half.xlsx"), "xlsx", tmp_path / "out")
    values = Values(python_calamine.CalamineWorkbook.from_path(str(result)).get_sheet_by_name(project.name))
    assert values[layout.cells["grade"]] == score_project(project).grade


def test_the_index_shows_each_sheet_live(recalculated) -> None:
    projects, result = recalculated
    book = python_calamine.CalamineWorkbook.from_path(str(result))
    index = Values(book.get_sheet_by_name(SHEET_INDEX))
    col = {key: column for key, (column, _header) in INDEX_COLUMNS.items()}
    for i, (name, project) in enumerate(zip(sheet_names(projects), projects, strict=False)):
        row = INDEX_FIRST_ROW + i
        scores = score_project(project)
        assert index[f"{col['sheet']}{row}"] == name
        assert index[f"{col['name']}{row}"] == (project.name or "（未填项目名称）")
        assert same(index[f"{col['total']}{row}"], "" if scores.total is None else scores.total)
        assert index[f"{col['grade']}{row}"] == (scores.grade or "")
        assert index[f"{col['status']}{row}"] == ""


def test_no_error_value_anywhere(recalculated) -> None:
    _projects, result = recalculated
    wb = load_workbook(result, data_only=True)
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "e"
    ]
    assert not errors


def test_a_filled_sheet_prints_on_one_a4_portrait_page(tmp_path: Path) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    book = write_workbook([example_project()], tmp_path / "print.xlsx")
    wb = load_workbook(book)
    for ws in list(wb.worksheets):
        if ws.title != example_project().name:
            wb.remove(ws)
    wb.save(book)
    info = subprocess.run(
        [pdfinfo, str(convert(book, "pdf", tmp_path / "pdf"))], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Pages:\s+1\b", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 portrait


def test_render_png(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    png = render_png(example_project(), tmp_path / "form.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
