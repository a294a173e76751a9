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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .a1 import column_letters, is_address, split_address
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
FUNDS_LINE_ROWS = 8  # rows below the funds header searched for its lines
YUAN_PER_WAN = 10_000.0
NATIONAL_FUNDS_LABEL = "项目资金"  # the national form's block, whose columns SPEC §1 fixes


@dataclass
class Grid:
    """A sheet's cell values as one bulk read gives them, and where they sit on the sheet."""

    rows: Sequence[Sequence[object]]
    sheet: str | None = None  # worksheet name; None for non-workbook sources
    source: str = ""  # file path or origin
    first_row: int = 1  # sheet row of rows[0] (1-based)
    first_col: int = 1  # sheet column of rows[0][0] (1-based)

    def address(self, r: int, c: int) -> str:
        """A1 address of rows[r][c]."""
        return f"{column_letters(self.first_col + c)}{self.first_row + r}"

    def value_at(self, address: str) -> object:
        """The value at an A1 address (inverse of `address`); None outside the grid."""
        if not is_address(address):
            return None
        row, col = split_address(address)
        r, c = row - self.first_row, col - self.first_col
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
            self.refuse_headless(incomplete)
            return None
        draft = _Draft()
        draft.fields["absent_columns"] = frozenset(key for key in SCORE_COLUMNS if key not in cols)
        end = self.read_indicators(draft, header, cols)
        for r in range(end, min(len(self.rows), end + TAIL_ROWS)):
            self.note_labels(r, tail=True)
        self.read_head(draft)
        self.read_tail(draft)
        if self.next_form is not None:
            draft.notes.append(
                self.note(
                    f"第 {self.grid.first_row + self.next_form[0]} 行起还有一张自评表，未读取；"
                    "请每张工作表只放一张自评表",
                    self.addr(*self.next_form),
                )
            )
        return draft.finish(self.grid)

    def refuse_headless(self, incomplete: tuple[int, dict[str, int]] | None) -> None:
        """A sheet without an indicator header: nothing when it is no form, FormError when it is one."""
        if not self.looks_like_form():
            return
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
            return
        raise FormError(
            "有「项目名称」，但没有找到指标表的表头行（「一级指标」「二级指标」「年度指标值」「实际完成值」「得分」）",
            cell=self.addr(*name),
        )

    def read_head(self, draft: _Draft) -> None:
        cells, fields = draft.cells, draft.fields
        for key in ("name", "department", "unit"):
            hit = self.first(key)
            if hit is not None:
                v, cells[key] = self.value(*hit)
                fields[key] = cell_text(v)
        fields["year"] = self.read_year(cells)
        for key, label in FIELD_KEY_TO_CLASSIFICATION_LABEL.items():
            hit = self.first(key)
            if hit is not None:
                text, cells[key] = self.option_text(*hit)
                fields[key] = choose_option(text, CLASSIFICATIONS[label])
        fields["goal"] = self.read_goal(cells)
        hit = self.first("funds")
        if hit is not None:
            cells["funds"] = self.addr(*hit)
            fields["funds"] = self.read_funds(draft, *hit)

    def read_year(self, cells: dict[str, str]) -> int | None:
        """The 年度 cell a clerk types into wins over the title, which may be derived from it."""
        year = None
        hit = self.first("year")
        if hit is not None:
            v, cells["year"] = self.value(*hit)
            year = parse_year(v)
        if year is None and self.year is not None:
            year, r, c = self.year
            cells["year"] = self.addr(r, c)
        return year

    def read_goal(self, cells: dict[str, str]) -> Goal:
        """年度总体目标: every block's 预期目标 and 实际完成情况 (under any of their labels),
        joined where a form has two blocks; the section label's own text where no 预期目标
        label has one."""
        expected = self.goal_text("goal.expected", cells)
        actual = self.goal_text("goal.actual", cells)
        section = self.first("goal")
        if section is not None and not expected:
            expected, actual = self.goal_in_section_row(section, cells, actual)
        return Goal(expected, actual)

    def goal_text(self, key: str, cells: dict[str, str]) -> str:
        """The texts right of (or under) every label of `key`, joined; notes where they are."""
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
            cells[key] = text_cell or first_cell
        return "\n".join(texts)

    def goal_in_section_row(self, section: tuple[int, int], cells: dict[str, str], actual: str) -> tuple[str, str]:
        """`年度总体目标 | 目标… | 完成情况…`: the row's first text is the goal, its second what was done."""
        v, cell = self.value(*section)
        expected = cell_text(v)
        if expected or "goal.expected" not in cells:
            cells["goal.expected"] = cell
        if expected and not actual:
            r, c = section
            row = self.rows[r]
            texts = [(cc, cell_text(row[cc])) for cc in range(c + 1, min(len(row), MAX_COLS))]
            found = [(cc, t) for cc, t in texts if t and label_of(t) is None]
            if len(found) >= 2:
                actual = found[1][1]
                cells["goal.actual"] = self.addr(r, found[1][0])
        return expected, actual

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

    def read_tail(self, draft: _Draft) -> None:
        cells, fields = draft.cells, draft.fields
        if "total" not in cells:
            hit = self.first("total")
            if hit is not None:
                v, cells["total"] = self.value(*hit)
                fields["stated_total"] = parse_number(v)[0]
        for key, attr in (("grade", "stated_grade"), ("filler", "filler"), ("phone", "phone"), ("date", "date")):
            hit = self.first(key)
            if key == "grade" and hit is None:
                continue  # keep a grade read in the 总分 row
            if hit is not None:
                v, cells[key] = self.value(*hit)
                fields[attr] = cell_text(v)
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

    def read_funds(self, draft: _Draft, r0: int, c0: int) -> Funds | None:
        """The funds block under any of its labels (项目资金（万元）, 资金情况（万元）,
        预算执行情况（10分）…): the total line (labelled, or the first line of numbers), its
        parts, and the execution weight from the 分值/权重 column or the block's label."""
        label = cell_text(self.at(r0, c0))
        header = self.funds_header(r0)
        if header is None:
            if normalize_label(label) == NATIONAL_FUNDS_LABEL:
                # the national block has fixed columns: without them the form is not fully read
                draft.notes.append(
                    self.note(f"「{label}」下没有找到「全年预算数」「全年执行数」列，资金部分未读取", self.addr(r0, c0))
                )
            # other blocks (资金情况 as label: amount pairs) are not scored; F06 says so
            return None
        hr, fcols = header
        funds = _FundsDraft(fcols, self.funds_factor(hr, label))
        self.read_funds_lines(draft.cells, funds, hr)
        if funds.total_row.get("weight") is None:
            stated = split_weight(label)[1]
            if stated is not None:
                funds.total_row["weight"] = stated
                draft.cells.setdefault("funds.weight", self.addr(r0, c0))
        return funds.finish()

    def funds_factor(self, header_row: int, label: str) -> float:
        """1 for amounts in 万元, 1/10 000 for a block whose label or header says 元."""
        texts = [squash(v) for v in self.rows[header_row][:MAX_COLS] if isinstance(v, str) and "元" in v]
        texts.append(squash(label))
        return 1.0 / YUAN_PER_WAN if any(_IN_YUAN.search(t) and "万元" not in t for t in texts) else 1.0

    def read_funds_lines(self, cells: dict[str, str], funds: _FundsDraft, header_row: int) -> None:
        """The lines under the funds header, up to the next section."""
        first_value_col = min(funds.columns.values())
        for r in range(header_row + 1, min(len(self.rows), header_row + 1 + FUNDS_LINE_ROWS)):
            line = self.funds_line(r, first_value_col)
            if line == "":
                break
            if line is None and "funds.total.budget" not in cells and self.holds_amount(r, funds.columns["budget"]):
                line = "total"  # a block without line labels: its first line of numbers is the total
            # a repeated line is skipped, but every further source adds to 其他资金
            if line is None or (f"funds.{line}.budget" in cells and line != "other"):
                continue
            self.read_funds_row(cells, funds, r, line)

    def read_funds_row(self, cells: dict[str, str], funds: _FundsDraft, r: int, line: str) -> None:
        amounts = funds.lines.setdefault(line, {})
        for col in ("initial", "budget", "executed"):
            if col not in funds.columns:
                continue
            c = funds.columns[col]
            cells.setdefault(f"funds.{line}.{col}", self.addr(r, c))
            number, raw = parse_number(self.at(r, c))
            if number is not None:
                amounts[col] = (amounts.get(col) or 0.0) + number * funds.factor
            if raw is not None:
                funds.bad_cells.setdefault(f"{line}.{col}", raw)
        if line != "total":
            return
        for col, attr in (("weight", "weight"), ("rate", "stated_rate"), ("score", "stated_score")):
            if col in funds.columns:
                c = funds.columns[col]
                cells[f"funds.{col}"] = self.addr(r, c)
                read = parse_rate if col == "rate" else parse_number
                funds.total_row[attr] = read(self.at(r, c))[0]

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
            v = row[c]
            if isinstance(v, str) and squash(v).startswith("其中") and label_of(v) is None:
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

    def read_indicators(self, draft: _Draft, header: int, cols: dict[str, int]) -> int:
        """Append the rows of the indicator table; returns the row index where it ended.

        Skipped without a finding: placeholder rows (a template's 三级 slot label or nothing,
        with empty values, 分值 and 得分) and repeated header rows. A 一级 cell stating a
        weight (`产出指标（50分）`, `（50分）`) gives its category's stated weight.
        """
        draft.cells["indicators"] = self.addr(header, min(cols.values()))
        table = _TableColumns.of(cols, self.grid.first_col)
        levels = _Levels()
        for r in range(header + 1, len(self.rows)):
            row = self.rows[r]
            end = self.table_end(row, table.label_end)
            if end is not None:
                if end == "total":
                    self.read_total(draft, r, cols)
                return r
            self.note_levels(draft, levels, table, row, r)
            values = self.row_values(row, table)
            if not self.is_skipped(values, r):
                draft.indicators.append(self.indicator(draft, levels, table, values, r))
            elif not (values.target or values.actual or values.raw) and self.placeholder_ends_table(row):
                return r
        return len(self.rows)

    def note_levels(self, draft: _Draft, levels: _Levels, table: _TableColumns, row: Sequence[object], r: int) -> None:
        """The 一级 and 二级 cells of row r, where filled, set the levels of the rows from here on."""
        c1, c2 = table.level1, table.level2
        t1 = cell_text(row[c1]) if c1 is not None and c1 < len(row) else ""
        if c1 is not None and t1 and label_of(t1) not in LEVEL_HEADERS:
            name, weight = split_weight(t1)
            levels.level1, levels.level2, levels.pending_weight = (level1_name(name) if name else ""), "", None
            if levels.level1:  # where S04/W02 point for this category, placeholder rows included
                draft.cells.setdefault(f"level1.{levels.level1}", self.addr(r, c1))
            levels.weight_only = not name
            if weight is not None and levels.level1:
                draft.level1_weights.setdefault(levels.level1, weight)
            elif weight is not None:
                levels.pending_weight = weight
        t2 = cell_text(row[c2]) if c2 is not None and c2 < len(row) else ""
        if t2 and label_of(t2) not in LEVEL_HEADERS:
            levels.level2 = level2_name(t2)

    def row_values(self, row: Sequence[object], table: _TableColumns) -> _RowValues:
        """An indicator row's texts and numbers, `raw` the text of numeric cells that hold none."""
        width = len(row)
        name, target, actual, deviation = [cell_text(row[c]) if c < width else "" for c in table.texts]
        if target and table.splits_target:
            target = self.joined_target(row, target, *table.split_target)
        weight = score = None
        raw: dict[str, str] = {}
        for key, c in table.numbers:
            number, text = parse_number(row[c]) if c < width else (None, None)
            if key == "weight":
                if text is not None:
                    number, text = percent_weight(text)
                weight = number
            else:
                score = number
            if text is not None:
                raw[key] = text
        return _RowValues(name, target, actual, deviation, weight, score, raw)

    def indicator(self, draft: _Draft, levels: _Levels, table: _TableColumns, values: _RowValues, r: int) -> Indicator:
        """The indicator of row r under the levels in force (一级 inferred from 二级 where blank)."""
        level1 = levels.level1 or LEVEL1_OF_LEVEL2.get(levels.level2, "")
        inferred = not levels.level1 and bool(level1) and not levels.weight_only
        if levels.pending_weight is not None and level1:
            draft.level1_weights.setdefault(level1, levels.pending_weight)
            levels.pending_weight = None
        number = self.grid.first_row + r
        cells = {key: f"{letter}{number}" for key, letter in table.letters.items()}
        return Indicator(
            level1=level1,
            level2=levels.level2,
            name=values.name,
            target=values.target,
            actual=values.actual,
            weight=values.weight,
            score=values.score,
            deviation=values.deviation,
            level1_inferred=inferred,
            raw=values.raw,
            cells=cells,
            row=number,
        )

    def is_skipped(self, values: _RowValues, r: int) -> bool:
        """A placeholder row or a repeated header row: no indicator, no finding."""
        blank = values.weight is None and values.score is None and not values.raw
        if blank and not values.target and not values.actual:
            return is_placeholder_name(values.name)
        # a repeated header names its columns where an indicator has its name and target
        return (label_of(values.name) is not None or label_of(values.target) is not None) and self.is_header_row(r)

    def joined_target(self, row: Sequence[object], value: str, c_comp: int | None, c_unit: int | None) -> str:
        """A target split over 指标性质 | 指标值 | 度量单位, as one value: `≥ | 95 | %` → `≥95%`."""
        comparator = comparator_symbol(cell_text(row[c_comp])) if c_comp is not None and c_comp < len(row) else ""
        unit = cell_text(row[c_unit]) if c_unit is not None and c_unit < len(row) else ""
        if unit and squash(value).endswith(squash(unit)):
            unit = ""
        if comparator and comparator_symbol(value[:2]):
            comparator = ""  # the value writes its own comparator
        return f"{comparator}{value}{unit}"

    def table_end(self, row: Sequence[object], label_cols: int) -> str | None:
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

    def placeholder_ends_table(self, row: Sequence[object]) -> bool:
        """A blank-valued row holding a section label (e.g. 校验状态 right of the table) ends it."""
        return self.table_end(row, min(len(row), MAX_COLS)) is not None

    def read_total(self, draft: _Draft, r: int, cols: dict[str, int]) -> None:
        if "score" not in cols:
            return  # the tail reads the value right of the 总分 label
        c = cols["score"]
        draft.cells["total"] = self.addr(r, c)
        if "weight" in cols:  # 分值合计 beside 总分: where W01 points
            draft.cells["weight_total"] = self.addr(r, cols["weight"])
        draft.fields["stated_total"] = parse_number(self.at(r, c))[0]
        # `总分 | … | 100 | 96 | 优`: a grade written in the 总分 row after the score
        row = self.rows[r]
        for cc in range(c + 1, min(len(row), MAX_COLS)):
            text = cell_text(row[cc])
            if text:
                if text in GRADE_WORDS:
                    draft.fields["stated_grade"] = text
                    draft.cells["grade"] = self.addr(r, cc)
                break


