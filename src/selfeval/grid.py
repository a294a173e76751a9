"""The one reader: a 2-D grid of cell values (+ addresses) → Project (SPEC §1).

Label-driven, not position-driven: sections are found by their labels and synonyms, the
value of a label is the next non-empty cell to its right (or below, where the form puts it
there), and every field remembers the cell it came from so findings can point at it.

The grid is scanned once: the head (identity, classification, funds, goal) up to the
indicator header, the indicator table row by row up to 「总分」/「合计」 or the next section,
and a short tail (总分, 自评等级, 填报人 …) after it. Large sheets cost one pass at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .cellvalues import (
    cell_text,
    choose_option,
    is_blank,
    normalize_label,
    parse_number,
    parse_rate,
    parse_year,
    squash,
)
from .model import (
    CLASSIFICATIONS,
    LEVEL1_NAMES,
    LEVEL1_OF_LEVEL2,
    SERVICE_SATISFACTION,
    Finding,
    Funds,
    FundsLine,
    Goal,
    Indicator,
    Project,
    Severity,
)

HEAD_ROWS = 300  # the form's head (title … indicator header) lies within these rows
TAIL_ROWS = 60  # rows after the indicator table searched for 总分, 自评等级, 填报人 …
MAX_COLS = 100  # columns searched for labels and their values
MAX_LABEL_LEN = 60  # longer texts are never labels (titles included)
FUNDS_ROWS = 8  # rows below the funds header searched for its lines


_A1 = re.compile(r"^([A-Z]{1,3})(\d+)$")


@lru_cache(maxsize=1024)
def column_letters(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Grid:
    """A sheet's cell values as one bulk read gives them, and where they sit on the sheet."""

    rows: list[list[object]]
    sheet: str | None = None  # worksheet name; None for non-workbook sources
    source: str = ""  # file path or origin
    first_row: int = 1  # sheet row of rows[0] (1-based)
    first_col: int = 1  # sheet column of rows[0][0] (1-based)

    def address(self, r: int, c: int) -> str:
        """A1 address of rows[r][c]."""
        return f"{column_letters(self.first_col + c)}{self.first_row + r}"

    def value_at(self, address: str) -> object:
        """The value at an A1 address (inverse of `address`); None outside the grid."""
        match = _A1.match(address)
        if match is None:
            return None
        col = 0
        for letter in match.group(1):
            col = col * 26 + ord(letter) - 64
        r, c = int(match.group(2)) - self.first_row, col - self.first_col
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None


class FormError(Exception):
    """The sheet looks like a form but cannot be read (X03): a Chinese reason and the cell."""

    def __init__(self, reason: str, cell: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cell = cell


# --- the form's vocabulary (normalised labels) ------------------------------------------

FIELD_LABELS: dict[str, str] = {
    "项目名称": "name",
    "主管部门": "department",
    "主管单位": "department",
    "主管部门及代码": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "年度": "year",
    "项目年度": "year",
    "评价年度": "year",
    "预算年度": "year",
    "项目类别": "category",
    "项目属性": "attribute",
    "项目类型": "kind",
    "项目资金": "funds",
    "年度总体目标": "goal",
    "总体目标": "goal",
    "预期目标": "goal.expected",
    "实际完成情况": "goal.actual",
    "总分": "total",
    "合计": "total",
    "自评等级": "grade",
    "评价等级": "grade",
    "填报人": "filler",
    "联系电话": "phone",
    "填报日期": "date",
    "校验状态": "status",
    "绩效指标": "section",
    "年度绩效目标": "section",
    "年度绩效指标": "section",
}
CLASSIFICATION_KEYS: dict[str, str] = {"category": "项目类别", "attribute": "项目属性", "kind": "项目类型"}
# Labels that end the indicator table when met in its label columns.
TABLE_END_KEYS = frozenset({"total", "grade", "filler", "phone", "date", "status", "goal", "funds", "name"})
TAIL_KEYS = frozenset({"total", "grade", "filler", "phone", "date", "status"})

LEVEL_HEADERS = frozenset({"一级指标", "二级指标", "三级指标"})
INDICATOR_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "年度指标值": "target",
    "年初目标值": "target",
    "年度目标值": "target",
    "指标值": "target",
    "目标值": "target",
    "实际完成值": "actual",
    "全年实际值": "actual",
    "实际值": "actual",
    "完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "得分": "score",
    "自评得分": "score",
}
DEVIATION_PREFIX = "偏差"  # 偏差原因分析及改进措施 / …改正措施
COLUMN_NAMES: dict[str, str] = {
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "score": "得分",
}
REQUIRED_COLUMNS = ("name", "target", "actual", "score")

