"""Geometry of the workbook template: the one place that knows where things are.

A project sheet is eight columns wide (A–H) and reads top to bottom like the paper form:
title, 年度 and 校验状态, identity, classification, 项目资金（万元）, 年度总体目标, the indicator
table (one block per 一级指标, one group of rows per 二级指标), then 总分, the subtotals,
自评等级 and the filler line. Only the indicator table changes size: a `SheetLayout` is built
from the number of rows of each (一级, 二级) group and derives every address from that.

The labels it places are `vocabulary`'s (the SPEC §1 labels), so `grid` reads the sheet back
like any other form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .model import (
    BENEFIT,
    EXECUTION_WEIGHT,
    LEVEL1_NAMES,
    LEVEL2_BY_LEVEL1,
    OUTPUT,
    SATISFACTION,
)
from .textfit import fit_height
from .vocabulary import COMPUTED_KEYS, FIELD_KEY_TO_CLASSIFICATION_LABEL, PROJECT_SHEET_PREFIX, RESERVED_SHEETS

TEMPLATE_FILENAME = "项目支出绩效自评表.xlsx"  # under workbook/

SHEET_NAME_MAX = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")


def is_project_sheet(name: str) -> bool:
    """Whether a sheet of a template workbook holds a project form (every non-reserved sheet)."""
    return name.strip() not in RESERVED_SHEETS


def project_sheet_name(number: int) -> str:
    """The default name of the n-th project sheet: 项目1, 项目2, …"""
    return f"{PROJECT_SHEET_PREFIX}{number}"


# What a clerk may still do on a protected sheet (protected without a password): add and
# remove indicator rows and format cells. Names are openpyxl's SheetProtection fields; the
# Excel layer maps them to COM's Protect(Allow…) when it protects a sheet again.
PROTECTION_ALLOWS: tuple[str, ...] = ("insertRows", "deleteRows", "formatCells", "formatColumns", "formatRows")


# --- columns ---------------------------------------------------------------------------

FIRST_COLUMN = "A"
LAST_COLUMN = "H"
GRADE_LABEL_COLUMN = "E"  # 自评等级 right next to the grade cell, so a reader finds it even when empty
COLUMN_WIDTHS: dict[str, float] = {
    "A": 10,
    "B": 15,
    "C": 19,
    "D": 13,
    "E": 13,
    "F": 9,
    "G": 9,
    "H": 26,
}
INDICATOR_KEY_TO_COLUMN: dict[str, str] = {
    "level1": "A",
    "level2": "B",
    "name": "C",
    "target": "D",
    "actual": "E",
    "weight": "F",
    "score": "G",
    "deviation": "H",
}
# 项目资金（万元）: A holds the block label, B the line labels, C–H the columns.
FUNDS_KEY_TO_COLUMN: dict[str, str] = {
    "initial": "C",
    "budget": "D",
    "executed": "E",
    "weight": "F",
    "rate": "G",
    "score": "H",
}
FUNDS_LINE_KEYS: tuple[str, ...] = ("total", "fiscal", "carryover", "other")

# --- row heights (points) -------------------------------------------------------------
# A row is at least as high as below, and as high as its longest text needs (`textfit`):
# Excel never fits a row to merged cells, so whoever writes or checks a sheet sets it.

ROW_HEIGHT = 22
TITLE_HEIGHT = 34
GOAL_HEIGHT = 60
INDICATOR_HEIGHT = 28
FORM_FONT_SIZE = 10.0  # the body text of a project sheet
GOAL_VALUE_COLUMNS = "CDEFGH"  # 预期目标 / 实际完成情况 are merged over these
# Merged value cells of the identity rows: key of `SheetLayout.cells` → the columns it spans.
IDENTITY_SPANS: dict[str, str] = {"name": "BCDEFGH", "department": "BC", "unit": "EFGH"}


def span_width(columns: str) -> float:
    """Width of a merged cell over `columns`, in column units."""
    return sum(COLUMN_WIDTHS[c] for c in columns)


def goal_height(text: str) -> float:
    """Height of a 预期目标 or 实际完成情况 row holding `text`."""
    return fit_height([(text, span_width(GOAL_VALUE_COLUMNS))], GOAL_HEIGHT, FORM_FONT_SIZE)


def indicator_height(texts: dict[str, object]) -> float:
    """Height of an indicator row: `texts` maps INDICATOR_KEY_TO_COLUMN keys to the row's values."""
    return fit_height(
        [
            (text, COLUMN_WIDTHS[INDICATOR_KEY_TO_COLUMN[key]])
            for key, text in texts.items()
            if key in INDICATOR_KEY_TO_COLUMN
        ],
        INDICATOR_HEIGHT,
        FORM_FONT_SIZE,
    )


