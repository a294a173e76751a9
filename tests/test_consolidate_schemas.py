"""The pandera schemas hold on real consolidated frames and catch corrupted ones in Chinese."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from selfeval.consolidate import check_frames, consolidate_files, frames_from_rows
from selfeval.consolidate.frames import Frames
from selfeval.errors import SchemaViolation
from support.department_books import department_workbook


@pytest.fixture(scope="module")
def frames(tmp_path_factory) -> Frames:
    folder = tmp_path_factory.mktemp("books")
    files = [
        department_workbook(folder / f"{name}.xlsx", name, 4, seed=i) for i, name in enumerate(("民政局", "水利局"))
    ]
    broken = folder / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    return frames_from_rows(consolidate_files([*files, broken], jobs=1))


def _copy(frames: Frames) -> Frames:
    return Frames(frames.projects.copy(), frames.indicators.copy(), frames.findings.copy())


def test_schemas_pass_on_real_output(frames: Frames):
    checked = check_frames(frames)
    assert len(checked.projects) == 8 and len(checked.indicators) == 8 * 5
    assert (checked.findings["code"] == "X03").sum() == 1
    assert checked.projects["total"].between(0, 100).all()
    assert set(checked.projects["grade"]) <= {"优", "良", "中", "差"}


CORRUPTIONS = {
    "negative total": ("projects", "total", 1, -3.0, "总分"),  # above 100 is kept: P08 reports it
    "negative amount": ("projects", "budget", 0, -5.0, "全年预算数"),
    "negative rate": ("projects", "execution_rate", 2, -0.1, "执行率"),
    "unknown grade": ("projects", "grade", 3, "甲", "等级"),
    "unknown level 2": ("indicators", "level2", 4, "数量", "二级指标"),
    "unknown rule code": ("findings", "code", 0, "Z99", "代码"),
    "unknown severity": ("findings", "severity", 0, "严重", "严重程度"),
    "indicator weight above 100": ("indicators", "weight", 0, 120.0, "分值"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corrupted_value_is_reported_with_column_and_row(frames: Frames, name: str):
    attribute, column, row, value, label = CORRUPTIONS[name]
    broken = _copy(frames)
    frame = getattr(broken, attribute)
    if isinstance(value, str):
        frame[column] = frame[column].astype(object)
    frame.loc[frame.index[row], column] = value
    with pytest.raises(SchemaViolation) as caught:
        check_frames(broken)
    message = str(caught.value)
    assert f"列「{label}」（{column}）" in message
    assert f"第 {row + 1} 行" in message
    assert "Traceback" not in message


def test_duplicate_file_and_sheet_is_reported(frames: Frames):
    broken = _copy(frames)
    broken.projects.loc[broken.projects.index[1], "sheet"] = broken.projects.loc[broken.projects.index[0], "sheet"]
    with pytest.raises(SchemaViolation) as caught:
        check_frames(broken)
    message = str(caught.value)
    assert "项目表" in message and "file" in message and "sheet" in message
    assert "第 1、2 行" in message


def test_wrong_type_and_extra_column_are_reported(frames: Frames):
    broken = _copy(frames)
    broken.projects["errors"] = broken.projects["errors"].astype(float) + 0.5
    broken.indicators["extra"] = np.arange(len(broken.indicators))
    with pytest.raises(SchemaViolation) as caught:
        check_frames(broken)
    message = str(caught.value)
    assert "错误数" in message and "指标表" in message and "extra" in message


def test_cli_reports_a_schema_violation_without_traceback(tmp_path: Path, monkeypatch, capsys):
    from selfeval.cli import main
    from selfeval.consolidate import frames as frames_module

    book = department_workbook(tmp_path / "林业局.xlsx", "林业局", 1, seed=9)
    real = frames_module.frames_from_rows

    def corrupt(files):
        built = real(files)
        built.projects["total"] = pd.Series([-250.0] * len(built.projects), dtype="float64")
        return built

    monkeypatch.setattr(frames_module, "frames_from_rows", corrupt)
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(book), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "程序错误" in err and "总分" in err and "Traceback" not in err
    assert not out.exists()
