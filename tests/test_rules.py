"""The rule catalog of SPEC §5: `selfeval.rules`.

Every test starts from one clean, complete national-layout form that yields no finding at
all, changes one thing, and looks at what the catalog says: code, severity, cell, message.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfeval.layout import DEFAULT_LAYOUT
from selfeval.model import (
    BENEFIT,
    COST,
    LEVEL1_NAMES,
    LEVEL1_OF_LEVEL2,
    LEVEL2_NAMES,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SERVICE_SATISFACTION,
    TIMELINESS,
    Finding,
    Funds,
    FundsLine,
    Goal,
    Indicator,
    Project,
    Severity,
)
from selfeval.rules import RULES, catalog, check, check_book, computed_values
from selfeval.scoring import METHOD_SCORE_TOLERANCE, indicator, score_project
from selfeval.values import Quantity
from selfeval.vocabulary import COMPUTED_KEY_TO_LABEL, COMPUTED_KEYS
from support.edits import edited

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 -- SPEC §5 writes severities as E, W, I

# SPEC §5, transcribed: code → severity.
SPEC_SEVERITIES: dict[str, Severity] = {
    "S01": E, "S02": E, "S03": E, "S04": W, "S05": E, "S06": W, "S07": E, "S08": W, "S09": E,
    "F01": E, "F02": E, "F03": E, "F04": E, "F05": E, "F06": W,
    "W01": E, "W02": W, "W03": E,
    "P01": E, "P02": E, "P03": E, "P04": W, "P05": W, "P06": E, "P07": W, "P08": E,
    "D01": E, "D02": I,
    "Q01": W, "Q02": I, "Q03": W, "Q04": I,
    "X01": E, "X02": W, "X03": E, "X04": W, "X05": E,
}  # fmt: skip

SHEET = "项目1"

# --- the clean form ------------------------------------------------------------------------

# Indicator rows of the clean form, by alias: (row number, level1, level2, 三级, target, actual, 分值)
ROWS: dict[str, tuple[int, str, str, str, str, str, float]] = {
    "qty": (15, OUTPUT, QUANTITY, "召开督查工作会议", "4次", "4次", 20.0),
    "qlt": (16, OUTPUT, QUALITY, "督办事项办结率", "≥95%", "98%", 10.0),
    "time": (17, OUTPUT, TIMELINESS, "督办事项办理时限", "≤30天", "28天", 10.0),
    "cost": (18, OUTPUT, COST, "督查工作经费", "≤90万元", "85万元", 10.0),
    "ben": (19, BENEFIT, "社会效益指标", "督查效能", "有效提升", "达成预期指标", 30.0),
    "sat": (20, SATISFACTION, SERVICE_SATISFACTION, "被督查单位满意度", "≥90%", "95%", 10.0),
}
ALIAS_INDEX = {alias: i for i, alias in enumerate(ROWS)}
FUNDS_ROWS = {"total": 7, "fiscal": 8, "carryover": 9, "other": 10}
FUNDS_COLS = {"initial": "C", "budget": "D", "executed": "E"}


def _indicator(number: int, level1: str, level2: str, name: str, target: str, actual: str, weight: float) -> Indicator:
    cells = {
        key: f"{col}{number}"
        for key, col in zip(
            ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation"), "ABCDEFGH", strict=False
        )
    }
    return Indicator(level1, level2, name, target, actual, weight, weight, "", cells=cells)


def clean_project() -> Project:
    """A complete national-layout form: funds 100/100, weights 10/50/30/10, all met, 优."""
    cells = {
        "year": "A1", "name": "B3", "department": "B4", "unit": "E4",
        "funds": "A6", "funds.rate": "G7", "funds.score": "H7",
        "goal.expected": "B12", "goal.actual": "E12",
        "indicators": "A14", "total": "G21", "grade": "G22",
    }  # fmt: skip
    for line, number in FUNDS_ROWS.items():
        for col, letter in FUNDS_COLS.items():
            cells[f"funds.{line}.{col}"] = f"{letter}{number}"
    return Project(
        name="督查效能业务",
        department="鄂州市督查考评办公室",
        unit="鄂州市督查考评办公室",
        year=2025,
        funds=Funds(
            total=FundsLine(100.0, 100.0, 100.0),
            fiscal=FundsLine(80.0, 80.0, 80.0),
            carryover=FundsLine(20.0, 20.0, 20.0),
            other=FundsLine(0.0, 0.0, 0.0),
            weight=10.0,
            stated_rate=1.0,
            stated_score=10.0,
        ),
        goal=Goal("确保督查、效能工作各项任务目标顺利完成。", "全年制发通报、专报等79件，办理批示件316件。"),
        indicators=tuple(_indicator(*spec) for spec in ROWS.values()),
        stated_total=100.0,
        stated_grade="优",
        sheet=SHEET,
        source="督考办.xlsx",
        cells=cells,
        formulas={
            "funds.rate": "=E7/D7",
            "funds.score": "=F7*MIN(G7,1)",
            "total": "=H7+SUM(G15:G20)",
            "grade": '=IF(G21>=90,"优",IF(G21>=80,"良",IF(G21>=60,"中","差")))',
        },
    )


Change = dict[str, object] | Callable[[Project], Project]


def changed(change: Change) -> Project:
    """The clean form with `change` applied: `{"qty.score": 15, "funds.total.budget": 0}` or a function."""
    project = clean_project()
    return change(project) if callable(change) else _set(project, change)


def _set(project: Project, change: dict[str, object]) -> Project:
    """`project` with each `alias.field` (an indicator) or `field.sub` (the project) of `change` set."""
    paths = {}
    for path, value in change.items():
        head, _, rest = path.partition(".")
        where = f"indicators.{ALIAS_INDEX[head]}.{rest}" if head in ALIAS_INDEX else path
        paths[where] = copy.deepcopy(value)
    return edited(project, paths)


def findings(project: Project) -> list[Finding]:
    """check(project), asserting that every severity is the one of SPEC §5."""
    found = check(project)
    for item in found:
        assert item.severity is SPEC_SEVERITIES[item.code], item
    return found


def of(project: Project, code: str) -> list[Finding]:
    return [f for f in findings(project) if f.code == code]


def codes(project: Project) -> set[str]:
    return {f.code for f in findings(project)}


def drop_row(alias: str) -> Callable[[Project], Project]:
    def change(project: Project) -> Project:
        index = ALIAS_INDEX[alias]
        return replace(project, indicators=project.indicators[:index] + project.indicators[index + 1 :])

    return change


def no_funds(project: Project) -> Project:
    cells = {k: v for k, v in project.cells.items() if not k.startswith("funds.")}
    return replace(project, funds=None, cells=cells)


def no_indicators(project: Project) -> Project:
    return replace(project, indicators=())


REASON = "受疫情影响，部分会议未召开；下年度提前安排。"


def test_clean_project_has_no_findings() -> None:
    project = clean_project()
    assert findings(project) == []
    scores = score_project(project)
    assert (scores.total, scores.grade, scores.weight_total) == (100.0, "优", 100.0)


# --- every code fires ------------------------------------------------------------------------


@dataclass(frozen=True)
class Fires:
    code: str
    change: Change
    cell: str
    says: tuple[str, ...] = field(default=())


FIRES = [
    Fires("S01", {"name": ""}, "B3", ("项目名称",)),
    Fires("S01", {"department": "—"}, "B4", ("主管部门",)),
    Fires("S01", {"unit": "\u3000"}, "E4", ("实施单位",)),
    Fires("S01", {"year": None}, "A1", ("年度",)),
    Fires("S02", {"goal.actual": ""}, "E12", ("实际完成情况",)),
    Fires("S02", {"goal.expected": "/"}, "B12", ("预期目标",)),
    Fires("S03", no_indicators, "A14", ("没有任何指标",)),
    Fires("S04", drop_row("sat"), "A14", ("满意度指标",)),  # no row says where 满意度 goes: the table
    Fires(
        "S04",
        lambda p: replace(drop_row("sat")(p), cells={**p.cells, "level1.满意度指标": "A20"}),
        "A20",
        ("满意度指标",),
    ),  # the template's 满意度 rows, left empty
    Fires("S05", {"ben.level1": OUTPUT}, "B19", ("社会效益指标", "产出指标", "应归入「效益指标」")),
    Fires("S05", {"qty.level2": "发展指标"}, "B15", ("发展指标",)),
    Fires("S05", {"qty.level1": "过程指标"}, "A15", ("过程指标",)),
    Fires("S06", {"qty.level1_inferred": True}, "A15", ("数量指标", "产出指标")),
    Fires("S07", {"qty.name": ""}, "C15", ("三级指标",)),
    Fires("S07", {"qty.target": ""}, "D15", ("年度指标值",)),
    Fires("S07", {"qty.actual": "—"}, "E15", ("实际完成值",)),
    Fires("S07", {"qty.score": None}, "G15", ("得分",)),
    Fires("S07", {"qty.score": None, "qty.raw": {"score": "满分"}}, "G15", ("「满分」", "不是数字")),
    Fires(
        "S07",
        {"qty.target": "", "qty.actual": "／", "qty.score": None},
        "D15",
        ("「年度指标值」、「实际完成值」、「得分」",),
    ),
    Fires("S08", {"absent_columns": frozenset({"weight"})}, "A14", ("没有「分值」列",)),
    Fires("S09", {"absent_columns": frozenset({"score"})}, "A14", ("没有「得分」列",)),
    Fires("S08", {"qty.weight": None}, "F15", ("分值",)),
    Fires("S08", {"qty.weight_proposed": True}, "F15", ("分值 20", "推定")),
    Fires("F01", {"funds.fiscal.budget": 70.0}, "D7", ("全年预算数", "100", "70 + 20 + 0 = 90")),
    Fires("F02", {"funds.fiscal.executed": 85.0, "funds.carryover.executed": 15.0}, "E8", ("当年财政拨款", "85", "80")),
    Fires("F03", {"funds.stated_rate": 0.9}, "G7", ("90.0%", "100.0%")),
    Fires("F04", {"funds.stated_score": 9.0}, "H7", ("填写为 9", "应为 10")),
    Fires("F05", {"funds.bad_cells": {"other.budget": "约10"}}, "D10", ("约10", "其他资金")),
    Fires("F05", {"funds.carryover.initial": -20.0, "funds.fiscal.initial": 120.0}, "C9", ("-20",)),
    Fires("F06", no_funds, "A6", ("无法计算预算执行率", "10 分")),
    Fires(
        "F06",
        {"funds.total.budget": 0.0, "funds.fiscal.budget": 0.0, "funds.carryover.budget": 0.0},
        "D7",
        ("全年预算数为0", "无法计算"),
    ),
    Fires("W01", {"qty.weight": 25.0, "qty.score": 25.0}, "A14", ("105", "应为 100")),
    Fires(
        "W02",
        {"qty.weight": 30.0, "qty.score": 30.0, "ben.weight": 20.0, "ben.score": 20.0},
        "A15",  # 产出's 一级
        ("预算执行 / 产出 / 效益 / 满意度 = 10 / 60 / 20 / 10", "10 / 50 / 30 / 10"),
    ),
    Fires("W03", {"qty.weight": 0.0}, "F15", ("分值为 0",)),
    Fires("W03", {"qty.weight": -5.0}, "F15", ("-5",)),
    Fires("W03", {"qty.weight": None, "qty.raw": {"weight": "二十"}}, "F15", ("「二十」",)),
    Fires("P01", {"qty.score": -1.0}, "G15", ("-1",)),
    Fires("P01", {"qty.score": 25.0}, "G15", ("25", "分值 20")),
    Fires("P01", {"funds.stated_score": 12.0}, "H7", ("12", "10")),
    Fires("P02", {"stated_total": 95.0}, "G21", ("95", "应为 100")),
    Fires("P03", {"stated_grade": "良"}, "G22", ("「良」", "「优」", "100")),
    Fires(
        "P04",
        {"qty.weight": 50.0, "qty.target": "100次", "qty.actual": "95次", "qty.score": 40.0, "qty.deviation": REASON},
        "G15",
        ("47.5", "40", "95.0%", "100次", "95次"),
    ),
    Fires("P04", {"qty.actual": "3次", "qty.score": 10.0, "qty.deviation": REASON}, "G15", ("= 15 分", "10")),
    Fires(
        "P04",
        {"cost.actual": "100万元", "cost.score": 5.0, "cost.deviation": REASON},
        "G18",
        ("≤90万元", "100万元", "= 9 分"),
    ),
    Fires("P05", {"qty.score": 18.0, "qty.deviation": REASON}, "G15", ("18", "分值 20")),
    Fires("P06", {"qty.actual": "3次", "qty.deviation": REASON}, "G15", ("3次", "4次", "20")),
    Fires("P07", {"ben.score": 20.0, "ben.deviation": REASON}, "G19", ("24–30", "建议 30", "20")),
    Fires("P07", {"ben.actual": "基本完成", "ben.deviation": REASON}, "G19", ("部分达成", "18–24", "30")),
    Fires("P08", {"stated_total": 205.0}, "G21", ("205", "100", "按各项得分合计为 100")),
    Fires(
        "P08", lambda p: edited(_no_weights(p), {"indicators.0.score": 45.0}), "G21", ("各项得分合计为 125",)
    ),  # every 得分 within 100: only the total says it
    Fires(
        "P08",
        lambda p: _set(
            replace(p, level1_weights={**p.level1_weights, "满意度指标": 10.0}),  # 「满意度指标（10分）」
            {"sat.weight": None, "sat.score": 12.0, "qty.score": 18.0, "qty.deviation": REASON},
        ),
        "G20",
        ("12", "满意度指标的权重 10"),
    ),
    Fires("D01", {"qty.actual": "3次", "qty.score": 15.0}, "H15", ("4次", "3次")),
    Fires("D01", {"qty.actual": "3次", "qty.score": 15.0, "qty.deviation": "—"}, "H15", ("偏差原因",)),
    Fires("D01", {"ben.score": 27.0}, "H19", ("27", "分值 30")),
    Fires("D02", {"qty.deviation": "已按计划完成。"}, "H15", ("偏差原因",)),
    Fires("Q01", {"qty.target": "100%", "qty.actual": "100%"}, "D15", ("100%",)),
    Fires("Q02", {"time.target": "按时完成", "time.actual": "按时完成"}, "D17", ("时效指标", "按时完成")),
    Fires("Q03", {"qty.actual": "4场"}, "E15", ("「次」", "「场」")),
    Fires("Q04", {"sat.target": "满意", "sat.actual": "满意"}, "D20", ("「满意」", "百分比")),
    Fires("X01", {"formulas": {"total": 95}, "stated_total": 95.0}, "G21", ("「95」", "100")),
    Fires("X01", {"formulas": {"grade": "良"}, "stated_grade": "良"}, "G22", ("「良」", "优")),
    Fires("X01", {"formulas": {"funds.rate": 0.9}, "funds.stated_rate": 0.9}, "G7", ("0.9", "100.0%")),
    Fires("X01", {"formulas": {"funds.score": "8"}, "funds.stated_score": 8.0}, "H7", ("「8」", "10")),
]


@pytest.mark.parametrize("case", FIRES, ids=lambda c: c.code)
def test_rule_fires(case: Fires) -> None:
    hits = of(changed(case.change), case.code)
    assert len(hits) == 1, hits
    hit = hits[0]
    assert hit.severity is SPEC_SEVERITIES[case.code]
    assert hit.location == f"{SHEET}!{case.cell}"
    for text in case.says:
        assert text in hit.message, (text, hit.message)


# --- and stays silent on a near-identical form ----------------------------------------------

QUIET: list[tuple[str, Change]] = [
    ("S01", {"unit": "鄂州市督查考评办公室\u3000"}),
    ("S01", {"year": 2021}),
    ("S02", {"goal.actual": "完成"}),
    ("S03", lambda p: replace(p, indicators=p.indicators[:1])),
    ("S04", drop_row("cost")),
    ("S05", {"ben.level2": "经济效益指标"}),
    ("S05", {"sat.level1": SATISFACTION}),
    ("S06", {"qty.level1_inferred": False}),
    ("S07", {"qty.score": 0.0}),
    ("S09", {"qty.score": None}),  # a blank 得分 cell is S07; S09 is a table without the column
    ("S07", {"qty.deviation": ""}),
    ("S08", {"qty.weight": None, "qty.raw": {"weight": "二十"}}),  # W03 says it
    ("F01", {"funds.fiscal.budget": 79.995}),
    ("F01", {"funds.other": FundsLine()}),  # empty amounts are 0 万元
    ("F02", {"funds.total.executed": 100.005, "funds.fiscal.executed": 80.005}),
    ("F03", {"funds.stated_rate": 0.9995}),
    ("F03", {"funds.stated_rate": None}),
    ("F04", {"funds.stated_score": 9.995}),
    ("F05", {"funds.other.initial": 0.0}),
    ("F06", {"funds.weight": None}),  # the execution weight defaults to 10
    ("W01", {"qty.weight": 15.0, "qty.score": 15.0, "qlt.weight": 15.0, "qlt.score": 15.0}),
    ("W02", {"qty.weight": 15.0, "qty.score": 15.0, "qlt.weight": 15.0, "qlt.score": 15.0}),
    ("W03", {"qty.weight": 0.5, "qty.score": 0.5}),
    ("P01", {"qty.score": 20.005}),
    ("P01", {"qty.score": 0.0}),
    ("P01", {"qty.weight": None, "qty.score": 25.0}),  # no 分值: no upper bound to judge
    ("P02", {"stated_total": 100.005}),
    ("P02", {"stated_total": None}),
    ("P02", {"qty.score": None}),  # S07 says it; the sum cannot be checked
    ("P03", {"stated_grade": "优秀"}),
    ("P03", {"stated_grade": ""}),
    (
        "P04",
        {"qty.weight": 50.0, "qty.target": "100次", "qty.actual": "95次", "qty.score": 47.5, "qty.deviation": REASON},
    ),
    (
        "P04",
        {
            "qty.weight": 50.0,
            "qty.target": "100次",
            "qty.actual": "95次",
            "qty.score": 47.5 - METHOD_SCORE_TOLERANCE + 0.1,
            "qty.deviation": REASON,
        },
    ),
    ("P04", {"qty.weight": None, "qty.actual": "3次", "qty.score": 10.0, "qty.deviation": REASON}),
    ("P04", {"qty.actual": "3次", "qty.deviation": REASON}),  # full marks: P06, not P04
    ("P05", {"qty.actual": "3次", "qty.score": 15.0, "qty.deviation": REASON}),
    ("P05", {"qty.weight": None, "qty.score": 18.0, "qty.deviation": REASON}),
    ("P05", {"ben.score": 27.0, "ben.deviation": REASON}),  # qualitative: the band decides
    ("P06", {"qty.actual": "3次", "qty.score": 15.0, "qty.deviation": REASON}),
    ("P06", {"qty.weight": None, "qty.actual": "3次", "qty.deviation": REASON}),
    ("P06", {"ben.actual": "基本完成", "ben.score": 24.0, "ben.deviation": REASON}),
    ("P07", {"ben.score": 24.0, "ben.deviation": REASON}),
    ("P07", {"ben.weight": None, "ben.score": 5.0, "ben.deviation": REASON}),
    ("P07", {"ben.actual": "效果明显", "ben.score": 5.0, "ben.deviation": REASON}),
    ("P08", {"stated_total": 100.005}),  # within the tolerance
    ("P08", {"qty.score": 25.0}),  # 105 only because of a 得分 above its 分值: P01 says it
    ("P08", {"qty.weight": 30.0, "qty.score": 30.0}),  # 分值 add up to 110 and the total too: W01 says it
    ("P08", {"sat.weight": None, "sat.score": 10.0}),  # no 分值, but within the level-1 weight
    ("P08", {"sat.weight": None, "sat.score": 12.0, "qty.score": 18.0, "qty.deviation": REASON}),  # above the
    # default 10 for 满意度, but no weight is stated: departments may move weights (W02 is a warning)
    ("P08", {"sat.weight_proposed": True, "sat.score": 10.0}),
    ("D01", {"qty.actual": "3次", "qty.score": 15.0, "qty.deviation": REASON}),
    ("D01", {"ben.weight": None, "ben.score": 27.0}),  # no 分值: "得分 < 分值" is not judged
    ("D02", {"qty.deviation": "无"}),
    ("D02", {"qty.deviation": "—"}),
    ("D02", {"qty.actual": "3次", "qty.score": 15.0, "qty.deviation": REASON}),
    ("Q01", {"qlt.target": "100%", "qlt.actual": "100%"}),
    ("Q02", {"ben.target": "有效提升"}),
    ("Q02", {"time.target": "≤30天"}),
    ("Q03", {"qty.actual": "4"}),  # a bare number takes the target's unit
    ("Q03", {"cost.actual": "850,000元"}),  # 元 converts to 万元
    ("Q03", {"time.actual": "28日"}),  # 日 converts to 天
    ("Q04", {"sat.target": "≥90％"}),
    ("X01", {"formulas": {"total": 100}}),  # a constant that agrees
    ("X01", {"formulas": {"funds.rate": "100%"}}),
    ("X01", {"formulas": {"grade": "优秀"}}),
    ("X01", {"formulas": {"total": "=SUM(G15:G20)+H7"}}),
    ("X01", {"formulas": {"total": ""}}),
]


@pytest.mark.parametrize(("code", "change"), QUIET, ids=[code for code, _ in QUIET])
def test_rule_stays_silent(code: str, change: Change) -> None:
    assert code not in codes(changed(change))


def test_every_rule_has_both_tests() -> None:
    tested = {case.code for case in FIRES}
    quiet = {code for code, _ in QUIET}
    checked = {code for code, item in RULES.items() if item.check is not None}
    assert checked <= tested and checked <= quiet


# --- one root cause, one finding ------------------------------------------------------------


def _no_weights(project: Project) -> Project:
    return replace(project, indicators=tuple(replace(row, weight=None) for row in project.indicators))


def test_without_weights_only_s08_speaks_for_them() -> None:
    project = _set(
        changed(_no_weights),
        {
            "qty.actual": "3次",  # missed at full score: P06 with weights
            "qty.score": 25.0,  # above the 分值 of 20: P01 with weights
            "qlt.score": 8.0,  # met but reduced: P05 with weights
            "cost.actual": "100万元",  # P04 with weights
            "cost.deviation": REASON,
            "ben.score": 20.0,  # below the band: P07 with weights
            "ben.deviation": REASON,
        },
    )
    found = findings(project)
    assert [f.code for f in found].count("S08") == len(ROWS)
    assert not {"W01", "W02", "P01", "P04", "P05", "P06", "P07"} & {f.code for f in found}
    # D01 still judges the missed target, not "得分 < 分值" (质量 8 without a reason).
    assert [f.location for f in found if f.code == "D01"] == [f"{SHEET}!H15"]


def test_p08_judges_a_score_of_an_unknown_group_against_100_and_the_total_too() -> None:
    project = changed(
        {"ben.weight": None, "ben.level1": "", "ben.level2": "", "ben.score": 101.0, "ben.deviation": REASON}
    )
    found = {f.cell: f.message for f in of(project, "P08")}
    assert set(found) == {"G19", "G21"}
    assert "101" in found["G19"] and "满分 100" in found["G19"]
    assert "各项得分合计为 171" in found["G21"]  # 100 - 30 + 101


def test_p08_speaks_once_when_the_stated_total_equals_the_computed_one() -> None:
    project = changed(lambda p: edited(_no_weights(p), {"indicators.0.score": 45.0, "stated_total": 125.0}))
    (p08,) = of(project, "P08")
    assert p08.message.startswith("总分填写为 125 分，超过满分") and "按各项得分" not in p08.message


def test_w01_points_at_the_weight_total_cell_where_the_form_has_one() -> None:
    project = changed({"qty.weight": 25.0, "qty.score": 25.0})
    project = replace(project, cells={**project.cells, "weight_total": "F21"})
    (w01,) = of(project, "W01")
    assert w01.location == f"{SHEET}!F21"


def test_proposed_weights_are_no_basis_for_score_findings() -> None:
    """An importer's proposed 分值 is reported (S08) but never judged against (P01, P05, D01…)."""
    project = clean_project()
    project = replace(project, indicators=tuple(replace(row, weight_proposed=True) for row in project.indicators))
    qlt = project.indicators[ALIAS_INDEX["qlt"]]
    assert qlt.weight is not None
    project = _set(
        project, {"qlt.score": qlt.weight - 2}
    )  # short of full marks, no reason: D01 and P05 with typed weights
    found = findings(project)
    assert [f.code for f in found].count("S08") == len(ROWS)
    assert all("建议值" in f.message for f in found if f.code == "S08")
    assert not {"W01", "W02", "P01", "P04", "P05", "P06", "P07", "D01", "D02"} & {f.code for f in found}


