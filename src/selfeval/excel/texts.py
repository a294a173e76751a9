"""Texts written into the workbook: data stays data, our formulas are quoted safely."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def as_text(value: object) -> object:
    """A string that Excel would read as a formula gets the text prefix `'` (principle 3)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_ref(sheet: str) -> str:
    """`'项目1'!` — a sheet reference for a formula, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'!"


def formula_string(text: str) -> str:
    """A string literal inside a formula."""
    return '"' + text.replace('"', '""') + '"'


def hyperlink_formula(sheet: str, cell: str, text: str) -> str:
    """`=HYPERLINK("#'项目1'!G14","转到")`: an in-workbook link, written with the values."""
    return f"=HYPERLINK({formula_string('#' + sheet_ref(sheet) + cell)},{formula_string(text)})"
