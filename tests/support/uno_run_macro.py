"""Run one VBA macro of an .xlsm in headless LibreOffice, then save the workbook as .xlsx.

Run by the system Python that has LibreOffice's `uno` module (not the project's venv):

    python3 uno_run_macro.py SRC.xlsm DST.xlsx LIBRARY.MODULE.FUNCTION PROFILE_DIR

The function must return a number or text (e.g. Err.Number and where it failed; errors are
silent over UNO); it is printed on stdout as JSON.
"""

from __future__ import annotations

import json
import sys

import uno  # type: ignore[import-not-found]
from uno_office import office, prop  # same directory: one way to start LibreOffice


def main(source: str, target: str, macro: str, profile: str) -> None:
    with office(profile) as desktop:
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(source),
            "_blank",
            0,
            (prop("Hidden", True), prop("MacroExecutionMode", 4), prop("FilterName", "Calc MS Excel 2007 VBA XML")),
        )
        script = doc.getScriptProvider().getScript(f"vnd.sun.star.script:{macro}?language=Basic&location=document")
        result, _, _ = script.invoke((), (), ())
        doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:5])
