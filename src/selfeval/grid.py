"""The one reader: a 2-D grid of cell values (+ addresses) → Project (SPEC §1).

Label-driven, not position-driven: sections are found by their labels and synonyms, the
value of a label is the next non-empty cell to its right (or below, where the form puts it
there), and every field remembers the cell it came from so findings can point at it.

The grid is scanned once: the head (identity, classification, funds, goal) up to the
indicator header, the indicator table row by row up to 「总分」/「合计」 or the next section,
and a short tail (总分, 自评等级, 填报人 …) after it. Large sheets cost one pass at most.

Labels and their synonyms live in `vocabulary`, what a cell says in `values`. The conventions
of real published forms (SPEC §1) are read here: placeholder rows are skipped, weights in
一级 and funds labels are stated weights, a target may be split over 指标性质 | 指标值 |
度量单位 under a second header row, and a table without 分值 or 得分 columns is read all the
same (`Project.absent_columns`; the rules report the missing column once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .a1 import column_letters
from .errors import FormError
from .model import (
    CLASSIFICATIONS,
    LEVEL1_NAMES,
    LEVEL1_OF_LEVEL2,
    Finding,
    Funds,
    FundsLine,
    Goal,
    Indicator,
    Project,
    Severity,
)
from .values import (
    EMPTY_MARK_CHARS,
    cell_text,
    choose_option,
    comparator_symbol,
    is_empty,
    normalize_label,
    parse_number,
    parse_rate,
    parse_year,
    squash,
)
from .vocabulary import (
    DEVIATION_HEADER_PREFIX,
    FIELD_KEY_TO_CLASSIFICATION_LABEL,
    GRADE_WORDS,
    HEADER_TO_FUNDS_KEY,
    HEADER_TO_INDICATOR_KEY,
    INDICATOR_KEY_TO_HEADER,
    LABEL_TO_FIELD_KEY,
    LABEL_TO_FUNDS_LINE,
    LABELS,
    LEVEL2_SYNONYM_TO_NAME,
    LEVEL_HEADERS,
    PLACEHOLDER_NAME_PATTERN,
)

HEAD_ROWS = 300  # the form's head (title … indicator header) lies within these rows
TAIL_ROWS = 60  # rows after the indicator table searched for 总分, 自评等级, 填报人 …
MAX_COLS = 100  # columns searched for labels and their values
MAX_LABEL_LEN = 60  # longer texts are never labels (titles included)
FUNDS_ROWS = 8  # rows below the funds header searched for its lines
YUAN_PER_WAN = 10_000.0
NATIONAL_FUNDS_LABEL = "项目资金"  # the national form's block, whose columns SPEC §1 fixes


_A1 = re.compile(r"^([A-Z]{1,3})(\d+)$")


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


# --- what the reader derives from the vocabulary ----------------------------------------

# Labels that end the indicator table when met in its label columns.
TABLE_END_KEYS = frozenset(
    {"total", "grade", "filler", "phone", "date", "status", "goal", "goal.expected", "goal.actual", "funds", "name"}
)
TAIL_KEYS = frozenset({"total", "grade", "filler", "phone", "date", "status", "goal.expected", "goal.actual"})
REQUIRED_COLUMNS = ("name", "target", "actual")  # 分值 and 得分 may be missing (S08, S09)
SCORE_COLUMNS = ("weight", "score")
# First characters of the labels that end the table: a cheap filter before normalising.
_END_FIRST_CHARS = frozenset(label[0] for label, key in LABEL_TO_FIELD_KEY.items() if key in TABLE_END_KEYS)

_TITLE_END = re.compile(r"自评表(?:\([^()]{0,12}\))?$")
_YEAR = r"((?:19|20)\d{2})"
_YEAR_IN_TITLE = re.compile(_YEAR + "年")
# `（2019年度）`, `2019年度)`, `(2019 年度)`, `2019年` on a line or in a cell of their own
_YEAR_LINE = re.compile(r"^\(?" + _YEAR + r"年度?\)?$")
# A weight in a label: `产出指标（50分）`, `（50分）`, `(60 分)`, `预算执行情况（万元）（20分）`, `50`
_LABEL_WEIGHT = re.compile(r"^(.*?)(?:\((?:权重|分值)?(\d+(?:\.\d+)?)分?\)|(\d+(?:\.\d+)?)分)$")
_BARE_WEIGHT = re.compile(r"^\d+(?:\.\d+)?$")
_PLACEHOLDER_NAME = re.compile(f"^(?:{PLACEHOLDER_NAME_PATTERN})$")
_IN_YUAN = re.compile(r"(?:\(|单位:)元")


@lru_cache(maxsize=16384)
def _forms(text: str) -> tuple[str, str]:
    """(squashed, normalised label) of a short cell text; cached, forms repeat their labels."""
    flat = squash(text)
    return flat, normalize_label(flat)


@lru_cache(maxsize=16384)
def _title_kind(flat: str) -> tuple[bool, int | None] | None:
    """(is a title, its year) for a title (…自评表, with a year anywhere) or a year line such
    as `（2019年度）`; None for any other text. Cached: heads repeat on every form."""
    if _TITLE_END.search(flat):
        match = _YEAR_IN_TITLE.search(flat)
        return True, int(match.group(1)) if match else None
    match = _YEAR_LINE.match(flat)
    return (False, int(match.group(1))) if match else None


def label_of(value: object) -> str | None:
    """The normalised label if `value` is one of the form's labels, else None."""
    if type(value) is not str or not value or len(value) > MAX_LABEL_LEN:
        return None
    norm = _forms(value)[1]
    if norm in LABELS or (norm.startswith(DEVIATION_HEADER_PREFIX) and len(norm) <= 16):
        return norm
    return None


