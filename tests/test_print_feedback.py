"""`consolidate --feedback`: one workbook per 实施单位 with only its own findings and projects."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from selfeval.cli import main
from selfeval.consolidate.feedback import file_name
from selfeval.writer import write_workbook
from support.department_books import make_project
from support.edits import edited

UNITS = {"城区中学": ("教育局", 3), "实验小学": ("教育局", 2), "公路管理所": ("交通局", 2)}


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if row[0] == "序号")
    return [dict(zip(rows[top], row, strict=False)) for row in rows[top + 1 :] if isinstance(row[0], int)]


def test_feedback_writes_one_workbook_per_unit_with_only_its_findings(tmp_path: Path, capsys) -> None:
    inbox = tmp_path / "收到的报表"
    inbox.mkdir()
    for unit, (department, count) in UNITS.items():
        projects = []
        for i in range(count):
            project = make_project(f"{unit}项目{i + 1}", department, seed=len(unit) * 10 + i)
            project = edited(project, {"unit": unit, "indicators.0.score": None})  # S07: each unit has findings
            if i == 0:
                project = edited(project, {"goal.actual": ""})  # S02 on the first
            projects.append(project)
        write_workbook(projects, inbox / f"{unit}.xlsx")
    out, back = tmp_path / "汇总.xlsx", tmp_path / "退回"
    assert main(["consolidate", str(inbox), "-o", str(out), "--jobs", "1", "--feedback", str(back)]) == 0
    assert sorted(p.name for p in back.iterdir()) == sorted(file_name(unit) for unit in UNITS)
    assert "3 个问题反馈工作簿" in capsys.readouterr().out
    everything = _rows(openpyxl.load_workbook(out)["问题清单"])
    for unit, (department, count) in UNITS.items():
        wb = openpyxl.load_workbook(back / file_name(unit))
        assert wb.sheetnames == ["问题清单", "汇总"]
        findings = _rows(wb["问题清单"])
        assert {row["实施单位"] for row in findings} == {unit}
        assert {row["主管部门"] for row in findings} == {department}
        assert len(findings) == sum(row["实施单位"] == unit for row in everything) == count + 1
        assert {row["代码"] for row in findings} == {"S07", "S02"}
        assert wb["问题清单"]["A2"].value == f"实施单位：{unit}"
        projects = _rows(wb["汇总"])
        assert sorted(row["项目名称"] for row in projects) == [f"{unit}项目{i + 1}" for i in range(count)]


def test_feedback_file_names_are_safe() -> None:
    assert file_name('a/b:c*?"<>|') == "a_b_c" + "_" * 6 + "_绩效自评问题反馈.xlsx"
    assert file_name("") == "未填写实施单位_绩效自评问题反馈.xlsx"
