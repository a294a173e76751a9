"""Where the cells of each worksheet lie, found in the package before calamine reads it.

calamine turns a sheet into one dense range spanning every cell that holds a value: one
stray entry at XFD1048576 asks for 17 billion cells (550 GB) and the process aborts. So
the cells present are counted first from the sheet XML (.xlsx) or its binary records (.xlsb),
with the rows and columns they occupy; a sheet whose cells span too large a range is read
without its outlying cells (those beyond a wide band of empty rows or columns), from a copy
of the package made in memory — or refused when even the main block is too large.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from xml.etree import ElementTree

from .a1 import column_letters, column_number
from .errors import SourceError
from .limits import MAX_CELL_CHARS, MAX_GRID_CELLS, MAX_SHEET_CELLS, OUTLIER_GAP_COLUMNS, OUTLIER_GAP_ROWS
from .package import ODS, XLSB, XLSX, inspect_package

# Cells by their references (group 3 is "/" for an empty, self-closing cell) and whole cell
# elements (to cut outlying ones). References are matched loosely (any length, either case):
# a hostile r="A99999999" must count as the far cell calamine would make of it.
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="\$?([A-Za-z]+)\$?([0-9]+)"[^>]*?(/?)>')
_CELL_ELEMENT = re.compile(
    rb'<((?:[A-Za-z_][\w.-]*:)?c)\s[^>]*?\br="\$?([A-Za-z]+)\$?([0-9]+)"[^>]*?(?:/>|>.*?</\1>)', re.S
)
# The quick count, for cells written as Excel, LibreOffice and openpyxl write them (`<c r="…"`
# first, no prefix): literal prefixes let the regular expression engine skip ahead.
_VALUED_CELL = re.compile(rb'<c r="\$?([A-Za-z]+)\$?([0-9]+)"[^>]*(?<!/)>')
# Any other way of writing a cell (no `r`, `r` not first, an odd reference, a prefix): parse.
_ODD_CELL = re.compile(rb'<c(?:>| (?!r="\$?[A-Za-z]+\$?[0-9]+"))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_REF_TEXT = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")
_REL_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_XLSB_ROW = 0
_XLSB_CELLS = range(2, 12)  # BrtCellRk … BrtFmlaError: cells holding a value (1 is a blank cell)
_NOT_SHEETS = frozenset({"xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml", "xl/calcChain.xml"})
_NOT_SHEET_FOLDERS = (
    "xl/media/",
    "xl/theme/",
    "xl/printerSettings/",
    "docProps/",
    "customXml/",
    "xl/drawings/",
    "xl/charts/",
    "xl/externalLinks/",
    "xl/pivotCache/",
    "xl/pivotTables/",
    "xl/tables/",
    "xl/comments",
    "xl/threadedComments/",
    "xl/persons/",
    "xl/ctrlProps/",
    "xl/queryTables/",
)
_WORKBOOK_PARTS = {
    XLSX: ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"),
    XLSB: ("xl/workbook.bin", "xl/_rels/workbook.bin.rels"),
}


def _column(letters: bytes | str) -> int:
    """The column number of a reference's letters as the XML holds them (any case)."""
    return column_number((letters.decode() if isinstance(letters, bytes) else letters).upper())


@dataclass
class Extent:
    """The cells holding a value in one sheet: how many, and which rows and columns (1-based)."""

    cells: int = 0
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    broken: bool = False  # the part could not be parsed: calamine will not read it either

    def add(self, row: int, column: int) -> None:
        self.cells += 1
        self.rows.add(row)
        self.columns.add(column)

    @property
    def area(self) -> int:
        if not self.cells:
            return 0
        return (max(self.rows) - min(self.rows) + 1) * (max(self.columns) - min(self.columns) + 1)

    def main_block(self) -> tuple[int, int]:
        """Last row and column of the block the sheet starts with, before a wide empty band."""
        return _band_end(sorted(self.rows), OUTLIER_GAP_ROWS), _band_end(sorted(self.columns), OUTLIER_GAP_COLUMNS)


def _band_end(numbers: list[int], gap: int) -> int:
    end = numbers[0]
    for number in numbers[1:]:
        if number - end > gap:
            break
        end = number
    return end