@pytest.mark.parametrize(
    "funds",
    [None, Funds(), Funds(weight=10.0, stated_rate=0.5, stated_score=5.0)],
    ids=["no-section", "empty-section", "only-stated-values"],
)
def test_without_funds_only_f06_speaks_for_them(funds: Funds | None) -> None:
    project = changed({"funds": funds, "stated_total": 90.0})
    found = [f.code for f in findings(project)]
    assert found == ["F06"]


def test_bad_funds_cell_is_f05_not_f01_or_f06() -> None:
    project = changed({"funds.bad_cells": {"total.budget": "十万"}, "funds.total.budget": None})
    found = codes(project)
    assert "F05" in found
    assert not {"F01", "F06"} & found


@pytest.mark.parametrize(
    ("key", "stated", "suppressed"),
    [
        ("total", {"stated_total": 95.0}, "P02"),
        ("grade", {"stated_grade": "良"}, "P03"),
        ("funds.rate", {"funds.stated_rate": 0.9}, "F03"),
        ("funds.score", {"funds.stated_score": 9.0}, "F04"),
    ],
)
def test_x01_suppresses_the_rule_of_its_own_cell(key: str, stated: dict[str, object], suppressed: str) -> None:
    typed = next(iter(stated.values()))
    overridden = changed({**stated, "formulas": {key: typed}})
    assert suppressed in codes(changed(stated))
    assert "X01" in codes(overridden)
    assert suppressed not in codes(overridden)