# --- what the reader fills while it reads ----------------------------------------------


@dataclass
class _Draft:
    """The Project while the reader fills it; `finish` hands back the frozen Project."""

    fields: dict[str, Any] = field(default_factory=dict)  # Project's other fields, by name
    cells: dict[str, str] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    level1_weights: dict[str, float] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)

    def finish(self, grid: Grid) -> Project:
        return Project(
            **self.fields,
            sheet=grid.sheet,
            source=grid.source,
            cells=self.cells,
            indicators=tuple(self.indicators),
            level1_weights=self.level1_weights,
            notes=tuple(self.notes),
        )


@dataclass
class _FundsDraft:
    """项目资金 while its lines are read: amounts by line and column, the total row's other cells."""

    columns: dict[str, int]  # funds column key → column index
    factor: float  # to 万元
    lines: dict[str, dict[str, float]] = field(default_factory=dict)  # line → column → amount
    total_row: dict[str, float | None] = field(default_factory=dict)  # weight, stated_rate, stated_score
    bad_cells: dict[str, str] = field(default_factory=dict)

    def finish(self) -> Funds:
        def line(key: str) -> FundsLine:
            return FundsLine(**self.lines.get(key, {}))

        return Funds(
            total=line("total"),
            fiscal=line("fiscal"),
            carryover=line("carryover"),
            other=line("other"),
            weight=self.total_row.get("weight"),
            stated_rate=self.total_row.get("stated_rate"),
            stated_score=self.total_row.get("stated_score"),
            bad_cells=self.bad_cells,
        )


