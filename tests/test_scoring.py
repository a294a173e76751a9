"""The scoring method of SPEC §4: `selfeval.scoring`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfeval.model import (
    BENEFIT,
    COST,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SERVICE_SATISFACTION,
    TIMELINESS,
    Funds,
    FundsLine,
    Indicator,
    Project,
)
from selfeval.scoring import (
    QUALITATIVE_BANDS,
    execution,
    grade,
    indicator,
    score_project,
)
from selfeval.values import Comparator, Completion
from support.edits import edited


def funds(budget: float | None, executed: float | None, weight: float | None = 10.0) -> Funds:
    return Funds(total=FundsLine(budget, budget, executed), fiscal=FundsLine(budget, budget, executed), weight=weight)


def row(
    target: str, actual: str, weight: float | None = 50.0, level2: str = QUANTITY, score: float | None = None
) -> Indicator:
    return Indicator(
        level1=OUTPUT, level2=level2, name="指标", target=target, actual=actual, weight=weight, score=score
    )


# --- budget execution ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "executed", "rate", "score"),
    [
        (100.0, 95.0, 0.95, 9.5),
        (100.0, 100.0, 1.0, 10.0),
        (80.0, 100.0, 1.25, 10.0),  # overspending does not earn more than 分值
        (200.0, 0.0, 0.0, 0.0),
        (200.0, None, 0.0, 0.0),  # an empty 执行数 is 0 万元
    ],
)
def test_execution_rate_and_score(budget: float, executed: float | None, rate: float, score: float) -> None:
    result = execution(funds(budget, executed))
    assert result.rate == pytest.approx(rate)
    assert result.score == pytest.approx(score)
    assert result.reason == ""


def test_execution_score_uses_the_stated_weight() -> None:
    assert execution(funds(100.0, 50.0, weight=20.0)).score == pytest.approx(10.0)


@pytest.mark.parametrize("budget", [0.0, -5.0])
def test_zero_budget_cannot_be_computed(budget: float) -> None:
    result = execution(funds(budget, 10.0))
    assert (result.rate, result.score) == (None, None)
    assert "无法计算" in result.reason
    assert f"{budget:g}" in result.reason


@pytest.mark.parametrize("value", [None, Funds(), funds(None, 50.0)], ids=["no-section", "empty", "no-budget"])
def test_missing_funds_cannot_be_computed(value: Funds | None) -> None:
    result = execution(value)
    assert (result.rate, result.score) == (None, None)
    assert "无法计算预算执行率" in result.reason
    assert result.weight == 10.0


@settings(deadline=None)  # no timing in unit tests
@given(st.one_of(st.none(), st.floats()), st.one_of(st.none(), st.floats()), st.one_of(st.none(), st.floats()))
def test_execution_never_raises(budget: float | None, executed: float | None, weight: float | None) -> None:
    result = execution(funds(budget, executed, weight))
    assert (result.score is None) == (result.rate is None)
    assert (result.rate is None) == bool(result.reason)


# --- quantitative indicators ---------------------------------------------------------------


def test_missed_percentage_scores_proportionally() -> None:
    result = indicator(row("100%", "95%", weight=50.0))
    assert result.kind == "quantitative"
    assert result.met is False
    assert result.comparator is Comparator.GE
    assert result.ratio == pytest.approx(0.95)
    assert result.method_score == pytest.approx(47.5)  # 50 × 95/100


@pytest.mark.parametrize(
    ("target", "actual", "level2", "weight", "expected"),
    [
        ("≥4次", "3次", QUANTITY, 20.0, 15.0),  # ≥ : 分值 × actual / target
        ("≤90万元", "100万元", COST, 20.0, 18.0),  # ≤ : 分值 × target / actual
        ("90万元", "100万元", COST, 10.0, 9.0),  # 成本指标: lower is better
        ("30天", "40日", TIMELINESS, 20.0, 15.0),  # 时效 with a duration: ≤, and 日 = 天
        ("=100", "90", QUANTITY, 10.0, 9.0),  # = : 分值 × (1 − |a − t| / t)
        ("=100", "110", QUANTITY, 10.0, 9.0),
        ("=100", "250", QUANTITY, 10.0, 0.0),  # never below 0
        ("≤90万元", "1,000,000元", COST, 10.0, 9.0),  # 元 ↔ 万元
        ("不少于四场", "三场", QUANTITY, 8.0, 6.0),
    ],
)
def test_missed_targets_score_by_the_method(
    target: str, actual: str, level2: str, weight: float, expected: float
) -> None:
    result = indicator(row(target, actual, weight, level2))
    assert result.met is False
    assert result.method_score == pytest.approx(expected)


@pytest.mark.parametrize(
    ("target", "actual", "level2"),
    [
        ("100%", "100%", QUANTITY),
        ("100％", "100%", QUANTITY),  # full-width percent of the seed
        ("≥95%", "98%", QUALITY),
        ("≤90万元", "90", COST),  # a bare actual takes the target's unit
        ("90万元", "850,000元", COST),
        ("30天", "30日", TIMELINESS),
        ("100%", "100%", TIMELINESS),
        ("=4次", "4次", QUANTITY),
        (">95%", "95%", QUALITY),  # > is how clerks write ≥ (SPEC §4 knows ≥, ≤, =)
        ("4次", "6次", QUANTITY),
    ],
)
def test_met_targets_earn_the_full_weight(target: str, actual: str, level2: str) -> None:
    result = indicator(row(target, actual, 30.0, level2))
    assert result.met is True
    assert result.ratio == 1.0
    assert result.method_score == 30.0


@pytest.mark.parametrize(("target", "actual"), [("4次", "4场"), ("90万元", "90%"), ("3个月", "30天")])
def test_incompatible_units_are_not_comparable(target: str, actual: str) -> None:
    result = indicator(row(target, actual))
    assert result.kind == "quantitative"
    assert result.comparable is False
    assert (result.met, result.method_score) == (None, None)


def test_no_weight_no_method_score() -> None:
    result = indicator(row("100%", "95%", weight=None))
    assert result.met is False
    assert result.method_score is None


@pytest.mark.parametrize(("target", "actual"), [("", "95%"), ("100%", "—"), ("/", "")])
def test_missing_values_are_incomplete(target: str, actual: str) -> None:
    result = indicator(row(target, actual))
    assert result.kind == "incomplete"
    assert (result.met, result.method_score) == (None, None)


@settings(deadline=None)  # no timing in unit tests
@given(
    st.text(max_size=12),
    st.text(max_size=12),
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    st.sampled_from([QUANTITY, QUALITY, TIMELINESS, COST, SERVICE_SATISFACTION, ""]),
)
def test_indicator_never_raises(target: str, actual: str, weight: float | None, level2: str) -> None:
    result = indicator(row(target, actual, weight, level2))
    assert result.kind in ("quantitative", "qualitative", "incomplete")


# --- qualitative indicators ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "completion", "met", "band"),
    [
        ("全部完成", Completion.ACHIEVED, True, (16.0, 20.0)),
        ("达成预期指标", Completion.ACHIEVED, True, (16.0, 20.0)),
        ("基本完成", Completion.PARTIAL, False, (12.0, 16.0)),
        ("未完成", Completion.NOT_ACHIEVED, False, (0.0, 12.0)),
    ],
)
def test_qualitative_bands(actual: str, completion: Completion, met: bool, band: tuple[float, float]) -> None:
    result = indicator(row("有效提升", actual, weight=20.0, level2="社会效益指标"))
    assert result.kind == "qualitative"
    assert (result.completion, result.met) == (completion, met)
    assert result.band == pytest.approx(band)
    assert result.method_score is None


def test_bands_are_the_shares_of_spec() -> None:
    assert QUALITATIVE_BANDS == {
        Completion.ACHIEVED: (0.8, 1.0),
        Completion.PARTIAL: (0.6, 0.8),
        Completion.NOT_ACHIEVED: (0.0, 0.6),
    }


def test_unknown_completion_has_no_band() -> None:
    result = indicator(row("有效提升", "效果明显", weight=20.0, level2="社会效益指标"))
    assert (result.completion, result.met, result.band) == (Completion.UNKNOWN, None, None)


def test_quantitative_target_with_a_worded_actual_is_qualitative() -> None:
    result = indicator(row("≥95%", "基本实现", weight=10.0))
    assert result.kind == "qualitative"
    assert result.band == pytest.approx((6.0, 8.0))


# --- grade ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (100, "优"),
        (90, "优"),
        (89.99, "良"),
        (80, "良"),
        (79.99, "中"),
        (60, "中"),
        (59.99, "差"),
        (0, "差"),
        (None, None),
        # half a cent rounds up as the clerk sees it (0.01 分) and as the spreadsheet's ROUND does
        (59.995, "中"),
        (59.994, "差"),
        (89.995, "优"),
        (79.995, "良"),
        (1e308, "优"),
        (float("nan"), "差"),
    ],
)
def test_grade_boundaries(total: float | None, expected: str | None) -> None:
    assert grade(total) == expected


# --- a whole form ----------------------------------------------------------------------------


def _project(with_funds: bool = True) -> Project:
    return Project(
        funds=funds(100.0, 95.0) if with_funds else None,
        indicators=[
            Indicator(level1=OUTPUT, level2=QUANTITY, target="100%", actual="95%", weight=50.0, score=47.5),
            Indicator(level1=BENEFIT, level2="社会效益指标", target="有效提升", actual="达成", weight=30.0, score=28.0),
            Indicator(
                level1=SATISFACTION, level2=SERVICE_SATISFACTION, target="≥90%", actual="92%", weight=10.0, score=10.0
            ),
        ],
    )


def test_total_is_execution_plus_indicator_scores() -> None:
    scores = score_project(_project())
    assert scores.execution.score == pytest.approx(9.5)
    assert scores.total == pytest.approx(9.5 + 47.5 + 28.0 + 10.0)
    assert scores.grade == "优"
    assert scores.weight_total == pytest.approx(100.0)
    assert scores.by_level1 == pytest.approx({OUTPUT: 47.5, BENEFIT: 28.0, SATISFACTION: 10.0})
    assert [r.met for r in scores.indicators] == [False, True, True]


def test_total_without_funds_is_the_sum_of_indicator_scores() -> None:
    scores = score_project(_project(with_funds=False))
    assert scores.execution.score is None
    assert scores.total == pytest.approx(85.5)
    assert scores.grade == "良"


def test_weight_total_is_unknown_when_a_weight_is_missing() -> None:
    project = edited(_project(), {"indicators.1.weight": None})
    assert score_project(project).weight_total is None


def test_empty_form_has_no_total() -> None:
    scores = score_project(Project())
    assert (scores.total, scores.grade, scores.weight_total) == (None, None, None)
