"""A real workbook with VBA modules added, for running VBA in LibreOffice (tests only).

The VBA project is written by the add-in's own writer (`selfeval.addin.ovba`) and put into a
copy of an .xlsx as `xl/vbaProject.bin`, which makes it an .xlsm.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from selfeval.addin.ovba import ModuleKind, VbaModule, VbaProject, vba_project_bin

PROJECT = "selfevaltest"
_MAIN_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MAIN_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_VBA_TYPE = '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
_VBA_REL = (
    '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
    'Target="vbaProject.bin"/>'
)


def module(source: str) -> VbaModule:
    name = re.match(r'Attribute VB_Name = "(\w+)"', source).group(1)
    return VbaModule(name, ModuleKind.STANDARD, source.replace("\r\n", "\n"))


def with_vba(xlsx: Path, sources: list[str], target: Path) -> Path:
    """Copy `xlsx` to `target` (.xlsm) with a VBA project of the given standard modules."""
    vba = vba_project_bin(VbaProject(PROJECT, tuple(module(s) for s in sources)))
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = (
                    data.decode().replace(_MAIN_XLSX, _MAIN_XLSM).replace("</Types>", _VBA_TYPE + "</Types>").encode()
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.decode().replace("</Relationships>", _VBA_REL + "</Relationships>").encode()
            out.writestr(item, data)
        out.writestr("xl/vbaProject.bin", vba)
    return target
