"""SE_SCORE / SE_GRADE: the Python behind the UDFs (Excel's COM is needed to call them as UDFs)."""

from __future__ import annotations

import dataclasses

import pytest

from selfeval import scoring
from selfeval.model import COST, Indicator
from selfeval.udfs import SE_GRADE, SE_SCORE, se_grade, se_score


@pytest.mark.parametrize(
    "target, actual, weight, level2",
    [
        ("≥100人次", "120人次", 20, ""),  # met: full 分值
        ("≥100人次", "80人次", 20.0, "数量指标"),  # proportional
        ("≤100万元", "125万元", 10, "成本"),  # lower is better, short level-2 name
        ("100", "95", 10.0, ""),  # numbers as Excel passes them
        ("达成预期指标", "基本完成", 10, "社会效益指标"),  # qualitative: top of the partial band
    ],
)
def test_se_score_is_the_methods_score(target: object, actual: object, weight: object, level2: str) -> None:
    row = Indicator(target=str(target), actual=str(actual), weight=float(weight))
    if level2:
        from selfeval.grid import level2_name
        from selfeval.model import LEVEL1_OF_LEVEL2

        name = level2_name(level2)
        row = dataclasses.replace(row, level2=name, level1=LEVEL1_OF_LEVEL2[name])
    result = scoring.indicator(row)
    expected = result.method_score if result.method_score is not None else result.band[1]
    assert se_score(target, actual, weight, level2) == pytest.approx(expected)


def test_se_score_reads_cost_indicators_as_lower_is_better() -> None:
    assert se_score("100万元", "125万元", 10, COST) == pytest.approx(8.0)  # 10 × 100 / 125
    assert se_score("100万元", "125万元", 10) == pytest.approx(10.0)  # default: higher is better


@pytest.mark.parametrize("args", [("≥100人", "", 10), ("≥100人", "90次", 10), ("≥100人", "90人", ""), ("≥1", "1", 0)])
def test_se_score_is_empty_when_it_cannot_be_judged(args: tuple) -> None:
    assert se_score(*args) is None


@pytest.mark.parametrize("total", [95, 90, 89.996, 80, 79.99, 60, 59.5, "85", None, ""])
def test_se_grade_is_the_grade_of_the_total(total: object) -> None:
    number = None if total in (None, "") else float(total)
    assert se_grade(total) == scoring.grade(number)


def test_the_excel_functions_are_the_python_functions() -> None:
    # xlwings registers @xw.func only on Windows; elsewhere the wrappers are plain functions
    assert SE_SCORE("≥100人次", "80人次", 20) == se_score("≥100人次", "80人次", 20) == pytest.approx(16.0)
    assert SE_GRADE(88) == se_grade(88) == "良"
    assert SE_SCORE.__doc__ and SE_GRADE.__doc__
