"""生成汇总: consolidation's summary data (`consolidate.build_summary`) written into 汇总.

Imports pandas (through consolidate): only the summary button loads this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..consolidate import Block, SheetSpec, build_summary
from ..consolidate.summary import HEADER_FILL, SHEET_PROJECTS
from ..layout import SHEET_SUMMARY
from ..validation import FileReport, validate_projects
from . import engine
from .reading import SheetRead
from .texts import as_text

if TYPE_CHECKING:
    import xlwings as xw


def summary_spec(book_name: str, reads: Sequence[SheetRead]) -> SheetSpec:
    """The 汇总 sheet of the consolidation summary of the read project sheets."""
    projects = [r.project for r in reads if r.project is not None]
    unreadable = [f for r in reads for f in r.findings]
    report = FileReport(book_name, "ok", unreadable, validate_projects(projects))
    return build_summary([report]).sheet(SHEET_PROJECTS)


def block_values(block: Block) -> list[list[object]]:
    """Header, rows and totals row of a block as written (texts stay texts)."""
    lines: list[list[object]] = [[c.header for c in block.columns]]
    lines += [[as_text(v) for v in row] for row in block.rows]
    if block.totals:
        line: list[object] = []
        for column in block.columns:
            total = column.total
            if total is None:
                line.append(None)
            elif total.kind == "label":
                line.append(total.label)
            else:
                line.append(total.value)
        lines.append(line)
    return lines


def write_summary(book: "xw.Book", reads: Sequence[SheetRead]) -> int:
    """Replace the content of 汇总 with the summary of `reads`; returns the number of project rows."""
    spec = summary_spec(book.name, reads)
    sheet = _fresh_summary_sheet(book)
    rows = 0
    with engine.unprotected(sheet):
        sheet.clear()
        for block in spec.blocks:
            rows += len(block.rows)
            _write_block(sheet, block)
    sheet.activate()
    return rows


def _fresh_summary_sheet(book: "xw.Book") -> "xw.Sheet":
    """汇总, empty: an earlier summary's Excel table cannot be cleared away, so such a sheet
    is replaced by a new one at the same place (汇总 only ever holds generated content)."""
    sheet = next((s for s in book.sheets if s.name == SHEET_SUMMARY), None)
    if sheet is None:
        return book.sheets.add(SHEET_SUMMARY, after=book.sheets[len(book.sheets) - 1])
    if len(sheet.tables) == 0:
        return sheet
    position = sheet.index  # 1-based
    sheet.delete()
    if position > 1:
        return book.sheets.add(SHEET_SUMMARY, after=book.sheets[position - 2])
    return book.sheets.add(SHEET_SUMMARY, before=book.sheets[0])


def _write_block(sheet: "xw.Sheet", block: Block) -> None:
    lines = block_values(block)
    top = sheet.range(block.anchor)
    row, col = top.row, top.column
    width = len(block.columns)
    sheet.range((row, col)).value = lines
    last = row + len(lines) - 1
    sheet.range((row, col), (row, col + width - 1)).color = "#" + HEADER_FILL
    sheet.range((row, col), (row, col + width - 1)).font.bold = True
    if block.totals:
        sheet.range((last, col), (last, col + width - 1)).font.bold = True
    if block.table_name and block.rows:
        # An Excel table gives finance staff filter and sort buttons; the totals row stays
        # below it as plain values, computed over all rows.
        body = sheet.range((row, col), (row + len(block.rows), col + width - 1))
        sheet.tables.add(source=body, name=block.table_name, has_headers=True,
                         table_style_name="TableStyleLight9")
    # one call per run of columns that share a format / width
    for key in ("number_format", "width"):
        start = 0
        for i in range(1, width + 1):
            if i < width and getattr(block.columns[i], key) == getattr(block.columns[start], key):
                continue
            cells = sheet.range((row, col + start), (last, col + i - 1))
            value = getattr(block.columns[start], key)
            if key == "number_format":
                if len(lines) > 1:
                    sheet.range((row + 1, col + start), (last, col + i - 1)).number_format = value
            else:
                cells.column_width = value
            start = i
    if block.colours and block.rows:
        header, palette = block.colours
        index = block.column_index(header)
        colours = [[("#" + palette[r[index]]) if r[index] in palette else ...] for r in block.rows]
        sheet.range((row + 1, col + index), (row + len(block.rows), col + index)).set_colors(colours)
