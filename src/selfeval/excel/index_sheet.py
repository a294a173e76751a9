"""目录: one live row per project sheet, the same formulas the template writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..celltext import hyperlink_formula, index_row_formulas
from ..layout import DEFAULT_LAYOUT, INDEX_COLUMNS, INDEX_FIRST_ROW, STATUS_CELL, index_height
from ..styles import SCORE_FORMAT
from ..vocabulary import NO_PROJECT_NAME, SHEET_INDEX

if TYPE_CHECKING:
    import xlwings as xw

_KEYS = tuple(INDEX_COLUMNS)  # number, sheet, name, total, grade, status


def index_row(number: int, sheet: str, cells: dict[str, str] | None = None) -> list[object]:
    """The 目录 row of project sheet `sheet`; `cells` are its Project.cells (template layout if None)."""
    where = dict(DEFAULT_LAYOUT.cells)
    where["status"] = STATUS_CELL
    where.update(cells or {})
    values: dict[str, object] = {
        "number": number,
        "sheet": hyperlink_formula(sheet, "A1", sheet),
        **index_row_formulas(sheet, where),
    }
    return [values[key] for key in _KEYS]


def find_index_sheet(book: xw.Book) -> xw.Sheet | None:
    """目录, or None."""
    for sheet in book.sheets:
        if sheet.name == SHEET_INDEX:
            return sheet
    return None


def last_row(sheet: xw.Sheet) -> int:
    """The last row 目录 uses (at least the header row)."""
    return max(sheet.used_range.last_cell.row, INDEX_FIRST_ROW - 1)


def write_rows(sheet: xw.Sheet, entries: Sequence[tuple[str, dict[str, str] | None]], first: int = 1) -> None:
    """Write rows for `entries` ((sheet name, cells)) from 目录 row number `first` on, in one write."""
    rows = [index_row(first + i, name, cells) for i, (name, cells) in enumerate(entries)]
    if not rows:
        return
    top = INDEX_FIRST_ROW + first - 1
    sheet.range((top, 1)).value = rows
    total_column = list(INDEX_COLUMNS).index("total") + 1
    sheet.range((top, total_column), (top + len(rows) - 1, total_column)).number_format = SCORE_FORMAT


def refresh(sheet: xw.Sheet, entries: Sequence[tuple[str, dict[str, str] | None]]) -> None:
    """Rewrite every row of 目录 for `entries`; rows of sheets that are gone are emptied."""
    old_last = last_row(sheet)
    write_rows(sheet, entries)
    new_last = INDEX_FIRST_ROW + len(entries) - 1
    if old_last > new_last:
        sheet.range((new_last + 1, 1), (old_last, len(INDEX_COLUMNS))).clear_contents()


def listed_sheets(sheet: xw.Sheet) -> list[str]:
    """The sheet names 目录 lists now (its 工作表 column), in order."""
    last = last_row(sheet)
    if last < INDEX_FIRST_ROW:
        return []
    column = list(INDEX_COLUMNS).index("sheet") + 1
    values = sheet.range((INDEX_FIRST_ROW, column), (last, column)).options(ndim=2).value
    return [str(row[0]) for row in values if row[0] not in (None, "")]


def fit_index_rows(sheet: xw.Sheet, names: Sequence[tuple[str, str]], first: int = 1) -> None:
    """Row heights for (sheet name, project name) from 目录 row number `first` on, as the file
    writer sets them: long names wrap onto as many lines as they need (one call per run)."""
    heights = [index_height(name, project or NO_PROJECT_NAME) for name, project in names]
    top = INDEX_FIRST_ROW + first - 1
    start = 0
    for i in range(1, len(heights) + 1):
        if i < len(heights) and heights[i] == heights[start]:
            continue
        sheet.range((top + start, 1), (top + i - 1, 1)).row_height = heights[start]
        start = i
