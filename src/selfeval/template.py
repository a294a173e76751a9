"""Build the template workbook from `layout` with openpyxl.

Sheets: 填表说明, 目录, the project sheets, and very hidden 代码表 and 项目模板 (the master the
add-in copies); 汇总 is made by the add-in's 生成汇总, so an empty one never prints. Every
computed value of a project sheet is a native formula, so totals stay live in Excel without
Python, and the file carries each formula's value for previews that do not calculate. Every
sheet prints on whole A4 pages (fit to the width, rows that fit their text).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from . import guide, scoring
from .a1 import column_letters, split_address
from .celltext import FORMULA_STARTS, index_row_formulas, sheet_ref
from .layout import (
    CLASSIFICATION_CELLS,
    COLUMN_WIDTHS,
    DEFAULT_EXECUTION_WEIGHT,
    DEFAULT_LAYOUT,
    FIRST_COLUMN,
    FUNDS_KEY_TO_COLUMN,
    FUNDS_LINE_TO_ROW,
    GOAL_HEIGHT,
    GRADE_LABEL_COLUMN,
    INDEX_COLUMNS,
    INDEX_FIRST_ROW,
    INDEX_HEADER_ROW,
    INDEX_WIDTHS,
    INDICATOR_HEIGHT,
    INDICATOR_KEY_TO_COLUMN,
    LAST_COLUMN,
    PRINT_TITLE_ROWS,
    PROTECTION_ALLOWS,
    ROW_CLASS,
    ROW_DEPARTMENT,
    ROW_FUNDS_HEADER,
    ROW_GOAL_ACTUAL,
    ROW_GOAL_EXPECTED,
    ROW_HEIGHT,
    ROW_INDICATOR_HEADER,
    ROW_NAME,
    ROW_TITLE,
    ROW_YEAR,
    STATUS_CELL,
    STATUS_COLUMN_WIDTHS,
    STATUS_LABEL_CELL,
    STATUS_LAST_CELL,
    TEMPLATE_FILENAME,
    TITLE_HEIGHT,
    YEAR_CELL,
    SheetLayout,
    project_sheet_name,
)
from .model import CLASSIFICATIONS, LEVEL1_NAMES, LEVEL2_BY_LEVEL1
from .styles import (
    AMOUNT_FORMAT,
    COMPUTED_FILL,
    ERROR_FILL,
    FONT_NAME,
    LABEL_FILL,
    LINK_COLOUR,
    PAGE_FOOTER,
    SCORE_FORMAT,
    TITLE_FONT_NAME,
    UNUSED_FILL,
    WARNING_FILL,
)
from .textfit import fit_height
from .vocabulary import (
    DATE_LABEL,
    DEPARTMENT_LABEL,
    EXECUTION_SUBTOTAL_LABEL,
    FILLER_LABEL,
    FORM_TITLE,
    FUNDS_KEY_TO_LABEL,
    FUNDS_LABEL,
    FUNDS_LINE_TO_LABEL,
    GOAL_ACTUAL_LABEL,
    GOAL_EXPECTED_LABEL,
    GOAL_LABEL,
    GRADE_LABEL,
    GRADE_NOTE,
    INDEX_TITLE,
    INDICATOR_KEY_TO_TEMPLATE_HEADER,
    LEVEL1_TO_SUBTOTAL_LABEL,
    NAME_LABEL,
    NO_PROJECT_NAME,
    PHONE_LABEL,
    SHEET_CODES,
    SHEET_GUIDE,
    SHEET_INDEX,
    SHEET_MASTER,
    STATUS_LABEL,
    TOTAL_SCORE_LABEL,
    UNIT_LABEL,
    YEAR_LABEL,
)
from .xlsxfile import save_workbook

DEFAULT_TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "workbook" / TEMPLATE_FILENAME

# --- styles ----------------------------------------------------------------------------

TITLE_FONT = Font(name=TITLE_FONT_NAME, size=16, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
LABEL_FONT = Font(name=FONT_NAME, size=10, bold=True)
LABEL_SOLID = PatternFill("solid", fgColor=LABEL_FILL)
COMPUTED_SOLID = PatternFill("solid", fgColor=COMPUTED_FILL)
UNUSED_SOLID = PatternFill("solid", fgColor=UNUSED_FILL)
ERROR_SOLID = PatternFill("solid", fgColor=ERROR_FILL)
WARNING_SOLID = PatternFill("solid", fgColor=WARNING_FILL)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
RIGHT = Alignment(horizontal="right", vertical="center")
WRAP_TOP = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)

SUBTOTAL_FORMAT = "0.00;-0.00;;@"  # zero shows as blank on an empty form
RATE_FORMAT = "0.00%"


GUIDE_COLUMNS: dict[str, float] = {"A": 8, "B": 9, "C": 80}  # 填表说明, portrait A4
GUIDE_WIDTH = sum(GUIDE_COLUMNS.values())  # its lines are merged over A:C
PROTECTION_NOTE = "工作表保护无密码：仅防误改公式，允许插入/删除行和设置格式。"


def _protection() -> SheetProtection:
    """Protected without a password; row insertion/deletion and formatting stay allowed."""
    # In the file format a True permission flag means "forbidden while protected".
    allowed = dict.fromkeys(PROTECTION_ALLOWS, False)
    return SheetProtection(sheet=True, selectLockedCells=False, selectUnlockedCells=False, **allowed)


def put_value(cell, value: object) -> None:
    """Write a value; a text stays text even if it looks like a formula (principle 3)."""
    if value is None or value == "":
        cell.value = None
        return
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


# --- formulas --------------------------------------------------------------------------


def formulas(layout: SheetLayout) -> dict[str, str]:
    """Computed key (layout.computed) → the formula of that cell."""
    c = layout.cells
    fund_row = FUNDS_LINE_TO_ROW["total"]
    budget, executed = f"{FUNDS_KEY_TO_COLUMN['budget']}{fund_row}", f"{FUNDS_KEY_TO_COLUMN['executed']}{fund_row}"
    weight, rate, score = c["funds.weight"], c["funds.rate"], c["funds.score"]
    exec_weight = f"IF(ISNUMBER({weight}),{weight},{DEFAULT_EXECUTION_WEIGHT:g})"
    # The header row is included so a row inserted at the top of the table is still summed.
    weights = f"F{ROW_INDICATOR_HEADER}:F{layout.last_indicator_row}"
    scores = f"G{ROW_INDICATOR_HEADER}:G{layout.last_indicator_row}"
    total = c["total"]
    rounded = f"ROUND({total},2)"
    result = {
        "title": f'="{FORM_TITLE}（"&IF({YEAR_CELL}="","　　",{YEAR_CELL})&"年度）"',
        "funds.rate": f'=IF(N({budget})>0,N({executed})/{budget},"")',
        "funds.score": f'=IF({rate}="","",{exec_weight}*MIN({rate},1))',
        "total": f'=IF(AND({score}="",COUNT({scores})=0),"",N({score})+SUM({scores}))',
        "weight_total": f'=IF(COUNT({weights})=0,"",{exec_weight}+SUM({weights}))',
        "grade": (f'=IF({total}="","",IF({rounded}>=90,"优",IF({rounded}>=80,"良",IF({rounded}>=60,"中","差"))))'),
        "subtotal.execution.weight": f"={exec_weight}",
        "subtotal.execution.score": f'=IF({score}="","",{score})',
    }
    for level1 in LEVEL1_NAMES:
        span = layout.block_spans.get(level1)
        for part, column in (("weight", "F"), ("score", "G")):
            result[f"subtotal.{level1}.{part}"] = f"=SUM({span.range(column)})" if span else "=0"
    return result


# --- the formulas' values --------------------------------------------------------------


def _as_excel_number(value: object) -> float | None:
    """A cell value as Excel's SUM/COUNT/ISNUMBER see it: numbers only (not text, not booleans)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def sheet_values(ws: Worksheet, layout: SheetLayout) -> dict[str, object]:
    """The value each formula of `formulas(layout)` has on the filled sheet `ws`, computed as the
    formula computes it ('' for a blank result): cached in the file for previews that do not
    calculate. The sheet's inputs are read from `ws`; no formula is parsed."""
    c = layout.cells
    cell = lambda address: ws[address].value  # noqa: E731 - a short reader
    fund_row = FUNDS_LINE_TO_ROW["total"]
    budget = cell(f"{FUNDS_KEY_TO_COLUMN['budget']}{fund_row}")
    executed = cell(f"{FUNDS_KEY_TO_COLUMN['executed']}{fund_row}")
    weight = _as_excel_number(cell(c["funds.weight"]))
    exec_weight = weight if weight is not None else float(DEFAULT_EXECUTION_WEIGHT)
    rate: float | str = ""
    if (_as_excel_number(budget) or 0.0) > 0:
        rate = (_as_excel_number(executed) or 0.0) / float(budget)
    score: float | str = "" if rate == "" else exec_weight * min(float(rate), 1.0)
    rows = range(ROW_INDICATOR_HEADER, layout.last_indicator_row + 1)
    weights = [w for w in (_as_excel_number(cell(f"F{r}")) for r in rows) if w is not None]
    scores = [g for g in (_as_excel_number(cell(f"G{r}")) for r in rows) if g is not None]
    execution = score if isinstance(score, float) else 0.0
    total: float | str = "" if score == "" and not scores else execution + sum(scores)
    year = cell(YEAR_CELL)
    values: dict[str, object] = {
        "title": f"{FORM_TITLE}（{'　　' if year in (None, '') else _display(year)}年度）",
        "funds.rate": rate,
        "funds.score": score,
        "total": total,
        "weight_total": "" if not weights else exec_weight + sum(weights),
        "grade": "" if total == "" else (scoring.grade(float(total)) or ""),
        "subtotal.execution.weight": exec_weight,
        "subtotal.execution.score": score,
    }
    for level1 in LEVEL1_NAMES:
        span = layout.block_spans.get(level1)
        for part, column in (("weight", "F"), ("score", "G")):
            numbers = [_as_excel_number(cell(f"{column}{r}")) for r in range(span.first, span.last + 1)] if span else []
            values[f"subtotal.{level1}.{part}"] = sum(n for n in numbers if n is not None)
    return {layout.computed[key]: value for key, value in values.items()}


