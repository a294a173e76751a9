"""The smaller commands: new, build, rules, addin — through `selfeval.cli.main`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from selfeval.addin import ADDIN_FILENAME, addin_bytes
from selfeval.cli import main
from selfeval.layout import TEMPLATE_FILENAME
from selfeval.rules import catalog
from selfeval.validation import validate_file
from selfeval.vocabulary import SHEET_INDEX

ROOT = Path(__file__).resolve().parents[1]


def test_new_writes_a_department_workbook_and_never_overwrites(tmp_path: Path, capsys) -> None:
    out = tmp_path / "财政局2025年自评.xlsx"
    assert main(["new", str(out), "--projects", "3", "--year", "2025", "--department", "市财政局"]) == 0
    assert str(out) in capsys.readouterr().out
    (report,) = [validate_file(out)]
    assert [p.project.sheet for p in report.projects] == ["项目1", "项目2", "项目3"]
    assert {(p.project.year, p.project.department) for p in report.projects} == {(2025, "市财政局")}

    before = out.read_bytes()
    assert main(["new", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == before  # nothing a clerk typed is lost
    assert main(["new", str(out), "--projects", "1", "--force"]) == 0
    assert load_workbook(out)[SHEET_INDEX] is not None


def test_new_rejects_zero_projects(tmp_path: Path, capsys) -> None:
    assert main(["new", str(tmp_path / "x.xlsx"), "--projects", "0"]) == 2
    assert "至少为 1" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_build_template_and_addin_match_the_committed_files(tmp_path: Path) -> None:
    assert main(["build", "template", "--dir", str(tmp_path)]) == 0
    assert main(["build", "addin", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / TEMPLATE_FILENAME).exists()
    assert (tmp_path / ADDIN_FILENAME).read_bytes() == addin_bytes()
    assert (tmp_path / ADDIN_FILENAME).read_bytes() == (ROOT / "workbook" / ADDIN_FILENAME).read_bytes()


def test_rules_lists_every_code_with_its_severity(capsys) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [r.code for r in catalog()]
    assert all(line.split()[1] in ("错误", "警告", "提示") for line in lines)


@pytest.mark.skipif(sys.platform == "win32", reason="the message is for systems without Excel for Windows")
def test_addin_install_elsewhere_says_why_in_chinese(capsys) -> None:
    assert main(["addin", "install"]) == 1
    assert "Windows" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_two(capsys) -> None:
    assert main([]) == 2
    assert "validate" in capsys.readouterr().out
