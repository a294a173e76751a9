"""Worksheet functions for desktop Excel (xlwings UDFs, Windows only).

    =SE_SCORE(年度指标值, 实际完成值, 分值, [二级指标])   the method's score of one indicator
    =SE_GRADE(总分)                                       优 / 良 / 中 / 差

SE_SCORE follows SPEC §4: a quantitative indicator gets full 分值 when the target is met,
else the proportional score; a qualitative one gets the top of its completion band (the
score the method suggests). An empty cell comes back when the values cannot be judged
(missing, or units that cannot be compared). The template never depends on these
functions: its totals and grade are native formulas. Import them with xlwings' "Import
Functions" button (UDF module `selfeval.udfs`).

The plain Python functions `se_score` and `se_grade` hold the logic; the `@xw.func`
wrappers only register them with Excel.
"""

from __future__ import annotations

import xlwings as xw

from .grid import level2_name
from .model import LEVEL1_OF_LEVEL2, Indicator
from .scoring import grade, indicator
from .values import parse_number


def se_score(target: object, actual: object, weight: object, level2: object = "") -> float | None:
    """The method's score of one indicator, or None when it cannot be judged."""
    points = _number_of(weight)
    if points is None or points <= 0:
        return None
    name = level2_name(_text(level2)) if _text(level2) else ""
    row = Indicator(LEVEL1_OF_LEVEL2.get(name, ""), name, target=_text(target), actual=_text(actual), weight=points)
    result = indicator(row)
    if result.method_score is not None:
        return round(result.method_score, 2)
    if result.band is not None:
        return round(result.band[1], 2)
    return None


def se_grade(total: object) -> str | None:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below; None for an empty or non-numeric total."""
    return grade(_number_of(total))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number_of(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    return parse_number(value)[0]


@xw.func
@xw.arg("target", doc="年度指标值，如 ≥95%")
@xw.arg("actual", doc="实际完成值，如 96%")
@xw.arg("weight", doc="分值")
@xw.arg("level2", doc="二级指标（可省略；成本指标按越低越好判断）")
def SE_SCORE(target, actual, weight, level2=""):
    """按财预〔2020〕10号的方法计算一个指标的得分。"""
    return se_score(target, actual, weight, level2)


@xw.func
@xw.arg("total", doc="总分")
def SE_GRADE(total):
    """由总分得出自评等级：优、良、中、差。"""
    return se_grade(total)
