"""The bureau summary as data: sheets of blocks (values + formats) and chart specs.

Nothing here knows openpyxl or xlwings. A writer lays every `SheetSpec` out like this:

* each `Block` starts at its `anchor` cell: one header row (`Column.header`), then `rows`
  (one tuple per row, values in column order: str, float, int or None for an empty cell),
  then, when `totals` is set, one totals row;
* `Column.number_format` is an Excel number format for the data and totals cells,
  `Column.width` the column width in Excel character units;
* a block with `table_name` becomes an Excel table (filter and sort buttons, banded rows);
* `Column.total` says what the totals row shows in that column (see `Total`); `Total.value`
  is the value already computed over all rows, for writers that do not write formulas;
* `Block.colours` maps values of one column to fill colours (severities in 问题清单);
* `SheetSpec.freeze` is the top-left cell of the scrolling area (`A2`: header row frozen),
  `print_title_rows` the rows repeated on every printed page; print landscape, A4, fit to width;
* every `Chart` draws `value_column` against `category_column` of one block on the same sheet.

Every string in `rows` comes from an input file or from selfeval and must be written as text,
never as a formula, even when it starts with = + - @.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from ..model import GRADES, Severity
from .frames import Frames, entries, frames_from_rows, rows_from_reports
from .rows import DUPLICATE, UNREADABLE, FileEntry

if TYPE_CHECKING:
    from ..validation import FileReport

# Number formats (Excel codes).
AMOUNT = "#,##0.00"  # 万元, two decimals
RATE = "0.0%"
SCORE = "0.00"
COUNT = "0"
TEXT = "@"
GENERAL = "General"

# Fill colours (RGB hex) of the severities, and of header rows.
SEVERITY_COLOURS: dict[str, str] = {
    Severity.ERROR.label: "FFC7CE",
    Severity.WARNING.label: "FFEB9C",
    Severity.INFO.label: "DDEBF7",
}
HEADER_FILL = "D9E1F2"

SHEET_PROJECTS = "汇总"
SHEET_DEPARTMENTS = "部门汇总"
SHEET_FINDINGS = "问题清单"
SHEET_FILES = "文件清单"
SHEET_CHARTS = "图表"
NO_DEPARTMENT = "（未填写主管部门）"
NO_GRADE = "未评定"
TOTAL_LABEL = "合计"
DUPLICATE_HEADER = "重复（部门汇总不计）"  # 汇总: which earlier project a row repeats (X04)
COUNTED_HEADER = "项目数（重复只计一次）"  # 部门汇总


@dataclass(frozen=True)
class Total:
    """What one column shows in a block's totals row.

    kind: "label" (the text `label`), "sum", "average", "min", "count" (of non-empty cells)
    or "ratio" (sum of `numerator` column / sum of `denominator` column: an execution rate
    over all rows, never a mean of rates). `value` is the result over all rows; a writer that
    writes formulas should make them follow filters (SUBTOTAL) and may ignore `value`.
    """

    kind: Literal["label", "sum", "average", "min", "count", "ratio"]
    value: float | int | str | None = None
    label: str = ""
    numerator: str = ""  # header of the numerator column ("ratio")
    denominator: str = ""  # header of the denominator column ("ratio")


@dataclass(frozen=True)
class Column:
    """One column of a block: header text, width, number format, totals-row content."""

    header: str
    width: float
    number_format: str = GENERAL
    total: Total | None = None


@dataclass
class Block:
    """A rectangular table: header row, data rows, optional totals row."""

    title: str  # what the block shows, in Chinese (not written as a cell)
    anchor: str  # top-left cell of the header row, e.g. "A1"
    columns: tuple[Column, ...]
    rows: list[tuple]
    table_name: str | None = None  # Excel table name (ASCII, unique in the workbook); None: plain range
    totals: bool = False  # one totals row after the data (uses Column.total)
    colours: tuple[str, dict[str, str]] | None = None  # (column header, value → fill colour)

    def column_index(self, header: str) -> int:
        """0-based position of the column with this header."""
        return [c.header for c in self.columns].index(header)


@dataclass(frozen=True)
class Chart:
    """A native bar/column chart of one block's column."""

    title: str
    kind: Literal["column", "bar"]  # column: vertical bars; bar: horizontal bars
    block: str  # Block.title on the same sheet
    category_column: str  # header of the category labels
    value_column: str  # header of the values
    anchor: str  # top-left cell of the chart
    y_title: str = ""
    number_format: str = GENERAL  # axis number format
    width_cm: float = 16.0
    height_cm: float = 8.0


