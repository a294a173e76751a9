"""Read an open workbook's sheets into Projects: one bulk read per sheet, then `grid.parse`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..a1 import split_address
from ..errors import FormError
from ..grid import MAX_COLS, Grid, parse
from ..layout import is_project_sheet
from ..model import Finding, Project, Severity
from ..vocabulary import COMPUTED_KEYS
from . import engine

if TYPE_CHECKING:
    import xlwings as xw

MAX_READ_ROWS = 5000  # a form never reaches this; formatting to row 1 048 576 must not be read


@dataclass
class SheetRead:
    """One worksheet as read: its grid, and the Project or the X03 finding it gave."""

    name: str
    index: int  # 1-based position in the workbook
    grid: Grid
    project: Project | None = None
    findings: list[Finding] = field(default_factory=list)  # X03 when the form is unreadable

    @property
    def is_form(self) -> bool:
        return self.project is not None or bool(self.findings)


def sheet_extent(sheet: xw.Sheet) -> tuple[int, int]:
    """(last row, last column) of what to read, bounded."""
    last = sheet.used_range.last_cell
    return min(last.row, MAX_READ_ROWS), min(last.column, MAX_COLS)


def read_grid(sheet: xw.Sheet, source: str = "") -> Grid:
    """The sheet's values from A1 in one read."""
    rows, cols = sheet_extent(sheet)
    values = sheet.range((1, 1), (rows, cols)).options(ndim=2).value
    return Grid([list(row) for row in values], sheet.name, source)


def read_sheet(sheet: xw.Sheet, *, formulas: bool = True) -> SheetRead:
    """Read and parse one sheet; an unreadable form becomes an X03 finding, never an exception."""
    book = sheet.book
    grid = read_grid(sheet, book.name)
    result = SheetRead(sheet.name, sheet.index, grid)
    try:
        result.project = parse(grid)
    except FormError as exc:
        result.findings.append(
            Finding(
                "X03", Severity.ERROR, f"工作表「{sheet.name}」无法读取：{exc.reason}", sheet.name, exc.cell, book.name
            )
        )
        return result
    if result.project is not None and formulas:
        result.project = _with_formulas(sheet, result.project)
    return result


def _with_formulas(sheet: xw.Sheet, project: Project) -> Project:
    """`project` with its formulas for X01, from one formula read where the engine has one."""
    cells = {key: project.cells[key] for key in COMPUTED_KEYS if key in project.cells}
    if not cells:
        return project
    points = {key: split_address(address) for key, address in cells.items()}
    last_row = max(r for r, _ in points.values())
    last_col = max(c for _, c in points.values())
    table = engine.read_formulas(sheet, last_row, last_col)
    if table is None:
        return project
    formulas = {
        key: table[row - 1][col - 1]
        for key, (row, col) in points.items()
        if row - 1 < len(table) and col - 1 < len(table[row - 1])
    }
    return replace(project, formulas=formulas)


def project_sheets(book: xw.Book) -> list[xw.Sheet]:
    """The sheets that may hold a project form, in workbook order (reserved sheets excluded)."""
    return [sheet for sheet in book.sheets if is_project_sheet(sheet.name)]
