"""The ribbon's Python entry points (xlwings): validate, clear marks, new project, summary.

Each takes an optional `book` and defaults to `xw.Book.caller()`, so one function serves
RunPython on the desktop, xlwings Server and the tests (`xw.Book(json=payload)`).

Thin by design: read each sheet in one bulk read, run the core (`grid`, `rules`,
`scoring`), write back in as few calls as possible. Only the status cell, 校验结果, 目录,
汇总 and formatting are ever written; never a cell a clerk types into.

xlwings itself imports pandas when it is installed, so it is imported lazily here: importing
this module costs only the core.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from ..guide import RULES_HEADING_WORD
from ..layout import SHEET_NAME_FORBIDDEN, SHEET_NAME_MAX, is_project_sheet, project_sheet_name
from ..model import Finding
from ..rules import check_book
from ..vocabulary import (
    BUTTON_NEW_PROJECT,
    BUTTON_VALIDATE_ACTIVE,
    RESERVED_SHEETS,
    RIBBON_TAB,
    SHEET_CHECK_RESULTS,
    SHEET_GUIDE,
    SHEET_INDEX,
    SHEET_MASTER,
)
from . import engine, findings_sheet, index_sheet
from .findings_sheet import Row
from .marks import (
    MARK_FILLS,
    MAX_COLOUR_CELLS,
    cell_marks,
    cell_notes,
    colour_matrix,
    is_address,
    split_address,
    status_text,
    template_fill,
)
from .reading import SheetRead, project_sheets, read_sheet
from .rows import fit_rows

if TYPE_CHECKING:
    import xlwings as xw

__all__ = ["build_summary", "clear_marks", "new_project", "show_rules", "validate_active", "validate_all"]


F = TypeVar("F", bound=Callable[..., object])


def _now() -> dt.datetime:
    return dt.datetime.now()


def _caller(book: xw.Book | None) -> xw.Book:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


NO_CALLER = (
    "绩效自评加载项无法连接到 Excel 中的工作簿，操作未完成。\n"
    "请保存并关闭所有工作簿，重新启动 Excel 后再试；如仍出错，请把本提示截图发给技术人员。"
)


def _tell(text: str) -> None:
    """A Chinese message box where no workbook is reachable (Windows), else stderr."""
    print(text, file=sys.stderr)
    if sys.platform == "win32":
        import ctypes

        # MB_OK | MB_ICONWARNING | MB_SETFOREGROUND | MB_TOPMOST
        ctypes.windll.user32.MessageBoxW(None, text, RIBBON_TAB, 0x0 | 0x30 | 0x10000 | 0x40000)


def _entry(func: F) -> F:
    """A ribbon button: never a traceback for the clerk, a Chinese message box instead."""

    @functools.wraps(func)
    def run(book: xw.Book | None = None, *args: object, **kwargs: object) -> object:
        try:
            book = _caller(book)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            _tell(NO_CALLER)
            return None
        try:
            return func(book, *args, **kwargs)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            engine.show_status(book, None)
            engine.alert(
                book, f"操作未完成：{exc}\n请保存工作簿后重试；如仍出错，请把本提示截图发给技术人员。", RIBBON_TAB
            )
            return None

    return run  # type: ignore[return-value]


# --- validation --------------------------------------------------------------------------


@_entry
def validate_active(book: xw.Book) -> list[Finding] | None:
    """校验本表: validate the active project sheet; returns its findings."""
    sheet = book.sheets.active
    if not is_project_sheet(sheet.name):
        engine.alert(
            book,
            f"当前工作表「{sheet.name}」不是项目表。请先切换到要校验的项目表，再点“{BUTTON_VALIDATE_ACTIVE}”。",
            RIBBON_TAB,
        )
        return None
    read = read_sheet(sheet)
    if not read.is_form:
        engine.alert(book, f"工作表「{sheet.name}」中没有找到自评表（项目名称和指标表），未校验。", RIBBON_TAB)
        return None
    findings = read.findings + (check_book([read.project])[0] if read.project else [])
    old_rows, extent = findings_sheet.read_listed_rows(book)
    new_rows = _mark_sheet(sheet, read, findings, [r for r in old_rows if r.sheet == sheet.name])
    order = [s.name for s in book.sheets]
    rows = findings_sheet.merge(old_rows, new_rows, {sheet.name}, order)
    created = findings_sheet.find_results_sheet(book) is None
    findings_sheet.write(book, rows, extent)
    if created:
        sheet.activate()
    return findings


@_entry
def validate_all(book: xw.Book) -> dict[str, list[Finding]] | None:
    """校验全部: validate every project sheet, list every finding, refresh 目录."""
    sheets = project_sheets(book)
    reads: list[SheetRead] = []
    for i, sheet in enumerate(sheets, start=1):
        engine.show_status(book, f"绩效自评：正在读取 {i}/{len(sheets)}「{sheet.name}」…")
        reads.append(read_sheet(sheet))
    forms = [r for r in reads if r.is_form]
    parsed = [(r.name, r.project) for r in forms if r.project is not None]
    results = dict(zip((name for name, _ in parsed), check_book([p for _, p in parsed]), strict=False))
    old_rows, extent = findings_sheet.read_listed_rows(book)
    by_sheet = {s.name: s for s in sheets}
    rows: list[Row] = []
    findings: dict[str, list[Finding]] = {}
    for i, read in enumerate(forms, start=1):
        engine.show_status(book, f"绩效自评：正在标记 {i}/{len(forms)}「{read.name}」…")
        found = read.findings + results.get(read.name, [])
        findings[read.name] = found
        previous = [r for r in old_rows if r.sheet == read.name]
        rows += _mark_sheet(by_sheet[read.name], read, found, previous)
    record = findings_sheet.write(book, rows, extent)
    index = index_sheet.find_index_sheet(book)
    if index is not None:
        with engine.unprotected(index):
            index_sheet.refresh(index, [(r.name, r.project.cells if r.project else None) for r in forms])
            index_sheet.fit_index_rows(index, [(r.name, r.project.name if r.project else "") for r in forms])
    engine.show_status(book, None)
    if any(row.marked for row in rows):
        record.activate()
    return findings


def _mark_sheet(sheet: xw.Sheet, read: SheetRead, findings: Sequence[Finding], previous: Sequence[Row]) -> list[Row]:
    """Status text, colours and notes of one sheet; previous marks are painted back first."""
    project = read.project
    marks = cell_marks(findings)
    notes = cell_notes(findings)
    fills: dict[str, str | None] = {
        row.cell: template_fill(row.cell, read.grid, project) for row in previous if row.marked
    }
    fills.update({cell: MARK_FILLS[severity] for cell, severity in marks.items()})
    noted: set[str] = set()
    with engine.unprotected(sheet):
        if project is not None and "status" in project.cells:
            sheet.range(project.cells["status"]).value = status_text(findings, _now())
        if project is not None:
            fit_rows(sheet, project)
        _paint(sheet, fills)
        for row in previous:
            if row.noted:
                engine.delete_note(sheet.range(row.cell))
        for cell, text in notes.items():
            if engine.add_note(sheet.range(cell), text):
                noted.add(cell)
    rows = []
    for item in findings:
        rows.append(Row.of(item, noted=item.cell in noted))
        noted.discard(item.cell or "")  # the flag goes on the cell's first row only
    return rows


def _paint(sheet: xw.Sheet, fills: dict[str, str | None]) -> None:
    """Set the fills in one call (or a few, above xlwings' per-call limit); `...` keeps a cell."""
    box = colour_matrix(fills)
    if box is None:
        return
    (top, left), matrix = box
    width = len(matrix[0])
    step = max(1, MAX_COLOUR_CELLS // width)
    for start in range(0, len(matrix), step):
        chunk = matrix[start : start + step]
        if all(colour is ... for line in chunk for colour in line):
            continue
        sheet.range((top + start, left), (top + start + len(chunk) - 1, left + width - 1)).set_colors(chunk)


# --- clearing ----------------------------------------------------------------------------


@_entry
def clear_marks(book: xw.Book) -> int | None:
    """清除标记: paint back every marked cell, remove our notes, empty the status cells and
    remove 校验结果. Values are untouched. Returns how many cells were painted back."""
    old_rows, _extent = findings_sheet.read_listed_rows(book)
    record = findings_sheet.find_results_sheet(book)
    restored = 0
    for sheet in project_sheets(book):
        mine = [r for r in old_rows if r.sheet == sheet.name]
        read = read_sheet(sheet, formulas=False)
        if not read.is_form:
            continue
        project = read.project
        if record is not None:
            cells = {r.cell for r in mine if r.marked}
        elif project is not None:  # no record left: every cell a rule can point at
            cells = set(project.cells.values()) | {c for i in project.indicators for c in i.cells.values()}
        else:
            cells = set()
        fills = {cell: template_fill(cell, read.grid, project) for cell in cells if _is_cell(cell)}
        with engine.unprotected(sheet):
            status = project.cells.get("status") if project is not None else None
            if status is not None and _has_value(read, status):
                sheet.range(status).clear_contents()
            _paint(sheet, fills)
            for row in mine:
                if row.noted:
                    engine.delete_note(sheet.range(row.cell))
        restored += len(fills)
    if record is not None:
        active = book.sheets.active
        record.delete()
        if active.name != SHEET_CHECK_RESULTS:
            active.activate()
    return restored


def _is_cell(text: str) -> bool:
    return is_address(text)


def _has_value(read: SheetRead, address: str) -> bool:
    row, col = split_address(address)
    rows = read.grid.rows
    return row - 1 < len(rows) and col - 1 < len(rows[row - 1]) and rows[row - 1][col - 1] not in (None, "")


# --- new project sheet -------------------------------------------------------------------


@_entry
def new_project(book: xw.Book, name: str | None = None) -> str | None:
    """新建项目表: copy the very hidden 项目模板 after the last project sheet, list it in 目录."""
    names = [s.name for s in book.sheets]
    if SHEET_MASTER not in names:
        engine.alert(
            book,
            f"工作簿中没有找到隐藏的「{SHEET_MASTER}」表，无法{BUTTON_NEW_PROJECT}。请使用最新的模板工作簿。",
            RIBBON_TAB,
        )
        return None
    if name is None:
        name = _next_name(names)
    problem = _name_problem(name, names)
    if problem:
        engine.alert(book, problem, RIBBON_TAB)
        return None
    projects = project_sheets(book)
    anchor = projects[-1] if projects else _sheet(book, SHEET_INDEX) or book.sheets[0]
    master = book.sheets[SHEET_MASTER]
    copy = master.copy(after=anchor, name=name)
    copy.visible = True
    index = index_sheet.find_index_sheet(book)
    if index is not None:
        listed = index_sheet.listed_sheets(index)
        with engine.unprotected(index):
            index_sheet.write_rows(index, [(name, None)], first=len(listed) + 1)
            index_sheet.fit_index_rows(index, [(name, "")], first=len(listed) + 1)
    copy.activate()
    return name


def _next_name(names: Sequence[str]) -> str:
    taken = {n.casefold() for n in names}
    number = sum(1 for n in names if is_project_sheet(n)) + 1
    while project_sheet_name(number).casefold() in taken:
        number += 1
    return project_sheet_name(number)


def _name_problem(name: str, names: Sequence[str]) -> str | None:
    """A Chinese reason why `name` cannot be a new sheet's name, or None."""
    text = name.strip()
    if not text:
        return "工作表名称不能为空。"
    if len(text) > SHEET_NAME_MAX:
        return f"工作表名称「{text}」超过 {SHEET_NAME_MAX} 个字符，请缩短。"
    bad = sorted(set(text) & SHEET_NAME_FORBIDDEN)
    if bad or text.startswith("'") or text.endswith("'"):
        return f"工作表名称「{text}」含有不允许的字符（{' '.join(bad) or '首尾的单引号'}），请修改。"
    if text in RESERVED_SHEETS:
        return f"「{text}」是模板保留的工作表名称，请换一个。"
    if text.casefold() in {n.casefold() for n in names}:
        return f"已有名为「{text}」的工作表，请换一个名称。"
    return None


def _sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


# --- summary and rules -------------------------------------------------------------------


@_entry
def build_summary(book: xw.Book) -> int | None:
    """生成汇总: the consolidation summary of every project sheet into 汇总; returns its rows."""
    from .summary_sheet import write_summary_sheet  # pandas loads here, and only here

    sheets = project_sheets(book)
    reads = []
    for i, sheet in enumerate(sheets, start=1):
        engine.show_status(book, f"绩效自评：正在汇总 {i}/{len(sheets)}「{sheet.name}」…")
        reads.append(read_sheet(sheet))
    rows = write_summary_sheet(book, [r for r in reads if r.is_form])
    engine.show_status(book, None)
    return rows


@_entry
def show_rules(book: xw.Book) -> str | None:
    """填表说明: open 填表说明 at the list of rule codes; returns the cell shown."""
    sheet = _sheet(book, SHEET_GUIDE)
    if sheet is None:
        engine.alert(book, f"工作簿中没有「{SHEET_GUIDE}」表。规则说明见 selfeval 文档。", RIBBON_TAB)
        return None
    last = sheet.used_range.last_cell.row
    values = sheet.range((1, 1), (last, 1)).options(ndim=2).value
    row = next((i for i, (v,) in enumerate(values, start=1) if isinstance(v, str) and RULES_HEADING_WORD in v), 1)
    sheet.activate()
    sheet.range((row, 1)).select()
    return f"A{row}"
