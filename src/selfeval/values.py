"""What a cell says (SPEC §1, §3): the one value normaliser of every reader and rule.

Cells arrive as one bulk read gives them (str / float / int / bool / date / None, '' for
blank). `cell_text` gives the text a clerk typed ('' for anything empty-looking: blank,
whitespace, dashes and slashes of any width and count), `is_empty` says whether a cell holds
no value, `parse_number`/`parse_rate`/`parse_year` read numeric cells, `normalize_label`
the bare form of a label, and `parse_value` turns a 年度指标值 / 实际完成值 into a `Quantity`,
a `Qualitative` or None (empty). Nothing here raises on any value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from .model import COST, TIMELINESS

# --- cells -----------------------------------------------------------------------------

# SPEC §1: a cell holding only these characters (any count, any mix, spaces between) holds
# no value: hyphens, dashes and minus signs of every width, slashes and backslashes.
EMPTY_MARK_CHARS = frozenset("-‐‑‒–—―−－﹣﹘─━/／\\＼")
# Full-width digits and the signs that go with numbers (not NFKC: texts keep what was typed).
_NUMERIC_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％：（）", "0123456789.,-+%:()")
BOOKMARK_PATTERN = re.compile(r"\[bookmark:[^\]]*\]")
# `(50分)`, `（万元）`, `（A）`: a short parenthesised tail of a label.
_LABEL_SUFFIX = re.compile(r"\([^()]{0,12}\)$")
_CELL_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")
# What may follow a number in a score or amount cell.
_NUMBER_UNITS = frozenset({"", "分", "万元", "万"})

# A template's filling instruction left in a cell (`对照年度目标，说明…（100字以内）`): no answer.
_PROMPT = re.compile(r"[(（]\s*(?:限\s*)?\d+\s*字(?:以内|以下)?\s*[)）]\s*$")

CHECKED_MARKS = "☑■√☒✓✔▣◼"
UNCHECKED_MARKS = "□☐"


@lru_cache(maxsize=4096)
def is_empty_mark(text: str) -> bool:
    """True for '' and for text made only of dashes, slashes and whitespace (`—— ／`)."""
    return all(ch in EMPTY_MARK_CHARS or ch.isspace() for ch in text)


def cell_text(value: object) -> str:
    """A cell as the text a clerk typed: trimmed, export artefacts removed, '' for blank/dash.

    Numbers read back without a spurious `.0` (25.0 → "25"), dates as ISO dates.
    """
    if value is None or value == "":
        return ""
    if type(value) is str:
        return _str_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


@lru_cache(maxsize=16384)
def _str_text(value: str) -> str:
    # Forms repeat their texts (labels, 100%, 达成) on every sheet: clean each once.
    text = BOOKMARK_PATTERN.sub("", value) if "[" in value else value
    text = text.strip()
    return "" if is_empty_mark(text) or ("字" in text and _PROMPT.search(text)) else text


def is_empty(value: object) -> bool:
    """Blank, whitespace, dashes and slashes of any width mean "no value" (SPEC §1); NaN too."""
    if value is None or value == "":
        return True
    if type(value) is str:
        return not _str_text(value)
    if isinstance(value, (str, float)):
        return cell_text(value) == ""
    return False


def squash(text: str) -> str:
    """Text without any whitespace (incl. U+3000, newlines), export bookmarks or full-width digits."""
    if "[" in text:
        text = BOOKMARK_PATTERN.sub("", text)
    return "".join(text.split()).translate(_NUMERIC_WIDTH)


def normalize_label(text: str) -> str:
    """`项目名称：`, `年初\\n目标值`, `产出指标(50分)`, `其中：当年财政拨款` → the bare label."""
    text = squash(text).rstrip(":")
    while text.endswith(")"):
        stripped = _LABEL_SUFFIX.sub("", text).rstrip(":")
        if stripped == text:
            break
        text = stripped
    if text.startswith("其中"):
        text = text[2:].lstrip(":")
    return text


def parse_number(value: object) -> tuple[float | None, str | None]:
    """(number, None) for a numeric cell; (None, None) when blank; (None, raw) for other text.

    Accepts numbers stored as text: `"25"`, `"２５"`, `"25分"`, `"1,234.5"`, `"100万元"`.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, cell_text(value)
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return None, str(value)
        return float(value), None
    if not isinstance(value, str):
        return None, cell_text(value)
    text = cell_text(value)
    if not text:
        return None, None
    compact = squash(text)
    match = _CELL_NUMBER.match(compact)
    if match and compact[match.end() :] in _NUMBER_UNITS:
        return float(match.group().replace(",", "")), None
    return None, text


