"""Word forms exported to plain text (the seed) → one Grid per form.

The grammar of the export:

- a form starts at a title line (no leading tab) such as `2021年度督查效能业务项目自评表`;
- each table cell is a line starting with a tab; the cells of one table row follow each
  other, and rows are separated by one or more blank lines;
- a line without a tab right after a cell line continues that cell (a paragraph break
  inside the cell, e.g. `年初` / `目标值`);
- any other line without a tab is a paragraph outside the table, kept as a one-cell row.

Export artefacts are removed: `[bookmark: _GoBack]`, full-width spaces (U+3000), stray tabs.
Horizontal merges are lost in the export; the one that matters — the 二级指标 header spanning
the (unlabelled) 三级指标 column — is restored as a blank cell right of it, exactly as the
.docx importer renders that merge.

Grid addresses: each form is one Grid named `表1`, `表2`, … (form order in the file); rows
are the table's rows (row 1 = its first row, as in the Word original), columns the cells of
the row, so `表2!C5` is the third cell of the fifth table row of the second form. The title
and other paragraphs above the table take rows 0, -1, … (only the title and year are read
from them, and no finding points there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..grid import Grid
from ..limits import MAX_TEXT_BYTES, TOO_LONG, size_text, too_long_cell
from ..read_errors import os_error_reason
from ..values import BOOKMARK_PATTERN, squash
from .base import INDICATOR_TABLE_HEADERS, form_sheet_name, pad_rows

# Word's "plain text" export: UTF-8, ANSI (GBK/GB18030 on Chinese Windows), or "Unicode"
# (UTF-16 with a byte-order mark); the BOM decides UTF-16, the others are tried in order.
ENCODINGS = ("utf-8-sig", "gb18030")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TITLE = re.compile(r"^(?:\d{4}年度?.{0,60}自评表|.{0,60}自评表\(\d{4}年度?\))$")


@dataclass
class TextForm:
    """One form of the export: its title and rows of cells, with source line numbers."""

    title: str
    title_line: int  # 1-based line of the title, 0 for a form without a title
    rows: list[list[str]] = field(default_factory=list)
    in_table: list[bool] = field(default_factory=list)  # per row: table cells, or a paragraph

    @property
    def has_table(self) -> bool:
        return any(self.in_table)


def clean(text: str) -> str:
    """A cell or paragraph without export artefacts: bookmarks, U+3000, tabs, outer spaces."""
    text = BOOKMARK_PATTERN.sub("", text).replace("\u3000", "").replace("\t", " ")
    return "\n".join(part.strip() for part in text.split("\n")).strip()


def is_title(line: str) -> bool:
    """`2021年度…项目自评表` or `…自评表（2021年度）` on a line of its own."""
    return bool(_TITLE.match(squash(line)))


def split_forms(text: str) -> list[TextForm]:
    """The forms of an export, in file order; text before the first title is a form only if it has table rows."""
    forms: list[TextForm] = [TextForm("", 0)]
    row: list[str] | None = None  # the open row, None after a blank line or paragraph
    last_was_cell = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        content = BOOKMARK_PATTERN.sub("", line).replace("\u3000", " ")
        if line.startswith("\t"):
            if row is None:
                row = []
                forms[-1].rows.append(row)
                forms[-1].in_table.append(True)
            row.append(line[1:])
            last_was_cell = True
            continue
        if not content.strip():
            row, last_was_cell = None, False
            continue
        if last_was_cell and row is not None:
            row[-1] += "\n" + line
            continue
        row, last_was_cell = None, False
        if is_title(content):
            forms.append(TextForm(clean(content), number))
        else:
            forms[-1].rows.append([line])
            forms[-1].in_table.append(False)
    for form in forms:
        form.rows = [[clean(cell) for cell in cells] for cells in form.rows]
    if not forms[0].has_table:
        forms.pop(0)  # a preamble without a table (e.g. 附件2) is not a form
    return forms


def align_level_header(rows: list[list[str]]) -> None:
    """Restore the 二级指标 header's span over the unlabelled 三级指标 column (SPEC §1, the seed).

    Applies only where the header has no 三级指标 cell and the row below it is exactly one
    cell longer: the export dropped the merged cell's second half.
    """
    for i, cells in enumerate(rows[:-1]):
        flat = [squash(c) for c in cells]
        if not all(h in flat for h in INDICATOR_TABLE_HEADERS) or "三级指标" in flat:
            continue
        below = next((r for r in rows[i + 1 :] if any(r)), None)
        if below is not None and len(below) == len(cells) + 1:
            cells.insert(flat.index("二级指标") + 1, "")
        return


def read_text(text: str, source: str) -> Iterator[Grid | SourceError]:
    """Grids of the forms in an exported text; a SourceError for a title without a table."""
    forms = split_forms(text)
    if not forms:
        raise SourceError("文件中没有找到自评表（既没有「…自评表」标题行，也没有以制表符开头的表格行）")
    for number, form in enumerate(forms, start=1):
        sheet = form_sheet_name(number)
        if not form.has_table:
            where = f"第 {form.title_line} 行" if form.title_line else "文件开头"
            yield SourceError(
                f"{where}的自评表「{form.title}」下没有表格内容（应为以制表符开头的单元格行），无法读取",
                sheet,
            )
            continue
        if too_long_cell(form.rows) is not None:
            yield SourceError(TOO_LONG, sheet)
            continue
        rows = [list(cells) for cells in form.rows]
        align_level_header(rows)
        if form.title:
            rows.insert(0, [form.title])
        above = form.in_table.index(True) + bool(form.title)
        yield Grid(pad_rows(rows), sheet=sheet, source=source, first_row=1 - above)


def decode_text(data: bytes) -> str:
    """The text of an export in any of Word's encodings; SourceError if none fits."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError("文件以 UTF-16（Unicode）标记开头，但内容无法按 UTF-16 解码，可能已损坏") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("文件不是 UTF-8、GB18030（GBK）或 UTF-16（Unicode）编码的文本，无法读取")


def read_seed_text(path: Path) -> Iterator[Grid | SourceError]:
    """Read a Word-exported .txt file; SourceError if it cannot be decoded or holds no form."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise SourceError(os_error_reason(exc)) from None
    if len(data) > MAX_TEXT_BYTES:
        raise SourceError(f"文本文件超过 {size_text(MAX_TEXT_BYTES)} 的读取上限，不像导出的自评表，未读取")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise SourceError(
            "扩展名是「.txt」，但文件内容是 Office 文档或工作簿，不是导出的文本；请改回原来的扩展名后再校验"
        )
    text = decode_text(data)
    if "\x00" in text:
        raise SourceError("文件不是文本文件（含有二进制内容），无法读取")
    yield from read_text(text, str(path))