@dataclass
class SheetPlan:
    """How to read one sheet: whole, without its outlying cells, or not at all."""

    part: str
    extent: Extent
    refused: str = ""  # the Chinese reason when the sheet is not read
    outliers: list[str] = field(default_factory=list)  # addresses of the cells cut (first few)
    outlier_count: int = 0
    cut: bytes = b""  # the sheet's XML without its outlying cells

    @property
    def trimmed(self) -> bool:
        return self.outlier_count > 0


@dataclass
class WorkbookPlan:
    kind: str
    sheets: dict[str, SheetPlan] = field(default_factory=dict)  # sheet name → plan
    names: list[str] = field(default_factory=list)  # every sheet name, in workbook order
    refused_parts: set[str] = field(default_factory=set)  # parts never to be unpacked (too large, broken)
    short_texts: bool = False  # no cell can hold more than MAX_CELL_CHARS (no such run of text in the XML)

    @property
    def needs_copy(self) -> bool:
        return any(plan.trimmed for plan in self.sheets.values())


def plan_workbook(path: Path) -> WorkbookPlan:
    """Check the package (see `package`) and measure every worksheet. Raises SourceError."""
    scan = _PartScan()
    package = inspect_package(path, scan.visit, scan.wanted, tolerated=lambda name: name.startswith("xl/worksheets/"))
    plan = WorkbookPlan(
        package.kind,
        refused_parts=set(package.refused),
        short_texts=package.kind == XLSX and scan.longest <= MAX_CELL_CHARS,
    )
    if package.kind == ODS:
        try:
            check_ods(scan.meta.get("content.xml", b""))
        except ElementTree.ParseError:
            raise SourceError("表格内容（content.xml）已损坏，无法读取") from None
    if package.kind in _WORKBOOK_PARTS:
        _plan_sheets(plan, scan, package.refused)
    return plan


_BOOK_PARTS = frozenset({part for parts in _WORKBOOK_PARTS.values() for part in parts} | {"content.xml"})


@dataclass
class _PartScan:
    """What one pass over a workbook package keeps: the workbook parts, each sheet's extent,
    the data of sheets too large to read whole, and the longest text run."""

    meta: dict[str, bytes] = field(default_factory=dict)  # workbook part → its data
    extents: dict[str, Extent] = field(default_factory=dict)  # sheet part → its extent
    cut: dict[str, bytes] = field(default_factory=dict)  # sheet part → data, to find (and cut) outliers
    longest: int = 0  # the longest run of bytes without "<" in the sheets and shared strings

    def visit(self, name: str, data: bytes) -> None:
        if name in _BOOK_PARTS:
            self.meta[name] = data
            return
        if name.endswith(".xml") and len(data) > MAX_CELL_CHARS:  # a smaller part cannot hold such a text
            self.longest = max(self.longest, max(map(len, data.split(b"<"))))
        if name in _NOT_SHEETS:
            return
        try:
            extent = xlsb_extent(data) if name.endswith(".bin") else xlsx_extent(data)
        except (ElementTree.ParseError, SourceError):
            extent = Extent(broken=True)
        self.extents[name] = extent
        if extent.area > MAX_GRID_CELLS:
            self.cut[name] = data

    def wanted(self, name: str) -> bool:
        # every part a relationship may name as a sheet (not only xl/worksheets/): XML parts,
        # and the binary sheets of .xlsb
        if name in _BOOK_PARTS or name == "xl/sharedStrings.xml":
            return True
        if name.startswith(_NOT_SHEET_FOLDERS) or "/_rels/" in name:
            return False  # a sheet a relationship places there is refused (no extent, see sources)
        return (name.endswith(".xml") and name not in _NOT_SHEETS) or (
            name.endswith(".bin") and name.startswith("xl/worksheets/")
        )


def _plan_sheets(plan: WorkbookPlan, scan: _PartScan, refused: dict[str, str]) -> None:
    """The workbook's sheets in order, each with its extent judged (or the reason it is refused)."""
    book_part, rels_part = _WORKBOOK_PARTS[plan.kind]
    names = _sheet_names(plan.kind, scan.meta.get(book_part, b""), scan.meta.get(rels_part, b""))
    plan.names = list(names)
    for sheet, part in names.items():
        if part in refused:
            plan.sheets[sheet] = SheetPlan(part, Extent(), refused=refused[part])
            continue
        extent = scan.extents.get(part)
        if extent is None:
            continue
        sheet_plan = SheetPlan(part, extent)
        plan.sheets[sheet] = sheet_plan
        _judge(sheet_plan, scan.cut.get(part), plan.kind)