def identity_height(texts: dict[str, object]) -> float:
    """Height of an identity row: `texts` maps IDENTITY_SPANS keys to their values."""
    return fit_height(
        [(text, span_width(IDENTITY_SPANS[key])) for key, text in texts.items()], ROW_HEIGHT, FORM_FONT_SIZE
    )


# --- fixed rows above the indicator table ----------------------------------------------

ROW_TITLE = 1
ROW_YEAR = 2  # 年度 and 校验状态
ROW_NAME = 3
ROW_DEPARTMENT = 4  # 主管部门 and 实施单位
ROW_CLASS = 5  # 项目类别, 项目属性, 项目类型
ROW_FUNDS_HEADER = 6
FUNDS_LINE_TO_ROW: dict[str, int] = {"total": 7, "fiscal": 8, "carryover": 9, "other": 10}
ROW_GOAL_EXPECTED = 11
ROW_GOAL_ACTUAL = 12
ROW_INDICATOR_HEADER = 13
FIRST_INDICATOR_ROW = 14
PRINT_TITLE_ROWS = f"{ROW_TITLE}:{ROW_YEAR}"

# 校验状态 sits right of the form, outside the print area (A:H): on screen, never on paper.
STATUS_LABEL_CELL = f"J{ROW_YEAR}"
STATUS_CELL = f"K{ROW_YEAR}"  # merged K:L; written only by the add-in
STATUS_LAST_CELL = f"L{ROW_YEAR}"
STATUS_COLUMN_WIDTHS: dict[str, float] = {"I": 2, "J": 10, "K": 16, "L": 16}
YEAR_CELL = f"B{ROW_YEAR}"

# Classification: label column → value cell (merged to the right where wide enough).
CLASSIFICATION_CELLS: dict[str, tuple[str, str, str]] = {
    # field key: (label, label column, value range)
    key: (FIELD_KEY_TO_CLASSIFICATION_LABEL[key], label_column, value_range)
    for key, label_column, value_range in (("category", "A", "B:C"), ("attribute", "D", "E:E"), ("kind", "F", "G:H"))
}

DEFAULT_BLANK_ROWS = 2  # empty indicator rows per 二级指标 in a fresh sheet
DEFAULT_EXECUTION_WEIGHT = EXECUTION_WEIGHT  # pre-filled 分值 of 年度资金总额
LEVEL1_ORDER: tuple[str, ...] = (OUTPUT, BENEFIT, SATISFACTION)

# 目录: one row per project sheet below the header row.
INDEX_HEADER_ROW = 2
INDEX_FIRST_ROW = 3
INDEX_COLUMNS: dict[str, tuple[str, str]] = {
    # key: (column, header)
    "number": ("A", "序号"),
    "sheet": ("B", "工作表"),  # the sheet name, hyperlinked to the sheet
    "name": ("C", "项目"),
    "total": ("D", "总分"),
    "grade": ("E", "自评等级"),
    "status": ("F", "校验状态"),
}
INDEX_WIDTHS: dict[str, float] = {"A": 6, "B": 18, "C": 34, "D": 8, "E": 9, "F": 24}  # 目录, portrait A4


def index_height(sheet: str, name: str) -> float:
    """Height of the 目录 row of sheet `sheet` holding project `name` (both wrap)."""
    col = {key: column for key, (column, _header) in INDEX_COLUMNS.items()}
    return fit_height([(sheet, INDEX_WIDTHS[col["sheet"]]), (name, INDEX_WIDTHS[col["name"]])], ROW_HEIGHT)


# --- the indicator table and everything below it ---------------------------------------


@dataclass(frozen=True)
class Group:
    """The rows of one 二级指标 inside its 一级指标 block."""

    level1: str
    level2: str
    rows: int = DEFAULT_BLANK_ROWS


def default_groups(rows: int = DEFAULT_BLANK_ROWS) -> tuple[Group, ...]:
    """Every 二级指标 of SPEC §2 in form order, each with `rows` blank rows."""
    return tuple(Group(level1, level2, rows) for level1 in LEVEL1_ORDER for level2 in LEVEL2_BY_LEVEL1[level1])