def _display(value: object) -> str:
    """A value as Excel shows it in text (2024.0 as 2024)."""
    number = _as_excel_number(value)
    if number is not None and number == int(number):
        return str(int(number))
    return str(value)


def index_values(
    ws: Worksheet,
    sheets: Sequence[tuple[str, SheetLayout]],
    computed: dict[str, dict[str, object]],
    project_sheets: dict[str, Worksheet],
) -> dict[str, object]:
    """The values of 目录's formulas: each project sheet's name, total, grade and status."""
    col = {key: column for key, (column, _header) in INDEX_COLUMNS.items()}
    values: dict[str, object] = {}
    for i, (name, layout) in enumerate(sheets):
        row = INDEX_FIRST_ROW + i
        sheet, results = project_sheets[name], computed[name]
        project_name = sheet[layout.cells["name"]].value
        values[f"{col['name']}{row}"] = NO_PROJECT_NAME if project_name in (None, "") else project_name
        values[f"{col['total']}{row}"] = results[layout.cells["total"]]
        values[f"{col['grade']}{row}"] = results[layout.cells["grade"]]
        status = sheet[STATUS_CELL].value
        values[f"{col['status']}{row}"] = "" if status is None else status
    return values


def workbook_values(wb: Workbook, sheets: Sequence[tuple[str, SheetLayout]]) -> dict[str, dict[str, object]]:
    """Sheet title → formula cell → its value, for every formula `build_workbook` wrote."""
    project_sheets = {name: wb[name] for name, _layout in sheets}
    values = {name: sheet_values(wb[name], layout) for name, layout in sheets}
    if SHEET_MASTER in wb.sheetnames:
        values[SHEET_MASTER] = sheet_values(wb[SHEET_MASTER], DEFAULT_LAYOUT)
    if SHEET_INDEX in wb.sheetnames:
        values[SHEET_INDEX] = index_values(wb[SHEET_INDEX], sheets, values, project_sheets)
    return values