def test_x01_leaves_other_cells_to_their_rules() -> None:
    project = changed({"formulas": {"total": 95}, "stated_total": 95.0, "stated_grade": "良"})
    found = codes(project)
    assert {"X01", "P03"} <= found
    assert "P02" not in found


def test_zero_budget_is_one_finding_not_a_crash() -> None:
    project = changed(
        {
            "funds.total": FundsLine(0.0, 0.0, 0.0),
            "funds.fiscal": FundsLine(0.0, 0.0, 0.0),
            "funds.carryover": FundsLine(0.0, 0.0, 0.0),
            "stated_total": 90.0,
            "funds.stated_rate": None,
            "funds.stated_score": None,
        }
    )
    assert [f.code for f in findings(project)] == ["F06"]


# --- the runner ---------------------------------------------------------------------------


def test_findings_carry_sheet_source_and_errors_first() -> None:
    project = changed({"qty.deviation": "已按计划完成。", "qty.level1_inferred": True, "name": ""})
    found = findings(project)
    assert [f.severity for f in found] == [E, W, I]
    assert {(f.sheet, f.source) for f in found} == {(SHEET, "督考办.xlsx")}


def test_reader_notes_are_reported() -> None:
    note = Finding("X03", Severity.ERROR, "表格「项目1」第 30 行无法读取：得分列为空白合并单元格。", SHEET, "G30")
    project = changed({"notes": (note,)})
    assert findings(project) == [note]


