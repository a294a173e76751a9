"""The project-sheet writer: round trip through the real reader, text safety, names, no overwrite."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from project_generators import projects
from selfeval.grid import parse
from selfeval.layout import SHEET_NAME_MAX, is_project_sheet
from selfeval.model import LEVEL1_OF_LEVEL2, Funds, Goal, Indicator, Project
from selfeval.sources import read_workbook_grids
from selfeval.vocabulary import RESERVED_SHEETS, SHEET_INDEX, SHEET_MASTER
from selfeval.writer import new_workbook, project_layout, sheet_names, write_workbook


def read_back(path: Path) -> list[Project]:
    """Every project sheet of a workbook, as `selfeval validate` reads it."""
    found = []
    for grid in read_workbook_grids(path):
        assert not isinstance(grid, Exception), grid
        if is_project_sheet(grid.sheet):
            project = parse(grid)
            assert project is not None, f"sheet {grid.sheet} was not read as a form"
            found.append(project)
    return found


def expected_indicators(project: Project) -> list[tuple]:
    """The indicators as the sheet holds them: grouped in form order, 一级 filled in."""
    layout = project_layout(project)
    order = {(g.level1, g.level2): i for i, g in enumerate(layout.groups)}
    rows = []
    for item in project.indicators:
        level1 = item.level1 or LEVEL1_OF_LEVEL2[item.level2]
        rows.append(
            (
                order[(level1, item.level2)],
                (level1, item.level2, item.name, item.target, item.actual, item.weight, item.score, item.deviation),
            )
        )
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def as_tuples(project: Project) -> list[tuple]:
    return [
        (i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation) for i in project.indicators
    ]


def assert_same(written: Project, read: Project) -> None:
    for key in ("name", "department", "unit", "year", "category", "attribute", "kind", "filler", "phone", "date"):
        assert getattr(read, key) == getattr(written, key), key
    assert read.goal == written.goal
    assert as_tuples(read) == expected_indicators(written)
    if written.funds is not None:
        assert read.funds is not None
        for line in ("total", "fiscal", "carryover", "other"):
            assert read.funds.line(line) == written.funds.line(line), line
        assert read.funds.weight == written.funds.weight
        assert read.funds.bad_cells == written.funds.bad_cells
    else:
        assert read.funds is None or read.funds.is_empty


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_round_trip_through_the_reader(project: Project) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook([project], Path(tmp) / "rt.xlsx")
        (read,) = read_back(path)
    assert_same(project, read)


def test_several_projects_keep_their_order_and_sheets(tmp_path: Path) -> None:
    projects_ = [
        Project(
            name=f"项目甲{i}",
            department="局",
            unit="单位",
            year=2024,
            goal=Goal("a", "b"),
            indicators=[Indicator("产出指标", "数量指标", "n", "1次", "1次", 90, 90)],
        )
        for i in range(3)
    ]
    path = write_workbook(projects_, tmp_path / "many.xlsx")
    read = read_back(path)
    assert [p.name for p in read] == ["项目甲0", "项目甲1", "项目甲2"]
    assert [p.sheet for p in read] == ["项目甲0", "项目甲1", "项目甲2"]


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    evil = ["=1+1", "+86 711", "-5", "@SUM(A1)", '=HYPERLINK("http://x","y")']
    project = Project(
        name=evil[0],
        department=evil[1],
        unit=evil[2],
        year=2024,
        goal=Goal(evil[3], evil[4]),
        indicators=[Indicator("产出指标", "数量指标", evil[0], evil[2], evil[3], 10, 10, evil[4])],
        phone=evil[2],
        filler=evil[1],
    )
    path = write_workbook([project], tmp_path / "evil.xlsx")
    ws = load_workbook(path)[sheet_names([project])[0]]
    for key in ("name", "department", "unit", "goal.expected", "goal.actual", "phone", "filler"):
        cell = ws[project_layout(project).cells[key]]
        assert cell.data_type == "s" and isinstance(cell.value, str), key
        assert (
            cell.value
            == {
                "name": evil[0],
                "department": evil[1],
                "unit": evil[2],
                "goal.expected": evil[3],
                "goal.actual": evil[4],
                "phone": evil[2],
                "filler": evil[1],
            }[key]
        )
    index = load_workbook(path)[SHEET_INDEX]
    assert index["B3"].data_type == "s" and index["B3"].value == "=1+1"
    (read,) = read_back(path)
    assert_same(project, read)


def test_crowded_group_gets_rows_inserted(tmp_path: Path) -> None:
    rows = [Indicator("效益指标", "社会效益指标", f"社会{i}", "≥1次", "1次", 5, 5) for i in range(7)]
    project = Project(name="多指标", year=2024, indicators=rows)
    layout = project_layout(project)
    group = next(span for g, span in zip(layout.groups, layout.group_spans, strict=False) if g.level2 == "社会效益指标")
    assert group.last - group.first + 1 == 7
    path = write_workbook([project], tmp_path / "crowded.xlsx")
    ws = load_workbook(path)[project.name]
    total = ws[layout.cells["total"]].value
    assert f"G{layout.last_indicator_row}" in total
    (read,) = read_back(path)
    assert [i.name for i in read.indicators] == [f"社会{i}" for i in range(7)]


def test_indicators_outside_the_taxonomy_are_kept_for_validation(tmp_path: Path) -> None:
    rows = [
        Indicator("", "", "无分类", "1次", "1次", 5, 5),
        Indicator("产出指标", "", "无二级", "1次", "1次", 5, 5),
        Indicator("产出指标", "经济效益指标", "放错一级", "1次", "1次", 5, 5),
        Indicator("其他指标", "杂项", "未知一级", "1次", "1次", 5, 5),
        Indicator("", "数量", "简写二级", "1次", "1次", 5, 5),
    ]
    project = Project(name="杂", year=2024, indicators=rows)
    (read,) = read_back(write_workbook([project], tmp_path / "odd.xlsx"))
    got = {i.name: (i.level1, i.level2) for i in read.indicators}
    assert got == {
        "无分类": ("", ""),
        "无二级": ("产出指标", ""),
        "放错一级": ("产出指标", "经济效益指标"),
        "未知一级": ("其他指标", "杂项"),
        "简写二级": ("产出指标", "数量指标"),
    }


def test_raw_text_of_numeric_cells_is_written_back(tmp_path: Path) -> None:
    item = Indicator("产出指标", "数量指标", "n", "1次", "1次", None, None, raw={"weight": "十分", "score": "待评"})
    funds = Funds(weight=10.0, bad_cells={"total.budget": "未知"})
    project = Project(name="原文", year=2024, funds=funds, indicators=(item,))
    (read,) = read_back(write_workbook([project], tmp_path / "raw.xlsx"))
    assert read.indicators[0].raw == {"weight": "十分", "score": "待评"}
    assert read.funds is not None and read.funds.bad_cells == {"total.budget": "未知"}


def test_sheet_names_are_legal_and_unique() -> None:
    names = sheet_names(
        [
            Project(name="a/b:c*d?e[f]g\\h"),
            Project(name="长" * 40),
            Project(name="长" * 40),
            Project(name=""),
            Project(name=SHEET_INDEX),
            Project(name="History"),
            Project(name="'引号'"),
            Project(name="ABC"),
            Project(name="abc"),
        ]
    )
    assert names[0] == "a b c d e f g h"
    assert names[1] == "长" * 31 and names[2] == "长" * 28 + "(2)"
    assert names[3] == "项目4"
    assert names[4] not in RESERVED_SHEETS and names[4].startswith(SHEET_INDEX)
    assert names[5] != "History"
    assert names[6] == "引号"
    assert names[7] == "ABC" and names[8] == "abc(2)"
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= SHEET_NAME_MAX and not set(n) & set("[]:*?/\\") for n in names)


def test_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "keep.xlsx"
    path.write_bytes(b"clerk's work")
    project = Project(name="x", year=2024)
    with pytest.raises(FileExistsError, match="已存在"):
        write_workbook([project], path)
    with pytest.raises(FileExistsError, match="已存在"):
        new_workbook(path)
    assert path.read_bytes() == b"clerk's work"
    write_workbook([project], path, force=True)
    assert [p.name for p in read_back(path)] == ["x"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.xlsx"]  # no temp file left behind


def test_new_workbook_has_empty_sheets_with_year_and_department(tmp_path: Path) -> None:
    path = new_workbook(tmp_path / "dept.xlsx", projects=3, year=2025, department="市财政局")
    wb = load_workbook(path)
    assert [ws.title for ws in wb.worksheets if is_project_sheet(ws.title)] == ["项目1", "项目2", "项目3"]
    assert wb[SHEET_MASTER]["B2"].value == 2025  # new sheets copied from the master inherit it
    read = read_back(path)
    assert [(p.year, p.department, p.name, p.indicators) for p in read] == [(2025, "市财政局", "", ())] * 3
    index = wb[SHEET_INDEX]
    assert [index[f"B{r}"].value for r in (3, 4, 5)] == ["项目1", "项目2", "项目3"]
    assert index["B4"].hyperlink.location == "'项目2'!A1"
    with pytest.raises(ValueError, match="至少"):
        new_workbook(tmp_path / "none.xlsx", projects=0)