def save(wb: Workbook, sheets: Sequence[tuple[str, SheetLayout]], path: Path, *, force: bool = False) -> Path:
    """Save a workbook made by `build_workbook` (and filled), every formula's value cached."""
    return save_workbook(wb, Path(path), force=force, values=workbook_values(wb, sheets))


# --- project sheet ---------------------------------------------------------------------


def _cell(ws: Worksheet, address: str, value=None, *, font=BODY_FONT, fill=None, align=LEFT, fmt=None):
    cell = ws[address]
    if value is not None:
        cell.value = value
    cell.font = font
    cell.alignment = align
    if fill is not None:
        cell.fill = fill
    if fmt is not None:
        cell.number_format = fmt
    return cell


def _label(ws: Worksheet, address: str, text: str, merge_to: str | None = None) -> None:
    _cell(ws, address, text, font=LABEL_FONT, fill=LABEL_SOLID, align=CENTER)
    if merge_to and merge_to != address:
        ws.merge_cells(f"{address}:{merge_to}")


def _value(ws: Worksheet, first: str, last: str | None = None, *, align=LEFT, fmt=None, fill=None) -> None:
    _cell(ws, first, align=align, fmt=fmt, fill=fill)
    if last and last != first:
        ws.merge_cells(f"{first}:{last}")