def _judge(plan: SheetPlan, data: bytes | None, kind: str) -> None:
    extent = plan.extent
    if extent.broken:
        plan.refused = "工作表内容已损坏，无法读取"
        return
    if extent.cells > MAX_SHEET_CELLS:
        plan.refused = (
            f"有 {extent.cells:,} 个非空单元格，超过每张工作表 {MAX_SHEET_CELLS:,} 个的读取上限，不像自评表，未读取"
        )
        return
    if extent.area <= MAX_GRID_CELLS:
        return
    last_row, last_column = extent.main_block()
    first_row, first_column = min(extent.rows), min(extent.columns)
    block = (last_row - first_row + 1) * (last_column - first_column + 1)
    span = f"{column_letters(first_column)}{first_row}:{column_letters(max(extent.columns))}{max(extent.rows)}"
    if block > MAX_GRID_CELLS or kind != XLSX or data is None:
        plan.refused = (
            f"单元格分布在 {span}（{extent.area:,} 个单元格的范围），超过每张工作表 {MAX_GRID_CELLS:,} 个单元格的"
            "读取上限，不像自评表，未读取；如有远离表格的误输入内容，请删除后再校验"
        )
        return
    for match in _CELL_REF.finditer(data):
        if match.group(3):
            continue
        row, column = int(match.group(2)), _column(match.group(1))
        if row > last_row or column > last_column:
            plan.outlier_count += 1
            if len(plan.outliers) < 5:
                plan.outliers.append(f"{match.group(1).decode()}{row}")
    plan.cut = _cut(data, last_row, last_column)
    if not plan.outlier_count or xlsx_extent(plan.cut).area > MAX_GRID_CELLS:
        # the far cells are not where the cut can find them (no references): do not read
        plan.outlier_count, plan.outliers, plan.cut = 0, [], b""
        plan.refused = (
            f"单元格分布在 {span}（{extent.area:,} 个单元格的范围），超过每张工作表 {MAX_GRID_CELLS:,} 个单元格的"
            "读取上限，不像自评表，未读取；如有远离表格的误输入内容，请删除后再校验"
        )


def xlsx_extent(data: bytes) -> Extent:
    """Cells with content in a worksheet's XML: by their `r` references, or by position when
    a writer left references out."""
    if _ODD_CELL.search(data) or _PREFIXED_CELL.search(data):
        return _extent_by_position(data)
    refs = _VALUED_CELL.findall(data)
    # the regular expressions do the per-cell work; Python sees each distinct row and column once
    return Extent(
        len(refs),
        {int(row) for row in set(map(itemgetter(1), refs))},
        {_column(letters) for letters in set(map(itemgetter(0), refs))},
    )


def _extent_by_position(data: bytes) -> Extent:
    extent = Extent()
    row = 0
    column = 0
    for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
        name = element.tag.rpartition("}")[2]
        if event == "end":
            if name == "row":
                element.clear()  # the rows read so far are not kept
            continue
        if name == "row":
            ref = element.get("r")
            row = int(ref) if ref and ref.isdigit() else row + 1
            column = 0
        elif name == "c":
            match = _REF_TEXT.fullmatch(element.get("r") or "")
            if match:
                row, column = int(match.group(2)), _column(match.group(1))
            else:
                column += 1
            extent.add(max(row, 1), max(column, 1))
    return extent


