"""The scoring method of 财预〔2020〕10号 (SPEC §4).

Everything here is computed from the clerk's inputs; stated totals, rates and grades are
only compared with these results by the rules, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .model import EXECUTION_WEIGHT, LEVEL1_NAMES, Funds, Indicator, Project
from .values import (
    Comparator,
    Completion,
    Qualitative,
    Quantity,
    Value,
    direction,
    in_unit,
    parse_value,
)

MONEY_TOLERANCE = 0.01  # 万元
SCORE_TOLERANCE = 0.01  # 分
RATE_TOLERANCE = 0.001  # 0.1 percentage point, as a fraction

# P04: a clerk's 得分 may differ from the method's proportional score by this much (分)
# before it is worth a warning; clerks round to whole or half points.
METHOD_SCORE_TOLERANCE = 0.5

# SPEC §4: the share of 分值 a qualitative indicator may score at each completion level.
QUALITATIVE_BANDS: dict[Completion, tuple[float, float]] = {
    Completion.ACHIEVED: (0.8, 1.0),
    Completion.PARTIAL: (0.6, 0.8),
    Completion.NOT_ACHIEVED: (0.0, 0.6),
}

_CENT = Decimal("0.01")
GRADE_THRESHOLDS: tuple[tuple[float, str], ...] = ((90.0, "优"), (80.0, "良"), (60.0, "中"))
LOWEST_GRADE = "差"


@dataclass(frozen=True)
class ExecutionResult:
    """预算执行率 and its 得分; None with a Chinese `reason` when they cannot be computed."""

    rate: float | None
    score: float | None
    weight: float
    reason: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    """What the method says about one indicator row."""

    kind: str  # "quantitative" | "qualitative" | "incomplete"
    target: Value | None
    actual: Value | None
    comparator: Comparator | None = None
    comparable: bool = True  # False when the units of target and actual do not match
    met: bool | None = None  # None when it cannot be judged
    ratio: float | None = None  # quantitative: share of the target reached, capped at 1
    method_score: float | None = None  # quantitative with 分值
    completion: Completion | None = None  # qualitative
    band: tuple[float, float] | None = None  # qualitative with 分值: allowed 得分 range


@dataclass(frozen=True)
class ProjectScores:
    """All computed values of one form."""

    execution: ExecutionResult
    indicators: list[IndicatorResult]
    by_level1: dict[str, float] = field(default_factory=dict)
    weight_total: float | None = None
    total: float | None = None
    grade: str | None = None


def execution(funds: Funds | None) -> ExecutionResult:
    """rate = 全年执行数 / 全年预算数 of the total row; score = 分值 × min(rate, 1)."""
    weight = EXECUTION_WEIGHT if funds is None or funds.weight is None else funds.weight
    if funds is None or funds.is_empty:
        return ExecutionResult(None, None, weight, "未填写项目资金，无法计算预算执行率")
    budget, executed = funds.total.budget, funds.total.executed
    if budget is None:
        return ExecutionResult(None, None, weight, "年度资金总额的全年预算数为空，无法计算预算执行率")
    if budget <= 0:
        return ExecutionResult(None, None, weight, f"年度资金总额的全年预算数为{budget:g}，无法计算预算执行率")
    rate = (executed or 0.0) / budget
    return ExecutionResult(rate, weight * min(rate, 1.0), weight)


def indicator(row: Indicator) -> IndicatorResult:
    """Judge one indicator by SPEC §3–§4: met or not, the method's score or band."""
    target, actual = parse_value(row.target), parse_value(row.actual)
    if target is None or actual is None:
        return IndicatorResult("incomplete", target, actual)
    if isinstance(target, Quantity) and isinstance(actual, Quantity):
        return _quantitative(row, target, actual)
    completion = actual.completion if isinstance(actual, Qualitative) else Completion.UNKNOWN
    met = {Completion.ACHIEVED: True, Completion.UNKNOWN: None}.get(completion, False)
    band = None
    if row.judged_weight is not None and completion in QUALITATIVE_BANDS:
        low, high = QUALITATIVE_BANDS[completion]
        band = (row.judged_weight * low, row.judged_weight * high)
    return IndicatorResult("qualitative", target, actual, met=met, completion=completion, band=band)


def _quantitative(row: Indicator, target: Quantity, actual: Quantity) -> IndicatorResult:
    comparator = direction(target, row.level2)
    # A bare target takes the unit of its actual value, as a bare actual takes the target's.
    reached = in_unit(actual, target.unit) if target.unit else actual.number
    if reached is None:
        return IndicatorResult("quantitative", target, actual, comparator, comparable=False)
    goal = target.number
    met = _meets(reached, goal, comparator)
    ratio = 1.0 if met else _ratio(reached, goal, comparator)
    method = None if row.judged_weight is None or ratio is None else row.judged_weight * ratio
    return IndicatorResult("quantitative", target, actual, comparator, True, met, ratio, method)


def _meets(actual: float, target: float, comparator: Comparator) -> bool:
    # SPEC §4 knows ≥, ≤ and =; clerks write > and < for the first two. Read strictly,
    # 95% against >95% would be "missed" while the proportional method gives full marks.
    eps = 1e-9 * max(1.0, abs(target))
    match comparator:
        case Comparator.GE | Comparator.GT:
            return actual >= target - eps
        case Comparator.LE | Comparator.LT:
            return actual <= target + eps
        case Comparator.EQ:
            return abs(actual - target) <= eps


def _ratio(actual: float, target: float, comparator: Comparator) -> float | None:
    """Share of the target reached when it is missed; None when it cannot be computed."""
    if comparator.higher_is_better:
        return max(0.0, actual / target) if target > 0 else None
    if comparator == Comparator.EQ:
        return max(0.0, 1 - abs(actual - target) / target) if target > 0 else None
    return max(0.0, target / actual) if actual > 0 else None


def grade(total: float | None) -> str | None:
    """优 ≥ 90; 良 ≥ 80; 中 ≥ 60; 差 below.

    The total is first rounded half-up to 0.01 分 on its shortest decimal form, as the
    clerk sees it and as the spreadsheet's ROUND does (59.995 → 60.00 → 中), not on the
    binary float (where round(59.995, 2) is 59.99).
    """
    if total is None:
        return None
    try:
        rounded = float(Decimal(repr(total)).quantize(_CENT, rounding=ROUND_HALF_UP))
    except InvalidOperation:  # beyond decimal precision (an absurd total): no rounding needed
        rounded = total
    for threshold, name in GRADE_THRESHOLDS:
        if rounded >= threshold:
            return name
    return LOWEST_GRADE


def score_project(project: Project) -> ProjectScores:
    """Every computed value of a form: execution, indicators, level-1 subtotals, total, grade."""
    exec_result = execution(project.funds)
    results = [indicator(row) for row in project.indicators]
    by_level1 = dict.fromkeys(LEVEL1_NAMES, 0.0)
    for row in project.indicators:
        if row.score is not None and row.level1 in by_level1:
            by_level1[row.level1] += row.score
    weights = [row.weight for row in project.indicators]
    weight_total = None
    if weights and all(w is not None for w in weights):
        weight_total = exec_result.weight + sum(w for w in weights if w is not None)
    scores = [row.score for row in project.indicators if row.score is not None]
    total = None
    # no total where the form's indicators have no 得分 at all (a values-only form)
    if scores or (exec_result.score is not None and not project.indicators):
        total = (exec_result.score or 0.0) + sum(scores)
    return ProjectScores(exec_result, results, by_level1, weight_total, total, grade(total))
