"""`selfeval validate --mark`: a copy of a workbook with the marks the ribbon would make.

For units without the add-in: the same status text, fill colours, notes and 校验结果 sheet as
校验全部 (`excel.validate_all`), and the same row heights, written with openpyxl into a new
file. The input is never changed; the copy appears atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..a1 import column_letters
from ..celltext import hyperlink_formula
from ..styles import HEADER_FILL
from ..template import put_value
from ..validation import FileReport, validate_file
from ..vocabulary import RIBBON_TAB, SHEET_CHECK_RESULTS
from ..xlsxfile import save_workbook
from .findings_sheet import (
    _SEVERITY_FILLS,
    HEADERS,
    LINK_TEXT,
    NOTE_FLAG,
    SEVERITY_COLUMN,
    WIDTHS,
    Row,
)
from .marks import MARK_FILLS, cell_marks, cell_notes, status_text
from .rows import needed_heights

MARKABLE = (".xlsx", ".xlsm")
NOTE_AUTHOR = RIBBON_TAB
NOTE_SIZE = (160, 320)  # height, width in pixels: room for a few findings


@dataclass
class MarkResult:
    """What a marked copy holds."""

    path: Path
    report: FileReport
    marked: int  # cells coloured
    noted: int  # notes added


def mark_copy(
    source: Path, target: Path, *, now: dt.datetime | None = None, report: FileReport | None = None
) -> MarkResult:
    """Validate `source` (unless its `report` is given) and write the marked copy to `target`
    (never `source` itself)."""
    source, target = Path(source), Path(target)
    if source.suffix.lower() not in MARKABLE:
        raise ValueError(f"只能为 .xlsx 或 .xlsm 工作簿生成标记副本，{source.name} 不是。")
    if target.suffix.lower() != source.suffix.lower():
        raise ValueError(f"标记副本应与原文件同为 {source.suffix} 文件：{target.name}")
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError("标记副本不能覆盖原文件，请换一个输出文件名。")
    report = report or validate_file(source)
    if report.status != "ok":
        reasons = "；".join(f.message for f in report.findings) or "无法读取"
        raise ValueError(f"无法读取 {source.name}：{reasons}")
    wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    when = now or dt.datetime.now()
    rows: list[Row] = []
    marked = noted = 0
    for item in report.projects:
        project = item.project
        findings = item.findings
        if project.sheet not in wb.sheetnames:
            continue
        ws = wb[project.sheet]
        if "status" in project.cells:
            put_value(ws[project.cells["status"]], status_text(findings, when))
        for cell, severity in cell_marks(findings).items():
            ws[cell].fill = PatternFill("solid", fgColor=MARK_FILLS[severity].lstrip("#"))
            marked += 1
        mine: set[str] = set()
        for cell, text in cell_notes(findings).items():
            if ws[cell].comment is None:
                ws[cell].comment = Comment(text, NOTE_AUTHOR, *NOTE_SIZE)
                mine.add(cell)
        noted += len(mine)
        for row, height in needed_heights(project).items():
            ws.row_dimensions[row].height = height
        for finding in findings:
            rows.append(Row.of(finding, noted=finding.cell in mine))
            mine.discard(finding.cell or "")
    rows = [Row.of(f) for f in report.findings] + rows
    values = _cached_values(source, wb)
    _write_results_sheet(wb, rows)
    values[SHEET_CHECK_RESULTS] = {f"G{line}": LINK_TEXT for line, row in enumerate(rows, start=2) if row.sheet}
    save_workbook(wb, target, force=True, values=values)
    return MarkResult(target, report, marked, noted)


def _write_results_sheet(wb, rows: list[Row]) -> Worksheet:
    """校验结果 at the end, as `findings_sheet.write` lays it out (replacing an earlier one)."""
    if SHEET_CHECK_RESULTS in wb.sheetnames:
        del wb[SHEET_CHECK_RESULTS]
    ws = wb.create_sheet(SHEET_CHECK_RESULTS)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=False), start=1):
        cell = ws.cell(1, column, header)
        cell.font, cell.fill = Font(bold=True), header_fill
        ws.column_dimensions[column_letters(column)].width = width
    for number, row in enumerate(rows, start=1):
        line = number + 1
        values = [number, row.sheet, row.cell, row.code, row.severity, row.message]
        for column, value in enumerate(values, start=1):
            put_value(ws.cell(line, column), value)
        if row.sheet:
            ws.cell(line, len(values) + 1).value = hyperlink_formula(row.sheet, row.cell or "A1", LINK_TEXT)
        if row.noted:
            ws.cell(line, len(values) + 2).value = NOTE_FLAG
        fill = _SEVERITY_FILLS.get(row.severity)
        if fill:
            ws.cell(line, SEVERITY_COLUMN + 1).fill = PatternFill("solid", fgColor=fill.lstrip("#"))
    return ws


def _cached_values(source: Path, wb) -> dict[str, dict[str, object]]:
    """The value each formula of `wb` had in `source` (as the spreadsheet saved it): openpyxl
    keeps formulas but drops their values, and the copy must preview like the original."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(source))
    names = set(book.sheet_names)
    values: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        if ws.title not in names or ws.title == SHEET_CHECK_RESULTS:
            continue
        grid = book.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        found: dict[str, object] = {}
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    r, c = cell.row - 1, cell.column - 1
                    value = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
                    found[cell.coordinate] = value if isinstance(value, (str, int, float, bool)) else str(value)
        values[ws.title] = found
    return values
