"""The 校验结果 sheet: every finding with sheet, cell, code, severity, message and a link.

It is also the record of what validation marked (sheet, cell, whether a note was added),
so 清除标记 and the next validation know exactly which cells to paint back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..celltext import as_text, hyperlink_formula
from ..model import Finding, Severity
from ..styles import HEADER_FILL, INFO_FILL
from ..vocabulary import SHEET_CHECK_RESULTS
from .marks import MARK_FILLS, MAX_COLOUR_CELLS

if TYPE_CHECKING:
    import xlwings as xw

HEADERS = ("序号", "工作表", "单元格", "代码", "严重程度", "问题说明", "定位", "批注")
WIDTHS = (6, 16, 8, 7, 9, 90, 8, 6)
SEVERITY_COLUMN = HEADERS.index("严重程度")
LINK_TEXT = "转到"
NOTE_FLAG = "有"
_SEVERITY_BY_LABEL = {s.label: s for s in Severity}
_SEVERITY_FILLS = {s.label: c for s, c in MARK_FILLS.items()} | {Severity.INFO.label: "#" + INFO_FILL}


@dataclass(frozen=True)
class Row:
    """One finding as listed (and read back)."""

    sheet: str
    cell: str
    code: str
    severity: str  # 错误 / 警告 / 提示
    message: str
    noted: bool = False  # validation added a note on the cell

    @classmethod
    def of(cls, finding: Finding, noted: bool = False) -> Row:
        return cls(
            finding.sheet or "", finding.cell or "", finding.code, finding.severity.label, finding.message, noted
        )

    @property
    def marked(self) -> bool:
        """Whether validation coloured this row's cell."""
        return _SEVERITY_BY_LABEL.get(self.severity) in MARK_FILLS and bool(self.cell)


def read_listed_rows(book: xw.Book) -> tuple[list[Row], int]:
    """The rows listed on 校验结果 and how many sheet rows they take; ([], 0) without the sheet."""
    sheet = find_results_sheet(book)
    if sheet is None:
        return [], 0
    last = sheet.used_range.last_cell
    if last.row < 2:
        return [], last.row
    values = sheet.range((2, 1), (last.row, len(HEADERS))).options(ndim=2).value
    rows = []
    for line in values:
        cells = ["" if v is None else str(v) for v in line]
        if not cells[1] and not cells[3]:
            continue
        rows.append(Row(cells[1], cells[2], cells[3], cells[4], cells[5], cells[7] == NOTE_FLAG))
    return rows, last.row


def find_results_sheet(book: xw.Book) -> xw.Sheet | None:
    """校验结果, or None."""
    for sheet in book.sheets:
        if sheet.name == SHEET_CHECK_RESULTS:
            return sheet
    return None


def table(rows: Sequence[Row]) -> list[list[object]]:
    """Header and one line per row, as written: texts kept as texts, a HYPERLINK per cell."""
    lines: list[list[object]] = [list(HEADERS)]
    for number, row in enumerate(rows, start=1):
        lines.append(
            [
                number,
                as_text(row.sheet),
                row.cell,
                row.code,
                row.severity,
                as_text(row.message),
                hyperlink_formula(row.sheet, row.cell or "A1", LINK_TEXT) if row.sheet else "",
                NOTE_FLAG if row.noted else "",
            ]
        )
    return lines


def write(book: xw.Book, rows: Sequence[Row], old_extent: int) -> xw.Sheet:
    """Replace 校验结果 with `rows` (creating the sheet at the end): values in one write."""
    sheet = find_results_sheet(book)
    created = sheet is None
    if sheet is None:
        sheet = book.sheets.add(SHEET_CHECK_RESULTS, after=book.sheets[len(book.sheets) - 1])
    lines = table(rows)
    sheet.range((1, 1)).value = lines
    if old_extent > len(lines):
        sheet.range((len(lines) + 1, 1), (old_extent, len(HEADERS))).clear_contents()
    last = max(old_extent, len(lines))
    colours: list[list[str | None]] = [["#" + HEADER_FILL]]
    colours += [[_SEVERITY_FILLS.get(row.severity)] for row in rows]
    colours += [[None]] * (last - len(lines))
    column = SEVERITY_COLUMN + 1
    for start in range(0, len(colours), MAX_COLOUR_CELLS):
        chunk = colours[start : start + MAX_COLOUR_CELLS]
        sheet.range((start + 1, column), (start + len(chunk), column)).set_colors(chunk)
    if created:
        for index, width in enumerate(WIDTHS, start=1):
            sheet.range((1, index)).column_width = width
    return sheet


def merge(old: Iterable[Row], new: Iterable[Row], replaced: set[str], order: Sequence[str]) -> list[Row]:
    """Old rows of sheets not in `replaced`, plus the new rows, in workbook sheet order."""
    position = {name: i for i, name in enumerate(order)}
    kept = [row for row in old if row.sheet not in replaced]
    combined = kept + list(new)
    return sorted(combined, key=lambda row: position.get(row.sheet, len(position)))
