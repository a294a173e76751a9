"""Reading limits: every input file is measured against these before memory is spent on it.

A file (or one sheet of it) beyond a limit is one X03 finding naming the file, the sheet and
the limit; the batch goes on. The numbers are far above any real self-evaluation form (a form
is some 60 rows × 12 columns, a department workbook a few hundred KB) and far below what
would exhaust a clerk's PC. The README's 「读取限制」 section lists them.
"""

from __future__ import annotations

from collections.abc import Sequence

MB = 1024 * 1024

MAX_FILE_BYTES = 100 * MB  # size of any input file on disk (an .xls is read whole, by us and by calamine)
MAX_TEXT_BYTES = 16 * MB  # an exported .txt form (read whole into memory)
MAX_PACKAGE_PARTS = 5_000  # entries of a zip package (.xlsx, .xlsm, .xlsb, .docx, .ods)
MAX_PART_BYTES = 64 * MB  # unpacked size of one package part (a sheet's XML, document.xml …)
# python-docx holds the whole XML tree of a Word part, about 13 times its size (measured: a 60 MB
# document.xml costs 790 MB): Word parts get a lower limit.
MAX_WORD_PART_BYTES = 24 * MB
MAX_PACKAGE_BYTES = 256 * MB  # unpacked size of all parts of one package together
MAX_COMPRESSION_RATIO = 200  # unpacked ÷ packed size of one part (a zip bomb reaches ~1000)
RATIO_CHECKED_FROM = 1 * MB  # parts unpacking to less than this are never too compressed
MAX_SHEET_CELLS = 1_000_000  # cells holding a value in one sheet (or one Word document)
MAX_GRID_CELLS = 2_000_000  # rows × columns of the range read into memory for one sheet
MAX_ROW_CELLS = 16_384  # cells of one row: Excel's column count (Word tables have at most 63)
MAX_CELL_CHARS = 32_767  # text of one cell: Excel's own limit per cell
# Cells this far from the rest of the sheet (in empty rows or columns) are not part of the form:
# a stray entry at XFD1048576 is reported and left out instead of making the range huge.
OUTLIER_GAP_ROWS = 1_000
OUTLIER_GAP_COLUMNS = 200


def size_text(size: int) -> str:
    """A byte count as a clerk reads it: 64 MB, 1.5 GB, 31 KB."""
    for unit, factor in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f} {unit}".replace(".0 ", " ")
    return f"{size} 字节"


TOO_LONG = f"单元格文字超过 {MAX_CELL_CHARS:,} 个字符（Excel 每个单元格的上限），不像自评表，未读取"


def too_long_cell(rows: Sequence[Sequence[object]]) -> tuple[int, int] | None:
    """(row, column) index of the first cell whose text is beyond MAX_CELL_CHARS, or None."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                return r, c
    return None
