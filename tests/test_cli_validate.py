"""`selfeval validate`: exit codes, Chinese text grouped by file and project, the stable JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from selfeval.cli import main
from selfeval.model import Funds, FundsLine, Goal, Indicator, Project
from selfeval.writer import new_workbook, write_workbook


def _project(name: str, *, qty_score: float = 20.0, deviation: str = "") -> Project:
    """A complete national-layout form; lowering `qty_score` makes a missed-target error (D01)."""
    rows = [
        Indicator(
            "产出指标", "数量指标", "举办培训", "≥4次", "4次" if qty_score == 20 else "3次", 20.0, qty_score, deviation
        ),
        Indicator("产出指标", "质量指标", "培训合格率", "≥95%", "98%", 10.0, 10.0),
        Indicator("产出指标", "时效指标", "完成时间", "≤30天", "28天", 10.0, 10.0),
        Indicator("产出指标", "成本指标", "培训成本", "≤20万元", "18万元", 10.0, 10.0),
        Indicator("效益指标", "社会效益指标", "业务水平提升", "有效提升", "达成", 30.0, 30.0),
        Indicator("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", 10.0, 10.0),
    ]
    funds = Funds(
        total=FundsLine(20.0, 20.0, 20.0),
        fiscal=FundsLine(20.0, 20.0, 20.0),
        weight=10.0,
    )
    return Project(
        name=name,
        department="市财政局",
        unit="市财政局培训中心",
        year=2025,
        category="部门预算项目",
        attribute="持续性项目",
        kind="常年性项目",
        funds=funds,
        goal=Goal("完成年度培训任务", "全年举办培训 4 次"),
        indicators=rows,
    )


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return write_workbook([_project("业务培训")], tmp_path / "good.xlsx")


@pytest.fixture()
def bad(tmp_path: Path) -> Path:
    return write_workbook([_project("干部培训", qty_score=15.0)], tmp_path / "bad.xlsx")


def test_clean_workbook_exits_zero_and_counts(good: Path, capsys) -> None:
    assert main(["validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"文件 {good}" in out
    assert "项目「业务培训」" in out
    assert "0 个错误" in out.splitlines()[-1]
    assert out.splitlines()[-1].startswith("共 1 个文件、1 个项目")


def test_error_exits_one_and_names_the_cell(bad: Path, capsys) -> None:
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    d01 = [line for line in out.splitlines() if " D01 " in line]
    assert len(d01) == 1
    assert "错误 D01 干部培训!" in d01[0] and "偏差原因分析及改进措施" in d01[0]
    # errors come first within the project
    lines = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    severities = [line.split()[0] for line in lines]
    assert severities == sorted(severities, key=["错误", "警告", "提示"].index)


def test_json_is_the_documented_shape(good: Path, bad: Path, capsys) -> None:
    assert main(["validate", "--format", "json", str(good), str(bad)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"files", "summary"}
    assert data["summary"] == {
        "files": 2,
        "projects": 2,
        "errors": 1,
        "warnings": data["summary"]["warnings"],
        "infos": data["summary"]["infos"],
    }
    first = data["files"][0]
    assert set(first) == {"path", "status", "findings", "projects"}
    assert first["status"] == "ok"
    project = first["projects"][0]
    assert set(project) == {"sheet", "name", "department", "unit", "year", "total", "grade", "indicators", "findings"}
    assert (project["name"], project["year"], project["total"], project["grade"]) == ("业务培训", 2025, 100.0, "优")
    row = project["indicators"][0]
    assert set(row) == {
        "level1",
        "level2",
        "name",
        "target",
        "actual",
        "weight",
        "score",
        "met",
        "method_score",
        "location",
    }
    assert row["location"].startswith("业务培训!")
    missed = data["files"][1]["projects"][0]["indicators"][0]
    assert (missed["met"], missed["method_score"], missed["score"]) == (False, 15.0, 15.0)
    finding = data["files"][1]["projects"][0]["findings"][0]
    assert set(finding) == {"code", "severity", "location", "message"}
    assert (finding["code"], finding["severity"]) == ("D01", "error")


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "无此文件.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "无此文件.xlsx" in err and "找不到" in err


def test_no_arguments_is_a_usage_error_in_chinese(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate"])
    assert exit_info.value.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_folder_with_broken_files_reports_each_and_goes_on(good: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "truncated.xlsx").write_bytes(good.read_bytes()[:500])
    (tmp_path / "text.xlsx").write_text("这不是工作簿", encoding="utf-8")
    empty = openpyxl.Workbook()
    empty.save(tmp_path / "empty.xlsx")
    assert main(["validate", "--format", "json", str(tmp_path)]) == 1
    files = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert set(files) == {"good.xlsx", "truncated.xlsx", "text.xlsx", "empty.xlsx"}
    assert files["good.xlsx"]["status"] == "ok" and files["good.xlsx"]["projects"]
    for name in ("truncated.xlsx", "text.xlsx", "empty.xlsx"):
        assert files[name]["status"] == "unreadable"
        (x03,) = files[name]["findings"]
        assert x03["code"] == "X03" and name in x03["message"]


def test_blank_template_reports_empty_required_fields(tmp_path: Path, capsys) -> None:
    blank = new_workbook(tmp_path / "blank.xlsx", projects=1)
    assert main(["validate", "--format", "json", str(blank)]) == 1
    data = json.loads(capsys.readouterr().out)
    (project,) = data["files"][0]["projects"]
    codes = {f["code"] for f in project["findings"]}
    assert {"S01", "S02", "S03"} <= codes
    assert all(f["location"].startswith(project["sheet"] + "!") for f in project["findings"])


def test_console_script_runs_without_traceback(bad: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "selfeval.cli", "validate", str(bad)], capture_output=True, text=True, encoding="utf-8"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "D01" in result.stdout


def test_validate_path_imports_no_pandas() -> None:
    """ARCHITECTURE principle 4: the validate path never loads pandas or pandera."""
    code = "import selfeval.rules, selfeval.grid, selfeval.sources, selfeval.validation, selfeval.cli"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "selfeval" in imported
    assert not {"pandas", "pandera"} & imported
