"""Rows that fit their text on an open workbook: the heights the file writers give, set by the
校验 buttons (Excel never grows a row for a merged cell, nor for text pasted into a row whose
height was set).

Only rows whose text needs more than the template's height are set; a row is never made
lower, so a height a clerk chose for a short text stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..a1 import is_address, split_address
from ..layout import GOAL_HEIGHT, INDICATOR_HEIGHT, ROW_HEIGHT, goal_height, identity_height, indicator_height
from ..model import Project

if TYPE_CHECKING:
    import xlwings as xw


def needed_heights(project: Project) -> dict[int, float]:
    """Sheet row → height for the rows of `project` whose text needs more than the template gives."""
    heights: dict[int, float] = {}

    def need(address: str | None, height: float, minimum: float) -> None:
        if address and is_address(address) and height > minimum:
            row = split_address(address)[0]
            heights[row] = max(heights.get(row, 0.0), height)

    cells = project.cells
    need(cells.get("goal.expected"), goal_height(project.goal.expected), GOAL_HEIGHT)
    need(cells.get("goal.actual"), goal_height(project.goal.actual), GOAL_HEIGHT)
    need(cells.get("name"), identity_height({"name": project.name}), ROW_HEIGHT)
    need(
        cells.get("unit") or cells.get("department"),
        identity_height({"department": project.department, "unit": project.unit}),
        ROW_HEIGHT,
    )
    for indicator in project.indicators:
        texts = {key: getattr(indicator, key) for key in ("name", "target", "actual", "deviation")}
        address = indicator.cells.get("name") or next(iter(indicator.cells.values()), None)
        need(address, indicator_height(texts), INDICATOR_HEIGHT)
    return heights


def fit_rows(sheet: xw.Sheet, project: Project) -> int:
    """Set the heights `needed_heights` gives (one call per run of equal heights); returns rows set."""
    heights = needed_heights(project)
    rows = sorted(heights)
    start = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and rows[i] == rows[i - 1] + 1 and heights[rows[i]] == heights[rows[start]]:
            continue
        sheet.range((rows[start], 1), (rows[i - 1], 1)).row_height = heights[rows[start]]
        start = i
    return len(rows)