@lru_cache(maxsize=1024)
def split_weight(text: str) -> tuple[str, float | None]:
    """A label and the weight it states: `产出指标（50分）` → ('产出指标', 50); `（50分）`, `50`
    → ('', 50); a label without a weight → (text, None). The label part comes back squashed."""
    flat = squash(text)
    if _BARE_WEIGHT.match(flat):
        return "", float(flat)
    match = _LABEL_WEIGHT.match(flat)
    if match is None:
        return text, None
    return match.group(1), float(match.group(2) or match.group(3))


@lru_cache(maxsize=256)
def percent_weight(text: str) -> tuple[float | None, str | None]:
    """A 权重 written as a share of the full mark: `20%` is 20 分; other text stays raw."""
    flat = squash(text)
    if flat.endswith("%"):
        number = parse_number(flat[:-1])[0]
        if number is not None:
            return number, None
    return None, text


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
    """`数量` → 数量指标, `满意度指标` → 服务对象满意度指标, `服务对象满意度指标等` and
    `进度指标` (= 时效指标) too; unknown text is kept as typed."""
    norm = normalize_label(text)
    for name in (norm, norm[:-1] if norm.endswith("等") else None):
        if not name:
            continue
        if name in LEVEL1_OF_LEVEL2:
            return name
        if name + "指标" in LEVEL1_OF_LEVEL2:
            return name + "指标"
        if name in LEVEL2_SYNONYM_TO_NAME:
            return LEVEL2_SYNONYM_TO_NAME[name]
    return text


@lru_cache(maxsize=4096)
def is_placeholder_name(text: str) -> bool:
    """A template's slot label in the 三级 column: `指标1：`, `指标2`, `指标1:/`, `……`, `（自定义）`."""
    flat = squash(text).rstrip("".join(EMPTY_MARK_CHARS))
    return not flat or bool(_PLACEHOLDER_NAME.match(flat))