@dataclass(frozen=True)
class Span:
    """Rows first..last (inclusive) of a block or group."""

    first: int
    last: int

    def range(self, column: str) -> str:
        return f"{column}{self.first}:{column}{self.last}"


@dataclass(frozen=True)
class SheetLayout:
    """Every address of one project sheet, derived from its indicator groups.

    Groups of one 一级指标 must be adjacent (one merged 一级 cell per block).
    """

    groups: tuple[Group, ...] = field(default_factory=default_groups)

    def __post_init__(self) -> None:
        seen: list[str] = []
        for group in self.groups:
            if group.rows < 1:
                raise ValueError(f"group {group.level1}/{group.level2} needs at least one row")
            if seen and seen[-1] != group.level1 and group.level1 in seen:
                raise ValueError(f"groups of {group.level1} are not adjacent")
            if not seen or seen[-1] != group.level1:
                seen.append(group.level1)

    # indicator table

    @cached_property
    def group_spans(self) -> tuple[Span, ...]:
        spans, row = [], FIRST_INDICATOR_ROW
        for group in self.groups:
            spans.append(Span(row, row + group.rows - 1))
            row += group.rows
        return tuple(spans)

    @cached_property
    def block_spans(self) -> dict[str, Span]:
        """一级指标 → its rows, in form order."""
        blocks: dict[str, Span] = {}
        for group, span in zip(self.groups, self.group_spans, strict=False):
            if group.level1 in blocks:
                blocks[group.level1] = Span(blocks[group.level1].first, span.last)
            else:
                blocks[group.level1] = span
        return blocks

    @property
    def first_indicator_row(self) -> int:
        return FIRST_INDICATOR_ROW

    @cached_property
    def last_indicator_row(self) -> int:
        return FIRST_INDICATOR_ROW + sum(group.rows for group in self.groups) - 1

    @property
    def indicator_span(self) -> Span:
        return Span(self.first_indicator_row, self.last_indicator_row)

    def indicator_rows(self) -> range:
        return range(self.first_indicator_row, self.last_indicator_row + 1)

    def indicator_cell(self, key: str, row: int) -> str:
        """Address of field `key` (INDICATOR_KEY_TO_COLUMN) of indicator row `row`."""
        return f"{INDICATOR_KEY_TO_COLUMN[key]}{row}"

    # rows below the table

    @property
    def row_total(self) -> int:
        return self.last_indicator_row + 1

    @property
    def row_grade(self) -> int:
        return self.row_total + 1

    @property
    def row_execution_subtotal(self) -> int:
        return self.row_total + 2

    @cached_property
    def subtotal_rows(self) -> dict[str, int]:
        """一级指标 (of SPEC §2) → its 小计 row."""
        return {level1: self.row_execution_subtotal + 1 + i for i, level1 in enumerate(LEVEL1_NAMES)}

    @property
    def row_filler(self) -> int:
        return self.row_execution_subtotal + len(LEVEL1_NAMES) + 1

    @property
    def last_row(self) -> int:
        return self.row_filler

    # addresses by field key (the keys of Project.cells)

    @cached_property
    def cells(self) -> dict[str, str]:
        """Field key → value cell, for every input and computed field of the form."""
        cells = {
            "year": YEAR_CELL,
            "status": STATUS_CELL,
            "name": f"B{ROW_NAME}",
            "department": f"B{ROW_DEPARTMENT}",
            "unit": f"E{ROW_DEPARTMENT}",
            "goal.expected": f"C{ROW_GOAL_EXPECTED}",
            "goal.actual": f"C{ROW_GOAL_ACTUAL}",
            "indicators": f"A{ROW_INDICATOR_HEADER}",
            "total": f"G{self.row_total}",
            "weight_total": f"F{self.row_total}",
            "grade": f"F{self.row_grade}",
            "filler": f"B{self.row_filler}",
            "phone": f"D{self.row_filler}",
            "date": f"F{self.row_filler}",
        }
        for key, (_label, _column, value_range) in CLASSIFICATION_CELLS.items():
            cells[key] = f"{value_range.split(':')[0]}{ROW_CLASS}"
        for line, row in FUNDS_LINE_TO_ROW.items():
            for column_key in ("initial", "budget", "executed"):
                cells[f"funds.{line}.{column_key}"] = f"{FUNDS_KEY_TO_COLUMN[column_key]}{row}"
        total_row = FUNDS_LINE_TO_ROW["total"]
        for key in ("weight", "rate", "score"):
            cells[f"funds.{key}"] = f"{FUNDS_KEY_TO_COLUMN[key]}{total_row}"
        cells["subtotal.execution.weight"] = f"F{self.row_execution_subtotal}"
        cells["subtotal.execution.score"] = f"G{self.row_execution_subtotal}"
        for level1, row in self.subtotal_rows.items():
            cells[f"subtotal.{level1}.weight"] = f"F{row}"
            cells[f"subtotal.{level1}.score"] = f"G{row}"
        return cells

    @cached_property
    def computed(self) -> dict[str, str]:
        """Computed key → cell holding a formula (the add-in must never write these)."""
        keys = ["title", *COMPUTED_KEYS, "weight_total"]
        keys += ["subtotal.execution.weight", "subtotal.execution.score"]
        keys += [f"subtotal.{l1}.{part}" for l1 in LEVEL1_NAMES for part in ("weight", "score")]
        cells = dict(self.cells, title=f"A{ROW_TITLE}")
        return {key: cells[key] for key in keys}

    @cached_property
    def input_ranges(self) -> tuple[str, ...]:
        """Every range a clerk types into (unlocked); no computed or reserved cell is inside."""
        last = LAST_COLUMN
        ranges = [
            YEAR_CELL,
            f"B{ROW_NAME}:{last}{ROW_NAME}",
            f"B{ROW_DEPARTMENT}:C{ROW_DEPARTMENT}",
            f"E{ROW_DEPARTMENT}:{last}{ROW_DEPARTMENT}",
        ]
        ranges += [
            f"{r.split(':')[0]}{ROW_CLASS}:{r.split(':')[1]}{ROW_CLASS}" for _l, _c, r in CLASSIFICATION_CELLS.values()
        ]
        first_funds, last_funds = FUNDS_LINE_TO_ROW["total"], FUNDS_LINE_TO_ROW["other"]
        ranges.append(f"C{first_funds}:E{last_funds}")
        ranges.append(self.cells["funds.weight"])
        ranges.append(f"C{ROW_GOAL_EXPECTED}:{last}{ROW_GOAL_EXPECTED}")
        ranges.append(f"C{ROW_GOAL_ACTUAL}:{last}{ROW_GOAL_ACTUAL}")
        ranges.append(f"A{self.first_indicator_row}:{last}{self.last_indicator_row}")
        row = self.row_filler
        ranges += [f"B{row}", f"D{row}", f"F{row}:{last}{row}"]
        return tuple(ranges)


