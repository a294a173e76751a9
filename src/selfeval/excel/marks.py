"""What validation paints on a project sheet, and what 清除标记 paints back.

A mark is a fill colour on the cell a finding points at (error red, warning amber, info
none) and, where the engine has notes, a note with the Chinese message. Clearing a mark
restores the fill the template gives that kind of cell: labels grey, computed cells light
blue, input cells none. The colours are the template's, from `styles`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import EllipsisType

from ..a1 import is_address, split_address
from ..grid import Grid, label_of
from ..model import Finding, Project, Severity
from ..styles import COMPUTED_FILL, ERROR_FILL, LABEL_FILL, WARNING_FILL
from ..vocabulary import COMPUTED_KEYS

# Mark colours (xlwings' `#RRGGBB`): the template's conditional hints use them too.
MARK_FILLS: dict[Severity, str] = {
    Severity.ERROR: "#" + ERROR_FILL,
    Severity.WARNING: "#" + WARNING_FILL,
}
# The template's fills by kind of cell: labels, computed cells, input cells (none).
TEMPLATE_LABEL_FILL = "#" + LABEL_FILL
TEMPLATE_COMPUTED_FILL = "#" + COMPUTED_FILL
TEMPLATE_INPUT_FILL: str | None = None

MAX_COLOUR_CELLS = 10_000  # xlwings' limit per set_colors call
NOTE_PREFIX = "【自评校验】"
MAX_NOTE_CHARS = 900  # several findings on one cell are joined; Excel shows long notes poorly


def status_text(findings: Iterable[Finding], when: dt.datetime) -> str:
    """`✔ 校验通过 2026-11-27 10:32` or `✘ 3 个错误，2 个警告 2026-11-27 10:32`."""
    found = list(findings)
    errors = sum(f.severity is Severity.ERROR for f in found)
    warnings = sum(f.severity is Severity.WARNING for f in found)
    stamp = when.strftime("%Y-%m-%d %H:%M")
    if errors:
        return f"✘ {errors} 个错误，{warnings} 个警告 {stamp}"
    if warnings:
        return f"✔ 校验通过（{warnings} 个警告） {stamp}"
    return f"✔ 校验通过 {stamp}"


def cell_marks(findings: Iterable[Finding]) -> dict[str, Severity]:
    """Cell → the most serious severity that colours it (info findings colour nothing)."""
    marks: dict[str, Severity] = {}
    for item in findings:
        if not item.cell or item.severity not in MARK_FILLS or not is_address(item.cell):
            continue
        current = marks.get(item.cell)
        if current is None or item.severity.rank < current.rank:
            marks[item.cell] = item.severity
    return marks


def cell_notes(findings: Iterable[Finding]) -> dict[str, str]:
    """Cell → the note text: every coloured finding of that cell, most serious first."""
    texts: dict[str, list[str]] = {}
    for item in sorted(findings, key=lambda f: f.severity.rank):
        if item.cell and item.severity in MARK_FILLS and is_address(item.cell):
            texts.setdefault(item.cell, []).append(f"[{item.code} {item.severity.label}] {item.message}")
    notes = {}
    for cell, lines in texts.items():
        text = NOTE_PREFIX + "\n" + "\n".join(lines)
        notes[cell] = text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…"
    return notes


def template_fill(address: str, grid: Grid | None, project: Project | None) -> str | None:
    """The fill the template gives the cell at `address`: computed, label or input."""
    if project is not None:
        computed = {project.cells[k] for k in COMPUTED_KEYS if k in project.cells}
        total = project.cells.get("total")
        if total is not None:
            row, _ = split_address(total)
            computed.add(f"F{row}")  # 分值 合计 beside 总分
        if address in computed:
            return TEMPLATE_COMPUTED_FILL
    if grid is not None:
        row, col = split_address(address)
        r, c = row - grid.first_row, col - grid.first_col
        if 0 <= r < len(grid.rows) and 0 <= c < len(grid.rows[r]) and label_of(grid.rows[r][c]) is not None:
            return TEMPLATE_LABEL_FILL
    return TEMPLATE_INPUT_FILL


# --- addresses -------------------------------------------------------------------------


Colour = str | EllipsisType | None  # xlwings' `#RRGGBB`, `...` keeps a cell, None clears it


def colour_matrix(fills: dict[str, str | None]) -> tuple[tuple[int, int], list[list[Colour]]] | None:
    """The bounding box of `fills` (top-left (row, col)) and its colour matrix; `...` keeps a cell."""
    if not fills:
        return None
    points = {split_address(a): colour for a, colour in fills.items()}
    rows = [p[0] for p in points]
    cols = [p[1] for p in points]
    top, left = min(rows), min(cols)
    matrix: list[list[Colour]] = [[... for _ in range(max(cols) - left + 1)] for _ in range(max(rows) - top + 1)]
    for (row, col), colour in points.items():
        matrix[row - top][col - left] = colour
    return (top, left), matrix