def parse_rate(value: object) -> tuple[float | None, str | None]:
    """An execution rate as a fraction: `95%`, 0.95 and 95 all give 0.95.

    A bare number above 1.5 is read as a percentage (nobody executes 150 times the budget).
    """
    if isinstance(value, str):
        compact = squash(value)
        if compact.endswith("%"):
            number, _ = parse_number(compact[:-1])
            if number is not None:
                return number / 100.0, None
            return None, cell_text(value)
    number, raw = parse_number(value)
    if number is not None and number > 1.5:
        number /= 100.0
    return number, raw


def parse_year(value: object) -> int | None:
    """2021, 2021.0, `2021`, `2021年`, `2021年度` → 2021."""
    number, _ = parse_number(value)
    if number is None and isinstance(value, str):
        match = re.match(r"(\d{4})年", squash(value))
        number = float(match.group(1)) if match else None
    if number is not None and number.is_integer() and 1900 <= number <= 2200:
        return int(number)
    return None


def choose_option(text: str, options: tuple[str, ...]) -> str:
    """The option a classification text selects, or '' when none or several are selected.

    With ☑/■/√/☒ present those mark the choice; otherwise (the seed, whose ticked glyph was
    lost in the export) the choice is the option not accompanied by □. Boxes may precede or
    follow their option; a plain cell equal to an option is that option.
    """
    flat = squash(text)
    if flat in options:
        return flat
    found = sorted((flat.find(option), option) for option in options if option in flat)
    if not found:
        return ""
    marks = CHECKED_MARKS + UNCHECKED_MARKS
    boxes_first = any(ch in marks for ch in flat[: found[0][0]])
    ticked = any(ch in CHECKED_MARKS for ch in flat)
    chosen = []
    for i, (start, option) in enumerate(found):
        if boxes_first:
            begin = found[i - 1][0] + len(found[i - 1][1]) if i else 0
            segment = flat[begin:start]
        else:
            end = found[i + 1][0] if i + 1 < len(found) else len(flat)
            segment = flat[start + len(option) : end]
        if ticked:
            if any(ch in CHECKED_MARKS for ch in segment):
                chosen.append(option)
        elif not any(ch in UNCHECKED_MARKS for ch in segment):
            chosen.append(option)
    return chosen[0] if len(chosen) == 1 else ""


# --- indicator values (SPEC §3) --------------------------------------------------------


class Comparator(str, Enum):
    """How an actual value is held against its target."""

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="

    @property
    def higher_is_better(self) -> bool:
        return self in (Comparator.GE, Comparator.GT)


class Completion(Enum):
    """How far a qualitative actual value says the target was reached."""

    ACHIEVED = "达成"
    PARTIAL = "部分达成"
    NOT_ACHIEVED = "未达成"
    UNKNOWN = "无法判断"


@dataclass(frozen=True)
class Quantity:
    """`[comparator] number [unit]`; `number` is in `unit` as written (万元 stays 万元)."""

    number: float
    unit: str = ""
    comparator: Comparator | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class Qualitative:
    """Anything that is not a quantity, with the completion level its words express."""

    text: str
    completion: Completion


Value = Quantity | Qualitative


# Word comparators, longest first so 不低于 wins over 低于.
_PREFIX_WORDS: tuple[tuple[str, Comparator], ...] = (
    ("不低于", Comparator.GE),
    ("不少于", Comparator.GE),
    ("不小于", Comparator.GE),
    ("大于等于", Comparator.GE),
    ("至少", Comparator.GE),
    ("达到", Comparator.GE),
    ("不高于", Comparator.LE),
    ("不超过", Comparator.LE),
    ("不大于", Comparator.LE),
    ("不多于", Comparator.LE),
    ("小于等于", Comparator.LE),
    ("控制在", Comparator.LE),
    ("低于", Comparator.LT),
    ("少于", Comparator.LT),
    ("高于", Comparator.GT),
    ("大于", Comparator.GT),
    ("多于", Comparator.GT),
    ("超过", Comparator.GT),
    ("等于", Comparator.EQ),
)
_PREFIX_SYMBOLS: dict[str, Comparator] = {
    ">=": Comparator.GE,
    "≥": Comparator.GE,
    "≧": Comparator.GE,
    "<=": Comparator.LE,
    "≤": Comparator.LE,
    "≦": Comparator.LE,
    ">": Comparator.GT,
    "<": Comparator.LT,
    "=": Comparator.EQ,
    "═": Comparator.EQ,
}
_SYMBOLS_LONGEST_FIRST = sorted(_PREFIX_SYMBOLS, key=len, reverse=True)
_SUFFIX_WORDS: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_UNIT = re.compile(r"[A-Za-z%‰°²³/\u4e00-\u9fff·.]{0,8}")

