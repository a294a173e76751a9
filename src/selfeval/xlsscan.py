"""Old .xls workbooks (BIFF8 in an OLE compound file): every sheet measured before calamine.

calamine reads all sheets of an .xls when it opens the file, each into a dense range (values
and formulas), and reserves room for the range each sheet's DIMENSIONS record states. One
stray cell at IV65536 costs about 1 GB, a DIMENSIONS record stating 4 billion rows aborts the
process. So the Workbook stream is read here first (a small compound-file reader) and every
sheet's cells and stated dimensions are checked against the limits; a workbook with one sheet
beyond them is refused as a whole (calamine cannot open it without reading that sheet).
"""

from __future__ import annotations

import struct
from pathlib import Path

from .a1 import column_letters
from .errors import SourceError
from .limits import MAX_GRID_CELLS, MAX_SHEET_CELLS
from .sheetextent import Extent

_FREE_OR_END = 0xFFFFFFFA  # sector numbers from here up are markers (end of chain, free …)
_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006})
_MULRK, _DIMENSIONS, _BOUNDSHEET, _BOF, _EOF = 0x00BD, 0x0200, 0x0085, 0x0809, 0x000A
_BROKEN = "旧版 Excel（.xls）文件的内部结构已损坏，无法读取"


def workbook_stream(data: bytes) -> bytes:
    """The Workbook (or Book) stream of an OLE compound file. Raises SourceError."""
    try:
        return _Compound(data).stream(("workbook", "book"))
    except (struct.error, IndexError, ValueError):
        raise SourceError(_BROKEN) from None


class _Compound:
    """Just enough of [MS-CFB] to read one stream: FAT, directory, mini stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini = 1 << struct.unpack_from("<H", data, 0x20)[0]
        fat_count, self.dir_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, minifat_start, _minifat_count, difat_start, difat_count = struct.unpack_from("<5I", data, 0x38)
        if self.sector not in (512, 4096) or self.mini != 64:
            raise ValueError("sector size")
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector = difat_start
        for _ in range(min(difat_count, len(data) // self.sector + 1)):
            if sector >= _FREE_OR_END:
                break
            words = struct.unpack_from(f"<{self.sector // 4}I", self._sector(sector))
            difat.extend(words[:-1])
            sector = words[-1]
        fat_sectors = [s for s in difat if s < _FREE_OR_END][:fat_count]
        self.fat = self._words(b"".join(self._sector(s) for s in fat_sectors))
        self.minifat = self._words(self._read_chain(minifat_start)) if minifat_start < _FREE_OR_END else []

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.sector
        if start + self.sector > len(self.data) + self.sector or start >= len(self.data):
            raise ValueError("sector beyond the file")
        return self.data[start : start + self.sector]

    @staticmethod
    def _words(data: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4]))

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        sector = start
        while sector < _FREE_OR_END:
            if sector >= len(table) or len(chain) > len(table):
                raise ValueError("broken chain")
            chain.append(sector)
            sector = table[sector]
        return chain

    def _read_chain(self, start: int) -> bytes:
        return b"".join(self._sector(s) for s in self._chain(start, self.fat))

    def stream(self, names: tuple[str, ...]) -> bytes:
        directory = self._read_chain(self.dir_start)
        root_start = struct.unpack_from("<I", directory, 116)[0]
        for at in range(0, len(directory) - 127, 128):
            length = struct.unpack_from("<H", directory, at + 64)[0]
            name = directory[at : at + max(length - 2, 0)].decode("utf-16-le", "replace").lower()
            if directory[at + 66] != 2 or name not in names:
                continue
            start, size = struct.unpack_from("<II", directory, at + 116)
            if size < self.cutoff:
                mini_stream = self._read_chain(root_start)
                chain = self._chain(start, self.minifat)
                data = b"".join(mini_stream[s * self.mini : (s + 1) * self.mini] for s in chain)
            else:
                data = self._read_chain(start)
            if len(data) < size:
                raise ValueError("stream shorter than stated")
            return data[:size]
        raise SourceError("旧版 Excel（.xls）文件中没有工作簿内容（Workbook 流），可能不是 Excel 文件，无法读取")


def _records(stream: bytes, at: int):
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        yield kind, stream[at + 4 : at + 4 + size]
        at += 4 + size


def check_xls(path: Path) -> None:
    """Refuse an .xls whose sheets are beyond the limits (SourceError naming the sheet)."""
    with open(path, "rb") as handle:
        data = handle.read()
    stream = workbook_stream(data)
    sheets: list[tuple[int, str]] = []
    for kind, payload in _records(stream, 0):
        if kind == _BOUNDSHEET and len(payload) >= 8:
            count, flags = payload[6], payload[7]
            raw = payload[8 : 8 + count * (2 if flags & 1 else 1)]
            name = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            sheets.append((struct.unpack_from("<I", payload)[0], name))
        elif kind == _EOF:
            break
    for position, name in sheets:
        _check_sheet(stream, position, name)


def _check_sheet(stream: bytes, position: int, name: str) -> None:
    extent = Extent()
    seen_bof = False
    depth = 0
    for kind, payload in _records(stream, position):
        if depth:
            depth += (kind == _BOF) - (kind == _EOF)
            continue
        if kind == _BOF:
            if seen_bof:
                depth = 1
            seen_bof = True
        elif kind == _EOF:
            break
        elif kind == _DIMENSIONS and len(payload) in (10, 14):
            rows, columns = _stated_size(payload)
            if rows * columns > MAX_GRID_CELLS:
                raise SourceError(
                    f"工作表声明的范围有 {rows:,} 行 × {columns:,} 列，超过每张工作表 {MAX_GRID_CELLS:,} 个单元格的读取上限，"
                    "不像自评表，整个文件未读取",
                    name,
                )
        elif kind in _CELL_RECORDS and len(payload) >= 4:
            row, column = struct.unpack_from("<HH", payload)
            extent.add(row + 1, column + 1)
        elif kind == _MULRK and len(payload) >= 6:
            row, first = struct.unpack_from("<HH", payload)
            last = struct.unpack_from("<H", payload, len(payload) - 2)[0]
            for column in range(first, min(last, 255) + 1):
                extent.add(row + 1, column + 1)
        if extent.cells > MAX_SHEET_CELLS:
            raise SourceError(
                f"非空单元格超过每张工作表 {MAX_SHEET_CELLS:,} 个的读取上限，不像自评表，整个文件未读取", name
            )
    if extent.area > MAX_GRID_CELLS:
        span = (
            f"{column_letters(min(extent.columns))}{min(extent.rows)}:"
            f"{column_letters(max(extent.columns))}{max(extent.rows)}"
        )
        raise SourceError(
            f"单元格分布在 {span}（{extent.area:,} 个单元格的范围），超过每张工作表 {MAX_GRID_CELLS:,} 个单元格的读取上限；"
            "旧版 .xls 文件要整体读取，因此整个文件未读取；如有远离表格的误输入内容，请删除后再校验",
            name,
        )


def _stated_size(payload: bytes) -> tuple[int, int]:
    """Rows and columns calamine reserves for a DIMENSIONS record (it mirrors its arithmetic)."""
    if len(payload) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", payload)
    else:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", payload)
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1, 1
    if last_row - 1 < first_row:
        return 1 << 32, 1  # the range would wrap around: refuse
    return last_row - first_row, last_col - first_col
