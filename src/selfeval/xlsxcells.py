"""What a few cells of an .xlsx/.xlsm really hold: the formula text, or the typed constant.

python-calamine gives cached values only; X01 needs to know whether a template's computed
cell still holds its formula. This streams just the wanted sheets' XML parts (zipfile +
iterparse), stops after the last wanted row, and never loads styles or the whole sheet
(measurements in sources.fill_formulas).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.etree import ElementTree

_ADDRESS = re.compile(r"^([A-Z]{1,3})(\d+)$")
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_ID_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _row_of(address: str) -> int:
    match = _ADDRESS.match(address)
    return int(match.group(2)) if match else 0


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its XML part inside the package (via xl/workbook.xml and its rels)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id", "")] = part
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            rel_id = element.get(_REL_ID) or element.get(_REL_ID_STRICT) or ""
            if rel_id in targets:
                parts[element.get("name", "")] = targets[rel_id]
    return parts


class _SharedStrings:
    """xl/sharedStrings.xml, parsed only when a wanted cell refers to it."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.items: list[str] | None = None

    def __getitem__(self, index: int) -> str:
        if self.items is None:
            self.items = []
            if "xl/sharedStrings.xml" in self.archive.namelist():
                with self.archive.open("xl/sharedStrings.xml") as stream:
                    for _, element in ElementTree.iterparse(stream):
                        if _local(element.tag) == "si":
                            self.items.append(_text_of(element))
                            element.clear()
        return self.items[index] if 0 <= index < len(self.items) else ""


def _text_of(element: ElementTree.Element) -> str:
    """The visible text of an <si> or <is>: its <t> runs, without phonetic (<rPh>) runs."""
    parts: list[str] = []

    def walk(node: ElementTree.Element) -> None:
        for child in node:
            name = _local(child.tag)
            if name == "t":
                parts.append(child.text or "")
            elif name != "rPh":
                walk(child)

    walk(element)
    return "".join(parts)


def _content(cell: ElementTree.Element, shared: _SharedStrings, masters: dict[str, str]) -> str:
    formula = value = inline = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child.text or ""
        elif name == "is":
            inline = _text_of(child)
    if formula is not None:
        text = formula.text or ""
        if formula.get("t") == "shared" and formula.get("si") is not None:
            si = formula.get("si", "")
            if text:
                masters[si] = text
            else:
                text = masters.get(si, "")  # dependent of a shared formula: the master's text
        return "=" + text
    kind = cell.get("t", "n")
    if kind == "s" and value is not None:
        try:
            return shared[int(value)]
        except ValueError:
            return ""
    if kind == "inlineStr":
        return inline or ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    return value or ""


def read_cell_contents(path: Path, wanted: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """For each sheet name → addresses, the raw content of those cells.

    Content: `=` + formula text for a formula cell, the typed constant as text otherwise,
    '' for an empty or absent cell. Sheets missing from the workbook are left out.
    Raises OSError / zipfile.BadZipFile / ElementTree.ParseError / KeyError on a broken file.
    """
    result: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
        shared = _SharedStrings(archive)
        for sheet, addresses in wanted.items():
            targets = {a.replace("$", "").upper() for a in addresses}
            if sheet not in parts or not targets:
                continue
            found = {a: "" for a in targets}
            last_row = max(_row_of(a) for a in targets)
            masters: dict[str, str] = {}
            remaining = set(targets)
            with archive.open(parts[sheet]) as stream:
                for _, element in ElementTree.iterparse(stream):
                    name = _local(element.tag)
                    if name == "c":
                        ref = element.get("r", "")
                        formula = next((ch for ch in element if _local(ch.tag) == "f"), None)
                        if ref in remaining or (formula is not None and formula.get("t") == "shared"):
                            content = _content(element, shared, masters)
                            if ref in remaining:
                                found[ref] = content
                                remaining.discard(ref)
                    elif name == "row":
                        row_number = int(element.get("r") or 0)
                        element.clear()
                        if not remaining or row_number >= last_row:
                            break
            result[sheet] = found
    return result
