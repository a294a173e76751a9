"""What selfeval writes into cells: data stays data, our formulas are quoted safely, and the
formulas of a 目录 row (the template and the add-in write the same ones)."""

from __future__ import annotations

from collections.abc import Mapping

from .vocabulary import NO_PROJECT_NAME

FORMULA_STARTS = ("=", "+", "-", "@")  # a text starting so would be read as a formula


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


def index_row_formulas(sheet: str, cells: Mapping[str, str]) -> dict[str, str]:
    """目录 column key → the formula that shows that field of project sheet `sheet` ('' while it
    is empty; an empty 项目名称 shows NO_PROJECT_NAME). `cells`: the sheet's field key → address."""
    ref = sheet_ref(sheet)

    def show(key: str, empty: str = "") -> str:
        target = f"{ref}{cells[key]}"
        return f'=IF({target}="",{formula_string(empty)},{target})'

    return {
        "name": show("name", NO_PROJECT_NAME),
        "total": show("total"),
        "grade": show("grade"),
        "status": show("status"),
    }