def _cells(ref: str) -> list[str]:
    """Every address inside `A1` or `A1:C3`."""
    first, _, last = ref.partition(":")
    last = last or first
    (r1, c1), (r2, c2) = split_address(first), split_address(last)
    return [f"{column_letters(col)}{row}" for row in range(r1, r2 + 1) for col in range(c1, c2 + 1)]


def build_project_sheet(ws: Worksheet, layout: SheetLayout = DEFAULT_LAYOUT) -> None:
    """Lay out one empty project form on `ws`: labels, formulas, validation, hints, print."""
    last = LAST_COLUMN
    for column, width in {**COLUMN_WIDTHS, **STATUS_COLUMN_WIDTHS}.items():
        ws.column_dimensions[column].width = width
    ws.sheet_view.showGridLines = False

    ws.row_dimensions[ROW_TITLE].height = TITLE_HEIGHT
    ws.merge_cells(f"A{ROW_TITLE}:{last}{ROW_TITLE}")
    _cell(ws, f"A{ROW_TITLE}", font=TITLE_FONT, align=Alignment(horizontal="center", vertical="center"))

    for row in (ROW_YEAR, ROW_NAME, ROW_DEPARTMENT, ROW_CLASS):
        ws.row_dimensions[row].height = ROW_HEIGHT

    # 年度 and 校验状态
    _label(ws, f"A{ROW_YEAR}", YEAR_LABEL)
    _value(ws, YEAR_CELL, align=CENTER, fmt="0")
    ws.merge_cells(f"C{ROW_YEAR}:{last}{ROW_YEAR}")  # the rest of the printed row: one blank cell
    _label(ws, STATUS_LABEL_CELL, STATUS_LABEL)
    _value(ws, STATUS_CELL, STATUS_LAST_CELL)

    # identity and classification
    _label(ws, f"A{ROW_NAME}", NAME_LABEL)
    _value(ws, f"B{ROW_NAME}", f"{last}{ROW_NAME}")
    _label(ws, f"A{ROW_DEPARTMENT}", DEPARTMENT_LABEL)
    _value(ws, f"B{ROW_DEPARTMENT}", f"C{ROW_DEPARTMENT}")
    _label(ws, f"D{ROW_DEPARTMENT}", UNIT_LABEL)
    _value(ws, f"E{ROW_DEPARTMENT}", f"{last}{ROW_DEPARTMENT}")
    for label, label_column, value_range in CLASSIFICATION_CELLS.values():
        _label(ws, f"{label_column}{ROW_CLASS}", label)
        first, second = value_range.split(":")
        _value(ws, f"{first}{ROW_CLASS}", f"{second}{ROW_CLASS}", align=CENTER)

    _build_funds(ws)

    # 年度总体目标
    _label(ws, f"A{ROW_GOAL_EXPECTED}", GOAL_LABEL, f"A{ROW_GOAL_ACTUAL}")
    for row, label in ((ROW_GOAL_EXPECTED, GOAL_EXPECTED_LABEL), (ROW_GOAL_ACTUAL, GOAL_ACTUAL_LABEL)):
        _label(ws, f"B{row}", label)
        _value(
            ws, f"C{row}", f"{last}{row}", align=Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
        )
        ws.row_dimensions[row].height = GOAL_HEIGHT

    _build_indicators(ws, layout)
    _build_footer(ws, layout)

    for key, formula in formulas(layout).items():
        ws[layout.computed[key]].value = formula

    _borders(ws, layout)
    _unlock_inputs(ws, layout)
    _validations(ws, layout)
    _hints(ws, layout)
    _print_setup(ws, layout)
    ws.protection = _protection()


def _build_funds(ws: Worksheet) -> None:
    header, first, last_row = ROW_FUNDS_HEADER, FUNDS_LINE_TO_ROW["total"], FUNDS_LINE_TO_ROW["other"]
    # broken before the bracket: 「项目资金 / （万元）」, never 「项目资金（万 / 元）」 (readers join the lines)
    _label(ws, f"A{header}", FUNDS_LABEL.replace("（", "\n（", 1), f"A{last_row}")
    _label(ws, f"B{header}", "")
    for key, column in FUNDS_KEY_TO_COLUMN.items():
        _label(ws, f"{column}{header}", FUNDS_KEY_TO_LABEL[key])
    for line, row in FUNDS_LINE_TO_ROW.items():
        _label(ws, f"B{row}", FUNDS_LINE_TO_LABEL[line])
        for key in ("initial", "budget", "executed"):
            _value(ws, f"{FUNDS_KEY_TO_COLUMN[key]}{row}", align=RIGHT, fmt=AMOUNT_FORMAT)
        if row != first:
            for key in ("weight", "rate", "score"):
                _cell(ws, f"{FUNDS_KEY_TO_COLUMN[key]}{row}", fill=UNUSED_SOLID)
    weight = f"{FUNDS_KEY_TO_COLUMN['weight']}{first}"
    _value(ws, weight, align=RIGHT, fmt=SCORE_FORMAT)
    ws[weight].value = DEFAULT_EXECUTION_WEIGHT
    _cell(ws, f"{FUNDS_KEY_TO_COLUMN['rate']}{first}", fill=COMPUTED_SOLID, align=RIGHT, fmt=RATE_FORMAT)
    _cell(ws, f"{FUNDS_KEY_TO_COLUMN['score']}{first}", fill=COMPUTED_SOLID, align=RIGHT, fmt=SCORE_FORMAT)
    for row in range(header, last_row + 1):
        ws.row_dimensions[row].height = ROW_HEIGHT


