"""pandera models of the three frames, and a Chinese report when one does not hold.

The frames are built by selfeval, not typed by clerks: a schema failure is a bug in
selfeval. `check_frames` turns pandera's failure cases into one Chinese message naming the
frame, column, check and rows, raised as `SchemaViolation` (never a raw traceback).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing.pandas import Series

from ..errors import SchemaViolation
from ..model import FULL_MARK, GRADES, LEVEL1_NAMES, LEVEL2_NAMES, Severity
from ..rules import RULES
from .frames import COLUMN_TO_HEADER, Frames
from .rows import UNKNOWN_LEVEL

SEVERITY_LABELS: tuple[str, ...] = tuple(s.label for s in Severity)
_MAX_ROWS_SHOWN = 10


def _score(**kwargs: Any) -> Any:  # pa.Field is typed Any, so a field fits any column annotation
    return pa.Field(ge=0.0, le=FULL_MARK, nullable=True, **kwargs)


def _points() -> Any:
    """A total or level-1 subtotal: shown even above 100 (P08 reports it)."""
    return pa.Field(ge=0.0, nullable=True)


def _amount() -> Any:
    return pa.Field(ge=0.0, nullable=True)


class ProjectsSchema(pa.DataFrameModel):
    """One row per project form."""

    file: Series[str]
    sheet: Series[str] = pa.Field(str_length={"min_value": 1})
    name: Series[str]
    department: Series[str]
    unit: Series[str]
    category: Series[str]
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    initial: Series[float] = _amount()
    budget: Series[float] = _amount()
    executed: Series[float] = _amount()
    execution_rate: Series[float] = pa.Field(ge=0.0, nullable=True)
    execution_score: Series[float] = _score()
    output_score: Series[float] = _points()
    benefit_score: Series[float] = _points()
    satisfaction_score: Series[float] = _points()
    total: Series[float] = _points()
    grade: Series[str] = pa.Field(isin=[*GRADES, ""])
    errors: Series[int] = pa.Field(ge=0)
    warnings: Series[int] = pa.Field(ge=0)
    infos: Series[int] = pa.Field(ge=0)
    duplicate: Series[str]  # "" or which earlier project this one repeats (X04)

    class Config:
        strict = True
        unique: ClassVar[list[str]] = ["file", "sheet"]


class IndicatorsSchema(pa.DataFrameModel):
    """One row per indicator of a project form."""

    file: Series[str]
    sheet: Series[str] = pa.Field(str_length={"min_value": 1})
    project: Series[str]
    cell: Series[str]
    level1: Series[str] = pa.Field(isin=[*LEVEL1_NAMES, UNKNOWN_LEVEL])
    level2: Series[str] = pa.Field(isin=[*LEVEL2_NAMES, UNKNOWN_LEVEL])
    level_note: Series[str]
    name: Series[str]
    target: Series[str]
    actual: Series[str]
    weight: Series[float] = _score()
    score: Series[float] = _score()
    method_score: Series[float] = _score()
    met: Series[str] = pa.Field(isin=["是", "否", ""])
    deviation: Series[str]

    class Config:
        strict = True


class FindingsSchema(pa.DataFrameModel):
    """One row per finding, including X03 for unreadable files and sheets."""

    file: Series[str] = pa.Field(str_length={"min_value": 1})
    sheet: Series[str]
    cell: Series[str]
    project: Series[str]
    code: Series[str] = pa.Field(isin=sorted(RULES))
    severity: Series[str] = pa.Field(isin=list(SEVERITY_LABELS))
    message: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


_FRAMES: tuple[tuple[str, str, type[pa.DataFrameModel]], ...] = (
    ("projects", "项目表", ProjectsSchema),
    ("indicators", "指标表", IndicatorsSchema),
    ("findings", "问题表", FindingsSchema),
)


def check_frames(frames: Frames) -> Frames:
    """Validate the three frames; raise SchemaViolation with every failure in Chinese."""
    problems: list[str] = []
    for attribute, title, model in _FRAMES:
        try:
            model.validate(getattr(frames, attribute), lazy=True)
        except SchemaErrors as exc:
            problems.extend(describe_failures(title, exc.failure_cases))
    if problems:
        raise SchemaViolation(
            "汇总数据未通过结构校验（这是 selfeval 的程序错误，不是填报错误，请将输入文件反馈给开发人员）：\n"
            + "\n".join(f"  - {line}" for line in problems)
        )
    return frames


_CHECK_WORDS: tuple[tuple[str, str], ...] = (
    ("less_than_or_equal_to(", "应不大于 {arg}"),
    ("greater_than_or_equal_to(", "应不小于 {arg}"),
    ("in_range(", "应在 {arg} 之间"),
    ("isin(", "应为允许的取值之一"),
    ("str_length(", "不能为空"),
    ("dtype(", "的数据类型应为 {arg}"),
    ("multiple_fields_uniqueness", "与其他列的组合（文件 + 工作表）应唯一，却有重复"),
    ("column_in_schema", "是结构中没有定义的列"),
    ("column_in_dataframe", "缺少这一列"),
    ("not_nullable", "不应为空值"),
)


def _check_text(check: str) -> str:
    """pandera's check name in plain Chinese (the raw name in brackets for the developer)."""
    for prefix, words in _CHECK_WORDS:
        if check.startswith(prefix):
            arg = check[len(prefix) :].rstrip(")").strip("'\"") if prefix.endswith("(") else ""
            return f"{words.format(arg=arg)}（{check if len(check) < 40 else prefix.rstrip('(')}）"
    return f"未通过检查 {check}"


def describe_failures(title: str, cases: pd.DataFrame) -> list[str]:
    """One Chinese line per (column, check): which rows (1-based data rows) and sample values."""
    lines = []
    cases = cases.copy()
    cases["column"] = cases["column"].fillna("").astype(str)
    cases["check"] = cases["check"].astype(str)
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        rows = sorted({int(i) + 1 for i in group["index"].dropna()})
        values = [str(v) for v in group["failure_case"].head(3)]
        if column and not column.endswith("Schema"):
            where = f"列「{COLUMN_TO_HEADER.get(column, column)}」（{column}）"
        else:
            where = "：列「" + "、".join(values) + "」" if check == "column_in_schema" else "整表"
            values = [] if check == "column_in_schema" else values
        shown = "、".join(map(str, rows[:_MAX_ROWS_SHOWN])) + ("……" if len(rows) > _MAX_ROWS_SHOWN else "")
        line = f"{title}{where}{_check_text(check)}"
        if rows:
            line += f"，第 {shown} 行（共 {len(rows)} 行）"
        if values:
            line += f"，例如：{'、'.join(values)}"
        lines.append(line + "。")
    return lines
