"""Write a `Summary` to a new .xlsx file with openpyxl (one user of the summary data).

Tables with filter buttons and a totals row whose formulas follow the filter (SUBTOTAL),
frozen headers, number formats, widths, coloured severities, native bar charts, print
setup (landscape A4, fit to width, header row repeated). Every string is written as text,
so `=HYPERLINK(...)` typed by a clerk stays a string. The file appears atomically.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .summary import HEADER_FILL, GENERAL, Block, Chart, SheetSpec, Summary, Total

MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell
TABLE_STYLE = "TableStyleMedium2"
_SUBTOTAL = {"sum": 109, "average": 101, "min": 105, "count": 103}  # 1xx: ignore filtered rows
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_summary(summary: Summary, path: Path) -> Path:
    """Write the summary workbook to `path` atomically (temp file in the same folder, then rename)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in summary.sheets:
        _write_sheet(workbook.create_sheet(spec.name), spec)
    save_atomically(workbook, path)
    return path


def save_atomically(workbook: Workbook, path: Path) -> None:
    """Save next to `path`, then os.replace: readers never see a half-written file."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def text_value(value: str) -> str:
    """A string as Excel can hold it: no XML-illegal control characters, at most 32,767 chars."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:MAX_CELL_TEXT]


def _write_sheet(ws: Worksheet, spec: SheetSpec) -> None:
    for block in spec.blocks:
        _write_block(ws, block)
    for chart in spec.charts:
        _add_chart(ws, spec, chart)
    if spec.freeze:
        ws.freeze_panes = spec.freeze
    if spec.print_title_rows:
        ws.print_title_rows = spec.print_title_rows
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _origin(anchor: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(anchor)
    return row, column_index_from_string(letters)


def _write_block(ws: Worksheet, block: Block) -> None:
    top, left = _origin(block.anchor)
    for offset, column in enumerate(block.columns):
        cell = ws.cell(top, left + offset)
        _set(cell, column.header)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        ws.column_dimensions[get_column_letter(left + offset)].width = column.width
    styles = _column_styles(ws, block, top + 1, left)
    colour_at = block.column_index(block.colours[0]) if block.colours else None
    rows = block.rows or [tuple(None for _ in block.columns)]  # a table needs one data row
    cells = ws._cells  # noqa: SLF001 - bulk insert: 10,000s of rows, the value/style setters dominate
    for r, values in enumerate(rows, start=top + 1):
        for offset, value in enumerate(values):
            column = left + offset
            style = styles[offset].get(value if offset == colour_at else None, styles[offset][None])
            cell = Cell(ws, row=r, column=column, style_array=style)
            if isinstance(value, str):
                cell._value, cell.data_type = text_value(value), "s"  # text, never a formula
            elif value is not None:
                cell._value, cell.data_type = value, ("b" if isinstance(value, bool) else "n")
            cells[(r, column)] = cell
    last_data = top + len(rows)
    if block.totals:
        _write_totals(ws, block, top, left, last_data)
    if block.table_name:
        _add_table(ws, block, top, left, last_data)


def _column_styles(ws: Worksheet, block: Block, row: int, left: int) -> list[dict[object, StyleArray]]:
    """Per column: value → style array (number format, and the fill of coloured values; None: default).

    Styles are registered once through a scratch cell, then shared by every data cell.
    """
    fills = {}
    if block.colours:
        fills = {value: PatternFill("solid", fgColor=rgb) for value, rgb in block.colours[1].items()}
    colour_at = block.column_index(block.colours[0]) if block.colours else None
    styles: list[dict[object, StyleArray]] = []
    scratch = Cell(ws, row=row, column=left)
    for offset, column in enumerate(block.columns):
        variants: dict[object, StyleArray] = {}
        for value, fill in [(None, None), *(fills.items() if offset == colour_at else [])]:
            scratch._style = StyleArray()  # noqa: SLF001
            if column.number_format != GENERAL:
                scratch.number_format = column.number_format
            if fill is not None:
                scratch.fill = fill
            variants[value] = StyleArray(scratch._style)  # noqa: SLF001
        styles.append(variants)
    return styles


def _set(cell, value: object) -> None:
    """Assign a value; strings stay strings (openpyxl would take `=…` for a formula, `#N/A` for an error)."""
    if isinstance(value, str):
        cell.value = text_value(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _column_range(block: Block, header: str, top: int, left: int, last: int) -> str:
    letter = get_column_letter(left + block.column_index(header))
    return f"{letter}{top + 1}:{letter}{last}"


def _total_formula(block: Block, total: Total, header: str, top: int, left: int, last: int) -> str | None:
    if total.kind in _SUBTOTAL:
        return f"SUBTOTAL({_SUBTOTAL[total.kind]},{_column_range(block, header, top, left, last)})"
    if total.kind == "ratio":
        num = f"SUBTOTAL(109,{_column_range(block, total.numerator, top, left, last)})"
        den = f"SUBTOTAL(109,{_column_range(block, total.denominator, top, left, last)})"
        return f'IF({den}>0,{num}/{den},"")'
    return None


def _write_totals(ws: Worksheet, block: Block, top: int, left: int, last: int) -> None:
    row = last + 1
    for offset, column in enumerate(block.columns):
        cell = ws.cell(row, left + offset)
        cell.font = _HEADER_FONT
        total = column.total
        if total is None:
            continue
        if total.kind == "label":
            _set(cell, total.label)
            continue
        formula = _total_formula(block, total, column.header, top, left, last)
        cell.value = f"={formula}"
        if column.number_format != GENERAL:
            cell.number_format = column.number_format


def _add_table(ws: Worksheet, block: Block, top: int, left: int, last_data: int) -> None:
    right = get_column_letter(left + len(block.columns) - 1)
    first = get_column_letter(left)
    last_row = last_data + (1 if block.totals else 0)
    table = Table(displayName=block.table_name, ref=f"{first}{top}:{right}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    table.autoFilter = AutoFilter(ref=f"{first}{top}:{right}{last_data}")
    for index, column in enumerate(block.columns, start=1):
        table_column = TableColumn(id=index, name=column.header)
        total = column.total
        if block.totals and total is not None:
            if total.kind == "label":
                table_column.totalsRowLabel = total.label
            else:
                formula = _total_formula(block, total, column.header, top, left, last_data)
                table_column.totalsRowFunction = "custom"
                table_column.totalsRowFormula = TableFormula(attr_text=formula)
        table.tableColumns.append(table_column)
    if block.totals:
        table.totalsRowCount = 1
    ws.add_table(table)


def _add_chart(ws: Worksheet, spec: SheetSpec, chart: Chart) -> None:
    block = spec.block(chart.block)
    top, left = _origin(block.anchor)
    last = top + max(1, len(block.rows))
    value_col = left + block.column_index(chart.value_column)
    category_col = left + block.column_index(chart.category_column)
    bar = BarChart()
    bar.type = "col" if chart.kind == "column" else "bar"
    bar.title = chart.title
    bar.legend = None
    bar.y_axis.title = chart.y_title
    bar.y_axis.numFmt = chart.number_format
    bar.y_axis.majorGridlines = None
    bar.y_axis.scaling.min = 0  # bars start at zero, or small differences look large
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    if chart.kind == "bar":
        bar.x_axis.scaling.orientation = "maxMin"  # first row at the top
    bar.add_data(Reference(ws, min_col=value_col, min_row=top, max_row=last), titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=category_col, min_row=top + 1, max_row=last))
    bar.width, bar.height = chart.width_cm, chart.height_cm
    ws.add_chart(bar, chart.anchor)
