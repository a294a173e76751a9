"""A clerk inserts indicator rows inside a category in a spreadsheet application: the
template's totals grow with them (issue 3: "ranges must grow"), checked in LibreOffice."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from selfeval.layout import INDICATOR_KEY_TO_COLUMN
from selfeval.model import Funds, FundsLine, Goal, Indicator, Project
from selfeval.scoring import score_project
from selfeval.sources import read_source, read_workbook_grids
from selfeval.writer import project_layout, write_workbook
from support.libreoffice import SYSTEM_PYTHON, needs_libreoffice, needs_uno

SCRIPT = Path(__file__).parent / "support" / "uno_insert_rows.py"

pytestmark = [needs_libreoffice, needs_uno]


def _project() -> Project:
    rows = [
        Indicator("产出指标", "数量指标", "举办培训", "≥4次", "4次", 20.0, 20.0),
        Indicator("产出指标", "数量指标", "印发简报", "≥12期", "12期", 10.0, 10.0),
        Indicator("产出指标", "质量指标", "合格率", "≥95%", "96%", 10.0, 10.0),
        Indicator("效益指标", "社会效益指标", "业务水平提升", "有效提升", "达成", 20.0, 18.0),
        Indicator("效益指标", "社会效益指标", "制度完善", "完善", "基本完成", 10.0, 7.0, "下年修订"),
        Indicator("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "93%", 10.0, 10.0),
    ]
    funds = Funds(total=FundsLine(50.0, 50.0, 45.0), fiscal=FundsLine(50.0, 50.0, 45.0), weight=10.0)
    return Project(
        name="插行测试",
        department="市财政局",
        unit="市财政局",
        year=2025,
        funds=funds,
        goal=Goal("目标", "完成"),
        indicators=rows,
    )


def _insert(book: Path, out: Path, sheet: str, inserts: list[dict], tmp_path: Path) -> Path:
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"sheet": sheet, "inserts": inserts}, ensure_ascii=False), encoding="utf-8")
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [SYSTEM_PYTHON, str(SCRIPT), str(book), str(out), str(job), str(profile)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0 and out.exists(), result.stderr
    return out


def _row_cells(name: str, target: str, actual: str, weight: float, score: float, reason: str = "") -> dict:
    c = INDICATOR_KEY_TO_COLUMN
    return {
        c["name"]: name,
        c["target"]: target,
        c["actual"]: actual,
        c["weight"]: weight,
        c["score"]: score,
        c["deviation"]: reason,
    }


def test_rows_inserted_inside_categories_are_counted_by_every_total(tmp_path: Path) -> None:
    project = _project()
    book = write_workbook([project], tmp_path / "book.xlsx")
    (before,) = read_source(book).projects
    second_quantity = before.indicators[1].row  # inside the 数量指标 group
    second_benefit = before.indicators[4].row  # inside the 社会效益指标 group
    assert second_quantity and second_benefit
    inserts = [  # the lower one first, so the upper row number still holds
        {"before": second_benefit, "cells": _row_cells("群众知晓率", "≥80%", "70%", 5.0, 4.0, "宣传不足")},
        {"before": second_quantity, "cells": _row_cells("开展调研", "≥2次", "2次", 5.0, 5.0)},
    ]
    after = _insert(book, tmp_path / "after.xlsx", before.sheet, inserts, tmp_path)

    (project_after,) = read_source(after).projects
    names = [row.name for row in project_after.indicators]
    assert "开展调研" in names and "群众知晓率" in names
    added = {row.name: row for row in project_after.indicators if row.name in ("开展调研", "群众知晓率")}
    assert (added["开展调研"].level1, added["开展调研"].level2) == ("产出指标", "数量指标")
    assert (added["群众知晓率"].level1, added["群众知晓率"].level2) == ("效益指标", "社会效益指标")

    # LibreOffice's recalculated cells (cached values) against scoring on what was read
    (grid,) = [g for g in read_workbook_grids(after) if g.sheet == before.sheet]
    scores = score_project(project_after)
    assert grid.value_at(project_after.cells["total"]) == pytest.approx(round(scores.total, 2))
    assert grid.value_at(project_after.cells["grade"]) == scores.grade
    total_row = project_after.cells["total"].lstrip("ABCDEFGH")
    assert grid.value_at(f"F{total_row}") == pytest.approx(scores.weight_total)  # 分值合计, beside 总分
    assert scores.weight_total == 100.0  # 90 written + the clerk's two 5-point rows

    # the level-1 subtotals below 总分 moved down with the two rows and count them too
    layout = project_layout(project)
    for level1, row in layout.subtotal_rows.items():
        assert grid.value_at(f"F{row + 2}") == pytest.approx(
            sum(i.weight for i in project_after.indicators if i.level1 == level1)
        )
        assert grid.value_at(f"G{row + 2}") == pytest.approx(scores.by_level1[level1])
