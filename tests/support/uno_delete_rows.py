"""Delete rows in a workbook the way a clerk does, in LibreOffice, on the protected sheet; save it.

Run by the system Python that has LibreOffice's `uno` module (not the project's venv):

    python3 uno_delete_rows.py SRC.xlsx DST.xlsx JOB.json PROFILE_DIR

JOB.json: {"sheet": name, "delete": [row, …]} (1-based sheet rows, deleted in order). Unlike
uno_insert_rows.py the sheet's protection is kept: deleting must work as the clerk meets it.
Exit 0 when every row was deleted and the file saved; 3 (with LibreOffice's reason on stderr)
when LibreOffice refused a deletion.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from uno_office import office, prop  # same directory: one way to start LibreOffice


def main(source: str, target: str, job_path: str, profile: str) -> int:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    with office(profile) as desktop:
        import uno  # type: ignore[import-not-found]

        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
        sheet = doc.Sheets.getByName(job["sheet"])
        assert sheet.isProtected(), "the template's sheet should be protected"
        try:
            for row in job["delete"]:
                sheet.Rows.removeByIndex(row - 1, 1)
        except Exception as exc:
            print(f"refused: {exc}", file=sys.stderr)
            doc.close(True)
            return 3
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
