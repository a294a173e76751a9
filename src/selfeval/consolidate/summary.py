"""The bureau summary as data: sheets of blocks (values + formats) and chart specs.

Nothing here knows openpyxl or xlwings. A writer lays every `SheetSpec` out like this:

* a `SheetSpec.heading` takes the two rows above the block: the title (merged across the
  block, large) and a line with `left` (「单位：万元」) and `right` (the date) at its ends;
* each `Block` starts at its `anchor` cell: one header row (`Column.header`), then `rows`
  (one tuple per row, values in column order: str, float, int or None for an empty cell),
  then, when `totals` is set, one totals row, then each of `notes` on a row of its own
  (merged across the block, wrapped); a block with no rows and an `empty` text shows that
  sentence instead of a header and an empty table;
* `Column.number_format` is an Excel number format for the data and totals cells,
  `Column.width` the column width in Excel character units, `Column.wrap` wraps long texts
  (the writer makes each row tall enough for its wrapped text: `textfit`);
* a block with `table_name` becomes an Excel table (filter and sort buttons, banded rows);
* `Column.total` says what the totals row shows in that column (see `Total`); `Total.value`
  is the value already computed over all rows, for writers that do not write formulas;
* `Block.colours` maps values of one column to fill colours (severities in 问题清单);
* `SheetSpec.freeze` is the top-left cell of the scrolling area (`A4`: title and header rows
  frozen), `print_title_rows` the rows repeated on every printed page, `paper` and
  `landscape` the page; every sheet prints fit to the page width with page numbers, and
  `print_columns` (when set) limits what prints to those columns;
* every `Chart` draws `value_column` against `category_column` of one block on the same
  sheet; `Chart.note` is a sentence printed above it (what it leaves out) and a chart whose
  block has no rows is not drawn: its `empty` sentence stands at the anchor instead.

Paper: every sheet is A4 landscape (charts: A4 portrait) at 10 pt, so the smallest printed
text stays at 9 pt or more when the sheet is fit to the width; the columns are chosen and
texts wrapped so that every column of 汇总 fits one page width at about 95 %.

Every string in `rows` comes from an input file or from selfeval and must be written as text,
never as a formula, even when it starts with = + - @.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING, Literal

import pandas as pd

from ..a1 import column_letters, column_number
from ..model import GRADES, Severity
from ..styles import AMOUNT_FORMAT, INFO_FILL, SCORE_FORMAT, SUMMARY_ERROR_FILL, SUMMARY_WARNING_FILL
from ..vocabulary import (
    SHEET_CHARTS,
    SHEET_DEPARTMENTS,
    SHEET_FILES,
    SHEET_SUMMARY,
    SHEET_SUMMARY_FINDINGS,
)
from .frames import Frames, entries, frames_from_rows, rows_from_reports
from .rows import DUPLICATE, UNREADABLE, FileEntry

if TYPE_CHECKING:
    from ..validation import FileReport

# Number formats (Excel codes).
AMOUNT = AMOUNT_FORMAT
RATE = "0.0%"
SCORE = SCORE_FORMAT
COUNT = "0"
TEXT = "@"
GENERAL = "General"

# Fill colours (RGB hex) of the severities.
SEVERITY_COLOURS: dict[str, str] = {
    Severity.ERROR.label: SUMMARY_ERROR_FILL,
    Severity.WARNING.label: SUMMARY_WARNING_FILL,
    Severity.INFO.label: INFO_FILL,
}

NO_DEPARTMENT = "（未填写主管部门）"
NO_GRADE = "未评定"
TOTALS_ROW_LABEL = "合计"
DUPLICATE_HEADER = "重复（部门汇总不计）"  # 汇总: which earlier project a row repeats (X04)
COUNTED_HEADER = "项目数（重复只计一次）"  # 部门汇总
UNIT_NOTE = "单位：万元"
DATE_NOTE = "制表日期：{date:%Y-%m-%d}"
SUMMARY_TITLE_FORMAT = "{years}项目支出绩效自评{what}"
AVERAGE = '"均"0.0'  # an average in a totals row says so
COUNT_CAPTION = "共{}个项目"
TOTALS_NOTE = (
    "注：合计行中，金额、错误数、警告数为合计数；执行率为全年执行数合计 ÷ 全年预算数合计；"
    "“均”为平均分（未能计算的项目不计入）。筛选后合计行只计算显示的行。"
)
NO_FINDINGS = "本次汇总的项目均未发现问题。"
TOP_N = 15  # a project chart longer than 2 × TOP_N bars shows the best and the worst TOP_N
SCORE_AXIS_MAX = 100.0
BAR_CM = 0.7  # height of one bar (with its gap) in a bar chart


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
    label: str = ""  # "label": the text; "count": a caption with {} for the count
    numerator: str = ""  # header of the numerator column ("ratio")
    denominator: str = ""  # header of the denominator column ("ratio")
    number_format: str | None = None  # the totals cell's format when not the column's

    def shown(self) -> float | int | str | None:
        """The value as the totals cell shows it (a count inside its caption)."""
        if self.kind == "label":
            return self.label
        if self.kind == "count" and self.label:
            return self.label.format(self.value)
        return self.value


@dataclass(frozen=True)
class Column:
    """One column of a block: header text, width, number format, totals-row content."""

    header: str
    width: float
    number_format: str = GENERAL
    total: Total | None = None
    wrap: bool = False  # wrap long texts (rows grow to fit them)
    printed: bool = True  # False: on screen only (such columns come last; the print area ends before them)


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
    notes: tuple[str, ...] = ()  # sentences printed under the block
    empty: str = ""  # shown instead of the header when there are no rows

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
    width_cm: float = 15.5
    height_cm: float = 8.0
    axis_max: float | None = None  # None: the application chooses
    note: str = ""  # a sentence above the chart (e.g. which bars it shows)
    empty: str = ""  # the sentence shown instead of a chart without data


@dataclass(frozen=True)
class Heading:
    """The two rows above a sheet's block: title, and a line with unit and date."""

    title: str
    left: str = ""
    right: str = ""