FUNDS_COLUMN_LABELS: dict[str, str] = {
    "年初预算数": "initial",
    "全年预算数": "budget",
    "全年执行数": "executed",
    "分值": "weight",
    "执行率": "rate",
    "得分": "score",
}
FUNDS_LINE_LABELS: dict[str, str] = {
    "年度资金总额": "total",
    "资金总额": "total",
    "当年财政拨款": "fiscal",
    "本年财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "其他资金": "other",
}

LABELS = frozenset(FIELD_LABELS) | frozenset(INDICATOR_COLUMNS) | frozenset(FUNDS_COLUMN_LABELS) | frozenset(
    FUNDS_LINE_LABELS
) | frozenset(CLASSIFICATIONS)
# First characters of the labels that end the table: a cheap filter before normalising.
_END_FIRST_CHARS = frozenset(label[0] for label, key in FIELD_LABELS.items() if key in TABLE_END_KEYS)

_TITLE = re.compile(r"^(?:(\d{4})年度?)?.*自评表(?:\((\d{4})年度?\))?$")
_YEAR_LINE = re.compile(r"^\((\d{4})年度?\)$")
_SATISFACTION_WORDS = frozenset({"满意度", "满意度指标", "服务对象满意度", "服务对象满意度指标"})


@lru_cache(maxsize=16384)
def _forms(text: str) -> tuple[str, str]:
    """(squashed, normalised label) of a short cell text; cached, forms repeat their labels."""
    flat = squash(text)
    return flat, normalize_label(flat)


@lru_cache(maxsize=16384)
def _title_kind(flat: str) -> tuple[bool, int | None] | None:
    """(is a title, its year) for a title (…自评表, year before or after) or a `(2024年度)` line;
    None for any other text. Cached: the head's texts are met again on every form."""
    match = _TITLE.match(flat)
    if match:
        year = match.group(1) or match.group(2)
        return True, int(year) if year else None
    match = _YEAR_LINE.match(flat)
    return (False, int(match.group(1))) if match else None


def label_of(value: object) -> str | None:
    """The normalised label if `value` is one of the form's labels, else None."""
    if type(value) is not str or not value or len(value) > MAX_LABEL_LEN:
        return None
    norm = _forms(value)[1]
    if norm in LABELS or (norm.startswith(DEVIATION_PREFIX) and len(norm) <= 16):
        return norm
    return None


@lru_cache(maxsize=1024)
def level1_name(text: str) -> str:
    """`产出指标(50分)`, `产出` → 产出指标; unknown text is kept as typed."""
    norm = normalize_label(text)
    if norm in LEVEL1_NAMES:
        return norm
    if norm + "指标" in LEVEL1_NAMES:
        return norm + "指标"
    return text


@lru_cache(maxsize=1024)
def level2_name(text: str) -> str:
    """`数量` → 数量指标, `满意度指标` → 服务对象满意度指标; unknown text is kept as typed."""
    norm = normalize_label(text)
    if norm in LEVEL1_OF_LEVEL2:
        return norm
    if norm + "指标" in LEVEL1_OF_LEVEL2:
        return norm + "指标"
    if norm in _SATISFACTION_WORDS:
        return SERVICE_SATISFACTION
    return text


def parse(grid: Grid) -> Project | None:
    """Read one sheet's grid. None if it is not a form; FormError if it is one that cannot be read."""
    return _Reader(grid).read()


