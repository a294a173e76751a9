"""`selfeval demo`: the bundled example validated, imported and consolidated, with no arguments."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from selfeval.cli import main
from selfeval.demo import SOURCE_COPY, SUMMARY_NAME
from selfeval.importing import EXAMPLE_WORKBOOK
from selfeval.validation import validate_file
from test_import_cli import COMMITTED_EXAMPLE, SEED, SEED_NAMES, workbook_content

ROOT = Path(__file__).resolve().parents[1]


def demo_command() -> list[str]:
    """`uv run selfeval demo` for this checkout, from any working directory."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv 不在 PATH 上，无法按 README 的方式运行 `uv run selfeval demo`")
    return [uv, "run", "--project", str(ROOT), "selfeval", "demo"]


def test_uv_run_selfeval_demo_end_to_end(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    run = subprocess.run(demo_command(), cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    out_dir = tmp_path / "selfeval-demo"
    workbook, summary = out_dir / EXAMPLE_WORKBOOK, out_dir / SUMMARY_NAME
    assert sorted(p.name for p in out_dir.iterdir()) == sorted([SOURCE_COPY, EXAMPLE_WORKBOOK, SUMMARY_NAME])
    # the findings, in Chinese, and every path written
    for code in ("S04", "S06", "S08", "F06", "Q01"):
        assert f"警告 {code}" in run.stdout
    assert "0 个错误" in run.stdout and "错误 " not in run.stdout
    for path in (workbook, summary, out_dir / SOURCE_COPY):
        assert str(path.relative_to(tmp_path)) in run.stdout
    assert "Traceback" not in run.stderr
    # the workbook is the seed in the template; the summary lists its three projects
    assert [item.project.name for item in validate_file(workbook).projects] == SEED_NAMES
    texts = {
        c.value
        for ws in load_workbook(summary, read_only=True).worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    assert set(SEED_NAMES) <= texts
    # running it again replaces its own files
    again = subprocess.run(demo_command(), cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr


def test_demo_writes_the_committed_example(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "共 1 个文件、3 个项目：0 个错误" in out
    written = tmp_path / "out" / EXAMPLE_WORKBOOK
    assert workbook_content(written) == workbook_content(COMMITTED_EXAMPLE)
    assert (tmp_path / "out" / SOURCE_COPY).read_bytes() == SEED.read_bytes()


def test_bundled_example_is_the_seed():
    from selfeval.importing import example_source

    with example_source() as path:
        assert path.read_bytes() == SEED.read_bytes()


def test_demo_refuses_a_file_as_its_folder(tmp_path, capsys):
    target = tmp_path / "selfeval-demo"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["demo", "--out", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "not a folder"
    assert "不是文件夹" in capsys.readouterr().err