def _build_indicators(ws: Worksheet, layout: SheetLayout) -> None:
    header = ROW_INDICATOR_HEADER
    for key, column in INDICATOR_KEY_TO_COLUMN.items():
        _label(ws, f"{column}{header}", INDICATOR_KEY_TO_TEMPLATE_HEADER[key])
    ws.row_dimensions[header].height = ROW_HEIGHT * 1.4
    for level1, span in layout.block_spans.items():
        _cell(ws, f"A{span.first}", level1, align=CENTER)
        if span.last > span.first:
            ws.merge_cells(span.range("A"))
    for group, span in zip(layout.groups, layout.group_spans, strict=False):
        _cell(ws, f"B{span.first}", group.level2, align=CENTER)
        if span.last > span.first:
            ws.merge_cells(span.range("B"))
    for row in layout.indicator_rows():
        ws.row_dimensions[row].height = INDICATOR_HEIGHT
        for key in ("name", "target", "actual", "deviation"):
            _cell(ws, layout.indicator_cell(key, row), align=LEFT if key in ("name", "deviation") else CENTER)
        for key in ("weight", "score"):
            _cell(ws, layout.indicator_cell(key, row), align=RIGHT, fmt=SCORE_FORMAT)


def _build_footer(ws: Worksheet, layout: SheetLayout) -> None:
    c = layout.cells
    rows = [
        (layout.row_total, TOTAL_SCORE_LABEL, "weight_total", "total", SCORE_FORMAT),
        (
            layout.row_execution_subtotal,
            EXECUTION_SUBTOTAL_LABEL,
            "subtotal.execution.weight",
            "subtotal.execution.score",
            SUBTOTAL_FORMAT,
        ),
    ]
    rows += [
        (
            row,
            LEVEL1_TO_SUBTOTAL_LABEL[level1],
            f"subtotal.{level1}.weight",
            f"subtotal.{level1}.score",
            SUBTOTAL_FORMAT,
        )
        for level1, row in layout.subtotal_rows.items()
    ]
    for row, label, weight_key, score_key, fmt in rows:
        _label(ws, f"A{row}", label, f"E{row}")
        _cell(ws, c[weight_key], fill=COMPUTED_SOLID, align=RIGHT, fmt=fmt)
        _cell(ws, c[score_key], fill=COMPUTED_SOLID, align=RIGHT, fmt=fmt)
        _cell(ws, f"H{row}", fill=UNUSED_SOLID)
        ws.row_dimensions[row].height = ROW_HEIGHT
    total_font = Font(name=FONT_NAME, size=11, bold=True)
    ws[c["total"]].font = total_font
    ws[c["weight_total"]].font = total_font

    grade_row = layout.row_grade
    ws.merge_cells(f"A{grade_row}:D{grade_row}")
    _cell(ws, f"A{grade_row}", GRADE_NOTE, font=Font(name=FONT_NAME, size=9), fill=LABEL_SOLID, align=CENTER)
    _label(ws, f"{GRADE_LABEL_COLUMN}{grade_row}", GRADE_LABEL)
    _cell(ws, c["grade"], font=total_font, fill=COMPUTED_SOLID, align=CENTER)
    ws.merge_cells(f"{c['grade']}:{LAST_COLUMN}{grade_row}")
    ws.row_dimensions[grade_row].height = ROW_HEIGHT

    row = layout.row_filler
    _label(ws, f"A{row}", FILLER_LABEL)
    _value(ws, c["filler"], align=CENTER)
    _label(ws, f"C{row}", PHONE_LABEL)
    _value(ws, c["phone"], align=CENTER)
    _label(ws, f"E{row}", DATE_LABEL)
    _value(ws, c["date"], f"{LAST_COLUMN}{row}", align=CENTER, fmt="yyyy-mm-dd")
    ws.row_dimensions[row].height = ROW_HEIGHT