@dataclass
class SheetSpec:
    """One worksheet of the summary."""

    name: str
    blocks: list[Block]
    charts: list[Chart] = field(default_factory=list)
    freeze: str | None = "A2"
    print_title_rows: str | None = "1:1"
    landscape: bool = True
    heading: Heading | None = None
    paper: Literal["A4", "A3"] = "A4"
    print_columns: int | None = None  # print only the first n columns (None: all used)

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


def summary_from_reports(reports: Sequence[FileReport], *, today: dt.date | None = None) -> Summary:
    """The summary of already validated files (e.g. the sheets of the open workbook)."""
    from .schemas import check_frames

    files = rows_from_reports(reports)
    return summary_from_frames(check_frames(frames_from_rows(files)), entries(files), today=today)


def summary_from_frames(frames: Frames, entries: Sequence[FileEntry], *, today: dt.date | None = None) -> Summary:
    """The summary of checked frames and the list of every input file."""
    projects = frames.projects
    today = today or dt.date.today()
    years = _years(projects)
    sheets = [
        _projects_sheet(projects, _heading(years, "汇总表", today)),
        _departments_sheet(projects, _heading(years, "汇总表（按主管部门）", today)),
        _findings_sheet(frames.findings, projects, _heading(years, "问题清单", today, unit=False)),
        _files_sheet(entries, frames.findings, _heading(years, "文件清单", today, unit=False)),
        _charts_sheet(projects),
    ]
    return Summary(
        sheets=sheets,
        files=len(entries),
        unreadable=sum(e.status == UNREADABLE for e in entries),
        duplicates=sum(e.status == DUPLICATE for e in entries),
        projects=len(projects),
    )


