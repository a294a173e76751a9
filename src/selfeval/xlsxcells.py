"""What a few cells of an .xlsx/.xlsm really hold, beyond the cached values calamine gives.

- `read_cell_contents`: the formula text, or the typed constant (X01 needs to know whether a
  template's computed cell still holds its formula);
- `percent_cells`: which numeric cells are shown as percentages (a clerk typing `98%` in
  Excel stores 0.98 with a percent format; the value grammar must see `98%`).

`read_cells` answers both in one pass (one zip opening, each sheet part read once). The
wanted cells are found by a byte search in the sheet part, falling back to a streaming parse
that stops after the last wanted row (measurements in sources.with_cell_details).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from .a1 import is_address, split_address

_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_ID_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its XML part inside the package (via xl/workbook.xml and its rels)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
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


def _stream(
    archive: zipfile.ZipFile, part: str, targets: set[str], shared: _SharedStrings
) -> dict[str, tuple[str, int]]:
    """(content, style index) of the target cells of one sheet part; absent cells are left out."""
    data = archive.read(part)
    found = _search(data, targets, shared)
    return found if found is not None else _iterparse(io.BytesIO(data), targets, shared)


def _search(data: bytes, targets: set[str], shared: _SharedStrings) -> dict[str, tuple[str, int]] | None:
    """The fast way: find each target's <c> element by its r attribute and parse only those.

    A handful of cells in a sheet part is found far quicker by a byte search than by parsing
    the whole part; the elements found are parsed together, in one small document. Returns
    None (use `_iterparse`) where the quick way cannot be sure: prefixed element names, or
    a shared formula's dependent whose master text is elsewhere.
    """
    refs: list[str] = []
    elements: list[bytes] = []
    for ref in targets:
        element = _cell_element(data, ref)
        if element is None:
            if (b' r="' + ref.encode() + b'"') in data:
                return None  # present, but not as a plain <c>: let the full parser decide
            continue
        refs.append(ref)
        elements.append(element)
    if not elements:
        return {}
    try:
        cells = list(ElementTree.fromstring(b"<cells>" + b"".join(elements) + b"</cells>"))
    except ElementTree.ParseError:
        return None
    if len(cells) != len(refs):
        return None
    found: dict[str, tuple[str, int]] = {}
    for ref, cell in zip(refs, cells, strict=False):
        if _local(cell.tag) != "c" or cell.get("r") != ref:
            return None
        formula = next((ch for ch in cell if _local(ch.tag) == "f"), None)
        if formula is not None and formula.get("t") == "shared" and not formula.text:
            return None
        found[ref] = (_content(cell, shared, {}), int(cell.get("s") or 0))
    return found


def _cell_element(data: bytes, ref: str) -> bytes | None:
    """The bytes of the plain `<c r="ref" …>…</c>` (or `<c …/>`) element, or None."""
    at = data.find(b' r="' + ref.encode() + b'"')
    if at < 0:
        return None
    start = data.rfind(b"<", 0, at)
    if data[start : start + 3] not in (b"<c ", b"<c\t", b"<c\n"):
        return None
    close = data.find(b">", at)
    if close < 0:
        return None
    if data[close - 1 : close] == b"/":
        return data[start : close + 1]
    end = data.find(b"</c>", close)
    return None if end < 0 else data[start : end + 4]


def _iterparse(stream: IO[bytes], targets: set[str], shared: _SharedStrings) -> dict[str, tuple[str, int]]:
    """The thorough way: stream the whole part, following shared formulas to their masters."""
    found: dict[str, tuple[str, int]] = {}
    last_row = max(split_address(a)[0] if is_address(a) else 0 for a in targets)
    masters: dict[str, str] = {}
    remaining = set(targets)
    for _, element in ElementTree.iterparse(stream):
        name = _local(element.tag)
        if name == "c":
            ref = element.get("r", "")
            formula = next((ch for ch in element if _local(ch.tag) == "f"), None)
            if ref in remaining or (formula is not None and formula.get("t") == "shared"):
                content = _content(element, shared, masters)
                if ref in remaining:
                    found[ref] = (content, int(element.get("s") or 0))
                    remaining.discard(ref)
        elif name == "row":
            row_number = int(element.get("r") or 0)
            element.clear()
            if not remaining or row_number >= last_row:
                break
    return found


def _targets(addresses: Iterable[str]) -> set[str]:
    return {a.replace("$", "").upper() for a in addresses}


def read_cells(
    path: Path, contents: Mapping[str, Iterable[str]], percents: Mapping[str, Iterable[str]]
) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """`read_cell_contents(path, contents)` and `percent_cells(path, percents)` in one pass:
    the package is opened once and each sheet part read once for both."""
    found_contents: dict[str, dict[str, str]] = {}
    found_percents: dict[str, set[str]] = {}
    with zipfile.ZipFile(path) as archive:
        styles = _percent_styles(archive) if percents else set()
        parts = sheet_parts(archive)
        shared = _SharedStrings(archive)
        for sheet in [*contents, *(p for p in percents if p not in contents)]:
            if sheet not in parts:
                continue
            content_targets = _targets(contents.get(sheet, ()))
            percent_targets = _targets(percents.get(sheet, ())) if styles else set()
            if not content_targets and not percent_targets:
                continue
            found = _stream(archive, parts[sheet], content_targets | percent_targets, shared)
            if content_targets:
                found_contents[sheet] = {a: found[a][0] if a in found else "" for a in content_targets}
            if percent_targets:
                found_percents[sheet] = {a for a in percent_targets if a in found and found[a][1] in styles}
    return found_contents, found_percents


def read_cell_contents(path: Path, wanted: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """For each sheet name → addresses, the raw content of those cells.

    Content: `=` + formula text for a formula cell, the typed constant as text otherwise,
    '' for an empty or absent cell. Sheets missing from the workbook are left out.
    Raises OSError / zipfile.BadZipFile / ElementTree.ParseError / KeyError on a broken file.
    """
    return read_cells(path, wanted, {})[0]


_BUILTIN_PERCENT_FORMATS = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percentage."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    percent_ids = set(_BUILTIN_PERCENT_FORMATS)
    result: set[int] = set()
    for element in styles:
        name = _local(element.tag)
        if name == "numFmts":
            for fmt in element:
                code = _QUOTED.sub("", fmt.get("formatCode", ""))
                if "%" in code:
                    percent_ids.add(int(fmt.get("numFmtId") or -1))
        elif name == "cellXfs":
            for index, xf in enumerate(element):
                if int(xf.get("numFmtId") or 0) in percent_ids:
                    result.add(index)
    return result


def percent_cells(path: Path, wanted: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """For each sheet name → addresses, those whose number format is a percentage."""
    return read_cells(path, {}, wanted)[1]