def _borders(ws: Worksheet, layout: SheetLayout) -> None:
    boxed = [
        f"A{ROW_YEAR}:B{ROW_YEAR}",
        f"E{ROW_YEAR}:{LAST_COLUMN}{ROW_YEAR}",
        f"A{ROW_NAME}:{LAST_COLUMN}{layout.last_row}",
    ]
    for ref in boxed:
        for address in _cells(ref):
            ws[address].border = BORDER


def _unlock_inputs(ws: Worksheet, layout: SheetLayout) -> None:
    for ref in layout.input_ranges:
        for address in _cells(ref):
            ws[address].protection = UNLOCKED
    # Excel deletes rows of a protected sheet only when every cell of them is unlocked: the
    # indicator rows are unlocked whole (the row's format covers the columns right of H).
    for row in layout.indicator_rows():
        ws.row_dimensions[row].protection = UNLOCKED


def _validations(ws: Worksheet, layout: SheetLayout) -> None:
    def add(dv: DataValidation, *refs: str) -> None:
        for ref in refs:
            dv.add(ref)
        ws.add_data_validation(dv)

    def number(minimum: float, maximum: float | None, message: str, kind: str = "decimal") -> DataValidation:
        return DataValidation(
            type=kind,
            operator="between" if maximum is not None else "greaterThanOrEqual",
            formula1=f"{minimum:g}",
            formula2=None if maximum is None else f"{maximum:g}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入有误",
            error=message,
        )

    def choice(options: Sequence[str] | str, prompt: str) -> DataValidation:
        source = options if isinstance(options, str) else '"' + ",".join(options) + '"'
        return DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="不在列表中",
            error=prompt,
        )

    add(number(2000, 2100, "年度请填写四位数字年份，如 2024。", "whole"), YEAR_CELL)
    for key, (label, _column, _value_range) in CLASSIFICATION_CELLS.items():
        options = CLASSIFICATIONS[label]
        add(choice(options, f"{label}请从列表中选择：{'、'.join(options)}。"), layout.cells[key])
    first, last = FUNDS_LINE_TO_ROW["total"], FUNDS_LINE_TO_ROW["other"]
    add(number(0, None, "项目资金请填写不小于 0 的数字（单位：万元）。"), f"C{first}:E{last}")
    add(number(0, 100, "分值请填写 0 到 100 之间的数字。"), layout.cells["funds.weight"])
    span = layout.indicator_span
    add(number(0, 100, "分值和得分请填写 0 到 100 之间的数字。"), span.range("F"), span.range("G"))
    add(choice(LEVEL1_NAMES, "一级指标应为：产出指标、效益指标或满意度指标。"), span.range("A"))
    for level1, block in layout.block_spans.items():
        if level1 in LEVEL2_BY_LEVEL1:
            allowed = "、".join(LEVEL2_BY_LEVEL1[level1])
            add(choice(f"INDIRECT($A${block.first})", f"{level1}下的二级指标应为：{allowed}。"), block.range("B"))


def _hints(ws: Worksheet, layout: SheetLayout) -> None:
    """Native conditional formats: clerks without the add-in still see the obvious problems."""
    first = layout.first_indicator_row
    span = layout.indicator_span
    f, g, h = f"F{first}", f"G{first}", f"H{first}"
    ws.conditional_formatting.add(
        span.range("G"),
        FormulaRule(formula=[f"AND(ISNUMBER({g}),ISNUMBER({f}),{g}>{f})"], fill=ERROR_SOLID),
    )
    ws.conditional_formatting.add(
        span.range("H"),
        FormulaRule(formula=[f"AND(ISNUMBER({g}),ISNUMBER({f}),{g}<{f},LEN(TRIM({h}))=0)"], fill=WARNING_SOLID),
    )
    weight_total = layout.cells["weight_total"]
    ws.conditional_formatting.add(
        weight_total,
        FormulaRule(formula=[f"AND(ISNUMBER({weight_total}),ABS({weight_total}-100)>0.005)"], fill=ERROR_SOLID),
    )
    top, bottom = FUNDS_LINE_TO_ROW["total"], FUNDS_LINE_TO_ROW["other"]
    ws.conditional_formatting.add(
        f"C{top}:E{top}",
        FormulaRule(
            formula=[f"AND(COUNT(C{top + 1}:C{bottom})>0,ABS(N(C{top})-SUM(C{top + 1}:C{bottom}))>0.005)"],
            fill=ERROR_SOLID,
        ),
    )
    ws.conditional_formatting.add(
        f"E{top}:E{bottom}",
        FormulaRule(formula=[f"AND(ISNUMBER(E{top}),ISNUMBER(D{top}),E{top}>D{top}+0.005)"], fill=ERROR_SOLID),
    )


