"""How tall a row must be to show its wrapped text: one estimate for every writer.

Excel never fits a row to a merged cell's text and keeps a written height as is, so every
writer (template, `new`, `import`, the summary, the ribbon's buttons) sets heights itself.
Widths are Excel column-width units (about one digit of the default 11 pt font); a Chinese
(wide) character takes two units at 11 pt. The estimate errs on the tall side: a row a
little too high costs a blank line, a row too low hides the end of a 偏差原因.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
LINE_FACTOR = 1.45  # line height ÷ font size: CJK fonts (Noto CJK, 宋体 with leading) need ~1.3–1.45
PADDING = 5.0  # points above and below the text
CELL_MARGIN = 1.5  # column-width units lost to the cell's margins and a one-level indent (the template)
PLAIN_MARGIN = 0.5  # … to the margins of a cell without indent (the summary)
BASE_FONT = 11.0  # the workbook's default font size: the unit of column widths


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Display width of one character: 2 for wide (CJK) and ambiguous characters, else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def text_width(text: str) -> int:
    """Display width of a line of text: CJK characters count double."""
    return sum(char_width(ch) for ch in text)


def line_count(text: str, width: float, font_size: float = 10.0, margin: float = CELL_MARGIN) -> int:
    """Lines that `text` wraps to in a cell `width` column units wide (greedy, by character)."""
    if not text:
        return 1
    room = max(2.0, (width - margin) * BASE_FONT / font_size * 0.95)
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0.0, 1
        for ch in paragraph:
            w = char_width(ch)
            if used + w > room:
                count += 1
                used = 0.0
            used += w
        lines += count
    return lines


def height_for(lines: int, font_size: float = 10.0) -> float:
    """Points for `lines` lines of text at `font_size`, capped at Excel's row limit."""
    return min(MAX_ROW_HEIGHT, round(lines * font_size * LINE_FACTOR + PADDING, 1))


def fit_height(
    texts: Iterable[tuple[object, float]], minimum: float, font_size: float = 10.0, margin: float = CELL_MARGIN
) -> float:
    """The height that shows every (text, width) of one row, at least `minimum` points."""
    lines = max(
        (line_count(str(text), width, font_size, margin) for text, width in texts if text not in (None, "")), default=1
    )
    return max(minimum, height_for(lines, font_size))
