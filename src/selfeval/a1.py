"""A1 cell addresses: the one place that turns `G14` into (row 14, column 7) and back."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1024)
def column_letters(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A → 1, AA → 27."""
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def address(row: int, col: int) -> str:
    """(14, 7) → `G14`, both 1-based."""
    return f"{column_letters(col)}{row}"


def is_address(text: str) -> bool:
    """Whether `text` is a plain A1 cell address (not 第3行 or a range)."""
    letters = text.rstrip("0123456789")
    digits = text[len(letters) :]
    return (
        bool(letters)
        and bool(digits)
        and letters.isascii()
        and letters.isalpha()
        and letters.isupper()
        and digits[0] != "0"
    )


def split_address(text: str) -> tuple[int, int]:
    """`G14` → (14, 7)."""
    letters = text.rstrip("0123456789")
    return int(text[len(letters) :]), column_number(letters)