def _page(ws: Worksheet, *, landscape: bool = False, title_rows: str | None = None) -> None:
    """A4, fit to the page width (as many pages down as needed), centred, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_FOOTER


def _print_setup(ws: Worksheet, layout: SheetLayout) -> None:
    _page(ws, title_rows=PRINT_TITLE_ROWS)
    ws.print_area = f"{FIRST_COLUMN}1:{LAST_COLUMN}{layout.last_row}"


# --- the other sheets ------------------------------------------------------------------


def build_guide_sheet(ws: Worksheet) -> None:
    """填表说明: how to fill the form, the grade bands and the rule codes."""
    for column, width in GUIDE_COLUMNS.items():
        ws.column_dimensions[column].width = width
    ws.sheet_view.showGridLines = False
    ws.merge_cells("A1:C1")
    _cell(ws, "A1", guide.GUIDE_TITLE, font=TITLE_FONT, align=Alignment(horizontal="center"))
    row = 3

    def heading(text: str) -> None:
        nonlocal row
        ws.merge_cells(f"A{row}:C{row}")
        _cell(ws, f"A{row}", text, font=Font(name=FONT_NAME, size=12, bold=True), align=LEFT)
        ws.row_dimensions[row].height = 20
        row += 1

    def line(text: str) -> None:
        nonlocal row
        ws.merge_cells(f"A{row}:C{row}")
        _cell(ws, f"A{row}", text)
        ws.row_dimensions[row].height = fit_height([(text, GUIDE_WIDTH)], 16)
        row += 1

    heading(guide.HOW_TO_FILL_HEADING)
    for text in guide.HOW_TO_FILL:
        line(text)
    row += 1
    heading(guide.SCORING_HEADING)
    for text in guide.SCORING_NOTES:
        line(text)
    for grade, band in guide.GRADE_BANDS:
        _label(ws, f"A{row}", grade)
        ws.merge_cells(f"B{row}:C{row}")
        _cell(ws, f"B{row}", band)
        for address in (f"A{row}", f"B{row}", f"C{row}"):
            ws[address].border = BORDER
        row += 1
    row += 1
    heading(guide.RULES_HEADING)
    for address, text in zip((f"A{row}", f"B{row}", f"C{row}"), guide.RULES_COLUMNS, strict=True):
        _label(ws, address, text)
        ws[address].border = BORDER
    row += 1
    for code, severity, meaning in guide.rule_lines():
        for address, text, align in (
            (f"A{row}", code, CENTER),
            (f"B{row}", severity, CENTER),
            (f"C{row}", meaning, LEFT),
        ):
            _cell(ws, address, text, align=align)
            ws[address].border = BORDER
        ws.row_dimensions[row].height = fit_height([(meaning, GUIDE_COLUMNS["C"])], 16)
        row += 1
    row += 1
    line(PROTECTION_NOTE)
    _page(ws)
    ws.print_area = f"A1:C{row - 1}"
    ws.protection = _protection()


def build_index_sheet(
    ws: Worksheet, sheet_names: Sequence[str], layout: SheetLayout | Sequence[SheetLayout] = DEFAULT_LAYOUT
) -> None:
    """目录: one live row per project sheet (formulas into the sheet) and a link to it."""
    layouts = [layout] * len(sheet_names) if isinstance(layout, SheetLayout) else list(layout)
    for column, width in INDEX_WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.sheet_view.showGridLines = False
    last = column_letters(len(INDEX_COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    _cell(ws, "A1", INDEX_TITLE, font=TITLE_FONT, align=Alignment(horizontal="center"))
    for column, header in INDEX_COLUMNS.values():
        _label(ws, f"{column}{INDEX_HEADER_ROW}", header)
        ws[f"{column}{INDEX_HEADER_ROW}"].border = BORDER
    for i, (name, sheet_layout) in enumerate(zip(sheet_names, layouts, strict=False)):
        row = INDEX_FIRST_ROW + i
        write_index_row(ws, row, i + 1, name, sheet_layout)
    ws.row_dimensions[1].height = TITLE_HEIGHT
    ws.row_dimensions[INDEX_HEADER_ROW].height = ROW_HEIGHT
    _page(ws, landscape=False, title_rows=f"1:{INDEX_HEADER_ROW}")
    ws.print_area = f"A1:{last}{max(INDEX_HEADER_ROW, INDEX_FIRST_ROW + len(sheet_names) - 1)}"
    ws.protection = _protection()


def write_index_row(ws: Worksheet, row: int, number: int, sheet: str, layout: SheetLayout = DEFAULT_LAYOUT) -> None:
    """One 目录 row for project sheet `sheet`."""
    col = {key: column for key, (column, _header) in INDEX_COLUMNS.items()}
    shown = index_row_formulas(sheet, layout.cells)
    _cell(ws, f"{col['number']}{row}", number, align=CENTER)
    link = _cell(
        ws,
        f"{col['sheet']}{row}",
        font=Font(name=FONT_NAME, size=10, color=LINK_COLOUR, underline="single"),
        align=WRAP_TOP,
    )
    put_value(link, sheet)
    link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{sheet_ref(sheet)}A1", display=sheet)
    _cell(ws, f"{col['name']}{row}", shown["name"], align=WRAP_TOP)
    _cell(ws, f"{col['total']}{row}", shown["total"], align=RIGHT, fmt=SCORE_FORMAT)
    _cell(ws, f"{col['grade']}{row}", shown["grade"], align=CENTER)
    _cell(ws, f"{col['status']}{row}", shown["status"], align=WRAP_TOP)
    for column, _header in INDEX_COLUMNS.values():
        ws[f"{column}{row}"].border = BORDER


def build_codes_sheet(ws: Worksheet, workbook: Workbook) -> None:
    """代码表: the lists behind the dropdowns; each 一级's 二级 list is a defined name for INDIRECT."""
    _cell(ws, "A1", "一级指标", font=LABEL_FONT)
    for i, level1 in enumerate(LEVEL1_NAMES, start=2):
        ws[f"A{i}"] = level1
    for offset, level1 in enumerate(LEVEL1_NAMES):
        column = column_letters(2 + offset)
        _cell(ws, f"{column}1", level1, font=LABEL_FONT)
        names = LEVEL2_BY_LEVEL1[level1]
        for i, level2 in enumerate(names, start=2):
            ws[f"{column}{i}"] = level2
        ref = f"'{SHEET_CODES}'!${column}$2:${column}${1 + len(names)}"
        workbook.defined_names[level1] = DefinedName(level1, attr_text=ref)
    for offset, (label, options) in enumerate(CLASSIFICATIONS.items()):
        column = column_letters(2 + len(LEVEL1_NAMES) + offset)
        _cell(ws, f"{column}1", label, font=LABEL_FONT)
        for i, option in enumerate(options, start=2):
            ws[f"{column}{i}"] = option
    column = column_letters(2 + len(LEVEL1_NAMES) + len(CLASSIFICATIONS))
    _cell(ws, f"{column}1", GRADE_LABEL, font=LABEL_FONT)
    for i, (grade, band) in enumerate(guide.GRADE_BANDS, start=2):
        ws[f"{column}{i}"] = f"{grade}：{band}"
    for index in range(1, 2 + len(LEVEL1_NAMES) + len(CLASSIFICATIONS) + 1):
        ws.column_dimensions[column_letters(index)].width = 22
    ws.sheet_state = "veryHidden"  # the dropdowns read it; a clerk cannot unhide and edit it
    ws.protection = _protection()


