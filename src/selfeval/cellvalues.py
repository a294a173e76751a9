"""Single cell values as the reader needs them: text, numbers, rates, labels, ticked options.

Cells arrive as one bulk read gives them (str / float / int / bool / date / None, '' for
blank). Nothing here raises on any value.
"""

from __future__ import annotations

import datetime as dt
import re

from .model import EMPTY_MARKS

# Full-width digits and the signs that go with numbers (not NFKC: texts keep what was typed).
_NUMERIC_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％：（）", "0123456789.,-+%:()")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# `(50分)`, `（万元）`, `（A）`: a short parenthesised tail of a label.
_LABEL_SUFFIX = re.compile(r"\([^()]{0,12}\)$")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")
# What may follow a number in a score or amount cell.
_NUMBER_UNITS = frozenset({"", "分", "万元", "万"})


CHECKED_MARKS = "☑■√☒✓✔▣◼"
UNCHECKED_MARKS = "□☐"


def cell_text(value: object) -> str:
    """A cell as the text a clerk typed: trimmed, export artefacts removed, '' for blank/dash.

    Numbers read back without a spurious `.0` (25.0 → "25"), dates as ISO dates.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        if "[" in text:
            text = _BOOKMARK.sub("", text)
        text = text.strip()
        return "" if text in EMPTY_MARKS else text
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


def is_blank(value: object) -> bool:
    """True for an empty, whitespace-only or dash cell."""
    if value is None or value == "":
        return True
    if isinstance(value, str):
        return cell_text(value) == ""
    return False


def squash(text: str) -> str:
    """Text without any whitespace (incl. U+3000, newlines), export bookmarks or full-width digits."""
    if "[" in text:
        text = _BOOKMARK.sub("", text)
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
    match = _NUMBER.match(compact)
    if match and compact[match.end():] in _NUMBER_UNITS:
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
