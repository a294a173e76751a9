"""生成汇总: consolidation's summary data (`consolidate.summary_from_reports`) written into 汇总.

Imports pandas (through consolidate): only the summary button loads this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from ..a1 import column_letters
from ..celltext import as_text
from ..consolidate.summary import Block, SheetSpec, summary_from_reports
from ..styles import HEADER_FILL
from ..textfit import PLAIN_MARGIN, fit_height, height_for, line_count
from ..validation import FileReport, validate_projects
from ..vocabulary import SHEET_SUMMARY
from . import engine
from .reading import SheetRead

if TYPE_CHECKING:
    import xlwings as xw

T = TypeVar("T")


def summary_spec(book_name: str, reads: Sequence[SheetRead]) -> SheetSpec:
    """The 汇总 sheet of the consolidation summary of the read project sheets."""
    projects = [r.project for r in reads if r.project is not None]
    unreadable = [f for r in reads for f in r.findings]
    report = FileReport(book_name, "ok", unreadable, validate_projects(projects))
    return summary_from_reports([report]).sheet(SHEET_SUMMARY)


def block_values(block: Block) -> list[list[object]]:
    """Header, rows and totals row of a block as written (texts stay texts)."""
    lines: list[list[object]] = [[c.header for c in block.columns]]
    lines += [[as_text(v) for v in row] for row in block.rows]
    if block.totals:
        lines.append([None if c.total is None else c.total.shown() for c in block.columns])
    return lines


def summary_values(spec: SheetSpec) -> list[list[object]]:
    """Everything the sheet shows from A1, one rectangle: heading rows, the block, its notes."""
    block = spec.blocks[0]
    width = len(block.columns)
    lines: list[list[object]] = []
    if spec.heading is not None:
        side = _side(block)
        lines.append([spec.heading.title, *[None] * (width - 1)])
        lines.append([spec.heading.left or None, *[None] * (width - 1)])
        lines[-1][_printed(block) - side] = spec.heading.right or None
    lines += block_values(block)
    lines += [[note] + [None] * (width - 1) for note in block.notes]
    return lines


def _printed(block: Block) -> int:
    return sum(1 for c in block.columns if c.printed)


def _side(block: Block) -> int:
    """Columns the unit and the date each take on the heading's second row (as the file writer)."""
    return max(1, min(4, _printed(block) // 2))


def write_summary_sheet(book: xw.Book, reads: Sequence[SheetRead]) -> int:
    """Replace the content of 汇总 with the summary of `reads`; returns the number of project rows."""
    spec = summary_spec(book.name, reads)
    sheet = _fresh_summary_sheet(book)
    with engine.unprotected(sheet):
        sheet.clear()
        _lay_out_summary(sheet, spec)
    sheet.activate()
    return len(spec.blocks[0].rows)


def _fresh_summary_sheet(book: xw.Book) -> xw.Sheet:
    """汇总, empty: an earlier summary's Excel table cannot be cleared away, so such a sheet
    is replaced by a new one at the same place (汇总 only ever holds generated content)."""
    sheet = next((s for s in book.sheets if s.name == SHEET_SUMMARY), None)
    if sheet is None:  # the template has none (an empty one would print): at the end
        return book.sheets.add(SHEET_SUMMARY, after=book.sheets[len(book.sheets) - 1])
    if len(sheet.tables) == 0:
        return sheet
    position = sheet.index  # 1-based
    sheet.delete()
    if position > 1:
        return book.sheets.add(SHEET_SUMMARY, after=book.sheets[position - 2])
    return book.sheets.add(SHEET_SUMMARY, before=book.sheets[0])


def _lay_out_summary(sheet: xw.Sheet, spec: SheetSpec) -> None:
    """The heading, the block (a table with filter buttons), its totals and notes, formats and
    row heights (wrapped texts), and the print setup where the engine has one."""
    block = spec.blocks[0]
    lines = summary_values(spec)
    printed = _printed(block)
    sheet.range((1, 1)).value = lines
    top = len(lines) - len(block_values(block)) - len(block.notes) + 1  # header row
    last = top + len(block.rows) + (1 if block.totals else 0)
    if spec.heading is not None:
        _format_heading(sheet, block)
    _format_header_and_table(sheet, block, top, last)
    _format_columns(sheet, block, top, last)
    if block.totals:
        _format_totals(sheet, block, last)
    for offset, height in sorted(row_heights(block).items()):
        sheet.range((top + offset, 1)).row_height = height
    for n, _note in enumerate(block.notes, start=1):
        note_range = sheet.range((last + n, 1), (last + n, printed))
        note_range.merge(False)
        note_range.wrap_text = True
    if block.colours and block.rows:
        _colour_column(sheet, block, top)
    engine.page_setup(
        sheet,
        landscape=spec.landscape,
        paper=spec.paper,
        print_area=f"A1:{column_letters(printed)}{last + len(block.notes)}",
        title_rows=f"{top}:{top}",
    )


def _format_heading(sheet: xw.Sheet, block: Block) -> None:
    """The title merged over the printed columns, large; the date merged at the right end."""
    printed, side = _printed(block), _side(block)
    title = sheet.range((1, 1), (1, printed))
    title.merge(False)
    title.font.bold, title.font.size = True, 16
    sheet.range((2, printed - side + 1), (2, printed)).merge(False)
    sheet.range((1, 1)).row_height = 30


def _format_header_and_table(sheet: xw.Sheet, block: Block, top: int, last: int) -> None:
    """The header row coloured, bold and wrapped; the rows an Excel table; the totals row bold."""
    width = len(block.columns)
    header = sheet.range((top, 1), (top, width))
    header.color = "#" + HEADER_FILL
    header.font.bold = True
    header.wrap_text = True
    if block.totals:
        sheet.range((last, 1), (last, width)).font.bold = True
    if block.table_name and block.rows:
        # An Excel table gives finance staff filter and sort buttons; the totals row stays
        # below it as plain values, computed over all rows.
        body = sheet.range((top, 1), (top + len(block.rows), width))
        sheet.tables.add(source=body, name=block.table_name, has_headers=True, table_style_name="TableStyleLight9")


def _format_columns(sheet: xw.Sheet, block: Block, top: int, last: int) -> None:
    """Number formats, widths and wrapping: one call per run of columns that share them."""
    columns = block.columns
    if block.rows:
        for first, end, number_format in _runs([c.number_format for c in columns]):
            sheet.range((top + 1, first), (last, end)).number_format = number_format
    for first, end, width in _runs([c.width for c in columns]):
        sheet.range((top, first), (last, end)).column_width = width
    if block.rows:
        for first, end, wrap in _runs([c.wrap for c in columns]):
            if wrap:
                sheet.range((top + 1, first), (last, end)).wrap_text = True


def _runs(values: Sequence[T]) -> list[tuple[int, int, T]]:
    """(first, last, value) of each run of equal neighbours, 1-based columns."""
    runs: list[tuple[int, int, T]] = []
    start = 0
    for i in range(1, len(values) + 1):
        if i < len(values) and values[i] == values[start]:
            continue
        runs.append((start + 1, i, values[start]))
        start = i
    return runs


def _format_totals(sheet: xw.Sheet, block: Block, last: int) -> None:
    """The totals row's own number formats (an average says 均)."""
    for index, column in enumerate(block.columns, start=1):
        if column.total is not None and column.total.number_format:
            sheet.range((last, index)).number_format = column.total.number_format


def _colour_column(sheet: xw.Sheet, block: Block, top: int) -> None:
    """Fill the cells of the block's colour column whose value has a colour (severities)."""
    assert block.colours is not None
    header_text, palette = block.colours
    index = block.column_index(header_text)
    colours = [[("#" + palette[r[index]]) if r[index] in palette else ...] for r in block.rows]
    sheet.range((top + 1, index + 1), (top + len(block.rows), index + 1)).set_colors(colours)


def row_heights(block: Block) -> dict[int, float]:
    """Row offset below the header (0: the header) → height, for rows whose text wraps."""
    heights = {0: fit_height(((c.header, c.width) for c in block.columns), 0, margin=PLAIN_MARGIN)}
    wrapped = [(i, c.width) for i, c in enumerate(block.columns) if c.wrap]
    for offset, row in enumerate(block.rows, start=1):
        lines = max((line_count(str(row[i]), w, margin=PLAIN_MARGIN) for i, w in wrapped if row[i]), default=1)
        if lines > 1:
            heights[offset] = height_for(lines)
    return heights