# unit → (canonical unit, factor to canonical)
_UNIT_ALIASES: dict[str, tuple[str, float]] = {
    "元": ("万元", 1e-4),
    "万元": ("万元", 1.0),
    "亿元": ("万元", 1e4),
    "日": ("天", 1.0),
    "天": ("天", 1.0),
    "工作日": ("天", 1.0),
    "个工作日": ("天", 1.0),
    "周": ("天", 7.0),
    "个月": ("月", 1.0),
    "月": ("月", 1.0),
    "%": ("%", 1.0),
    "小时": ("小时", 1.0),
    "个小时": ("小时", 1.0),
    "年": ("年", 1.0),
}
# Units a Chinese numeral may count (四场, 两次); elsewhere 十分满意 or 一次性 are words.
COUNT_UNITS = frozenset(
    [
        "个",
        "次",
        "场",
        "人",
        "家",
        "件",
        "份",
        "期",
        "项",
        "批",
        "名",
        "所",
        "座",
        "处",
        "条",
        "篇",
        "户",
        "村",
        "部",
        "台",
        "套",
        "本",
        "辆",
        "间",
        "栋",
        "天",
        "日",
        "周",
        "月",
        "个月",
        "年",
        "小时",
        "人次",
        "期次",
    ]
)
DURATION_UNITS = frozenset({"天", "月", "年", "小时"})

_NOT_ACHIEVED = ("未达成", "未完成", "未实现", "未达到", "没有完成", "没有达到", "不达标", "未达标")
_PARTIAL = ("部分达成", "部分完成", "部分实现", "基本完成", "基本实现", "基本达成", "基本达到")
_ACHIEVED = ("全部完成", "全部达成", "达成", "完成", "实现", "达到", "达标")