def test_rows_without_cells_are_located_by_row_number() -> None:
    project = changed({"qty.cells": {}, "qty.row": 12, "qty.target": ""})
    (hit,) = of(project, "S07")
    assert hit.cell == "第12行"


def test_messages_are_chinese() -> None:
    found = [hit for case in FIRES for hit in of(changed(case.change), case.code)]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.message) for f in found)
    assert all(f.to_json()["severity"] in ("error", "warning", "info") for f in found)


_TEXTS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "100%",
            "95%",
            "≥4次",
            "3次",
            "≤90万元",
            "100万元",
            "达成",
            "基本完成",
            "未完成",
            "—",
            "",
            "=100",
            "0",
            "30天",
            "40日",
            ">95%",
            "-5",
            "满意",
        ]
    ),
)
_NUMBERS = st.one_of(st.none(), st.floats(), st.integers(-100, 200).map(float))
_ROWS = st.builds(
    Indicator,
    level1=st.sampled_from([*LEVEL1_NAMES, "", "过程指标"]),
    level2=st.sampled_from([*LEVEL2_NAMES, "", "发展指标"]),
    name=_TEXTS,
    target=_TEXTS,
    actual=_TEXTS,
    weight=_NUMBERS,
    score=_NUMBERS,
    deviation=_TEXTS,
    weight_proposed=st.booleans(),
)
_LINES = st.builds(FundsLine, _NUMBERS, _NUMBERS, _NUMBERS)
_FUNDS = st.one_of(st.none(), st.builds(Funds, _LINES, _LINES, _LINES, _LINES, _NUMBERS, _NUMBERS, _NUMBERS))
_FORMULAS = st.dictionaries(
    st.sampled_from(["funds.rate", "funds.score", "total", "grade"]),
    st.one_of(st.text(max_size=6), st.floats(), st.integers(), st.booleans()),
)