class _Reader:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.rows = grid.rows
        self.hits: dict[str, list[tuple[int, int]]] = {}  # field key → label cells, head first
        self.tail_hits: dict[str, list[tuple[int, int]]] = {}  # the same, after the table
        self.title: tuple[int, int] | None = None
        self.year: tuple[int, int, int] | None = None  # year, r, c
        self.next_form: tuple[int, int] | None = None  # a second 项目名称 after the table

    # --- cells -------------------------------------------------------------------------

    def at(self, r: int, c: int) -> object:
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return None

    def addr(self, r: int, c: int) -> str:
        return self.grid.address(r, c)

    def value(self, r: int, c: int, below: bool = False) -> tuple[object, str]:
        """The value of the label at (r, c): the next non-empty cell to its right, or, for
        labels heading a column (`below`: 预期目标/实际完成情况), the cell under it.

        When empty, the address is the cell a clerk would type into (the one below for
        column labels, else the right neighbour), or the label itself if there is none.
        """
        row = self.rows[r]
        for cc in range(c + 1, min(len(row), MAX_COLS)):
            v = row[cc]
            if is_blank(v):
                continue
            if label_of(v) is not None:
                break
            return v, self.addr(r, cc)
        if below and r + 1 < len(self.rows):
            under = self.at(r + 1, c)
            if label_of(under) is None:
                return (None if is_blank(under) else under), self.addr(r + 1, c)
        if c + 1 < len(row) and is_blank(row[c + 1]):
            return None, self.addr(r, c + 1)
        return None, self.addr(r, c)

    def first(self, key: str) -> tuple[int, int] | None:
        """The first label cell of `key`; for the tail's fields a label after the table wins."""
        found = (self.tail_hits.get(key) if key in TAIL_KEYS else None) or self.hits.get(key)
        return found[0] if found else None

    # --- scanning ----------------------------------------------------------------------

    def note_labels(self, r: int, tail: bool = False) -> bool:
        """Record the field labels of row r (in the tail: only the tail's), and title/year lines.

        Returns whether the row holds an indicator level header (一级/二级/三级指标).
        """
        hits = self.tail_hits if tail else self.hits
        level_header = False
        for c, v in enumerate(self.rows[r][:MAX_COLS]):
            if type(v) is not str or not v or len(v) > MAX_LABEL_LEN:
                continue
            flat, norm = _forms(v)
            if not tail and (self.title is None or self.year is None):
                self.note_title(flat, r, c)
            key = FIELD_LABELS.get(norm)
            if key is not None and (not tail or key in TAIL_KEYS):
                hits.setdefault(key, []).append((r, c))
            elif norm in LEVEL_HEADERS:
                level_header = True
            elif tail and key == "name" and self.next_form is None:
                self.next_form = (r, c)
        return level_header

    def note_title(self, flat: str, r: int, c: int) -> None:
        kind = _title_kind(flat)
        if kind is None:
            return
        is_title, year = kind
        if is_title:
            self.title = self.title or (r, c)
        if year is not None and self.year is None:
            self.year = (year, r, c)

    def header_columns(self, r: int) -> dict[str, int]:
        cols: dict[str, int] = {}
        row = self.rows[r]
        for c, v in enumerate(row[:MAX_COLS]):
            norm = label_of(v)
            if norm is None:
                continue
            key = INDICATOR_COLUMNS.get(norm) or ("deviation" if norm.startswith(DEVIATION_PREFIX) else None)
            if key is not None and key not in cols:
                cols[key] = c
        if "name" not in cols and "level2" in cols:
            # the seed: the 二级 header spans two columns, the right one holds 三级 text
            c = cols["level2"] + 1
            if c not in cols.values() and is_blank(self.at(r, c)):
                cols["name"] = c
        return cols

    def find_header(self) -> tuple[int | None, dict[str, int], tuple[int, dict[str, int]] | None]:
        """Scan the head; (header row, its columns, first incomplete header candidate)."""
        incomplete: tuple[int, dict[str, int]] | None = None
        for r in range(min(len(self.rows), HEAD_ROWS)):
            if not self.note_labels(r):
                continue
            cols = self.header_columns(r)
            if all(key in cols for key in REQUIRED_COLUMNS):
                return r, cols, incomplete
            if incomplete is None:
                incomplete = (r, cols)
        return None, {}, incomplete

    def looks_like_form(self) -> bool:
        if self.title is not None or "goal" in self.hits or "funds" in self.hits:
            return True
        name = self.first("name")
        if name is None:
            return False
        row = self.rows[name[0]]
        for v in row[name[1] + 1 : MAX_COLS]:
            if not is_blank(v):
                return label_of(v) is None
        return False

    # --- reading -----------------------------------------------------------------------

    def read(self) -> Project | None:
        header, cols, incomplete = self.find_header()
        if header is None:
            if not self.looks_like_form():
                return None
            if incomplete is not None:
                r, found = incomplete
                missing = [COLUMN_NAMES[k] for k in REQUIRED_COLUMNS if k not in found]
                raise FormError(
                    f"指标表表头（第 {self.grid.first_row + r} 行）缺少"
                    + "、".join(f"「{m}」" for m in missing)
                    + "列，无法读取指标",
                    self.addr(r, min(found.values(), default=0)),
                )
            name = self.first("name")
            if name is None:
                return None
            raise FormError(
                "有「项目名称」，但没有找到指标表的表头行（「一级指标」「二级指标」「年度指标值」「实际完成值」「得分」）",
                self.addr(*name),
            )
        project = Project(sheet=self.grid.sheet, source=self.grid.source)
        end = self.read_indicators(project, header, cols)
        for r in range(end, min(len(self.rows), end + TAIL_ROWS)):
            self.note_labels(r, tail=True)
        self.read_head(project)
        self.read_tail(project, cols)
        if self.next_form is not None:
            project.notes.append(
                self.note(
                    f"第 {self.grid.first_row + self.next_form[0]} 行起还有一张自评表，未读取；"
                    "请每张工作表只放一张自评表",
                    self.addr(*self.next_form),
                )
            )
        return project

    def read_head(self, project: Project) -> None:
        cells = project.cells
        for key in ("name", "department", "unit"):
            hit = self.first(key)
            if hit is not None:
                v, cells[key] = self.value(*hit)
                setattr(project, key, cell_text(v))
        # the 年度 cell a clerk types into wins over the title, which may be derived from it
        hit = self.first("year")
        if hit is not None:
            v, cells["year"] = self.value(*hit)
            project.year = parse_year(v)
        if project.year is None and self.year is not None:
            project.year, r, c = self.year
            cells["year"] = self.addr(r, c)
        for key, label in CLASSIFICATION_KEYS.items():
            hit = self.first(key)
            if hit is not None:
                text, cells[key] = self.option_text(*hit)
                setattr(project, key, choose_option(text, CLASSIFICATIONS[label]))
        goal = Goal()
        for key, attr in (("goal.expected", "expected"), ("goal.actual", "actual")):
            hit = self.first(key)
            if hit is not None:
                v, cells[key] = self.value(*hit, below=True)
                setattr(goal, attr, cell_text(v))
        project.goal = goal
        hit = self.first("funds")
        if hit is not None:
            cells["funds"] = self.addr(*hit)
            project.funds = self.read_funds(project, *hit)

    def option_text(self, r: int, c: int) -> tuple[str, str]:
        """The classification text right of its label (all cells of the row, joined)."""
        parts: list[str] = []
        where = None
        for cc in range(c + 1, min(len(self.rows[r]), MAX_COLS)):
            v = self.rows[r][cc]
            if is_blank(v):
                continue
            if label_of(v) is not None:
                break
            parts.append(cell_text(v))
            where = where or self.addr(r, cc)
        if where is None:
            _, where = self.value(r, c)
        return " ".join(parts), where

    def read_tail(self, project: Project, cols: dict[str, int]) -> None:
        cells = project.cells
        if "total" not in cells:
            hit = self.first("total")
            if hit is not None:
                v, cells["total"] = self.value(*hit)
                project.stated_total = parse_number(v)[0]
        for key, attr in (("grade", "stated_grade"), ("filler", "filler"), ("phone", "phone"), ("date", "date")):
            hit = self.first(key)
            if hit is not None:
                v, cells[key] = self.value(*hit)
                setattr(project, attr, cell_text(v))
        hit = self.first("status")
        if hit is not None:
            _, cells["status"] = self.value(*hit)

    # --- funds -------------------------------------------------------------------------

    def read_funds(self, project: Project, r0: int, c0: int) -> Funds | None:
        header = None
        for r in range(r0, min(len(self.rows), r0 + 3)):
            found: dict[str, int] = {}
            for c, v in enumerate(self.rows[r][:MAX_COLS]):
                key = FUNDS_COLUMN_LABELS.get(label_of(v) or "")
                if key is not None and key not in found:
                    found[key] = c
            if "budget" in found and "executed" in found:
                header = (r, found)
                break
        if header is None:
            project.notes.append(
                self.note(
                    "「项目资金（万元）」下没有找到「全年预算数」「全年执行数」列，资金部分未读取",
                    self.addr(r0, c0),
                )
            )
            return None
        hr, fcols = header
        funds = Funds()
        cells = project.cells
        first_value_col = min(fcols.values())
        for r in range(hr + 1, min(len(self.rows), hr + 1 + FUNDS_ROWS)):
            row = self.rows[r]
            line = None
            stop = False
            for c in range(min(len(row), first_value_col)):
                norm = label_of(row[c])
                if norm is None:
                    continue
                if norm in FUNDS_LINE_LABELS:
                    line = FUNDS_LINE_LABELS[norm]
                    break
                if FIELD_LABELS.get(norm) not in (None, "funds") or norm in LEVEL_HEADERS:
                    stop = True
                    break
            if stop:
                break
            if line is None or f"funds.{line}.budget" in cells:
                continue
            target = FundsLine()
            for col in ("initial", "budget", "executed"):
                if col not in fcols:
                    continue
                c = fcols[col]
                cells[f"funds.{line}.{col}"] = self.addr(r, c)
                number, raw = parse_number(self.at(r, c))
                setattr(target, col, number)
                if raw is not None:
                    funds.bad_cells[f"{line}.{col}"] = raw
            setattr(funds, line, target)
            if line == "total":
                for col, attr in (("weight", "weight"), ("rate", "stated_rate"), ("score", "stated_score")):
                    if col in fcols:
                        c = fcols[col]
                        cells[f"funds.{col}"] = self.addr(r, c)
                        parse = parse_rate if col == "rate" else parse_number
                        setattr(funds, attr, parse(self.at(r, c))[0])
        return funds

    def note(self, message: str, cell: str | None) -> Finding:
        return Finding("X03", Severity.ERROR, message, self.grid.sheet, cell, self.grid.source)

    # --- indicators --------------------------------------------------------------------

    def read_indicators(self, project: Project, header: int, cols: dict[str, int]) -> int:
        """Append the rows of the indicator table; returns the row index where it ended."""
        project.cells["indicators"] = self.addr(header, min(cols.values()))
        c1, c2 = cols.get("level1"), cols.get("level2")
        label_cols = min(cols["target"], cols["actual"])
        text_cols = [(k, cols[k]) for k in ("name", "target", "actual", "deviation") if k in cols]
        number_cols = [(k, cols[k]) for k in ("weight", "score") if k in cols]
        letters = {key: column_letters(self.grid.first_col + c) for key, c in cols.items()}
        level1, level2 = "", ""
        rows = self.rows
        r = header + 1
        while r < len(rows):
            row = rows[r]
            width = len(row)
            end = self.table_end(row, label_cols)
            if end is not None:
                if end == "total":
                    self.read_total(project, r, cols)
                return r
            t1 = cell_text(row[c1]) if c1 is not None and c1 < width else ""
            t2 = cell_text(row[c2]) if c2 is not None and c2 < width else ""
            if t1:
                level1, level2 = level1_name(t1), ""
            if t2:
                level2 = level2_name(t2)
            item = Indicator()
            for key, c in text_cols:
                if c < width:
                    setattr(item, key, cell_text(row[c]))
            for key, c in number_cols:
                number, raw = parse_number(row[c]) if c < width else (None, None)
                setattr(item, key, number)
                if raw is not None:
                    item.raw[key] = raw
            if not (item.name or item.target or item.actual or item.raw) and item.weight is None and item.score is None:
                if self.placeholder_ends_table(row):
                    return r
                r += 1
                continue
            item.level2 = level2
            if level1:
                item.level1 = level1
            else:
                item.level1 = LEVEL1_OF_LEVEL2.get(level2, "")
                item.level1_inferred = bool(item.level1)
            item.row = number = self.grid.first_row + r
            item.cells = {key: f"{letter}{number}" for key, letter in letters.items()}
            project.indicators.append(item)
            r += 1
        return r

    def table_end(self, row: list[object], label_cols: int) -> str | None:
        """The field key of a label (or "title") in the row's label columns that ends the table."""
        for c in range(min(len(row), label_cols)):
            v = row[c]
            if type(v) is not str or not v or len(v) > MAX_LABEL_LEN:
                continue
            if v.lstrip()[:1] in _END_FIRST_CHARS:
                key = FIELD_LABELS.get(_forms(v)[1])
                if key in TABLE_END_KEYS:
                    return key
            if "自评表" in v and _TITLE.match(_forms(v)[0]):
                return "title"
        return None

    def placeholder_ends_table(self, row: list[object]) -> bool:
        """A blank-valued row holding a section label (e.g. 校验状态 right of the table) ends it."""
        return self.table_end(row, min(len(row), MAX_COLS)) is not None

    def read_total(self, project: Project, r: int, cols: dict[str, int]) -> None:
        c = cols["score"]
        project.cells["total"] = self.addr(r, c)
        if "weight" in cols:  # 分值合计 beside 总分: where W01 points
            project.cells["weight_total"] = self.addr(r, cols["weight"])
        project.stated_total = parse_number(self.at(r, c))[0]
