"""Run one VBA macro of an .xlsm in headless LibreOffice, then save the workbook as .xlsx.

Run by the system Python that has LibreOffice's `uno` module (not the project's venv):

    python3 uno_run_macro.py SRC.xlsm DST.xlsx LIBRARY.MODULE.FUNCTION PROFILE_DIR

The function must return a number or text (e.g. Err.Number and where it failed; errors are
silent over UNO); it is printed on stdout as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main(source: str, target: str, macro: str, profile: str) -> None:
    pipe = f"selfeval_macro_{int(time.time() * 1000)}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.25)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(source), "_blank", 0,
            (_prop("Hidden", True), _prop("MacroExecutionMode", 4), _prop("FilterName", "Calc MS Excel 2007 VBA XML")),
        )
        script = doc.getScriptProvider().getScript(
            f"vnd.sun.star.script:{macro}?language=Basic&location=document")
        result, _, _ = script.invoke((), (), ())
        doc.storeToURL(uno.systemPathToFileUrl(target), (_prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        print(json.dumps(result))
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge closes as LibreOffice exits
            pass
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:5])