@settings(deadline=None)  # no timing in unit tests
@given(st.lists(_ROWS, max_size=6), _FUNDS, _NUMBERS, _TEXTS, _FORMULAS)
def test_check_never_raises(
    rows: list[Indicator], funds: Funds | None, total: float | None, grade: str, formulas: dict[str, object]
) -> None:
    project = Project(
        name="项目", indicators=tuple(rows), funds=funds, stated_total=total, stated_grade=grade, formulas=formulas
    )  # type: ignore[arg-type]
    for item in findings(project):
        assert item.message


# --- the workbook: X02 ------------------------------------------------------------------------


def _sheet(name: str, project_name: str) -> Project:
    return replace(clean_project(), sheet=name, name=project_name)


def test_x02_duplicate_project_name_across_sheets() -> None:
    results = check_book(
        [_sheet("项目1", "督查效能业务"), _sheet("项目2", "作风建设"), _sheet("项目3", "督查效能业务\u3000")]
    )
    assert [[f.code for f in found] for found in results] == [[], [], ["X02"]]
    (hit,) = results[2]
    assert hit.severity is W
    assert hit.location == "项目3!B3"
    assert "督查效能业务" in hit.message and "项目1" in hit.message


def test_x02_silent_for_distinct_names() -> None:
    results = check_book([_sheet("项目1", "督查效能业务"), _sheet("项目2", "作风建设")])
    assert results == [[], []]