def _varint(data: bytes, at: int, most: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(most):
        if at >= len(data):
            raise SourceError("工作表内容已损坏，无法读取")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, at


def xlsb_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, start of its payload, payload size) of a BIFF12 record stream."""
    at = 0
    while at < len(data):
        kind, at = _varint(data, at, 2)
        size, at = _varint(data, at, 4)
        if at + size > len(data):
            raise SourceError("工作表内容已损坏或不完整，无法读取")
        yield kind, at, size
        at += size


def xlsb_extent(data: bytes) -> Extent:
    """Cells with a value in an .xlsb worksheet (BrtRowHdr gives the row, each cell its column)."""
    extent = Extent()
    row = 0
    for kind, at, size in xlsb_records(data):
        if kind == _XLSB_ROW and size >= 4:
            row = struct.unpack_from("<I", data, at)[0] + 1
        elif kind in _XLSB_CELLS and size >= 4:
            extent.add(row, struct.unpack_from("<I", data, at)[0] + 1)
    return extent


def _sheet_names(kind: str, book: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name → its part, in workbook order."""
    targets: dict[str, str] = {}
    if rels:
        for rel in ElementTree.fromstring(rels):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = part
    names: dict[str, str] = {}
    if kind == XLSX and book:
        for element in ElementTree.fromstring(book).iter():
            if element.tag.rpartition("}")[2] == "sheet":
                rel_id = next((element.get(a) for a in _REL_IDS if element.get(a)), "")
                names[element.get("name", "")] = targets.get(rel_id or "", "")
    elif kind == XLSB and book:
        for record, at, _size in xlsb_records(book):
            if record == 0x9C:  # BrtBundleSh: hsState, iTabID, strRelID, strName
                rel_id, after = _xlsb_string(book, at + 8)
                name, _ = _xlsb_string(book, after)
                names[name] = targets.get(rel_id, "")
    return names


def _xlsb_string(data: bytes, at: int) -> tuple[str, int]:
    count = struct.unpack_from("<I", data, at)[0]
    if count == 0xFFFFFFFF:
        return "", at + 4
    end = at + 4 + 2 * count
    return data[at + 4 : end].decode("utf-16-le", "replace"), end


def trimmed_copy(path: Path, plan: WorkbookPlan) -> io.BytesIO:
    """The package in memory with the outlying cells of trimmed sheets removed."""
    cuts = {sheet.part: sheet for sheet in plan.sheets.values() if sheet.trimmed}
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            if info.filename in plan.refused_parts:
                continue  # a refused sheet is never read: its part is left out of the copy
            data = source.read(info)
            sheet = cuts.get(info.filename)
            target.writestr(info.filename, sheet.cut if sheet is not None else data)
    buffer.seek(0)
    return buffer


def _cut(data: bytes, last_row: int, last_column: int) -> bytes:
    def keep(match: re.Match[bytes]) -> bytes:
        if int(match.group(3)) > last_row or _column(match.group(2)) > last_column:
            return b""
        return match.group(0)

    return _CELL_ELEMENT.sub(keep, data)


# --- OpenDocument (.ods) ---------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def check_ods(content: bytes) -> None:
    """Refuse an .ods whose tables are beyond the limits, counting repeated rows and cells.

    calamine reads every table of an .ods when it opens the file, repeating a cell as often
    as `number-columns-repeated` says (up to 100 million cells): the cells it would build
    are counted here first. Raises SourceError naming the table.
    """
    name = ""
    row = 0  # rows of the current table so far (repeats counted)
    first_row = last_row = 0
    first_column = last_column = 0
    built = 0  # cells calamine materialises for the table's rows
    valued = 0
    for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                name, row, first_row, last_row, first_column, last_column, built, valued = (
                    element.get(f"{_TABLE}name", ""),
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                )
            continue
        if tag == f"{_TABLE}table-row":
            repeats = _repeat(element, "number-rows-repeated")
            column = 0
            width = 0
            for cell in element:
                if cell.tag not in _ODS_CELLS:
                    continue
                count = _repeat(cell, "number-columns-repeated")
                if cell.get(f"{_OFFICE}value-type") is not None or any(t.strip() for t in cell.itertext()):
                    first_column = min(first_column or column + 1, column + 1)
                    last_column = max(last_column, column + count)
                    width = column + count
                    valued += count * repeats
                column += count
            if width:
                first_row = first_row or row + 1
                last_row = row + repeats
            built += width
            row += repeats
            element.clear()
            area = (last_row - first_row + 1) * (last_column - first_column + 1) if last_row else 0
            if built > MAX_GRID_CELLS or area > MAX_GRID_CELLS or valued > MAX_SHEET_CELLS:
                raise SourceError(
                    f"表格展开后超过每张工作表 {MAX_GRID_CELLS:,} 个单元格的读取上限（含重复的行或单元格），"
                    "不像自评表；.ods 文件要整体读取，因此整个文件未读取",
                    name,
                )


def _repeat(element: ElementTree.Element, attribute: str) -> int:
    try:
        return max(int(element.get(f"{_TABLE}{attribute}", "1")), 1)
    except ValueError:
        return 1
