"""X04: the same project (项目名称 + 主管部门 + 年度) in two input files of one batch."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from selfeval.cli import main
from selfeval.duplicates import Occurrence, first_occurrences
from selfeval.writer import write_workbook
from support.department_books import make_project


def _rows(path: Path, sheet: str) -> list[dict]:
    """The rows of the sheet's Excel table (header row first, totals row last), as dicts."""
    ws = openpyxl.load_workbook(path)[sheet]
    (table,) = ws.tables.values()
    header, *rows = ws[table.ref]
    names = [cell.value for cell in header]
    return [dict(zip(names, (cell.value for cell in row), strict=False)) for row in rows]


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """卫健委 sent its forms twice: as a workbook and again (re-typed) with one project changed."""
    folder = tmp_path / "收到"
    folder.mkdir()
    first = [make_project("疫苗接种", "卫健委", seed=1), make_project("健康宣传", "卫健委", seed=2)]
    again = [
        make_project("疫苗接种", "卫健委", budget=120, seed=3),
        make_project("健康宣传", "卫健委", seed=4),
        make_project("健康宣传", "民政局", seed=5),
    ]  # same name, another department: not a duplicate
    write_workbook(first, folder / "a_卫健委.xlsx")
    write_workbook(again, folder / "b_卫健委（补报）.xlsx")
    return folder


def test_first_occurrence_counts_and_names_are_normalised() -> None:
    items = [
        Occurrence("a.xlsx", "项目1", "道路养护", "交通局", 2024),
        Occurrence("a.xlsx", "项目2", "道路养护", "交通局", 2024),  # same file: X02's business
        Occurrence("b.docx", "第1份", " 道路养护\u3000", "交通局", 2024),
        Occurrence("c.xlsx", "项目1", "道路养护", "交通局", 2023),  # another year
        Occurrence("d.xlsx", "项目1", "", "交通局", 2024),
    ]  # no name: never matched
    repeats = first_occurrences(items)
    assert list(repeats) == [2] and repeats[2].file == "a.xlsx" and repeats[2].sheet == "项目1"


def test_consolidate_flags_the_repeats_and_counts_each_project_once(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(batch), "-o", str(out), "--jobs", "1"]) == 0
    projects = _rows(out, "汇总")[:-1]
    flagged = {(Path(r["文件"]).name, r["项目名称"], r["主管部门"]): r["重复（部门汇总不计）"] for r in projects}
    assert len(projects) == 5
    assert flagged[("a_卫健委.xlsx", "疫苗接种", "卫健委")] is None
    assert flagged[("a_卫健委.xlsx", "健康宣传", "卫健委")] is None
    assert "a_卫健委.xlsx" in flagged[("b_卫健委（补报）.xlsx", "疫苗接种", "卫健委")]
    assert "a_卫健委.xlsx" in flagged[("b_卫健委（补报）.xlsx", "健康宣传", "卫健委")]
    assert flagged[("b_卫健委（补报）.xlsx", "健康宣传", "民政局")] is None  # another department

    departments = {r["主管部门"]: r for r in _rows(out, "部门汇总")[:-1]}
    health = departments["卫健委"]
    assert health["项目数（重复只计一次）"] == 2 and health["全年预算数"] == pytest.approx(200)  # not 200 + 220

    x04 = [r for r in _rows(out, "问题清单") if r["代码"] == "X04"]
    assert len(x04) == 2 and all(r["严重程度"] == "警告" for r in x04)
    assert all(Path(r["文件"]).name == "b_卫健委（补报）.xlsx" and "a_卫健委.xlsx" in r["问题说明"] for r in x04)
    files = {Path(r["文件"]).name: r for r in _rows(out, "文件清单")}
    assert (
        "疫苗接种" in files["b_卫健委（补报）.xlsx"]["说明"]
        and "汇总只计一次" in files["b_卫健委（补报）.xlsx"]["说明"]
    )
    repeated = [r for r in projects if r["重复（部门汇总不计）"]]
    assert all(r["警告数"] >= 1 for r in repeated)


def test_validate_of_several_files_reports_x04(batch: Path, capsys) -> None:
    files = sorted(str(p) for p in batch.iterdir())
    main(["validate", *files, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    x04 = [
        (Path(f["path"]).name, p["name"], finding)
        for f in report["files"]
        for p in f["projects"]
        for finding in p["findings"]
        if finding["code"] == "X04"
    ]
    assert [(name, project) for name, project, _ in x04] == [
        ("b_卫健委（补报）.xlsx", "疫苗接种"),
        ("b_卫健委（补报）.xlsx", "健康宣传"),
    ]
    assert all(f["severity"] == "warning" and "a_卫健委.xlsx" in f["message"] for _, _, f in x04)
    assert all(f["location"] for _, _, f in x04)  # the sheet and its 项目名称 cell
    main(["validate", files[1]])  # one file alone: nothing to repeat
    assert "X04" not in capsys.readouterr().out