def test_x02_ignores_unnamed_projects() -> None:
    results = check_book([_sheet("项目1", ""), _sheet("项目2", "")])
    assert all("X02" not in {f.code for f in found} for found in results)


# --- the catalog ------------------------------------------------------------------------------


def test_catalog_covers_exactly_the_spec_codes() -> None:
    assert [r.code for r in catalog()] == list(SPEC_SEVERITIES)


@pytest.mark.parametrize("item", catalog(), ids=lambda r: r.code)
def test_catalog_severity_and_title(item) -> None:  # type: ignore[no-untyped-def]
    assert item.severity is SPEC_SEVERITIES[item.code]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in item.title)


def test_only_reader_rules_have_no_check() -> None:
    assert {r.code for r in catalog() if r.check is None} == {"X02", "X03", "X04", "X05"}


# --- the seed's three forms (SPEC §6) -------------------------------------------------------------

OFFICE = "鄂州市督查考评办公室"


def _seed_form(name: str, rows: list[tuple[str, str, str, str, float, str]]) -> Project:
    """A seed form as a reader sees it: no funds, no 分值 column, every 一级 inferred."""
    indicators = [
        Indicator(
            level1=LEVEL1_OF_LEVEL2[level2],
            level2=level2,
            name=text,
            target=target,
            actual=actual,
            score=score,
            deviation=deviation,
            level1_inferred=True,
            row=number,
        )
        for number, (level2, text, target, actual, score, deviation) in enumerate(rows, start=1)
    ]
    return Project(
        name=name,
        department=OFFICE,
        unit=OFFICE,
        year=2021,
        category="部门预算项目",
        attribute="持续性项目",
        kind="常年性项目",
        goal=Goal("确保各项任务目标顺利完成。", "全年任务均已完成。"),
        indicators=indicators,
        source="seed",
    )


