"""Turn a real .xlsx into the request payload an xlwings client sends to xlwings Server.

The payload is what `xw.Book(json=payload)` (xlwings' remote engine) is built from. Its
shape follows xlwings' clients (the Office.js add-in, Office Scripts `xlwings.ts`, the VBA
`Remote.bas` in the xlwings package) and the keys `xlwings/pro/_xlremote.py` reads:

* `book`: name, position of the active sheet, selected address;
* `names`: the workbook's named ranges (sheet index and address);
* `sheets`, in workbook order: name, `values` from A1 to the last used cell (blank cells
  as "", dates as ISO strings, formula cells as their computed value), `visibility`,
  `used_range_address`, the cells with a note, and empty pictures/tables/shapes/charts.

Files written by openpyxl carry no computed formula values, Excel's would: `recalculate`
lets LibreOffice compute them first, as Excel would have before sending the payload.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import xlwings as xw
from openpyxl.utils import get_column_letter

from .libreoffice import convert

VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}


def _cell_value(value: object, floats: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, dt.time):
        return f"1899-12-30T{value.isoformat()}.000Z"
    if floats and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # COM and VBA deliver every number as a double
    return value


def payload_from_xlsx(
    path: Path,
    *,
    active: str | None = None,
    client: str = "Office.js",
    recalculate: bool = True,
    floats: bool = False,
) -> dict:
    """The payload for workbook `path`; `active` names the active sheet (default: the file's)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="payload-") as tmp:
        source = convert(path, "xlsx", Path(tmp)) if recalculate else path
        values_book = openpyxl.load_workbook(source, data_only=True)
    structure = openpyxl.load_workbook(path)  # notes, names and sheet states as the file has them
    sheets = []
    for ws in values_book.worksheets:
        original = structure[ws.title]
        max_row, max_col = ws.max_row, ws.max_column
        values = [
            [_cell_value(v, floats) for v in row]
            for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True)
        ]
        empty = max_row == 1 and max_col == 1 and values[0][0] == ""
        notes = [
            {"address": cell.coordinate} for row in original.iter_rows() for cell in row if cell.comment is not None
        ]
        sheets.append(
            {
                "name": ws.title,
                "values": [[]] if empty else values,
                "visibility": VISIBILITY[original.sheet_state],
                "used_range_address": None if empty else f"A1:{get_column_letter(max_col)}{max_row}",
                "notes": notes,
                "notes_supported": True,
                "pictures": [],
                "tables": [],
                "shapes": [],
                "charts": [],
                "print_area": None,
                "show_gridlines": original.sheet_view.showGridLines is not False,
                "pivot_tables": [],
            }
        )
    names = []
    for name, definition in structure.defined_names.items():
        for sheet_name, address in definition.destinations:
            names.append(
                {
                    "name": name,
                    "sheet_index": structure.sheetnames.index(sheet_name),
                    "address": address.replace("$", ""),
                    "book_scope": True,
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                }
            )
            break
    active_index = structure.sheetnames.index(active) if active else structure.index(structure.active)
    return {
        "client": client,
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": active_index, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def actions_of(book: xw.Book) -> list[dict]:
    """What the engine would tell Excel to do, in order."""
    return book.json()["actions"]
