"""The public API (`selfeval.validate_file`, `parse`, `check`, …) on the shipped example workbook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import selfeval
from selfeval.importing import EXAMPLE_WORKBOOK

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "examples" / EXAMPLE_WORKBOOK
SEED_NAMES = ["督查效能业务", "绩效目标管理和考核业务", "作风建设"]
HEAVY = ("pandas", "pandera", "openpyxl", "xlwings", "fastapi")


def test_importing_selfeval_loads_no_heavy_library() -> None:
    code = f"import sys, selfeval; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_public_names_are_exported() -> None:
    assert {"validate_file", "parse", "check", "Project", "Finding", "Severity", "SelfevalError"} <= set(
        selfeval.__all__
    )
    assert set(selfeval.__all__) == {"__version__", *selfeval._API_TO_MODULE}
    for name in selfeval.__all__:
        assert getattr(selfeval, name) is not None
    assert (
        selfeval.__version__
        in subprocess.run(
            [sys.executable, "-m", "selfeval.cli", "--version"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert issubclass(selfeval.SelfevalError, Exception)
    with pytest.raises(AttributeError):
        _ = selfeval.not_a_name


def test_validate_file_reads_the_example() -> None:
    report = selfeval.validate_file(EXAMPLE)
    assert report.status == "ok"
    assert [item.project.name for item in report.projects] == SEED_NAMES
    assert all(isinstance(item.project, selfeval.Project) for item in report.projects)
    assert not report.has_errors
    severities = {f.severity for f in report.all_findings()}
    assert selfeval.Severity.WARNING in severities and selfeval.Severity.ERROR not in severities


def test_parse_and_check_one_sheet_as_validate_file_does() -> None:
    first = selfeval.validate_file(EXAMPLE).projects[0]
    sheet = first.project.sheet
    rows = [list(row) for row in openpyxl.load_workbook(EXAMPLE, data_only=True)[sheet].iter_rows(values_only=True)]
    project = selfeval.parse(selfeval.Grid(rows, sheet=sheet, source=str(EXAMPLE)))
    assert isinstance(project, selfeval.Project)
    assert (project.name, project.unit, project.year) == (first.project.name, first.project.unit, 2021)
    assert [i.name for i in project.indicators] == [i.name for i in first.project.indicators]
    findings = selfeval.check(project)
    assert all(isinstance(f, selfeval.Finding) for f in findings)
    assert {f.code for f in findings} == {f.code for f in first.findings}


def test_parse_says_none_for_a_sheet_without_a_form() -> None:
    assert selfeval.parse(selfeval.Grid([["备注"], ["本表无内容"]], sheet="说明")) is None