SEED_FORMS = {
    "督查效能业务": (
        _seed_form(
            "督查效能业务",
            [
                (COST, "召开培训会议，组织相关人员业务培训", "100%", "100%", 25.0, ""),
                (
                    QUANTITY,
                    "召开会议1次、组织业务培训1次、学习调研2次",
                    "100%",
                    "100%",
                    23.0,
                    "受疫情因素等影响，各业务科室预计举办的各类培训会和业务人员出差学习调研计划未开展。",
                ),
                (QUALITY, "传达布置党委工作任务、提升督查督办工作水平", "100%", "100%", 25.0, ""),
                ("经济效益指标", "推进全市重大决策部署落实和重大项目建设", "100%", "100%", 25.0, ""),
            ],
        ),
        98.0,
    ),
    "绩效目标管理和考核业务": (
        _seed_form(
            "绩效目标管理和考核业务",
            [
                (QUANTITY, "目标资料汇编、工作通报、 会务费等", "100%", "100%", 50.0, ""),
                (QUALITY, "通过公开透明、动态管理，促进各单位对标对表", "100%", "100%", 50.0, ""),
            ],
        ),
        100.0,
    ),
    "作风建设": (
        _seed_form(
            "作风建设",
            [
                (
                    QUANTITY,
                    "安排4场，每场按88万元，租会议室2次等",
                    "100％",
                    "95%",
                    45.0,
                    "受疫情因素等影响202年度电视问效因疫情等原因未开展。",
                ),
                (QUALITY, "转变工作作风提升群众满意度", "100％", "100%", 50.0, ""),
            ],
        ),
        95.0,
    ),
}