@dataclass
class SheetSpec:
    """One worksheet of the summary."""

    name: str
    blocks: list[Block]
    charts: list[Chart] = field(default_factory=list)
    freeze: str | None = "A2"
    print_title_rows: str | None = "1:1"
    landscape: bool = True

    def block(self, title: str) -> Block:
        return next(b for b in self.blocks if b.title == title)


@dataclass
class Summary:
    """The whole bureau summary: sheets in workbook order, plus the run's counts."""

    sheets: list[SheetSpec]
    files: int
    unreadable: int
    duplicates: int
    projects: int

    def sheet(self, name: str) -> SheetSpec:
        return next(s for s in self.sheets if s.name == name)


# --- building ------------------------------------------------------------------------


def build_summary(reports: Sequence["FileReport"]) -> Summary:
    """The summary of already validated files (e.g. the sheets of the open workbook)."""
    from .schemas import check_frames

    files = rows_from_reports(reports)
    return summary_from_frames(check_frames(frames_from_rows(files)), entries(files))


def summary_from_frames(frames: Frames, entries: Sequence[FileEntry]) -> Summary:
    """The summary of checked frames and the list of every input file."""
    projects = frames.projects
    sheets = [
        _projects_sheet(projects),
        _departments_sheet(projects),
        _findings_sheet(frames.findings),
        _files_sheet(entries, frames.findings),
        _charts_sheet(projects),
    ]
    return Summary(
        sheets=sheets,
        files=len(entries),
        unreadable=sum(e.status == UNREADABLE for e in entries),
        duplicates=sum(e.status == DUPLICATE for e in entries),
        projects=len(projects),
    )


