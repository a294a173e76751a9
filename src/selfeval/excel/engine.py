"""Where xlwings' engines differ: the one place that knows it.

The entry points use xlwings' public API, which desktop Excel (COM, BSD xlwings) and the
remote engine of xlwings Server (`xw.Book(json=...)`, used by the tests) both implement.
A few calls exist on one engine only; each is wrapped here in one small function that
does the right thing or nothing:

| need                     | desktop (COM)            | remote engine                          |
|--------------------------|--------------------------|----------------------------------------|
| read formulas (X01)      | `range.formula`          | not in the payload: X01 is skipped     |
| status-bar progress      | `app.status_bar`         | not available: skipped                 |
| notes                    | `add_note` / `delete`    | Office.js clients only (ExcelApi 1.18) |
| unprotect while writing  | `Unprotect`/`Protect`    | no API: sheets must be unprotected     |
| page setup (print)       | `PageSetup`              | not available: skipped                 |
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from ..layout import PROTECTION_ALLOWS
from ..styles import PAGE_FOOTER
from ..vocabulary import RIBBON_TAB

if TYPE_CHECKING:  # xlwings imports pandas: never at import time of the validate path
    import xlwings as xw

REMOTE = "remote"


def is_remote(book: xw.Book) -> bool:
    """True for the remote engine (xlwings Server, or `xw.Book(json=...)` in tests)."""
    return book.app.engine.name == REMOTE


def read_formulas(sheet: xw.Sheet, last_row: int, last_col: int) -> list[list[Any]] | None:
    """The formulas of A1:(last_row, last_col) in one read, or None where the engine has none."""
    if is_remote(sheet.book):
        return None
    formulas = sheet.range((1, 1), (last_row, last_col)).formula
    if not isinstance(formulas, (list, tuple)):
        return [[formulas]]
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in formulas]


def show_status(book: xw.Book, text: str | None) -> None:
    """Excel's status bar text; None gives it back to Excel. Nothing where unsupported."""
    with suppress(NotImplementedError):
        book.app.status_bar = text if text else False


def notes_supported(sheet: xw.Sheet) -> bool:
    """Whether notes can be added to this sheet on this engine."""
    if not is_remote(sheet.book):
        return True
    api = sheet.book.api
    return (
        api.get("client") == "Office.js"
        and sheet.api.get("notes") is not None
        and sheet.api.get("notes_supported") is not False
    )


def add_note(cell: xw.Range, text: str) -> bool:
    """Add a note; False (nothing done) if the cell already has one (a clerk's) or notes are unsupported."""
    if not notes_supported(cell.sheet) or cell.note is not None:
        return False
    cell.add_note(text)
    return True


def delete_note(cell: xw.Range) -> None:
    """Delete the note of `cell` if there is one and the engine supports notes."""
    if not notes_supported(cell.sheet):
        return
    note = cell.note
    if note is not None:
        note.delete()


# layout.PROTECTION_ALLOWS (openpyxl's names) → the keywords of COM's Worksheet.Protect
_COM_ALLOW = {
    "insertRows": "AllowInsertingRows",
    "deleteRows": "AllowDeletingRows",
    "formatCells": "AllowFormattingCells",
    "formatColumns": "AllowFormattingColumns",
    "formatRows": "AllowFormattingRows",
}


@contextmanager
def unprotected(sheet: xw.Sheet) -> Iterator[None]:
    """Lift the template's password-less protection while writing, then restore it (desktop).

    The template protects sheets only against overwriting formulas; the status cell, 目录
    and 校验结果 are locked like them. The remote engine has no protection API: there the
    block runs as is.
    """
    if is_remote(sheet.book):
        yield
        return
    api = sheet.api
    was_protected = bool(api.ProtectContents)
    if was_protected:
        api.Unprotect()
    try:
        yield
    finally:
        if was_protected:
            allowed = {_COM_ALLOW[name]: True for name in PROTECTION_ALLOWS}
            api.Protect(DrawingObjects=False, Contents=True, Scenarios=False, **allowed)


def alert(book: xw.Book, text: str, title: str = RIBBON_TAB) -> None:
    """A message box for the clerk."""
    book.app.alert(text, title=title)


_PAPER_SIZES = {"A4": 9, "A3": 8}  # xlPaperA4, xlPaperA3


def page_setup(sheet: xw.Sheet, *, landscape: bool, paper: str, print_area: str, title_rows: str) -> None:
    """Print the sheet's `print_area` on `paper`, fit to the page width, `title_rows` on every page,
    with page numbers (desktop; the remote engine has no page setup)."""
    if is_remote(sheet.book):
        return
    setup = sheet.api.PageSetup
    setup.Orientation = 2 if landscape else 1  # xlLandscape / xlPortrait
    setup.PaperSize = _PAPER_SIZES[paper]
    setup.PrintArea = print_area
    first, last = title_rows.split(":")
    setup.PrintTitleRows = f"${first}:${last}"
    setup.Zoom = False
    setup.FitToPagesWide = 1
    setup.FitToPagesTall = False
    setup.CenterFooter = PAGE_FOOTER
