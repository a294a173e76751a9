"""Three pandas frames from validated files: projects, indicators, findings.

Every row carries its source `file` and `sheet`. Column names are English (code refers to
them); `COLUMN_TO_HEADER` gives the Chinese header a finance officer reads in CSV and Excel output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .rows import FINDING_COLUMNS, INDICATOR_COLUMNS, PROJECT_COLUMNS, FileEntry, FileRows, report_rows

if TYPE_CHECKING:
    from ..validation import FileReport

COLUMN_TO_HEADER: dict[str, str] = {
    "file": "文件",
    "sheet": "工作表",
    "name": "项目名称",
    "project": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "category": "项目类别",
    "year": "年度",
    "initial": "年初预算数",
    "budget": "全年预算数",
    "executed": "全年执行数",
    "execution_rate": "执行率",
    "execution_score": "执行率得分",
    "output_score": "产出得分",
    "benefit_score": "效益得分",
    "satisfaction_score": "满意度得分",
    "total": "总分",
    "grade": "等级",
    "errors": "错误数",
    "warnings": "警告数",
    "infos": "提示数",
    "duplicate": "重复",
    "cell": "单元格",
    "level1": "一级指标",
    "level2": "二级指标",
    "level_note": "未识别的指标名称",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "method_score": "按方法计算的得分",
    "met": "是否达标",
    "deviation": "偏差原因分析及改进措施",
    "code": "代码",
    "severity": "严重程度",
    "message": "问题说明",
}

# Per frame: in 指标 the column `name` is the indicator's own name (三级指标), not the project's.
FRAME_LABELS: dict[str, dict[str, str]] = {
    "projects": COLUMN_TO_HEADER,
    "indicators": {**COLUMN_TO_HEADER, "name": "三级指标"},
    "findings": COLUMN_TO_HEADER,
}

_FLOATS = {
    "initial",
    "budget",
    "executed",
    "execution_rate",
    "execution_score",
    "output_score",
    "benefit_score",
    "satisfaction_score",
    "total",
    "weight",
    "score",
    "method_score",
}
_INTS = {"errors", "warnings", "infos"}
_NULLABLE_INTS = {"year"}


@dataclass
class Frames:
    """The consolidated data: one row per project, per indicator, per finding."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    findings: pd.DataFrame


def frames_from_rows(files: Sequence[FileRows]) -> Frames:
    """Concatenate the rows of every file (duplicates must already be left out)."""
    return Frames(
        _frame((row for f in files for row in f.projects), PROJECT_COLUMNS),
        _frame((row for f in files for row in f.indicators), INDICATOR_COLUMNS),
        _frame((row for f in files for row in f.findings), FINDING_COLUMNS),
    )


def rows_from_reports(reports: Sequence[FileReport]) -> list[FileRows]:
    """Rows of already validated files (the Excel layer's path: no reading, no pool)."""
    return [report_rows(report) for report in reports]


def entries(files: Iterable[FileRows]) -> list[FileEntry]:
    return [f.entry for f in files]


def _frame(rows: Iterable[tuple], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for column in columns:
        if column in _FLOATS:
            frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
        elif column in _INTS:
            frame[column] = frame[column].astype("int64")
        elif column in _NULLABLE_INTS:
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
        else:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese headers (for CSV)."""
    return frame.rename(columns=COLUMN_TO_HEADER)