def _values(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Rows of plain Python values, NaN/NA → None."""
    if frame.empty:
        return []
    part = frame[list(columns)].astype(object)
    part = part.where(part.notna(), None)
    return list(part.itertuples(index=False, name=None))


def _sum(series: pd.Series) -> float:
    return float(series.sum(skipna=True))


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _mean(series: pd.Series) -> float | None:
    value = series.mean(skipna=True)
    return None if pd.isna(value) else float(value)


def _projects_sheet(frame: pd.DataFrame) -> SheetSpec:
    budget, executed = _sum(frame["budget"]), _sum(frame["executed"])
    spec = [
        ("file", Column("文件", 28, TEXT, Total("label", label=TOTAL_LABEL))),
        ("sheet", Column("工作表", 12, TEXT)),
        ("name", Column("项目名称", 30, TEXT, Total("count", len(frame)))),
        ("department", Column("主管部门", 20, TEXT)),
        ("unit", Column("实施单位", 20, TEXT)),
        ("category", Column("项目类别", 14, TEXT)),
        ("initial", Column("年初预算数", 13, AMOUNT, Total("sum", _sum(frame["initial"])))),
        ("budget", Column("全年预算数", 13, AMOUNT, Total("sum", budget))),
        ("executed", Column("全年执行数", 13, AMOUNT, Total("sum", executed))),
        ("execution_rate", Column("执行率", 9, RATE, Total("ratio", _ratio(executed, budget),
                                                        numerator="全年执行数", denominator="全年预算数"))),
        ("execution_score", Column("执行率得分", 10, SCORE, Total("average", _mean(frame["execution_score"])))),
        ("output_score", Column("产出得分", 10, SCORE, Total("average", _mean(frame["output_score"])))),
        ("benefit_score", Column("效益得分", 10, SCORE, Total("average", _mean(frame["benefit_score"])))),
        ("satisfaction_score", Column("满意度得分", 10, SCORE, Total("average", _mean(frame["satisfaction_score"])))),
        ("total", Column("总分", 9, SCORE, Total("average", _mean(frame["total"])))),
        ("grade", Column("等级", 7, TEXT)),
        ("errors", Column("错误数", 8, COUNT, Total("sum", int(frame["errors"].sum())))),
        ("warnings", Column("警告数", 8, COUNT, Total("sum", int(frame["warnings"].sum())))),
        ("duplicate", Column(DUPLICATE_HEADER, 30, TEXT)),
    ]
    ordered = frame.sort_values(["department", "file", "sheet"], kind="stable")
    block = Block(
        "项目汇总", "A1", tuple(c for _, c in spec), _values(ordered, [k for k, _ in spec]),
        table_name="ProjectSummary", totals=True,
    )
    return SheetSpec(SHEET_PROJECTS, [block])


def counted(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects 部门汇总 and 图表 count: a project repeated in another file (X04) once."""
    return projects[projects["duplicate"] == ""]


def department_frame(projects: pd.DataFrame) -> pd.DataFrame:
    """Per 主管部门: counts, budget totals, execution rate = Σ executed / Σ budget, scores, grades.

    Projects flagged in the 重复 column are left out (each project counts once).
    """
    projects = counted(projects)
    frame = projects.assign(department=projects["department"].where(projects["department"] != "", NO_DEPARTMENT))
    grouped = frame.groupby("department", sort=True)
    result = grouped.agg(
        projects=("sheet", "size"),
        initial=("initial", "sum"),
        budget=("budget", "sum"),
        executed=("executed", "sum"),
        mean_total=("total", "mean"),
        min_total=("total", "min"),
    )
    result["execution_rate"] = (result["executed"] / result["budget"]).where(result["budget"] > 0)
    counts = pd.crosstab(frame["department"], frame["grade"].where(frame["grade"] != "", NO_GRADE))
    for grade in (*GRADES, NO_GRADE):
        result[grade] = counts[grade] if grade in counts else 0
        result[grade] = result[grade].fillna(0).astype(int)
    return result.reset_index()


def _departments_sheet(projects: pd.DataFrame) -> SheetSpec:
    frame = department_frame(projects)
    projects = counted(projects)
    budget, executed = _sum(frame["budget"]), _sum(frame["executed"])
    spec = [
        ("department", Column("主管部门", 26, TEXT, Total("label", label=TOTAL_LABEL))),
        ("projects", Column(COUNTED_HEADER, 10, COUNT, Total("sum", int(frame["projects"].sum())))),
        ("initial", Column("年初预算数", 14, AMOUNT, Total("sum", _sum(frame["initial"])))),
        ("budget", Column("全年预算数", 14, AMOUNT, Total("sum", budget))),
        ("executed", Column("全年执行数", 14, AMOUNT, Total("sum", executed))),
        ("execution_rate", Column("执行率", 9, RATE, Total("ratio", _ratio(executed, budget),
                                                        numerator="全年执行数", denominator="全年预算数"))),
        ("mean_total", Column("平均分", 9, SCORE, Total("average", _mean(projects["total"])))),
        ("min_total", Column("最低分", 9, SCORE, Total("min", None if projects["total"].isna().all()
                                                        else float(projects["total"].min())))),
    ]
    spec += [(g, Column(f"{g}（个）" if g in GRADES else NO_GRADE, 8, COUNT, Total("sum", int(frame[g].sum()))))
             for g in (*GRADES, NO_GRADE)]
    block = Block(
        "部门汇总", "A1", tuple(c for _, c in spec), _values(frame, [k for k, _ in spec]),
        table_name="DepartmentSummary", totals=True,
    )
    return SheetSpec(SHEET_DEPARTMENTS, [block])


_SEVERITY_ORDER = {s.label: s.rank for s in Severity}


def _findings_sheet(findings: pd.DataFrame) -> SheetSpec:
    spec = [
        ("file", Column("文件", 28, TEXT)),
        ("sheet", Column("工作表", 12, TEXT)),
        ("cell", Column("单元格", 8, TEXT)),
        ("project", Column("项目名称", 24, TEXT)),
        ("code", Column("代码", 7, TEXT)),
        ("severity", Column("严重程度", 9, TEXT)),
        ("message", Column("问题说明", 80, TEXT)),
    ]
    ordered = findings.assign(_rank=findings["severity"].map(_SEVERITY_ORDER)).sort_values(
        ["_rank", "file", "sheet", "code"], kind="stable")
    block = Block(
        "问题清单", "A1", tuple(c for _, c in spec), _values(ordered, [k for k, _ in spec]),
        table_name="Findings", colours=("严重程度", dict(SEVERITY_COLOURS)),
    )
    return SheetSpec(SHEET_FINDINGS, [block])


def _files_sheet(entries: Sequence[FileEntry], findings: pd.DataFrame) -> SheetSpec:
    errors = findings[findings["severity"] == Severity.ERROR.label].groupby("file").size()
    columns = (
        Column("序号", 6, COUNT),
        Column("文件", 50, TEXT),
        Column("状态", 10, TEXT),
        Column("项目数", 8, COUNT),
        Column("错误数", 8, COUNT),
        Column("说明", 70, TEXT),
    )
    rows = [
        (i, e.path, e.status, e.projects, int(errors.get(e.path, 0)) if e.status != DUPLICATE else 0, e.reason)
        for i, e in enumerate(entries, start=1)
    ]
    block = Block("文件清单", "A1", columns, rows, table_name="InputFiles",
                  colours=("状态", {UNREADABLE: SEVERITY_COLOURS[Severity.ERROR.label],
                                   DUPLICATE: SEVERITY_COLOURS[Severity.WARNING.label]}))
    return SheetSpec(SHEET_FILES, [block])


def _charts_sheet(projects: pd.DataFrame) -> SheetSpec:
    projects = counted(projects)
    grades = projects["grade"].where(projects["grade"] != "", NO_GRADE).value_counts()
    grade_rows = [(g, int(grades.get(g, 0))) for g in (*GRADES, NO_GRADE)]
    departments = department_frame(projects)
    dept_rows = _values(departments, ["department", "execution_rate"])
    scored = projects[projects["total"].notna()].sort_values("total", ascending=False, kind="stable")
    total_rows = list(zip(_project_labels(scored), scored["total"].astype(float)))
    blocks = [
        Block("等级分布", "A1", (Column("等级", 10, TEXT), Column("项目数", 8, COUNT)), grade_rows),
        Block("部门执行率", "D1", (Column("主管部门", 26, TEXT), Column("执行率", 9, RATE)), dept_rows),
        Block("项目总分", "G1", (Column("项目", 36, TEXT), Column("总分", 9, SCORE)), total_rows),
    ]
    charts = [
        Chart("各等级项目数", "column", "等级分布", "等级", "项目数", "J2", y_title="项目数", number_format=COUNT),
        Chart("各主管部门预算执行率", "bar", "部门执行率", "主管部门", "执行率", "J20",
              y_title="执行率", number_format="0%"),
        Chart("各项目总分（从高到低）", "bar", "项目总分", "项目", "总分", "J38", y_title="总分",
              number_format=COUNT, height_cm=max(8.0, min(60.0, 0.45 * len(total_rows)))),
    ]
    return SheetSpec(SHEET_CHARTS, blocks, charts)


def _project_labels(frame: pd.DataFrame) -> list[str]:
    """`项目名称（主管部门）`, falling back to file and sheet for unnamed forms."""
    labels = []
    for name, department, file, sheet in frame[["name", "department", "file", "sheet"]].itertuples(index=False):
        base = name or f"{file}!{sheet}"
        labels.append(f"{base}（{department}）" if department else base)
    return labels