@dataclass(slots=True)
class _RowValues:
    """An indicator row's cells as read, before it is known to be an indicator."""

    name: str = ""
    target: str = ""
    actual: str = ""
    deviation: str = ""
    weight: float | None = None
    score: float | None = None
    raw: dict[str, str] = field(default_factory=dict)  # field → text of a numeric cell that holds none


@dataclass
class _Levels:
    """The 一级 and 二级 in force while the indicator table is read row by row."""

    level1: str = ""
    level2: str = ""
    pending_weight: float | None = None  # a weight-only 一级 cell, category unknown yet
    weight_only: bool = False  # the block's 一级 cell holds only a weight: not blank, so no S06


_NO_COLUMN = 1 << 30  # the index of a column the table has not: beyond every row


@dataclass(slots=True)
class _TableColumns:
    """Where the indicator table keeps what, from its header's columns."""

    level1: int | None
    level2: int | None
    label_end: int  # labels that end the table stand left of this column
    texts: tuple[int, int, int, int]  # 三级指标, 年度指标值, 实际完成值, 偏差原因: _NO_COLUMN where absent
    numbers: tuple[tuple[str, int], ...]  # 分值 and 得分, where the table has them
    split_target: tuple[int | None, int | None]  # 指标性质 and 度量单位 beside a split 指标值
    letters: dict[str, str]  # Indicator field → column letters

    @property
    def splits_target(self) -> bool:
        return self.split_target != (None, None)

    @classmethod
    def of(cls, cols: dict[str, int], first_col: int) -> _TableColumns:
        return cls(
            level1=cols.get("level1"),
            level2=cols.get("level2"),
            label_end=min(cols["target"], cols["actual"]),
            texts=(cols["name"], cols["target"], cols["actual"], cols.get("deviation", _NO_COLUMN)),
            numbers=tuple((k, cols[k]) for k in SCORE_COLUMNS if k in cols),
            split_target=(cols.get("target.comparator"), cols.get("target.unit")),
            letters={key: column_letters(first_col + c) for key, c in cols.items() if "." not in key},
        )