# --- the workbook ----------------------------------------------------------------------


def build_workbook(sheets: Sequence[tuple[str, SheetLayout]] = ((project_sheet_name(1), DEFAULT_LAYOUT),)) -> Workbook:
    """A template workbook with one empty project sheet per (name, layout)."""
    wb = Workbook()
    build_guide_sheet(wb.active)
    wb.active.title = SHEET_GUIDE
    index = wb.create_sheet(SHEET_INDEX)
    build_index_sheet(index, [name for name, _ in sheets], [layout for _, layout in sheets])
    for name, layout in sheets:
        build_project_sheet(wb.create_sheet(name), layout)
    build_codes_sheet(wb.create_sheet(SHEET_CODES), wb)
    master = wb.create_sheet(SHEET_MASTER)
    build_project_sheet(master)
    master.sheet_state = "veryHidden"  # only the add-in copies it; a clerk cannot unhide it
    master.print_area = None  # an explicit print area makes LibreOffice print even a hidden sheet
    active = 2 if sheets else 0
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == active
    wb.active = active
    return wb


DEFAULT_SHEETS: tuple[tuple[str, SheetLayout], ...] = ((project_sheet_name(1), DEFAULT_LAYOUT),)


def build_template(path: Path = DEFAULT_TEMPLATE_PATH) -> Path:
    """Write the committed template (one empty project sheet) to `path`, replacing it."""
    return save(build_workbook(DEFAULT_SHEETS), DEFAULT_SHEETS, path, force=True)
