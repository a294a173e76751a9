"""Fill Projects into the project sheets of a new template workbook.

Used by import (one sheet per form found) and by `selfeval new` (empty sheets). Every
indicator goes under its 一级/二级 rows; a group gets as many rows as it needs, and the
formulas are built for that size. Texts are written as texts, never as formulas
(ARCHITECTURE principle 3). The file is written atomically and never replaces an existing
file unless asked to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from .grid import level1_name, level2_name
from .inert import without_illegal
from .layout import (
    FUNDS_LINE_KEYS,
    INDEX_FIRST_ROW,
    ROW_DEPARTMENT,
    ROW_GOAL_ACTUAL,
    ROW_GOAL_EXPECTED,
    ROW_NAME,
    SHEET_NAME_FORBIDDEN,
    SHEET_NAME_MAX,
    SheetLayout,
    goal_height,
    identity_height,
    index_height,
    indicator_height,
    layout_for,
    project_sheet_name,
)
from .model import LEVEL1_OF_LEVEL2, Indicator, Project
from .template import build_workbook, put_value, save
from .vocabulary import NO_PROJECT_NAME, RESERVED_SHEETS, SHEET_INDEX, SHEET_MASTER

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXCEL_RESERVED = frozenset({"history"})  # Excel refuses a sheet named History


def write_workbook(
    projects: Sequence[Project], path: Path, *, force: bool = False, cleaned: list[str] | None = None
) -> Path:
    """A new template workbook at `path` with one filled project sheet per Project.

    Characters a workbook cannot hold (ESC, BEL, …) are removed; `cleaned`, when given,
    receives each such cell as `工作表!单元格`, for the command to report.
    """
    path = Path(path)
    _refuse_existing(path, force)
    names = sheet_names(projects)
    layouts = [project_layout(project) for project in projects]
    sheets = list(zip(names, layouts, strict=False))
    wb = build_workbook(sheets)
    index = wb[SHEET_INDEX]
    for number, (name, project, layout) in enumerate(zip(names, projects, layouts, strict=False)):
        for address in fill_sheet(wb[name], project, layout):
            if cleaned is not None:
                cleaned.append(f"{name}!{address}")
        index.row_dimensions[INDEX_FIRST_ROW + number].height = index_height(name, project.name or NO_PROJECT_NAME)
    return save(wb, sheets, path, force=force)


def new_workbook(
    path: Path,
    *,
    projects: int = 1,
    year: int | None = None,
    department: str = "",
    force: bool = False,
) -> Path:
    """A fresh department workbook with `projects` empty project sheets (项目1, 项目2, …)."""
    path = Path(path)
    if projects < 1:
        raise ValueError(f"项目表数量应至少为 1，收到 {projects}")
    _refuse_existing(path, force)
    names = [project_sheet_name(i) for i in range(1, projects + 1)]
    layout = SheetLayout()
    sheets = [(name, layout) for name in names]
    wb = build_workbook(sheets)
    for name in [*names, SHEET_MASTER]:
        ws = wb[name]
        if year is not None:
            ws[layout.cells["year"]].value = year
        put_value(ws[layout.cells["department"]], without_illegal(department)[0])
    return save(wb, sheets, path, force=force)


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise FileExistsError(f"文件已存在：{path}。为免覆盖已有内容，请换一个文件名，或使用 --force 覆盖。")


# --- sheet names -----------------------------------------------------------------------


def sheet_name(text: str) -> str:
    """`text` as a legal sheet name: no []:*?/\\, no leading/trailing quote, ≤ 31 chars."""
    cleaned = "".join(" " if ch in SHEET_NAME_FORBIDDEN or ord(ch) < 32 else ch for ch in text)
    cleaned = " ".join(cleaned.split()).strip("'").strip()
    return cleaned[:SHEET_NAME_MAX].rstrip().rstrip("'")


def sheet_names(projects: Sequence[Project]) -> list[str]:
    """One unique sheet name per project, from its name (项目N when it has none)."""
    taken = {name.lower() for name in RESERVED_SHEETS} | _EXCEL_RESERVED
    names = []
    for number, project in enumerate(projects, start=1):
        base = sheet_name(project.name) or project_sheet_name(number)
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f"({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip().rstrip("'") + suffix
        taken.add(name.lower())
        names.append(name)
    return names


# --- placing indicators ----------------------------------------------------------------


def group_key(indicator: Indicator) -> tuple[str, str]:
    """(一级, 二级) of the rows an indicator goes under; a blank 一级 is inferred from 二级."""
    level2 = level2_name(indicator.level2.strip()) if indicator.level2.strip() else ""
    level1 = level1_name(indicator.level1.strip()) if indicator.level1.strip() else ""
    if not level1:
        level1 = LEVEL1_OF_LEVEL2.get(level2, "")
    return level1, level2


def project_layout(project: Project) -> SheetLayout:
    """The layout with room for every indicator of `project` under its group."""
    keys = [group_key(indicator) for indicator in project.indicators]
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return layout_for(counts, keys)


# --- filling ---------------------------------------------------------------------------


def _put(cell: Cell, value: object, cleaned: list[str]) -> None:
    """`put_value` of a value from a form, without characters XML cannot hold (noted in `cleaned`)."""
    if isinstance(value, str):
        value, removed = without_illegal(value)
        if removed:
            cleaned.append(cell.coordinate)
    put_value(cell, value)


def fill_sheet(ws: Worksheet, project: Project, layout: SheetLayout) -> list[str]:
    """Write `project` into an empty project sheet built with `layout`.

    Returns the cells whose text had control characters removed (an .xlsx cannot hold them).
    """
    cleaned: list[str] = []
    _fill(ws, project, layout, cleaned)
    return cleaned


def _fill(ws: Worksheet, project: Project, layout: SheetLayout, cleaned: list[str]) -> None:
    cells = layout.cells
    if project.year is not None:
        ws[cells["year"]].value = project.year
    for key in ("name", "department", "unit", "category", "attribute", "kind", "filler", "phone"):
        _put(ws[cells[key]], getattr(project, key), cleaned)
    date = project.date.strip()
    if _ISO_DATE.match(date):
        try:
            ws[cells["date"]].value = dt.datetime.strptime(date, "%Y-%m-%d")
        except ValueError:
            _put(ws[cells["date"]], date, cleaned)
    else:
        _put(ws[cells["date"]], date, cleaned)

    _put(ws[cells["goal.expected"]], project.goal.expected, cleaned)
    _put(ws[cells["goal.actual"]], project.goal.actual, cleaned)
    ws.row_dimensions[ROW_GOAL_EXPECTED].height = goal_height(project.goal.expected)
    ws.row_dimensions[ROW_GOAL_ACTUAL].height = goal_height(project.goal.actual)
    ws.row_dimensions[ROW_NAME].height = identity_height({"name": project.name})
    ws.row_dimensions[ROW_DEPARTMENT].height = identity_height({"department": project.department, "unit": project.unit})

    funds = project.funds
    if funds is not None:
        for line in FUNDS_LINE_KEYS:
            values = funds.line(line)
            for column in ("initial", "budget", "executed"):
                number = getattr(values, column)
                raw = funds.bad_cells.get(f"{line}.{column}")
                _put(ws[cells[f"funds.{line}.{column}"]], number if number is not None else raw, cleaned)
        _put(ws[cells["funds.weight"]], funds.weight, cleaned)

    _fill_indicators(ws, project, layout, cleaned)


def _fill_indicators(ws: Worksheet, project: Project, layout: SheetLayout, cleaned: list[str]) -> None:
    next_row = {(g.level1, g.level2): span.first for g, span in zip(layout.groups, layout.group_spans, strict=False)}
    for indicator in project.indicators:
        key = group_key(indicator)
        row = next_row[key]
        next_row[key] = row + 1
        for field in ("name", "target", "actual", "deviation"):
            _put(ws[layout.indicator_cell(field, row)], getattr(indicator, field), cleaned)
        for field in ("weight", "score"):
            number = getattr(indicator, field)
            _put(
                ws[layout.indicator_cell(field, row)],
                number if number is not None else indicator.raw.get(field),
                cleaned,
            )
        texts = {f: getattr(indicator, f) for f in ("name", "target", "actual", "deviation")}
        ws.row_dimensions[row].height = indicator_height(texts)