@pytest.mark.parametrize("name", SEED_FORMS)
def test_seed_form_findings(name: str) -> None:
    project, _ = SEED_FORMS[name]
    found = codes(project)
    assert {"S04", "S06", "S08", "F06", "Q01"} <= found
    assert not {"S01", "S02", "S05", "S07", "X03"} & found
    # One root cause: without 分值 the weight and points rules are not judged.
    assert not {"W01", "W02", "P01", "P04", "P05", "P06", "P07"} & found


@pytest.mark.parametrize("name", SEED_FORMS)
def test_seed_form_total(name: str) -> None:
    project, total = SEED_FORMS[name]
    scores = score_project(project)
    assert scores.total == pytest.approx(total)
    assert scores.execution.score is None


def test_seed_form_3_quantity_is_quantitative_and_missed() -> None:
    project, _ = SEED_FORMS["作风建设"]
    result = indicator(project.indicators[0])
    assert result.kind == "quantitative"
    assert result.target == Quantity(100.0, "%")
    assert result.met is False
    assert result.ratio == pytest.approx(0.95)
    assert not list(of(project, "D01"))  # the deviation text is there


def test_every_computed_cell_has_a_value_a_label_and_a_formula() -> None:
    """X01 compares exactly the cells the template computes: vocabulary.COMPUTED_KEYS."""
    values = computed_values(score_project(clean_project()))
    assert tuple(values) == COMPUTED_KEYS == tuple(COMPUTED_KEY_TO_LABEL)
    assert set(COMPUTED_KEYS) <= set(DEFAULT_LAYOUT.computed)