DEFAULT_LAYOUT = SheetLayout()


def layout_for(counts: dict[tuple[str, str], int], order: list[tuple[str, str]] | None = None) -> SheetLayout:
    """A layout with room for `counts[(一级, 二级)]` indicators in each group.

    Every group of SPEC §2 keeps at least DEFAULT_BLANK_ROWS rows. Groups outside the
    taxonomy (kept so validation can report them) get rows too, in `order` of appearance:
    a blank 一级 block goes first in the table and a blank 二级 group first in its block,
    because a blank merged cell reads as "same as above".
    """
    known = {(g.level1, g.level2) for g in default_groups()}
    extras = list(dict.fromkeys(key for key in (order or []) if key not in known))

    def extra_groups(level1: str) -> list[Group]:
        keys = [key for key in extras if key[0] == level1]
        keys.sort(key=lambda key: key[1] != "")
        return [Group(l1, l2, max(1, counts.get((l1, l2), 0))) for l1, l2 in keys]

    groups = extra_groups("")
    for level1 in LEVEL1_ORDER:
        blank_level2 = [g for g in extra_groups(level1) if not g.level2]
        named = [g for g in extra_groups(level1) if g.level2]
        groups += blank_level2
        for level2 in LEVEL2_BY_LEVEL1[level1]:
            groups.append(Group(level1, level2, max(DEFAULT_BLANK_ROWS, counts.get((level1, level2), 0))))
        groups += named
    for level1 in dict.fromkeys(l1 for l1, _ in extras if l1 and l1 not in LEVEL1_ORDER):
        groups += extra_groups(level1)
    return SheetLayout(tuple(groups))