def parse(grid: Grid) -> Project | None:
    """Read one sheet's grid into a Project, by the labels on the sheet.

    Args:
        grid: one sheet's cell values (a bulk read) and where they sit on the sheet.

    Returns:
        The form on the sheet, or None if the sheet holds no form.

    Raises:
        FormError: the sheet looks like a form but cannot be read (reported as X03).
    """
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
            if is_empty(v):
                continue
            if label_of(v) is not None:
                break
            return v, self.addr(r, cc)
        if below and r + 1 < len(self.rows):
            under = self.at(r + 1, c)
            if label_of(under) is None:
                return (None if is_empty(under) else under), self.addr(r + 1, c)
        if c + 1 < len(row) and is_empty(row[c + 1]):
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
            key = LABEL_TO_FIELD_KEY.get(norm)
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
        """Indicator column keys of the header labels in row r (first occurrence wins)."""
        cols: dict[str, int] = {}
        if not 0 <= r < len(self.rows):
            return cols
        for c, v in enumerate(self.rows[r][:MAX_COLS]):
            norm = label_of(v)
            if norm is None:
                continue
            key = HEADER_TO_INDICATOR_KEY.get(norm) or (
                "deviation" if norm.startswith(DEVIATION_HEADER_PREFIX) else None
            )
            if key is not None and key not in cols:
                cols[key] = c
        return cols

    def is_header_row(self, r: int) -> bool:
        """A row holding only indicator header labels (a second header row, a repeated header)."""
        if not 0 <= r < len(self.rows):
            return False
        seen = False
        for v in self.rows[r][:MAX_COLS]:
            if is_empty(v):
                continue
            norm = label_of(v)
            if norm is None:
                return False
            if not (
                norm in HEADER_TO_INDICATOR_KEY
                or norm.startswith(DEVIATION_HEADER_PREFIX)
                or LABEL_TO_FIELD_KEY.get(norm) == "section"
            ):
                return False
            seen = True
        return seen

    def table_header(self, r: int) -> tuple[dict[str, int], int]:
        """The columns of a header found at row r, with the header rows above and below it
        that hold only header labels (a target split into 指标性质 | 指标值 | 度量单位 under a
        spanning 年度指标值); returns (columns, last header row)."""
        cols = self.header_columns(r)
        if self.is_header_row(r - 1):
            for key, c in self.header_columns(r - 1).items():
                cols.setdefault(key, c)
        last = r
        if self.is_header_row(r + 1):
            last = r + 1
            for key, c in self.header_columns(r + 1).items():
                if key.startswith(("target", "actual")) or key not in cols:
                    cols[key] = c
        if "name" not in cols and "level2" in cols:
            # the seed: the 二级 header spans two columns, the right one holds 三级 text
            c = cols["level2"] + 1
            if c not in cols.values() and is_empty(self.at(r, c)):
                cols["name"] = c
        return cols, last

    def find_header(self) -> tuple[int | None, dict[str, int], tuple[int, dict[str, int]] | None]:
        """Scan the head; (last header row, its columns, first incomplete header candidate)."""
        incomplete: tuple[int, dict[str, int]] | None = None
        for r in range(min(len(self.rows), HEAD_ROWS)):
            if not self.note_labels(r):
                continue
            cols, last = self.table_header(r)
            if all(key in cols for key in REQUIRED_COLUMNS):
                if last > r:
                    self.note_labels(last)
                return last, cols, incomplete
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
            if not is_empty(v):
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
                missing = [INDICATOR_KEY_TO_HEADER[k] for k in REQUIRED_COLUMNS if k not in found]
                raise FormError(
                    f"指标表表头（第 {self.grid.first_row + r} 行）缺少"
                    + "、".join(f"「{m}」" for m in missing)
                    + "列，无法读取指标",
                    cell=self.addr(r, min(found.values(), default=0)),
                )
            name = self.first("name")
            if name is None:
                return None
            raise FormError(
                "有「项目名称」，但没有找到指标表的表头行（「一级指标」「二级指标」「年度指标值」「实际完成值」「得分」）",
                cell=self.addr(*name),
            )
        project = Project(sheet=self.grid.sheet, source=self.grid.source)
        project.absent_columns = frozenset(key for key in SCORE_COLUMNS if key not in cols)
        end = self.read_indicators(project, header, cols)
        for r in range(end, min(len(self.rows), end + TAIL_ROWS)):
            self.note_labels(r, tail=True)
        self.read_head(project)
        self.read_tail(project)
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
        for key, label in FIELD_KEY_TO_CLASSIFICATION_LABEL.items():
            hit = self.first(key)
            if hit is not None:
                text, cells[key] = self.option_text(*hit)
                setattr(project, key, choose_option(text, CLASSIFICATIONS[label]))
        project.goal = self.read_goal(project)
        hit = self.first("funds")
        if hit is not None:
            cells["funds"] = self.addr(*hit)
            project.funds = self.read_funds(project, *hit)

    def read_goal(self, project: Project) -> Goal:
        """年度总体目标: every block's 预期目标 and 实际完成情况 (under any of their labels),
        joined where a form has two blocks; the section label's own text where no 预期目标
        label has one."""
        goal = Goal()
        for key, attr in (("goal.expected", "expected"), ("goal.actual", "actual")):
            texts: list[str] = []
            first_cell = text_cell = None
            for hit in self.hits.get(key, []) + self.tail_hits.get(key, []):
                v, cell = self.value(*hit, below=True)
                text = cell_text(v)
                first_cell = first_cell or cell
                if text and text not in texts:
                    text_cell = text_cell or cell
                    texts.append(text)
            if first_cell is not None:
                project.cells[key] = text_cell or first_cell
                setattr(goal, attr, "\n".join(texts))
        section = self.first("goal")
        if section is not None and not goal.expected:
            # `年度总体目标 | 目标… | 完成情况…`: the row's first text is the goal, its second what was done
            v, cell = self.value(*section)
            if cell_text(v) or "goal.expected" not in project.cells:
                goal.expected = cell_text(v)
                project.cells["goal.expected"] = cell
            if goal.expected and not goal.actual:
                r, c = section
                row = self.rows[r]
                texts = [(cc, cell_text(row[cc])) for cc in range(c + 1, min(len(row), MAX_COLS))]
                texts = [(cc, t) for cc, t in texts if t and label_of(t) is None]
                if len(texts) >= 2:
                    goal.actual = texts[1][1]
                    project.cells["goal.actual"] = self.addr(r, texts[1][0])
        return goal

    def option_text(self, r: int, c: int) -> tuple[str, str]:
        """The classification text right of its label (all cells of the row, joined)."""
        parts: list[str] = []
        where = None
        for cc in range(c + 1, min(len(self.rows[r]), MAX_COLS)):
            v = self.rows[r][cc]
            if is_empty(v):
                continue
            if label_of(v) is not None:
                break
            parts.append(cell_text(v))
            where = where or self.addr(r, cc)
        if where is None:
            _, where = self.value(r, c)
        return " ".join(parts), where

    def read_tail(self, project: Project) -> None:
        cells = project.cells
        if "total" not in cells:
            hit = self.first("total")
            if hit is not None:
                v, cells["total"] = self.value(*hit)
                project.stated_total = parse_number(v)[0]
        for key, attr in (("grade", "stated_grade"), ("filler", "filler"), ("phone", "phone"), ("date", "date")):
            hit = self.first(key)
            if key == "grade" and hit is None:
                continue  # keep a grade read in the 总分 row
            if hit is not None:
                v, cells[key] = self.value(*hit)
                setattr(project, attr, cell_text(v))
        hit = self.first("status")
        if hit is not None:  # the cell right of the label, even beyond the cells in use
            cells["status"] = self.addr(hit[0], hit[1] + 1)

    # --- funds -------------------------------------------------------------------------

    def funds_header(self, r0: int) -> tuple[int, dict[str, int]] | None:
        """The row (from the block's label row on) naming 预算数 and 执行数 columns, and its columns."""
        for r in range(r0, min(len(self.rows), r0 + 3)):
            found: dict[str, int] = {}
            for c, v in enumerate(self.rows[r][:MAX_COLS]):
                key = HEADER_TO_FUNDS_KEY.get(label_of(v) or "")
                if key is not None and key not in found:
                    found[key] = c
            if "budget" in found and "executed" in found:
                return r, found
        return None

    def read_funds(self, project: Project, r0: int, c0: int) -> Funds | None:
        """The funds block under any of its labels (项目资金（万元）, 资金情况（万元）,
        预算执行情况（10分）…): the total line (labelled, or the first line of numbers), its
        parts, and the execution weight from the 分值/权重 column or the block's label."""
        label = cell_text(self.at(r0, c0))
        header = self.funds_header(r0)
        if header is None:
            if normalize_label(label) == NATIONAL_FUNDS_LABEL:
                # the national block has fixed columns: without them the form is not fully read
                project.notes.append(
                    self.note(f"「{label}」下没有找到「全年预算数」「全年执行数」列，资金部分未读取", self.addr(r0, c0))
                )
            # other blocks (资金情况 as label: amount pairs) are not scored; F06 says so
            return None
        hr, fcols = header
        texts = [squash(v) for v in self.rows[hr][:MAX_COLS] if isinstance(v, str) and "元" in v] + [squash(label)]
        factor = 1.0 / YUAN_PER_WAN if any(_IN_YUAN.search(t) and "万元" not in t for t in texts) else 1.0
        funds = Funds()
        cells = project.cells
        first_value_col = min(fcols.values())
        for r in range(hr + 1, min(len(self.rows), hr + 1 + FUNDS_ROWS)):
            line = self.funds_line(r, first_value_col)
            if line == "":
                break
            if line is None and "funds.total.budget" not in cells and self.holds_amount(r, fcols["budget"]):
                line = "total"  # a block without line labels: its first line of numbers is the total
            if line is None:
                continue
            # a repeated line is skipped, but every further source adds to 其他资金
            adding = f"funds.{line}.budget" in cells
            if adding and line != "other":
                continue
            target = funds.line(line) if adding else FundsLine()
            for col in ("initial", "budget", "executed"):
                if col not in fcols:
                    continue
                c = fcols[col]
                cells.setdefault(f"funds.{line}.{col}", self.addr(r, c))
                number, raw = parse_number(self.at(r, c))
                if number is not None:
                    before = getattr(target, col)
                    setattr(target, col, (before or 0.0) + number * factor)
                if raw is not None:
                    funds.bad_cells.setdefault(f"{line}.{col}", raw)
            setattr(funds, line, target)
            if line == "total":
                for col, attr in (("weight", "weight"), ("rate", "stated_rate"), ("score", "stated_score")):
                    if col in fcols:
                        c = fcols[col]
                        cells[f"funds.{col}"] = self.addr(r, c)
                        parse = parse_rate if col == "rate" else parse_number
                        setattr(funds, attr, parse(self.at(r, c))[0])
        if funds.weight is None:
            stated = split_weight(label)[1]
            if stated is not None:
                funds.weight = stated
                cells.setdefault("funds.weight", self.addr(r0, c0))
        return funds

    def funds_line(self, r: int, first_value_col: int) -> str | None:
        """The line key of row r's label; '' where another section begins; None for no label."""
        row = self.rows[r]
        for c in range(min(len(row), first_value_col)):
            norm = label_of(row[c])
            if norm is None:
                continue
            if norm in LABEL_TO_FUNDS_LINE:
                return LABEL_TO_FUNDS_LINE[norm]
        for c in range(min(len(row), first_value_col)):
            # `其中：中央、省、市补助县级资金`: the first part of the total is the fiscal line
            if isinstance(row[c], str) and squash(row[c]).startswith("其中") and label_of(row[c]) is None:
                return "fiscal"
        for c in range(min(len(row), first_value_col)):
            norm = label_of(row[c])
            if norm is None or norm in LABEL_TO_FUNDS_LINE:
                continue
            if LABEL_TO_FIELD_KEY.get(norm) not in (None, "funds") or norm in LEVEL_HEADERS:
                return ""
        return None

    def holds_amount(self, r: int, c: int) -> bool:
        return parse_number(self.at(r, c))[0] is not None

    def note(self, message: str, cell: str | None) -> Finding:
        return Finding("X03", Severity.ERROR, message, self.grid.sheet, cell, self.grid.source)

    # --- indicators --------------------------------------------------------------------

    def read_indicators(self, project: Project, header: int, cols: dict[str, int]) -> int:
        """Append the rows of the indicator table; returns the row index where it ended.

        Skipped without a finding: placeholder rows (a template's 三级 slot label or nothing,
        with empty values, 分值 and 得分) and repeated header rows. A 一级 cell stating a
        weight (`产出指标（50分）`, `（50分）`) gives its category's stated weight.
        """
        project.cells["indicators"] = self.addr(header, min(cols.values()))
        c1, c2 = cols.get("level1"), cols.get("level2")
        label_cols = min(cols["target"], cols["actual"])
        text_cols = [(k, cols[k]) for k in ("name", "target", "actual", "deviation") if k in cols]
        number_cols = [(k, cols[k]) for k in SCORE_COLUMNS if k in cols]
        split_target = (cols.get("target.comparator"), cols.get("target.unit"))
        letters = {key: column_letters(self.grid.first_col + c) for key, c in cols.items() if "." not in key}
        level1, level2 = "", ""
        pending_weight: float | None = None  # a weight-only 一级 cell, category unknown yet
        weight_only = False  # the block's 一级 cell holds only a weight: not blank, so no S06
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
            if t1 and label_of(t1) not in LEVEL_HEADERS:
                name, weight = split_weight(t1)
                level1, level2, pending_weight = (level1_name(name) if name else ""), "", None
                if level1:  # where S04/W02 point for this category, placeholder rows included
                    project.cells.setdefault(f"level1.{level1}", self.addr(r, c1))
                weight_only = not name
                if weight is not None:
                    if level1:
                        self.note_level1_weight(project, level1, weight)
                    else:
                        pending_weight = weight
            if t2 and label_of(t2) not in LEVEL_HEADERS:
                level2 = level2_name(t2)
            item = Indicator()
            for key, c in text_cols:
                if c < width:
                    setattr(item, key, cell_text(row[c]))
            if item.target and split_target != (None, None):
                item.target = self.joined_target(row, item.target, *split_target)
            for key, c in number_cols:
                number, raw = parse_number(row[c]) if c < width else (None, None)
                if key == "weight" and raw is not None:
                    number, raw = percent_weight(raw)
                setattr(item, key, number)
                if raw is not None:
                    item.raw[key] = raw
            if self.is_skipped(item, r):
                if not (item.target or item.actual or item.raw) and self.placeholder_ends_table(row):
                    return r
                r += 1
                continue
            item.level2 = level2
            if level1:
                item.level1 = level1
            else:
                item.level1 = LEVEL1_OF_LEVEL2.get(level2, "")
                item.level1_inferred = bool(item.level1) and not weight_only
            if pending_weight is not None and item.level1:
                self.note_level1_weight(project, item.level1, pending_weight)
                pending_weight = None
            item.row = number = self.grid.first_row + r
            item.cells = {key: f"{letter}{number}" for key, letter in letters.items()}
            project.indicators.append(item)
            r += 1
        return r

    def is_skipped(self, item: Indicator, r: int) -> bool:
        """A placeholder row or a repeated header row: no indicator, no finding."""
        if item.weight is None and item.score is None and not item.raw and not item.target and not item.actual:
            return is_placeholder_name(item.name)
        # a repeated header names its columns where an indicator has its name and target
        return (label_of(item.name) is not None or label_of(item.target) is not None) and self.is_header_row(r)

    def joined_target(self, row: list[object], value: str, c_comp: int | None, c_unit: int | None) -> str:
        """A target split over 指标性质 | 指标值 | 度量单位, as one value: `≥ | 95 | %` → `≥95%`."""
        comparator = comparator_symbol(cell_text(row[c_comp])) if c_comp is not None and c_comp < len(row) else ""
        unit = cell_text(row[c_unit]) if c_unit is not None and c_unit < len(row) else ""
        if unit and squash(value).endswith(squash(unit)):
            unit = ""
        if comparator and comparator_symbol(value[:2]):
            comparator = ""  # the value writes its own comparator
        return f"{comparator}{value}{unit}"

    def note_level1_weight(self, project: Project, level1: str, weight: float) -> None:
        project.level1_weights.setdefault(level1, weight)

    def table_end(self, row: list[object], label_cols: int) -> str | None:
        """The field key of a label (or "title") in the row's label columns that ends the table."""
        for c in range(min(len(row), label_cols)):
            v = row[c]
            if type(v) is not str or not v or len(v) > MAX_LABEL_LEN:
                continue
            if v.lstrip()[:1] in _END_FIRST_CHARS:
                key = LABEL_TO_FIELD_KEY.get(_forms(v)[1])
                if key in TABLE_END_KEYS:
                    return key
            if "自评表" in v and _title_kind(_forms(v)[0]) is not None:
                return "title"
        return None

    def placeholder_ends_table(self, row: list[object]) -> bool:
        """A blank-valued row holding a section label (e.g. 校验状态 right of the table) ends it."""
        return self.table_end(row, min(len(row), MAX_COLS)) is not None

    def read_total(self, project: Project, r: int, cols: dict[str, int]) -> None:
        if "score" not in cols:
            return  # the tail reads the value right of the 总分 label
        c = cols["score"]
        project.cells["total"] = self.addr(r, c)
        if "weight" in cols:  # 分值合计 beside 总分: where W01 points
            project.cells["weight_total"] = self.addr(r, cols["weight"])
        project.stated_total = parse_number(self.at(r, c))[0]
        # `总分 | … | 100 | 96 | 优`: a grade written in the 总分 row after the score
        row = self.rows[r]
        for cc in range(c + 1, min(len(row), MAX_COLS)):
            text = cell_text(row[cc])
            if text:
                if text in GRADE_WORDS:
                    project.stated_grade = text
                    project.cells["grade"] = self.addr(r, cc)
                break
