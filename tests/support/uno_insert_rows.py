"""Insert and fill rows in a workbook the way a clerk does, in LibreOffice, then save it.

Run by the system Python that has LibreOffice's `uno` module (not the project's venv):

    python3 uno_insert_rows.py SRC.xlsx DST.xlsx JOB.json PROFILE_DIR

JOB.json: {"sheet": name, "inserts": [{"before": row, "cells": {"C": text-or-number, …}}, …]}
Rows are 1-based sheet rows, applied in order. The sheet's password-less protection is lifted
first: the test is about formulas following inserted rows, not about the protection dialog.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uno  # type: ignore[import-not-found]
from uno_office import office, prop  # same directory: one way to start LibreOffice


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def main(source: str, target: str, job_path: str, profile: str) -> None:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    with office(profile) as desktop:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
        sheet = doc.Sheets.getByName(job["sheet"])
        sheet.unprotect("")
        for insert in job["inserts"]:
            row = insert["before"] - 1
            sheet.Rows.insertByIndex(row, 1)
            for column, value in insert["cells"].items():
                cell = sheet.getCellByPosition(_column_index(column), row)
                if isinstance(value, (int, float)):
                    cell.setValue(value)
                else:
                    cell.setString(value)
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