def _years(projects: pd.DataFrame) -> str:
    """「2021年度」, 「2020—2021年度」 or '' when no form states its year."""
    years = sorted({int(y) for y in projects["year"].dropna()}) if "year" in projects else []
    if not years:
        return ""
    return f"{years[0]}年度" if len(years) == 1 else f"{years[0]}—{years[-1]}年度"


def _heading(years: str, what: str, today: dt.date, *, unit: bool = True) -> Heading:
    """「2021年度项目支出绩效自评汇总表」, 「单位：万元」 (sheets with amounts) and the date."""
    return Heading(
        SUMMARY_TITLE_FORMAT.format(years=years, what=what), UNIT_NOTE if unit else "", DATE_NOTE.format(date=today)
    )


def short_file_name(path: str) -> str:
    """The file's name without its folders (a path as typed is long and says little on paper)."""
    return PureWindowsPath(path).name or path


def _values(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Rows of plain Python values, NaN/NA → None."""
    if frame.empty:
        return []
    part = frame[list(columns)].astype(object)
    part = part.where(part.notna(), None)
    return list(part.itertuples(index=False, name=None))


def _sum(series: pd.Series) -> float:
    return float(series.sum(skipna=True))


def _quotient(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _mean(series: pd.Series) -> float | None:
    value = series.mean(skipna=True)
    return None if pd.isna(value) else float(value)


def _block(title: str, spec: Sequence[tuple[str, Column]], frame: pd.DataFrame, **options) -> Block:
    """A block whose columns are `spec`'s, its rows `frame`'s columns of the same keys.

    The key "number" is 序号: 1, 2, … in row order (not a column of the frame).
    """
    keys = [key for key, _ in spec]
    numbered = frame.assign(number=range(1, len(frame) + 1)) if "number" in keys else frame
    return Block(title, options.pop("anchor", "A3"), tuple(c for _, c in spec), _values(numbered, keys), **options)


def _paper_sheet(name: str, block: Block, heading: Heading, **options) -> SheetSpec:
    """A sheet for paper: heading rows 1–2, the block from row 3, its header repeated on every page."""
    return SheetSpec(name, [block], freeze="A4", print_title_rows="3:3", heading=heading, **options)


def _projects_sheet(frame: pd.DataFrame, heading: Heading) -> SheetSpec:
    budget, executed = _sum(frame["budget"]), _sum(frame["executed"])

    def average(key: str) -> Total:
        return Total("average", _mean(frame[key]), number_format=AVERAGE)

    # One line per column: (frame column, how it prints). Project columns first, the source last.
    # Width budget: the printed columns sum to 133.5 units, about 750 pt at 100 % on the 784 pt of
    # an A4 landscape line; up to ~155 units still prints at ≥ 90 % (≥ 9 pt): a new column fits.
    spec = [
        ("number", Column("序号", 4.5, COUNT, Total("label", label=TOTALS_ROW_LABEL))),
        ("name", Column("项目名称", 18, TEXT, Total("count", len(frame), label=COUNT_CAPTION), wrap=True)),
        ("department", Column("主管部门", 11, TEXT, wrap=True)),
        ("unit", Column("实施单位", 11, TEXT, wrap=True)),
        ("category", Column("项目类别", 8, TEXT, wrap=True)),
        ("initial", Column("年初预算数", 9.5, AMOUNT, Total("sum", _sum(frame["initial"])))),
        ("budget", Column("全年预算数", 9.5, AMOUNT, Total("sum", budget))),
        ("executed", Column("全年执行数", 9.5, AMOUNT, Total("sum", executed))),
        (
            "execution_rate",
            Column(
                "执行率",
                6.5,
                RATE,
                Total("ratio", _quotient(executed, budget), numerator="全年执行数", denominator="全年预算数"),
            ),
        ),
        ("execution_score", Column("执行率得分", 6.5, SCORE, average("execution_score"))),
        ("output_score", Column("产出得分", 6.5, SCORE, average("output_score"))),
        ("benefit_score", Column("效益得分", 6.5, SCORE, average("benefit_score"))),
        ("satisfaction_score", Column("满意度得分", 6.5, SCORE, average("satisfaction_score"))),
        ("total", Column("总分", 6.5, SCORE, average("total"))),
        ("grade", Column("等级", 4.5, TEXT)),
        ("errors", Column("错误数", 4.5, COUNT, Total("sum", int(frame["errors"].sum())))),
        ("warnings", Column("警告数", 4.5, COUNT, Total("sum", int(frame["warnings"].sum())))),
        ("duplicate", Column(DUPLICATE_HEADER, 12, TEXT, wrap=True)),
        # where each row comes from: on screen, not on paper
        ("file_name", Column("文件", 30, TEXT, wrap=True, printed=False)),
        ("sheet", Column("工作表", 14, TEXT, wrap=True, printed=False)),
    ]
    ordered = frame.sort_values(["department", "unit", "file", "sheet"], kind="stable")
    ordered = ordered.assign(file_name=ordered["file"].map(short_file_name))
    block = _block("项目汇总", spec, ordered, table_name="ProjectSummary", totals=True, notes=(TOTALS_NOTE,))
    return _paper_sheet(SHEET_SUMMARY, block, heading)


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
        result[grade] = counts.get(grade, 0)
        result[grade] = result[grade].fillna(0).astype(int)
    return result.reset_index()


def _departments_sheet(projects: pd.DataFrame, heading: Heading) -> SheetSpec:
    frame = department_frame(projects)
    projects = counted(projects)
    budget, executed = _sum(frame["budget"]), _sum(frame["executed"])
    spec = [
        ("number", Column("序号", 5, COUNT, Total("label", label=TOTALS_ROW_LABEL))),
        ("department", Column("主管部门", 22, TEXT, wrap=True)),
        ("projects", Column(COUNTED_HEADER, 9, COUNT, Total("sum", int(frame["projects"].sum())))),
        ("initial", Column("年初预算数", 12, AMOUNT, Total("sum", _sum(frame["initial"])))),
        ("budget", Column("全年预算数", 12, AMOUNT, Total("sum", budget))),
        ("executed", Column("全年执行数", 12, AMOUNT, Total("sum", executed))),
        (
            "execution_rate",
            Column(
                "执行率",
                8,
                RATE,
                Total("ratio", _quotient(executed, budget), numerator="全年执行数", denominator="全年预算数"),
            ),
        ),
        ("mean_total", Column("平均分", 8, SCORE, Total("average", _mean(projects["total"]), number_format=AVERAGE))),
        (
            "min_total",
            Column(
                "最低分",
                8,
                SCORE,
                Total("min", None if projects["total"].isna().all() else float(projects["total"].min())),
            ),
        ),
    ]
    spec += [
        (g, Column(f"{g}（个）" if g in GRADES else NO_GRADE, 8.5, COUNT, Total("sum", int(frame[g].sum()))))
        for g in (*GRADES, NO_GRADE)
    ]
    note = (
        "注：合计行中，平均分为全部项目总分的平均（“均”），最低分为全部项目中的最低分；"
        "执行率为全年执行数合计 ÷ 全年预算数合计。"
    )
    block = _block("部门汇总", spec, frame, table_name="DepartmentSummary", totals=True, notes=(note,))
    return _paper_sheet(SHEET_DEPARTMENTS, block, heading)


_SEVERITY_ORDER = {s.label: s.rank for s in Severity}
FINDING_ORDER = ("department", "unit", "file", "sheet", "_rank", "code")


def findings_with_projects(findings: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Findings with the 主管部门 and 实施单位 of their project (by file and sheet), in list order:
    by unit, file and sheet, errors first. File-level findings (X03) have neither."""
    owners = projects[["file", "sheet", "department", "unit"]].drop_duplicates(["file", "sheet"])
    joined = findings.merge(owners, on=["file", "sheet"], how="left")
    joined[["department", "unit"]] = joined[["department", "unit"]].fillna("")
    joined = joined.assign(_rank=joined["severity"].map(_SEVERITY_ORDER), file_name=joined["file"].map(short_file_name))
    return joined.sort_values(list(FINDING_ORDER), kind="stable")


def _findings_sheet(findings: pd.DataFrame, projects: pd.DataFrame, heading: Heading) -> SheetSpec:
    spec = [
        ("number", Column("序号", 5, COUNT)),
        ("department", Column("主管部门", 13, TEXT, wrap=True)),
        ("unit", Column("实施单位", 13, TEXT, wrap=True)),
        ("project", Column("项目名称", 16, TEXT, wrap=True)),
        ("sheet", Column("工作表", 9, TEXT, wrap=True)),
        ("cell", Column("单元格", 6, TEXT)),
        ("code", Column("代码", 5, TEXT)),
        ("severity", Column("严重程度", 6, TEXT)),
        ("message", Column("问题说明", 52, TEXT, wrap=True)),
        ("file_name", Column("文件", 14, TEXT, wrap=True)),
    ]
    ordered = findings_with_projects(findings, projects)
    table = {"table_name": "Findings"} if len(ordered) else {}
    block = _block("问题清单", spec, ordered, colours=("严重程度", dict(SEVERITY_COLOURS)), empty=NO_FINDINGS, **table)
    return _paper_sheet(SHEET_SUMMARY_FINDINGS, block, heading)


def _files_sheet(entries: Sequence[FileEntry], findings: pd.DataFrame, heading: Heading) -> SheetSpec:
    errors = findings[findings["severity"] == Severity.ERROR.label].groupby("file").size()
    columns = (
        Column("序号", 5, COUNT),
        Column("文件", 60, TEXT, wrap=True),
        Column("状态", 9, TEXT),
        Column("项目数", 7, COUNT),
        Column("错误数", 7, COUNT),
        Column("说明", 50, TEXT, wrap=True),
    )
    rows = [
        (i, e.path, e.status, e.projects, int(errors.get(e.path, 0)) if e.status != DUPLICATE else 0, e.reason)
        for i, e in enumerate(entries, start=1)
    ]
    block = Block(
        "文件清单",
        "A3",
        columns,
        rows,
        table_name="InputFiles" if rows else None,
        colours=(
            "状态",
            {UNREADABLE: SEVERITY_COLOURS[Severity.ERROR.label], DUPLICATE: SEVERITY_COLOURS[Severity.WARNING.label]},
        ),
    )
    return _paper_sheet(SHEET_FILES, block, heading)


CHART_DATA_COLUMN = "L"  # the charts' data stand right of the printed charts (columns A–J)
CHART_PRINT_COLUMNS = 10
ROW_CM = 0.53  # a default row (15 pt) in centimetres


def _charts_sheet(projects: pd.DataFrame) -> SheetSpec:
    """Three charts stacked in A–J (what prints, A4 portrait); their data from column L on."""
    projects = counted(projects)
    grades = projects["grade"].where(projects["grade"] != "", NO_GRADE).value_counts()
    grade_rows = [(g, int(grades.get(g, 0))) for g in (*GRADES, NO_GRADE)]
    departments = department_frame(projects)
    departments = departments[departments["execution_rate"].notna()]
    departments, rate_note = _ends(departments, "execution_rate", "个主管部门有执行率", "执行率", SHEET_DEPARTMENTS)
    dept_rows = _values(departments, ["department", "execution_rate"])
    scored = projects[projects["total"].notna()]
    scored, total_note = _ends(scored, "total", "个项目有总分", "总分", SHEET_SUMMARY)
    total_rows = list(zip(_project_labels(scored), scored["total"].astype(float), strict=False))
    data = CHART_DATA_COLUMN
    blocks = [
        Block(
            "等级分布",
            f"{data}1",
            (Column("等级", 10, TEXT), Column("项目数", 8, COUNT)),
            grade_rows if len(projects) else [],
        ),
        Block(
            "部门执行率", f"{_shift(data, 3)}1", (Column("主管部门", 26, TEXT), Column("执行率", 9, RATE)), dept_rows
        ),
        Block("项目总分", f"{_shift(data, 6)}1", (Column("项目", 36, TEXT), Column("总分", 9, SCORE)), total_rows),
    ]
    rate_max = max([1.0] + [r for _, r in dept_rows if r is not None])
    charts = _chart_specs(len(dept_rows), rate_max, rate_note, len(total_rows), total_note)
    return SheetSpec(
        SHEET_CHARTS,
        blocks,
        _stacked(charts, blocks),
        freeze=None,
        print_title_rows=None,
        landscape=False,
        print_columns=CHART_PRINT_COLUMNS,
    )


def _chart_specs(departments: int, rate_max: float, rate_note: str, projects: int, total_note: str) -> list[Chart]:
    """The grade, execution-rate and total charts; bar charts tall enough for their bars."""
    return [
        Chart(
            "各等级项目数",
            "column",
            "等级分布",
            "等级",
            "项目数",
            "",
            y_title="项目数",
            number_format=COUNT,
            empty="没有可汇总的项目，未绘制等级分布图。",
        ),
        Chart(
            "各主管部门预算执行率",
            "bar",
            "部门执行率",
            "主管部门",
            "执行率",
            "",
            y_title="执行率",
            number_format="0%",
            height_cm=_bar_height(departments),
            axis_max=_round_up(rate_max, 0.2),
            note=rate_note,
            empty="没有填写全年预算数的项目，无法计算执行率，未绘制执行率图。",
        ),
        Chart(
            "各项目总分（从高到低）",
            "bar",
            "项目总分",
            "项目",
            "总分",
            "",
            y_title="总分",
            number_format=COUNT,
            height_cm=_bar_height(projects),
            axis_max=SCORE_AXIS_MAX,
            note=total_note,
            empty="没有能计算总分的项目，未绘制总分图。",
        ),
    ]


def _stacked(specs: Sequence[Chart], blocks: Sequence[Block]) -> list[Chart]:
    """The charts anchored one below the other in column A (a note takes a row above its chart;
    a chart with no data takes two rows for its `empty` sentence)."""
    charts, row = [], 1
    for chart in specs:
        if chart.note:
            row += 1  # the note's row
        charts.append(replace(chart, anchor=f"A{row}"))
        drawn = bool(next(b for b in blocks if b.title == chart.block).rows)
        row += (int(chart.height_cm / ROW_CM) + 3) if drawn else 2
    return charts


def _ends(frame: pd.DataFrame, column: str, counted: str, what: str, sheet: str) -> tuple[pd.DataFrame, str]:
    """`frame` from the highest `column` down; beyond 2 × TOP_N rows only the TOP_N highest and
    lowest, with the note that says so (a bar chart stays on one page, every bar labelled)."""
    ordered = frame.sort_values(column, ascending=False, kind="stable")
    if len(ordered) <= 2 * TOP_N:
        return ordered, ""
    note = f"共 {len(ordered)} {counted}，图中为{what}最高的 {TOP_N} 个和最低的 {TOP_N} 个；全部见「{sheet}」表。"
    return pd.concat([ordered.head(TOP_N), ordered.tail(TOP_N)]), note


def _bar_height(bars: int) -> float:
    """A bar chart tall enough to label every bar: 3 cm of title and axis plus BAR_CM a bar."""
    return round(max(6.0, 3.0 + BAR_CM * bars), 1)


def _round_up(value: float, step: float) -> float:
    return round(step * -(-value // step), 6)


def _shift(column: str, by: int) -> str:
    """The column `by` to the right of `column`."""
    return column_letters(column_number(column) + by)


def _project_labels(frame: pd.DataFrame) -> list[str]:
    """`项目名称（主管部门）`, falling back to file and sheet for unnamed forms."""
    labels = []
    for name, department, file, sheet in frame[["name", "department", "file", "sheet"]].itertuples(index=False):
        base = name or f"{file}!{sheet}"
        labels.append(f"{base}（{department}）" if department else base)
    return labels
