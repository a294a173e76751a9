"""Conventions of real published forms (SPEC §1, issue 10), each on a minimal grid.

Every test builds the cells a bulk read gives (`Grid`), reads them with `grid.parse` and,
where the convention is about what is reported, checks them with `rules.check`.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfeval.grid import Grid, parse
from selfeval.model import Project
from selfeval.rules import check
from selfeval.values import cell_text, is_empty, parse_value

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
GOAL = [["年度总体目标", "预期目标", "", "", "实际完成情况", ""], ["", "完成培训", "", "", "完成", ""]]
FUNDS = [
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "年度资金总额", 100, 100, 100, 10, "100%", 10],
    ["", "其中：当年财政拨款", 100, 100, 100, "", "", ""],
]
ROWS = [
    ["产出指标", "数量指标", "培训人数", "≥100人", "120人", 30, 30, ""],
    ["", "质量指标", "合格率", "≥95%", "98%", 20, 20, ""],
    ["效益指标", "社会效益指标", "服务能力", "有效提升", "达成", 30, 30, ""],
    ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10, ""],
]
DASHES = "-‐‑‒–—―−－﹣─━/／\\＼"


def sheet(
    *table: list[object],
    header: list[object] | None = None,
    head: list[list[object]] | None = None,
    goal: list[list[object]] | None = None,
    funds: list[list[object]] | None = None,
    tail: list[list[object]] | None = None,
) -> list[list[object]]:
    """A form: title, identity, funds, goal, the indicator table and 总分."""
    return [
        *(head if head is not None else [["项目支出绩效自评表"], ["（2022年度）"]]),
        ["项目名称", "测试项目"],
        ["主管部门", "某局", "", "", "实施单位", "某中心"],
        *(FUNDS if funds is None else funds),
        *(GOAL if goal is None else goal),
        header or HEADER,
        *table,
        *(tail if tail is not None else [["总分", "", "", "", "", 100, 100, ""]]),
    ]


def read(rows: list[list[object]]) -> Project:
    project = parse(Grid(rows, sheet="表1", source="t.docx"))
    assert project is not None
    return project


def codes(project: Project) -> Counter[str]:
    return Counter(f.code for f in check(project))


def test_the_minimal_form_is_clean() -> None:
    project = read(sheet(*ROWS))
    assert len(project.indicators) == 4
    assert codes(project) == Counter()


# --- placeholder rows ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["指标1：", "指标2", "指标1:/", "……", "…", "（自定义）", "", "三级指标3", "指标１："])
@pytest.mark.parametrize("empty", ["", "—", "／", "-", "——", "— —", "/"])
def test_placeholder_rows_are_skipped_silently(name: str, empty: str) -> None:
    placeholder = ["", "", name, empty, empty, empty, empty, ""]
    project = read(sheet(ROWS[0], placeholder, *ROWS[1:], placeholder))
    assert [i.name for i in project.indicators] == ["培训人数", "合格率", "服务能力", "满意度"]
    assert codes(project) == Counter()


def test_a_placeholder_never_switches_the_weight_checks_off() -> None:
    heavy = [[*row[:5], row[5] * 2 if i == 0 else row[5], *row[6:]] for i, row in enumerate(ROWS)]  # 产出 30 → 60
    project = read(sheet(heavy[0], ["", "", "指标2：", "", "", "", "", ""], *heavy[1:]))
    found = codes(project)
    assert found["W01"] == 1 and found["W02"] == 1
    assert found["S07"] == found["S08"] == 0


def test_a_named_row_without_values_is_no_placeholder() -> None:
    project = read(sheet(*ROWS, ["", "", "办结率", "", "", "", "", ""]))
    assert len(project.indicators) == 5
    [s07] = [f for f in check(project) if f.code == "S07"]
    assert "「年度指标值」、「实际完成值」、「得分」" in s07.message


# --- 一级 cells with weights ------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, level1, inferred",
    [
        ("产出指标（50分）", "产出指标", False),
        ("产出指标 (60 分)", "产出指标", False),
        ("（50分）", "产出指标", False),
        ("50", "产出指标", False),
        ("", "产出指标", True),
    ],
)
def test_level1_cell_with_a_weight(cell: str, level1: str, inferred: bool) -> None:
    rows = [[cell, *ROWS[0][1:]], *ROWS[1:]]
    project = read(sheet(*rows))
    first = project.indicators[0]
    assert (first.level1, first.level1_inferred) == (level1, inferred)
    weight = {"产出指标（50分）": 50.0, "产出指标 (60 分)": 60.0, "（50分）": 50.0, "50": 50.0}.get(cell)
    assert project.level1_weights.get("产出指标") == weight
    assert "S05" not in codes(project)


def test_stated_category_weights_count_where_rows_have_no_weight() -> None:
    # 产出 rows lack 分值, but the 一级 cell says 70: 10 + 70 + 30 + 10 = 120, whatever the rows hold
    rows = [
        ["产出指标（70分）", "数量指标", "培训人数", "≥100人", "120人", "", 30, ""],
        ["", "质量指标", "合格率", "≥95%", "98%", "", 20, ""],
        *ROWS[2:],
    ]
    found = check(read(sheet(*rows)))
    [w01] = [f for f in found if f.code == "W01"]
    assert "120" in w01.message
    [w02] = [f for f in found if f.code == "W02"]
    assert "10 / 70 / 30 / 10" in w02.message
    assert [f.code for f in found].count("S08") == 2


def test_known_weights_above_100_decide_w01_despite_an_unknown_row() -> None:
    rows = [[*ROWS[0][:5], 60, 60, ""], *ROWS[1:], ["", "", "新增指标", "1次", "1次", "", 5, ""]]
    rows[-1][0] = "满意度指标"
    rows[-1][1] = "服务对象满意度指标"
    found = check(read(sheet(*rows)))
    [w01] = [f for f in found if f.code == "W01"]
    assert "已知的分值合计为 120" in w01.message  # 10 + 80 + 30, 满意度 unknown


def test_unknown_weights_that_could_still_make_100_leave_w01_unjudged() -> None:
    rows = [[*ROWS[0][:5], "", 30, ""], *ROWS[1:]]
    found = codes(read(sheet(*rows)))
    assert found["W01"] == 0 and found["S08"] == 1


# --- funds blocks ---------------------------------------------------------------------------


def test_funds_block_资金情况_in_万元() -> None:
    funds = [
        ["资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", 50, 40, 30, 10, "75%", 7.5],
    ]
    project = read(sheet(*ROWS, funds=funds))
    assert project.funds is not None
    assert (project.funds.total.budget, project.funds.total.executed, project.funds.weight) == (40, 30, 10)


def test_funds_block_预算执行情况_with_weight_in_its_label_and_权重_column() -> None:
    funds = [
        ["预算执行情况（10分）", "", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
        ["", "总额", 200, 190, "95%", "", 9.5],
    ]
    project = read(sheet(*ROWS, funds=funds))
    assert project.funds is not None
    assert (project.funds.total.budget, project.funds.total.executed) == (200, 190)
    assert project.funds.weight == 10 and project.funds.stated_rate == pytest.approx(0.95)
    assert {"F03", "F04", "F06"}.isdisjoint(codes(project))


def test_hubei_funds_block_with_execution_weight_20() -> None:
    funds = [
        ["预算执行情况（万元）（20分）", "", "预算数（A）", "执行数（B）", "执行率", "得分"],
        ["", "年度财政资金总额", 100, 100, "100%", 20],
    ]
    rows = [[*row[:5], w, w, ""] for row, w in zip(ROWS, (20, 20, 30, 10), strict=False)]
    project = read(sheet(*rows, funds=funds))
    assert project.funds is not None and project.funds.weight == 20
    assert codes(project)["W01"] == 0  # 20 + 40 + 30 + 10 = 100
    assert codes(project)["W02"] == 1


def test_funds_in_元_are_converted_to_万元() -> None:
    funds = [
        ["资金情况（元）", "", "年初预算数", "全年预算数", "全年执行"],
        ["", "资金总额", 1_000_000, 1_000_000, 950_000],
    ]
    project = read(sheet(*ROWS, funds=funds))
    assert project.funds is not None
    assert (project.funds.total.budget, project.funds.total.executed) == (pytest.approx(100), pytest.approx(95))


def test_further_funds_sources_add_up_as_other_funds() -> None:
    funds = [
        ["预算执行情况(10分)", "", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
        ["", "总额", 100, 100, 100, "100%", 10, 10],
        ["", "其中:财政资金", 60, 60, 60, "", "/", "/"],
        ["", "财政专户管理资金", 10, 10, 10, "", "/", "/"],
        ["", "单位资金", 30, 30, 30, "", "/", "/"],
    ]
    project = read(sheet(*ROWS, funds=funds))
    assert project.funds is not None and project.funds.other.budget == 40
    assert "F01" not in codes(project)


# --- goal sections ----------------------------------------------------------------------------


@pytest.mark.parametrize("expected", ["预期目标", "年初设定目标", "项目年度目标", "总体目标"])
@pytest.mark.parametrize("actual", ["实际完成情况", "全年实际完成情况", "年度总体目标完成情况综述", "年度目标完成情况"])
def test_goal_labels(expected: str, actual: str) -> None:
    goal = [["年度总体目标", expected, "", "", actual, ""], ["", "完成培训", "", "", "已完成", ""]]
    project = read(sheet(*ROWS, goal=goal))
    assert (project.goal.expected, project.goal.actual) == ("完成培训", "已完成")


def test_goal_as_rows_with_texts_to_the_right() -> None:
    goal = [["年初设定目标", "完成培训"], ["全年实际完成情况", "已完成"]]
    project = read(sheet(*ROWS, goal=goal))
    assert (project.goal.expected, project.goal.actual) == ("完成培训", "已完成")


def test_two_goal_blocks_are_joined() -> None:
    goal = [
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "目标一", "完成一"],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "目标二", "完成二"],
    ]
    project = read(sheet(*ROWS, goal=goal))
    assert (project.goal.expected, project.goal.actual) == ("目标一\n目标二", "完成一\n完成二")


def test_no_goal_section_is_one_s02() -> None:
    found = codes(read(sheet(*ROWS, goal=[])))
    assert found["S02"] == 1


def test_a_template_prompt_is_no_answer() -> None:
    goal = [["项目年度目标", "完成培训"], ["年度目标完成情况", "对照年度目标,说明相关任务目标的完成情况(100字以内)"]]
    project = read(sheet(*ROWS, goal=goal))
    assert project.goal.actual == ""
    assert codes(project)["S02"] == 1


# --- indicator headers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, actual",
    [
        ("年度指标值", "全年完成值"),
        ("年度目标值（A）", "实际完成值（B）"),
        ("指标值", "实际完成值"),
        ("年初目标值", "完成值"),
    ],
)
def test_indicator_header_synonyms(target: str, actual: str) -> None:
    header = ["一级指标", "二级指标", "三级指标", target, actual, "分值", "得分", "偏差原因分析及改进措施"]
    project = read(sheet(*ROWS, header=header))
    assert next((i.target, i.actual) for i in project.indicators) == ("≥100人", "120人")


def test_target_split_over_three_columns_under_a_second_header_row() -> None:
    header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "",
        "",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    sub = ["", "", "", "指标性质", "指标值", "度量单位", "", "", "", ""]
    rows = [
        ["产出指标", "数量指标", "培训人数", "≥", 100, "人", "120人", 30, 30, ""],
        ["", "质量指标", "合格率", "≧", "95", "%", "98", 20, 20, ""],
        ["效益指标", "社会效益指标", "服务能力", "定性", "有效提升", "", "达成", 30, 30, ""],
        ["满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "％", "95%", 10, 10, ""],
    ]
    project = read(sheet(sub, *rows, header=header, tail=[["总分", "", "", "", "", "", "", 100, 100, ""]]))
    assert [i.target for i in project.indicators] == ["≥100人", "≥95%", "有效提升", "≥90％"]
    assert codes(project) == Counter()


def test_weight_before_the_values_and_a_repeated_header_row() -> None:
    header = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]
    rows = [[*row[:3], row[5], row[3], row[4], *row[6:]] for row in ROWS]
    project = read(sheet(rows[0], rows[1], header, *rows[2:], header=header))
    assert [(i.weight, i.target) for i in project.indicators] == [
        (30, "≥100人"),
        (20, "≥95%"),
        (30, "有效提升"),
        (10, "≥90%"),
    ]
    assert codes(project) == Counter()


# --- 二级 names and comparators ---------------------------------------------------------------


@pytest.mark.parametrize(
    "written, name",
    [
        ("服务对象满意度指标等", "服务对象满意度指标"),
        ("进度指标", "时效指标"),
        ("社会效益\n指标", "社会效益指标"),
        ("数量", "数量指标"),
    ],
)
def test_level2_names(written: str, name: str) -> None:
    project = read(sheet(["", written, "某指标", "1次", "1次", 10, 10, ""]))
    assert project.indicators[0].level2 == name


@pytest.mark.parametrize(
    "target, actual, met",
    [
        ("≧95%", "96%", True),
        ("≦30天", "31天", False),
        ("═100%", "100%", True),
        ("＝100%", "90%", False),
        ("≥ 95 %", "94 %", False),
    ],
)
def test_comparators_of_real_forms(target: str, actual: str, met: bool) -> None:
    parsed_target, parsed_actual = parse_value(target), parse_value(actual)
    assert parsed_target is not None and parsed_actual is not None
    project = read(sheet(["产出指标", "质量指标", "x", target, actual, 10, 10 if met else 5, "" if met else "原因"]))
    assert ("P06" in codes(project)) is False
    from selfeval.scoring import score_project

    assert score_project(project).indicators[0].met is met


# --- years ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        [["项目支出绩效自评表"], ["（2019年度）"]],
        [["项目支出绩效自评表"], ["2019年度)"]],
        [["项目支出绩效自评表"], ["(2019 年度)"]],
        [["项目支出绩效自评表"], ["2019年"]],
        [["2019年度某局项目支出绩效自评表"]],
        [["某局2019年培训项目绩效自评表"]],
        [["部门预算项目支出绩效自评表(2019年度)"]],
        [["项目支出绩效自评表"], ["年度", "2019年度"]],
    ],
)
def test_year_lines(head: list[list[object]]) -> None:
    assert read(sheet(*ROWS, head=head)).year == 2019


# --- missing columns --------------------------------------------------------------------------


def test_no_weight_column_is_one_s08_and_every_row_is_read() -> None:
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]
    rows = [[*row[:5], row[6], row[7]] for row in ROWS]
    project = read(sheet(*rows, header=header, tail=[["总分", "", "", "", "", 100, ""]]))
    assert len(project.indicators) == 4 and project.absent_columns == frozenset({"weight"})
    found = codes(project)
    assert found["S08"] == 1 and found["W01"] == found["W02"] == 0


def test_no_score_column_is_one_s09_and_what_needs_no_score_is_judged() -> None:
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "未完成原因和改进措施"]
    rows = [
        ["产出指标", "数量指标", "培训人数", "≥100人", "80人", ""],
        ["", "数量指标", "培训场次", "100%", "100%", ""],
        ["效益指标", "社会效益指标", "服务能力", "有效提升", "达成", ""],
        ["满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", ""],
    ]
    project = read(sheet(*rows, header=header, tail=[["说明", "无"]]))
    assert len(project.indicators) == 4
    assert project.absent_columns == frozenset({"weight", "score"})
    found = codes(project)
    assert found["S09"] == 1 and found["S08"] == 1
    assert found["S07"] == 0 and found["X03"] == 0
    assert found["D01"] == 1  # 80人 misses ≥100人 without a reason
    assert found["Q01"] == 1  # 100% as a 数量 target


# --- one value normaliser ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["／", "—", "——", "－", "– –", "\\", "＼", "―", "−", " / ", "\u3000—\u3000"])
def test_every_dash_and_slash_is_empty_everywhere(text: str) -> None:
    assert is_empty(text) and cell_text(text) == "" and parse_value(text) is None


def test_a_full_width_slash_row_is_a_placeholder_like_a_dash_row() -> None:
    for mark in ("／", "-"):
        project = read(sheet(*ROWS, ["", "生态效益指标", "指标1：", mark, mark, mark, mark, mark]))
        assert len(project.indicators) == 4
        assert codes(project) == Counter()


# --- properties ---------------------------------------------------------------------------

NAMES = st.text(alphabet="培训人数合格率服务能力满意度办结", min_size=1, max_size=6)
TARGETS = st.sampled_from(["≥100人", "100%", "≥95%", "有效提升", "≤30天", "4次", ""])
ACTUALS = st.sampled_from(["120人", "100%", "90%", "达成", "28天", "3次", "", "部分完成"])
NUMBERS = st.sampled_from([None, 5, 10, 20, 30])
LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "效益指标": ["社会效益指标"],
    "满意度指标": ["服务对象满意度指标"],
}


@st.composite
def tables(draw) -> list[list[list[object]]]:
    """Indicator rows grouped by category, every row naming its 一级 and 二级."""
    groups = []
    for level1, level2s in LEVEL2.items():
        rows = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            weight = draw(NUMBERS)
            score = draw(NUMBERS)
            rows.append(
                [
                    level1,
                    draw(st.sampled_from(level2s)),
                    draw(NAMES),
                    draw(TARGETS),
                    draw(ACTUALS),
                    weight,
                    score,
                    draw(st.sampled_from(["", "原因"])),
                ]
            )
        groups.append(rows)
    return groups


def findings_of(rows: list[list[object]]) -> Counter[tuple[str, str]]:
    return Counter((f.code, f.message) for f in check(read(sheet(*rows))))


@settings(max_examples=60, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_row_order_within_a_category(groups, random) -> None:
    flat = [row for group in groups for row in group]
    shuffled = []
    for group in groups:
        group = list(group)
        random.shuffle(group)
        shuffled.extend(group)
    assert findings_of(flat) == findings_of(shuffled)


@settings(max_examples=60, deadline=None)
@given(
    tables(),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["指标1：", "……", "（自定义）", "", "指标2:/"]),
    st.sampled_from(["", "—", "／", "-"]),
)
def test_a_placeholder_row_anywhere_changes_no_finding(groups, where, name, mark) -> None:
    flat = [row for group in groups for row in group]
    with_placeholder = list(flat)
    with_placeholder.insert(where % (len(flat) + 1), ["", "", name, mark, mark, mark, mark, ""])
    assert findings_of(flat) == findings_of(with_placeholder)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=DASHES + " \u3000", min_size=1, max_size=6).filter(lambda t: t.strip()))
def test_a_row_of_dashes_in_any_style_is_a_placeholder(dashes: str) -> None:
    assert is_empty(dashes)
    project = read(sheet(*ROWS, [dashes] * 8))
    assert len(project.indicators) == 4
    assert codes(project) == Counter()


# --- 专项资金 forms ---------------------------------------------------------------------------


def test_special_fund_form_weights_in_percent_without_execution_weight() -> None:
    header = ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"]
    rows = [
        ["产出指标", "数量指标", "贷款发放额", "≥10个", "15个", "60%", 60],
        ["效益指标", "社会效益指标", "网点覆盖率", "≥60%", "85%", "20%", 20],
        ["满意度指标", "服务对象满意度指标", "满意度", "≥80%", "90%", "20%", 20],
    ]
    head = [["专项名称", "普惠金融"], ["省级主管部门", "某厅", "实施单位", "某中心"], ["年度", 2021]]
    goal = [["年度总体目标", "目标1：扩大覆盖", "", "完成情况1：已扩大覆盖"]]
    grid = [*head, *goal, header, *rows, ["得分合计", "", "", "", "", "", 100]]
    project = read(grid)
    assert (project.name, project.department) == ("普惠金融", "某厅")
    assert (project.goal.expected, project.goal.actual) == ("目标1：扩大覆盖", "完成情况1：已扩大覆盖")
    assert [i.weight for i in project.indicators] == [60, 20, 20]
    assert project.stated_total == 100
    found = codes(project)
    assert found["W03"] == found["W01"] == found["S02"] == found["P02"] == 0
    assert found["W02"] == 1  # 0 / 60 / 20 / 20


def test_transfer_payment_identity_labels() -> None:
    head = [
        ["(2021年度)"],
        ["转移支付(项目)名称", "", "省道建设"],
        ["中央主管部门", "", "财政部"],
        ["地方主管部门", "", "某市交通运输局", "", "资金使用单位", "某市交通运输局"],
    ]
    project = read([*head, *GOAL, HEADER, *ROWS])
    assert (project.name, project.department, project.unit, project.year) == (
        "省道建设",
        "某市交通运输局",
        "某市交通运输局",
        2021,
    )
    assert codes(project)["S01"] == 0


def test_a_grade_after_the_score_in_the_total_row() -> None:
    project = read(sheet(*ROWS, tail=[["总分", "", "", "", "", 100, 100, "优"]]))
    assert project.stated_grade == "优"
    project = read(sheet(*ROWS, tail=[["总分", "", "", "", "", 100, 100, "良"]]))
    assert codes(project)["P03"] == 1


def test_hubei_execution_weight_20_without_a_weight_column_is_w02() -> None:
    funds = [
        ["预算执行情况(万元)(20分)", "", "", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分(20分*执行率)"],
        ["年度财政资金总额", "", "", 1.56, 1.56, 1, 20],
    ]
    header = ["年度绩效目标(80分)", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]
    rows = [
        ["", "产出指标", "数量指标", "补贴渔船数", "6艘", "6艘", 40],
        ["", "效益指标", "", "", "", "", ""],
        ["", "满意度指标", "服务对象满意度", "满意度", "90%", "95%", 40],
    ]
    project = read(sheet(*rows, funds=funds, header=header, tail=[["总分", "", "", "", "", "", 100]]))
    assert project.funds is not None and project.funds.weight == 20
    found = check(project)
    [w02] = [f for f in found if f.code == "W02"]
    assert "20 / 未知 / 0 / 未知" in w02.message
    assert {"F01", "W01", "P02"}.isdisjoint(f.code for f in found)  # a block without parts adds nothing up
