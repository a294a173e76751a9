"""Output paths the commands must refuse or survive: Chinese messages, exit codes, no traces."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from selfeval import outputs
from selfeval.cli import main
from support.department_books import department_workbook

LONG_OK = "汇" * 80 + "a.xlsx"  # 246 bytes: allowed, but a temporary named after it would not be
TOO_LONG = "汇" * 90 + ".xlsx"  # 275 bytes


def _chinese_without_traces(text: str) -> None:
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    for trace in ("Traceback", "Errno", "Permission denied", "No such file", ".se-", ".tmp"):
        assert trace not in text, (trace, text)


def _sys_refuses_writes() -> bool:
    try:
        fd = os.open("/sys/selfeval-probe.xlsx", os.O_CREAT | os.O_WRONLY)
    except OSError:
        return True
    os.close(fd)
    os.unlink("/sys/selfeval-probe.xlsx")
    return False


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["new", "/proc/自评.xlsx"], "此位置不能创建文件"),
        (["new", "{tmp}/out.csv"], "应以 .xlsx 结尾"),
        (["new", "{tmp}/x.xlsx", "--year", "99999"], "2000 到 2100"),
        (["new", "{tmp}/x.xlsx", "--year", "1999"], "2000 到 2100"),
        (["new", "{tmp}/" + TOO_LONG], "文件名过长"),
        (["new", "{tmp}/目录.xlsx", "--force"], "是一个文件夹"),
    ],
    ids=["proc", "csv-name", "year-99999", "year-1999", "name-too-long", "force-onto-folder"],
)
def test_new_refuses_in_chinese(args: list[str], words: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "目录.xlsx").mkdir()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err, err
    _chinese_without_traces(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["目录.xlsx"]  # nothing written, no temporary


@pytest.mark.skipif(not _sys_refuses_writes(), reason="/sys is writable here")
def test_permission_error_is_chinese(capsys) -> None:
    assert main(["new", "/sys/自评.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "没有权限" in err and "/sys/自评.xlsx" in err
    _chinese_without_traces(err)


def test_a_name_near_the_limit_is_written_by_new_and_consolidate(tmp_path: Path) -> None:
    out = tmp_path / LONG_OK
    assert main(["new", str(out)]) == 0
    summary = tmp_path / "汇总" / LONG_OK
    summary.parent.mkdir()
    assert main(["consolidate", str(out), "-o", str(summary), "--jobs", "1"]) == 0
    assert "汇总" in openpyxl.load_workbook(summary, read_only=True).sheetnames
    assert [p.name for p in summary.parent.iterdir()] == [LONG_OK]
    assert main(["consolidate", str(out), "-o", str(tmp_path / TOO_LONG)]) == 2


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return department_workbook(tmp_path / "林业局.xlsx", "林业局", 2, seed=3)


def test_csv_folder_that_cannot_be_made_leaves_everything_as_it_was(book: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(book), "-o", str(out), "--jobs", "1"]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["consolidate", str(book), "-o", str(out), "--csv", "/proc/selfeval导出", "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert "/proc/selfeval导出" in err and "没有写出任何文件" in err
    _chinese_without_traces(err)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["林业局.xlsx", "汇总.xlsx"]


def test_csv_failing_after_the_summary_was_renamed_says_the_summary_exists(
    book: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    real = outputs.publish

    def refuse_csv(temp: Path, path: Path) -> None:
        if path.suffix == ".csv":
            raise PermissionError(13, "Permission denied", str(path))
        real(temp, path)

    monkeypatch.setattr(outputs, "publish", refuse_csv)
    out, csv_dir = tmp_path / "汇总.xlsx", tmp_path / "导出"
    assert main(["consolidate", str(book), "-o", str(out), "--csv", str(csv_dir), "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert f"汇总表已写入 {out}" in err and "项目.csv" in err and "没有权限" in err
    _chinese_without_traces(err)
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "汇总"
    assert list(csv_dir.iterdir()) == []  # no temporary left behind
