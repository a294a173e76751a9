"""What every importer shares: the names of its grids and rectangular rows.

Failures use `errors.SourceError`: raised when the whole file cannot be read or holds no
form, yielded (with the form's grid name) for one form that cannot be read, so the others
go on. Both become X03 findings in `sources.read_source`.
"""

from __future__ import annotations

from collections.abc import Sequence

# The level headers of a form's indicator table: a Word table or text block holding both is one.
INDICATOR_TABLE_HEADERS = ("一级指标", "二级指标")
FORM_SHEET_PREFIX = "表"  # 表1, 表2, …: where a clerk finds a form inside a document


def form_sheet_name(number: int) -> str:
    """The Grid name of the n-th table/form of a document: 表1, 表2, …"""
    return f"{FORM_SHEET_PREFIX}{number}"


def pad_rows(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """Rows padded with '' to one width, like a bulk read of a sheet gives them."""
    width = max((len(row) for row in rows), default=0)
    return [list(row) + [""] * (width - len(row)) for row in rows]
