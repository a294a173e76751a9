"""The payload xlwings' VBA client (`RunServerPython` in xlwings' `Remote.bas`) posts.

Built from a real workbook with the same JSON shape as that client: `client` "VBA", the
xlwings version, `book` (name, active sheet index, selection), `names` (named ranges only),
and per worksheet only `name`, `pictures`, `tables` and `values` (A1 to the end of the used
range, as `Range.Value` gives them: blank cells null, whole numbers without decimals, dates
as "yyyy-mm-ddTHH:MM:SS.000Z"). `include`/`exclude` behave as the client's: an excluded
sheet is sent with `values` [[]] and no pictures or tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl

from .xlwings_payload import payload_from_xlsx


def _vba_value(value: object) -> object:
    if value == "":
        return None  # Empty in the Variant array: WebHelpers.ConvertToJson writes null
    if isinstance(value, float) and value.is_integer():
        return int(value)  # VBA's number-to-text has no ".0"
    return value


def _tables(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[dict]:
    found = []
    for table in ws.tables.values():
        first, last = table.ref.split(":")
        absolute = "$" + "$".join(openpyxl.utils.cell.coordinate_from_string(first))
        absolute_last = "$" + "$".join(openpyxl.utils.cell.coordinate_from_string(last))
        found.append(
            {
                "name": table.name,
                "range_address": f"{absolute}:{absolute_last}",
                "header_row_range_address": None,
                "data_body_range_address": None,
                "total_row_range_address": None,
                "show_headers": bool(table.headerRowCount),
                "show_totals": bool(table.totalsRowCount),
                "table_style": table.tableStyleInfo.name if table.tableStyleInfo else "",
                "show_autofilter": table.autoFilter is not None,
            }
        )
    return found


def vba_payload(
    path: Path,
    *,
    active: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    recalculate: bool = True,
) -> dict:
    """The request body RunServerPython sends for workbook `path`."""
    if include and exclude:
        raise ValueError("Either use 'include' or 'exclude', but not both")
    full = payload_from_xlsx(path, active=active, client="VBA", recalculate=recalculate)
    structure = openpyxl.load_workbook(path)
    names = [sheet["name"] for sheet in full["sheets"]]
    excluded = set(exclude) | ({n for n in names if n not in include} if include else set())
    sheets = []
    for sheet in full["sheets"]:
        out = sheet["name"] in excluded
        values = sheet["values"]
        sheets.append(
            {
                "name": sheet["name"],
                "pictures": [],
                "tables": [] if out else _tables(structure[sheet["name"]]),
                "values": [[]] if out or values == [[]] else [[_vba_value(v) for v in row] for row in values],
            }
        )
    return {
        "client": "VBA",
        "version": full["version"],
        "book": full["book"],
        "names": full["names"],
        "sheets": sheets,
    }