def clean_text(value: object) -> str:
    """A cell value as text: NFKC-normalised (full-width → ASCII), trimmed, export artefacts removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        text = str(value)
    except ValueError:  # an int beyond Python's digit limit for str(); no cell holds one
        text = "（数字过长）"
    return _clean_str(text)


@lru_cache(maxsize=16384)
def _clean_str(text: str) -> str:
    # The rules read the same few hundred texts of a form many times: normalise each once.
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("[bookmark: _GoBack]", "")
    return " ".join(text.split())


def parse_value(value: object) -> Value | None:
    """Parse a 指标值; None for an empty cell. Never raises."""
    if isinstance(value, bool):
        return Qualitative(str(value), Completion.UNKNOWN)
    if isinstance(value, float) and value != value:
        return None  # NaN: an empty cell, as `is_empty` says
    if isinstance(value, (int, float)):
        number = _finite(value)
        if number is None:  # inf, or an int too large for a float
            return Qualitative(clean_text(value), Completion.UNKNOWN)
        return Quantity(number)
    return _parse_text(value) if isinstance(value, str) else _parse_text(clean_text(value))


@lru_cache(maxsize=8192)
def _parse_text(value: str) -> Value | None:
    # Forms repeat the same few values (100%, ≥95%, 达成) thousands of times: cache them.
    text = clean_text(value)
    if is_empty_mark(text):
        return None
    quantity = _parse_quantity(text)
    if quantity is not None:
        return quantity
    return Qualitative(text, completion_of(text))


@lru_cache(maxsize=1024)
def comparator_symbol(text: str) -> str:
    """The sign a comparator cell or prefix means (`≧` → `≥`, `不低于` → `≥`), or '' when the
    text starts with none (`正向`, `定性`, a number)."""
    flat = clean_text(text).replace(" ", "")
    for word, comp in _PREFIX_WORDS:
        if flat.startswith(word):
            return comp.value
    for symbol in _SYMBOLS_LONGEST_FIRST:
        if flat.startswith(symbol):
            return _PREFIX_SYMBOLS[symbol].value
    return ""


def completion_of(text: str) -> Completion:
    """The completion level a qualitative actual value expresses."""
    for words, level in (
        (_NOT_ACHIEVED, Completion.NOT_ACHIEVED),
        (_PARTIAL, Completion.PARTIAL),
        (_ACHIEVED, Completion.ACHIEVED),
    ):
        if any(word in text for word in words):
            return level
    return Completion.UNKNOWN


def _parse_quantity(text: str) -> Quantity | None:
    rest = text.replace(" ", "")
    comparator: Comparator | None = None
    for word, comp in _PREFIX_WORDS:
        if rest.startswith(word):
            comparator, rest = comp, rest[len(word) :]
            break
    else:
        for symbol in _SYMBOLS_LONGEST_FIRST:
            if rest.startswith(symbol):
                comparator, rest = _PREFIX_SYMBOLS[symbol], rest[len(symbol) :]
                break
    for word, comp in _SUFFIX_WORDS:
        if rest.endswith(word):
            comparator = comparator or comp
            rest = rest[: -len(word)]
            break
    number, rest = _leading_number(rest)
    if number is None:
        return None
    unit_match = _UNIT.fullmatch(rest)
    if unit_match is None or any(ch.isdigit() for ch in rest):
        return None
    unit = rest.strip(".·")
    if unit and not _plausible_unit(unit):
        return None
    return Quantity(number, "%" if unit in ("%", "百分比") else unit, comparator)


def _leading_number(text: str) -> tuple[float | None, str]:
    match = _NUMBER.match(text)
    if match:
        number = _finite(float(match.group().replace(",", "")))
        return (None, text) if number is None else (number, text[match.end() :])
    match = _CN_NUMBER.match(text)
    if match and text[match.end() :] in COUNT_UNITS:
        number = _chinese_number(match.group())
        if number is not None:
            return float(number), text[match.end() :]
    return None, text


def _finite(value: float | int) -> float | None:
    """`value` as a finite float, or None (a 400-digit string is no count)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _chinese_number(text: str) -> int | None:
    """Small Chinese numerals (一 … 九百九十九); None if malformed."""
    total, current = 0, None
    for ch in text:
        if ch in "零〇" and total and current is None:
            continue  # the place-holder of 一百零五
        if ch in _CN_DIGITS:
            if current is not None:
                return None
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (1 if current is None else current) * 10
            current = None
        elif ch == "百":
            if current is None:
                return None
            total += current * 100
            current = None
    return total + (current or 0)


def _plausible_unit(unit: str) -> bool:
    # A unit is short; a longer tail ("次会议、组织培训", "%完成") makes the value a description.
    if "%" in unit:
        return unit == "%"
    return len(unit) <= 4 and not any(p in unit for p in "、，,;；:：")


def unit_key(unit: str) -> tuple[str, float]:
    """Canonical unit and the factor that converts `unit` into it."""
    return _UNIT_ALIASES.get(unit, (unit, 1.0))


def in_unit(quantity: Quantity, unit: str) -> float | None:
    """`quantity` expressed in `unit`, or None when the units cannot be compared.

    A bare number takes the unit it is compared with (SPEC: `≤90万元` vs `90`).
    """
    if quantity.unit == "" or quantity.unit == unit:
        return quantity.number
    source, source_factor = unit_key(quantity.unit)
    target, target_factor = unit_key(unit)
    if source != target:
        return None
    return quantity.number * source_factor / target_factor


def direction(target: Quantity, level2: str) -> Comparator:
    """The comparator of a target: written, or by SPEC §3's defaults for its 二级指标."""
    if target.comparator is not None:
        return target.comparator
    if level2 == COST:
        return Comparator.LE
    if level2 == TIMELINESS and unit_key(target.unit)[0] in DURATION_UNITS:
        return Comparator.LE
    return Comparator.GE


def format_quantity(quantity: Quantity) -> str:
    """A quantity as a clerk would write it, e.g. `≥95%`, `90万元`."""
    number = f"{quantity.number:g}" if abs(quantity.number) < 1e15 else repr(quantity.number)
    return f"{quantity.comparator.value if quantity.comparator else ''}{number}{quantity.unit}"
