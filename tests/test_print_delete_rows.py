"""A clerk deletes indicator rows inside a category on the protected sheet (as 填表说明 promises),
in LibreOffice through UNO: the deletion is allowed, and every total still agrees with Python's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from selfeval.layout import FUNDS_LINE_TO_ROW
from selfeval.model import Funds, FundsLine, Goal, Indicator, Project
from selfeval.scoring import score_project
from selfeval.sources import read_source, read_workbook_grids
from selfeval.writer import write_workbook
from support.libreoffice import SYSTEM_PYTHON, needs_libreoffice, needs_uno

SCRIPT = Path(__file__).parent / "support" / "uno_delete_rows.py"

pytestmark = [needs_libreoffice, needs_uno]


def _project() -> Project:
    rows = [
        Indicator("产出指标", "数量指标", "举办培训", "≥4次", "4次", 20.0, 20.0),
        Indicator("产出指标", "数量指标", "印发简报", "≥12期", "10期", 10.0, 8.0, "两期合并印发"),
        Indicator("产出指标", "数量指标", "开展调研", "≥2次", "2次", 10.0, 10.0),
        Indicator("产出指标", "质量指标", "合格率", "≥95%", "96%", 10.0, 10.0),
        Indicator("效益指标", "社会效益指标", "业务水平提升", "有效提升", "达成", 20.0, 18.0, "个别单位进度慢"),
        Indicator("效益指标", "社会效益指标", "制度完善", "完善", "基本完成", 10.0, 7.0, "下年修订"),
        Indicator("效益指标", "社会效益指标", "群众知晓率", "≥80%", "85%", 5.0, 5.0),
        Indicator("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "93%", 5.0, 5.0),
    ]
    funds = Funds(total=FundsLine(50.0, 50.0, 45.0), fiscal=FundsLine(50.0, 50.0, 45.0), weight=10.0)
    return Project(
        name="删行测试",
        department="市财政局",
        unit="市财政局",
        year=2025,
        funds=funds,
        goal=Goal("目标", "完成"),
        indicators=rows,
    )


def _delete(book: Path, out: Path, sheet: str, rows: list[int], tmp_path: Path) -> subprocess.CompletedProcess:
    job = tmp_path / f"job-{out.stem}.json"
    job.write_text(json.dumps({"sheet": sheet, "delete": rows}, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [SYSTEM_PYTHON, str(SCRIPT), str(book), str(out), str(job), str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_rows_deleted_inside_categories_on_the_protected_sheet_leave_every_total_right(tmp_path: Path) -> None:
    book = write_workbook([_project()], tmp_path / "book.xlsx")
    (before,) = read_source(book).projects
    middle_quantity = before.indicators[1].row  # 印发简报, between two 数量指标 rows
    middle_benefit = before.indicators[5].row  # 制度完善, between two 社会效益指标 rows
    out = tmp_path / "after.xlsx"
    result = _delete(book, out, before.sheet, [middle_benefit, middle_quantity], tmp_path)  # lower row first
    assert result.returncode == 0 and out.exists(), result.stderr

    (after,) = read_source(out).projects
    assert [row.name for row in after.indicators] == [
        "举办培训",
        "开展调研",
        "合格率",
        "业务水平提升",
        "群众知晓率",
        "学员满意度",
    ]
    (grid,) = [g for g in read_workbook_grids(out) if g.sheet == before.sheet]
    scores = score_project(after)
    assert grid.value_at(after.cells["total"]) == pytest.approx(round(scores.total, 2))
    assert grid.value_at(after.cells["grade"]) == scores.grade
    total_row = int(after.cells["total"].lstrip("ABCDEFGH"))
    assert grid.value_at(f"F{total_row}") == pytest.approx(scores.weight_total) == 80.0
    for offset, level1 in enumerate(("产出指标", "效益指标", "满意度指标"), start=3):  # the 小计 rows below 总分
        assert grid.value_at(f"F{total_row + offset}") == pytest.approx(
            sum(i.weight for i in after.indicators if i.level1 == level1)
        )
        assert grid.value_at(f"G{total_row + offset}") == pytest.approx(scores.by_level1[level1])


def test_the_protection_still_guards_the_rest_of_the_form(tmp_path: Path) -> None:
    book = write_workbook([_project()], tmp_path / "book.xlsx")
    (before,) = read_source(book).projects
    result = _delete(book, tmp_path / "refused.xlsx", before.sheet, [FUNDS_LINE_TO_ROW["fiscal"]], tmp_path)
    assert result.returncode == 3 and "refused" in result.stderr
