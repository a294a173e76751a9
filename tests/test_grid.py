"""grid.parse: label-driven reading of a sheet's cell values into a Project (SPEC §1)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfeval.a1 import column_letters
from selfeval.errors import FormError
from selfeval.grid import Grid, parse
from selfeval.model import Indicator, Project
from selfeval.vocabulary import LABELS
from support.form_layouts import (
    NATIONAL_DEVIATION,
    NATIONAL_DONE,
    NATIONAL_GOAL,
    SEED_DEVIATION,
    SEED_DONE,
    SEED_GOAL,
    national_rows,
    seed_rows,
)


def read(rows: list[list[object]], **where: object) -> Project:
    project = parse(Grid(rows, sheet="项目1", source="t.xlsx", **where))  # type: ignore[arg-type]
    assert project is not None
    return project


def row_of(project: Project, name: str) -> Indicator:
    return next(item for item in project.indicators if item.name == name)


def test_a_parsed_project_is_frozen() -> None:
    project = read(national_rows())
    assert project.funds is not None and project.indicators
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.name = "改过的名称"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.indicators[0].score = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.funds.total.budget = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.goal.actual = ""  # type: ignore[misc]
    assert isinstance(project.indicators, tuple) and isinstance(project.notes, tuple)


def test_column_letters_and_addresses() -> None:
    assert [column_letters(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    grid = Grid([["x"]], first_row=3, first_col=28)
    assert grid.address(0, 0) == "AB3"
    assert grid.address(2, 1) == "AC5"
    grid = Grid([["a", "b"], ["c"]], first_row=3, first_col=28)
    assert [grid.value_at(a) for a in ("AB3", "AC3", "AB4", "AC4", "AA3", "AB2", "x1")] == [
        "a",
        "b",
        "c",
        None,
        None,
        None,
        None,
    ]


# --- the seed's layout ----------------------------------------------------------------


def test_seed_layout_every_field() -> None:
    # placed at C5 on its sheet, so every address is offset by two columns and four rows
    project = read(seed_rows(), first_row=5, first_col=3)
    assert project.sheet == "项目1" and project.source == "t.xlsx"
    assert project.name == "督查效能业务"
    assert project.department == "鄂州市督查考评办公室"
    assert project.unit == "鄂州市督查考评办公室"  # bookmark and U+3000 stripped
    assert project.year == 2021
    assert (project.category, project.attribute, project.kind) == ("部门预算项目", "持续性项目", "常年性项目")
    assert project.funds is None
    assert project.goal.expected == SEED_GOAL
    assert project.goal.actual == SEED_DONE
    assert project.stated_total is None and project.stated_grade == ""
    assert project.notes == ()
    assert project.cells == {
        "year": "C5",
        "name": "D6",
        "department": "D7",
        "unit": "G7",
        "category": "D8",
        "attribute": "D9",
        "kind": "D10",
        "goal.expected": "D12",
        "goal.actual": "G12",
        "indicators": "C14",
    }
    assert [(i.level1, i.level2, i.level1_inferred) for i in project.indicators] == [
        ("产出指标", "成本指标", True),
        ("产出指标", "数量指标", True),
        ("产出指标", "质量指标", True),
        ("效益指标", "经济效益指标", True),
    ]
    assert [i.score for i in project.indicators] == [25.0, 23.0, 25.0, 25.0]
    assert all(i.weight is None and i.raw == {} for i in project.indicators)
    assert [i.row for i in project.indicators] == [15, 16, 18, 19]  # blank spacer row 17 skipped
    quantity = project.indicators[1]
    assert quantity.name == "召开会议1次、组织业务培训1次、学习调研2次"
    assert (quantity.target, quantity.actual, quantity.deviation) == ("100%", "100%", SEED_DEVIATION)
    assert quantity.cells == {
        "level1": "C16",
        "level2": "D16",
        "name": "E16",
        "target": "F16",
        "actual": "G16",
        "score": "H16",
        "deviation": "I16",
    }
    assert project.indicators[3].target == "100％"  # kept as typed; the value grammar reads it


# --- the national layout --------------------------------------------------------------


def test_national_layout_every_field() -> None:
    project = read(national_rows())
    assert project.name == "社区居家养老服务补助"
    assert project.department == "某市民政局"
    assert project.unit == "某市养老服务指导中心"
    assert project.year == 2022
    assert (project.category, project.attribute, project.kind) == ("", "", "")
    assert project.goal.expected == NATIONAL_GOAL and project.goal.actual == NATIONAL_DONE
    assert project.stated_total == 94.83
    assert project.stated_grade == "优"
    assert (project.filler, project.phone, project.date) == ("张三", "13800000000", "2023-01-15")
    assert project.notes == ()

    funds = project.funds
    assert funds is not None
    assert (funds.total.initial, funds.total.budget, funds.total.executed) == (200.0, 180.0, 171.0)
    assert (funds.fiscal.initial, funds.fiscal.budget, funds.fiscal.executed) == (150.0, 150.0, 141.0)
    assert (funds.carryover.initial, funds.carryover.budget, funds.carryover.executed) == (50.0, 30.0, 30.0)
    assert (funds.other.initial, funds.other.budget, funds.other.executed) == (None, None, None)
    assert (funds.weight, funds.stated_rate, funds.stated_score) == (10.0, 0.95, 9.5)
    assert funds.bad_cells == {}

    expected_cells = {
        "year": "A2",
        "name": "B3",
        "department": "B4",
        "unit": "G4",
        "funds": "A5",
        "funds.weight": "F6",
        "funds.rate": "G6",
        "funds.score": "H6",
        "goal.expected": "B11",
        "goal.actual": "F11",
        "indicators": "B12",
        "level1.产出指标": "B13",  # where each category starts (S04, W02 point there)
        "level1.效益指标": "B18",
        "level1.满意度指标": "B20",
        "total": "H21",
        "weight_total": "G21",
        "grade": "B22",
        "filler": "B23",
        "phone": "E23",
        "date": "H23",
    }
    for line, row in (("total", 6), ("fiscal", 7), ("carryover", 8), ("other", 9)):
        for col, letter in (("initial", "C"), ("budget", "D"), ("executed", "E")):
            expected_cells[f"funds.{line}.{col}"] = f"{letter}{row}"
    assert project.cells == expected_cells
    assert project.level1_weights == {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}

    # placeholder rows (时效指标, 经济效益指标 without content) are not indicators
    assert [(i.level1, i.level2, i.name) for i in project.indicators] == [
        ("产出指标", "数量指标", "服务老年人数"),
        ("产出指标", "数量指标", "开展活动场次"),
        ("产出指标", "质量指标", "服务合格率"),
        ("产出指标", "成本指标", "人均服务成本"),
        ("效益指标", "社会效益指标", "老年人生活质量"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度"),
    ]
    assert not any(i.level1_inferred for i in project.indicators)
    assert [i.weight for i in project.indicators] == [20.0, 10.0, 10.0, 10.0, 30.0, 10.0]
    assert [i.score for i in project.indicators] == [20.0, 8.33, 10.0, 10.0, 27.0, 10.0]
    events = row_of(project, "开展活动场次")
    assert (events.target, events.actual, events.deviation) == ("≥12场", "10场", NATIONAL_DEVIATION)
    assert events.row == 14
    assert events.cells == {
        "level1": "B14",
        "level2": "C14",
        "name": "D14",
        "target": "E14",
        "actual": "F14",
        "weight": "G14",
        "score": "H14",
        "deviation": "I14",
    }


def test_status_cell_marks_a_template_sheet() -> None:
    rows = national_rows()
    rows.insert(0, ["校验状态", "", "", "", "", "", "", "", ""])
    project = read(rows)
    assert project.cells["status"] == "B1"
    assert project.name == "社区居家养老服务补助"
    assert "status" not in read(national_rows()).cells


# --- tolerance -------------------------------------------------------------------------

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]


def small_form(*table: list[object], header: list[object] | None = None) -> list[list[object]]:
    return [
        ["项目名称", "测试项目"],
        ["主管部门", "某局", "实施单位", "某中心"],
        header or HEADER,
        *table,
    ]


def test_labels_with_full_width_spaces_colons_and_line_breaks() -> None:
    rows = [
        ["项目名称：", "", "甲项目"],
        ["主\u3000管\u3000部\u3000门:", "乙局", "项目实施单位：", "丙中心"],
        ["年度：", "2023年"],
        [
            "一级\n指标",
            "二级指标",
            "三级\u3000指标",
            "年初\n目标值",
            "实际\n完成值",
            "分值（分）",
            "得分：",
            "偏差原因分析及改正措施",
        ],
        ["产出指标", "数量", "培训人数", "≥100人", "120人", 50, 50, ""],
    ]
    project = read(rows)
    assert (project.name, project.department, project.unit, project.year) == ("甲项目", "乙局", "丙中心", 2023)
    assert project.cells["name"] == "C1"
    assert project.cells["year"] == "B3"
    item = project.indicators[0]
    assert (item.level1, item.level2, item.weight, item.score) == ("产出指标", "数量指标", 50.0, 50.0)


def test_numbers_stored_as_text() -> None:
    project = read(
        small_form(
            ["产出指标", "数量指标", "a", "1", "1", "25", "２５", ""],
            ["", "质量指标", "b", "1", "1", "２０分", " 19.5 ", ""],
            ["", "时效指标", "c", "1", "1", "\u300010\u3000", "10.0分", ""],
        )
    )
    assert [(i.weight, i.score) for i in project.indicators] == [(25.0, 25.0), (20.0, 19.5), (10.0, 10.0)]
    assert all(i.raw == {} for i in project.indicators)


def test_non_numeric_weight_and_score_text_is_kept_raw() -> None:
    project = read(small_form(["产出指标", "数量指标", "a", "1次", "1次", "二十五", "满分", ""]))
    item = project.indicators[0]
    assert (item.weight, item.score) == (None, None)
    assert item.raw == {"weight": "二十五", "score": "满分"}


def test_blank_spacer_rows_and_extra_columns() -> None:
    header = [
        "序号",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
        "备注",
    ]
    project = read(
        small_form(
            [1, "产出指标", "数量指标", "a", "正向", "10个", "10个", 25, 25, "", "备注1"],
            [],
            ["", "", "", "", "", "", "", "", "", "", ""],
            [2, "", "质量指标", "b", "正向", "100%", "100%", 25, 25, "", ""],
            header=header,
        )
    )
    assert [(i.level1, i.level2, i.name, i.target) for i in project.indicators] == [
        ("产出指标", "数量指标", "a", "10个"),
        ("产出指标", "质量指标", "b", "100%"),
    ]
    assert project.indicators[1].row == 7
    assert project.indicators[1].cells["target"] == "F7"


def test_unknown_level2_is_kept_as_typed() -> None:
    project = read(
        small_form(
            ["产出指标", "数量", "a", "1次", "1次", 10, 10, ""],
            ["", "过程指标", "b", "1次", "1次", 10, 10, ""],
            ["满意度", "满意度指标", "c", "≥90%", "95%", 10, 10, ""],
            ["", "群众满意度", "d", "≥90%", "95%", 10, 10, ""],
        )
    )
    assert [(i.level1, i.level2) for i in project.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "过程指标"),
        ("满意度指标", "服务对象满意度指标"),
        ("满意度指标", "群众满意度"),
    ]


def test_blank_level1_is_inferred_from_a_known_level2_only() -> None:
    project = read(
        small_form(
            ["", "满意度指标", "a", "≥90%", "95%", 10, 10, ""],
            ["", "自创指标", "b", "1", "1", 10, 10, ""],
        )
    )
    first, second = project.indicators
    assert (first.level1, first.level2, first.level1_inferred) == ("满意度指标", "服务对象满意度指标", True)
    assert (second.level1, second.level1_inferred) == ("", False)


def test_new_level1_resets_the_merged_level2() -> None:
    project = read(
        small_form(
            ["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""],
            ["效益指标", "", "b", "有效", "有效", 10, 10, ""],
        )
    )
    assert [(i.level1, i.level2) for i in project.indicators] == [("产出指标", "数量指标"), ("效益指标", "")]


def test_missing_weight_column_leaves_weights_unknown() -> None:
    header = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]
    project = read(small_form(["产出指标", "数量指标", "a", "1次", "1次", 40, ""], header=header))
    item = project.indicators[0]
    assert item.weight is None and item.score == 40.0
    assert "weight" not in item.cells


def test_table_ends_at_a_section_label_without_total() -> None:
    project = read(
        small_form(
            ["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""],
            ["填报人：", "李四", "", "联系电话", "027-12345678"],
            ["", "质量指标", "not an indicator", "1", "1", 10, 10, ""],
        )
    )
    assert [i.name for i in project.indicators] == ["a"]
    assert (project.filler, project.phone) == ("李四", "027-12345678")
    assert project.cells["filler"] == "B5"
    assert project.stated_total is None and "total" not in project.cells


def test_total_label_without_table_total_row_reads_its_right_neighbour() -> None:
    rows = small_form(["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""])
    rows.append(["填报人", "李四"])
    rows.append(["合计：", "", "88.5"])
    project = read(rows)
    assert project.stated_total == 88.5
    assert project.cells["total"] == "C6"


def test_empty_label_values_point_at_the_cell_to_fill() -> None:
    rows = [
        ["项目名称", "", "", ""],
        ["主管部门", "", "实施单位", ""],
        ["年度总体目标", "预期目标", "", "实际完成情况"],
        ["", "", "", ""],
        HEADER,
    ]
    project = read(rows)
    assert (project.name, project.department, project.unit) == ("", "", "")
    assert project.goal.expected == "" and project.goal.actual == ""
    assert project.cells["name"] == "B1"
    assert project.cells["department"] == "B2"
    assert project.cells["unit"] == "D2"
    assert project.cells["goal.expected"] == "B4"
    assert project.cells["goal.actual"] == "D4"
    assert project.indicators == ()


def test_goal_as_label_cells_with_text_to_the_right() -> None:
    rows = small_form(["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""])
    rows[2:2] = [["年度总体目标", "预期目标", "目标A"], ["", "实际完成情况", "完成B"]]
    project = read(rows)
    assert (project.goal.expected, project.goal.actual) == ("目标A", "完成B")
    assert (project.cells["goal.expected"], project.cells["goal.actual"]) == ("C3", "C4")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1、部门预算项目      2、省直专项   □    3、省对下转移支付项目 □", "部门预算项目"),
        ("1、部门预算项目 □     2、省直专项   □    3、省对下转移支付项目 ", "省对下转移支付项目"),
        ("☑部门预算项目 □省直专项 □省对下转移支付项目", "部门预算项目"),
        ("□部门预算项目 ■省直专项 □省对下转移支付项目", "省直专项"),
        ("部门预算项目□ 省直专项√ 省对下转移支付项目□", "省直专项"),
        ("部门预算项目☒ 省直专项□ 省对下转移支付项目□", "部门预算项目"),
        ("省直专项", "省直专项"),
        ("部门预算项目 省直专项 省对下转移支付项目", ""),  # nothing marked: unknown
        ("☑部门预算项目 ☑省直专项 □省对下转移支付项目", ""),  # two ticked: unknown
    ],
)
def test_classification_choice(text: str, expected: str) -> None:
    rows = small_form(["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""])
    rows.insert(1, ["项目类别", text])
    assert read(rows).category == expected


def test_classification_options_in_separate_cells() -> None:
    rows = small_form(["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""])
    rows.insert(1, ["项目属性", "□持续性项目", "☑新增性项目"])
    project = read(rows)
    assert project.attribute == "新增性项目"
    assert project.cells["attribute"] == "B2"


def test_year_from_year_line_and_label() -> None:
    base = small_form(["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""])
    assert read([["项目支出绩效自评表（２０２０年度）"], *base]).year == 2020
    assert read([["年度", 2019.0], *base]).year == 2019
    assert read(base).year is None
    both = read([["2018年度某项目自评表"], ["年度", "2019年"], *base])
    assert (both.year, both.cells["year"]) == (2019, "B2")  # the typed 年度 wins over the title
    empty = read([["2018年度某项目自评表"], ["年度", ""], *base])
    assert (empty.year, empty.cells["year"]) == (2018, "A1")


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("95%", 0.95), ("９５％", 0.95), (0.95, 0.95), (95, 0.95), ("95.5", 0.955), (1.2, 1.2), ("", None)],
)
def test_funds_rate_forms(rate: object, expected: float | None) -> None:
    rows = national_rows()
    rows[5][6] = rate
    funds = read(rows).funds
    assert funds is not None
    assert funds.stated_rate == (pytest.approx(expected) if expected is not None else None)


def test_funds_text_amounts_and_synonyms() -> None:
    rows = national_rows()
    rows[5][3] = "1,080.5"
    rows[6][1] = "本年财政拨款"
    rows[6][4] = "约一百万"
    project = read(rows)
    funds = project.funds
    assert funds is not None
    assert funds.total.budget == 1080.5
    assert funds.fiscal.executed is None
    assert funds.bad_cells == {"fiscal.executed": "约一百万"}
    assert project.cells["funds.fiscal.executed"] == "E7"


def test_funds_block_without_amount_columns_is_a_reader_note() -> None:
    rows = national_rows()
    rows[4] = ["项目资金（万元）", "", "", "", "", "", "", "", ""]
    project = read(rows)
    assert project.funds is None
    assert [(n.code, n.cell, n.sheet) for n in project.notes] == [("X03", "A5", "项目1")]
    assert "全年预算数" in project.notes[0].message
    assert len(project.indicators) == 6  # the rest of the form is still read


# --- not a form / unreadable form --------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [[""]],
        [["填表说明"], ["1. 项目名称：填写预算批复的项目名称。"], ["2. 一级指标、二级指标按附表填写。"]],
        [["目录"], ["项目1"], ["项目2"], ["汇总"]],
        [["项目名称", "主管部门", "实施单位", "总分", "自评等级"], ["甲", "乙", "丙", 95, "优"]],
        [["一级指标", "二级指标"], ["产出指标", "数量指标"], ["产出指标", "质量指标"]],
        [[f"第{i}行", i, i * 2.5] for i in range(500)],
    ],
    ids=["empty", "blank", "instructions", "contents", "summary", "code-table", "data"],
)
def test_sheets_that_are_not_forms(rows: list[list[object]]) -> None:
    assert parse(Grid(rows, sheet="其他")) is None


def test_form_without_indicator_header_is_a_form_error() -> None:
    rows = [["2021年度某项目自评表"], ["项目名称", "某项目"], ["主管部门", "某局"], ["说明", "表格被删掉了"]]
    with pytest.raises(FormError) as caught:
        parse(Grid(rows, first_row=3))
    assert caught.value.cell == "A4"
    assert "项目名称" in caught.value.reason and "表头" in caught.value.reason


def test_indicator_header_without_value_columns_is_a_form_error() -> None:
    rows = small_form(["产出指标", "数量指标", "a", "1次"], header=["一级指标", "二级指标", "三级指标", "年度指标值"])
    with pytest.raises(FormError) as caught:
        parse(Grid(rows))
    assert caught.value.cell == "A3"
    assert "「实际完成值」" in caught.value.reason and "「得分」" not in caught.value.reason  # no 得分 is S09
    assert "第 3 行" in caught.value.reason


def test_header_without_any_level3_column_is_a_form_error() -> None:
    header = ["一级指标", "二级指标", "年度指标值", "实际完成值", "得分"]
    with pytest.raises(FormError) as caught:
        parse(Grid(small_form(header=header)))
    assert "「三级指标」" in caught.value.reason


# --- size ----------------------------------------------------------------------------------


def test_long_data_sheet_is_not_a_form() -> None:
    rows = [["编号", "名称", "金额"]] + [[i, f"项目{i}", i * 1.5] for i in range(100_000)]
    assert parse(Grid(rows)) is None


def test_long_indicator_table_is_read_to_its_end() -> None:
    table = [["产出指标", "数量指标", f"指标{i}", "1次", "1次", 1, 1, ""] for i in range(100_000)]
    project = read(small_form(*table, ["总分", "", "", "", "", 100000, 100000, ""]))
    assert len(project.indicators) == 100_000
    assert project.indicators[-1].row == 100_003
    assert project.stated_total == 100000.0
    assert project.cells["total"] == "G100004"


def test_dates_and_phone_numbers_as_cells() -> None:
    rows = small_form(["产出指标", "数量指标", "a", "1次", "1次", 10, 10, ""])
    rows.append(["填报人", "王五", "联系电话", 13912345678.0, "填报日期", dt.datetime(2022, 3, 4)])
    project = read(rows)
    assert (project.filler, project.phone, project.date) == ("王五", "13912345678", "2022-03-04")


# --- robustness ------------------------------------------------------------------------------

_cells = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(
        [
            *sorted(LABELS),
            "2021年度某项目自评表",
            "（2020年度）",
            "偏差原因分析及改进措施",
            "□",
            "☑",
            "产出指标(50分)",
            "数量",
            "—",
            "95%",
            "２５分",
        ]
    ),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.dates(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_cells, max_size=10), max_size=25), st.integers(1, 50), st.integers(1, 30))
def test_any_grid_gives_a_project_none_or_a_form_error(rows: list[list[object]], top: int, left: int) -> None:
    try:
        project = parse(Grid(rows, sheet="x", first_row=top, first_col=left))
    except FormError as error:
        assert error.reason and (error.cell is None or error.cell[0].isalpha())
        return
    if project is not None:
        for item in project.indicators:
            assert item.row is not None and item.row >= top
            assert all(address[0].isalpha() for address in item.cells.values())


def test_a_second_form_below_the_first_is_reported_not_dropped() -> None:
    rows = [*seed_rows(), [""] * 7, *seed_rows()]
    project = read(rows)
    assert [i.row for i in project.indicators] == [11, 12, 14, 15]
    [note] = project.notes
    assert (note.code, note.cell, note.sheet) == ("X03", "A18", "项目1")
    assert "第 18 行" in note.message
