"""Word documents (.docx) → one Grid per form, read with python-docx's XML layer.

Every table of the document body is laid out on its column grid. A merged cell gives its
text once, at its top-left grid position, and blanks in the other positions it covers
(python-docx's own `row.cells` repeats the text in every position, which would read a
vertically merged 一级指标 as one value per row). So the grid looks like a bulk read of the
same form in Excel, and `grid.parse` reads it the same way.

A form is a table with the paragraphs around it: the non-empty paragraphs since the previous
table (from the last title-like one, e.g. `项目支出绩效自评表` and `（2021年度）`) come first,
then the table rows, then a few paragraphs after it (填报人 …). A table that directly follows a
form table lacking the indicator table, and holds one itself, continues that form (forms
split in two tables by hand).

Grid addresses: the grid of a form is named `表k`, k counting the tables of the document
from 1 (the form's first table); rows and columns are the table's own (row 1 = the table's
first row, column A its first grid column), so `表1!I16` is row 16, column 9 of the first
table, as a clerk counts them in Word. The paragraphs kept above the table take rows 0, -1, …
(only the title and year are read from them, and no finding points there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..grid import Grid
from ..limits import MAX_GRID_CELLS, MAX_ROW_CELLS, MAX_WORD_PART_BYTES, TOO_LONG, too_long_cell
from ..read_errors import ENCRYPTED, os_error_reason
from ..values import normalize_label, squash
from .base import INDICATOR_TABLE_HEADERS, form_sheet_name, pad_rows

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Subtrees whose text a reader does not see: mc:Fallback repeats its mc:Choice; w:moveFrom is
# the old place of tracked moved text.
HIDDEN_SUBTREES = frozenset({"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback", f"{W}moveFrom"})
TITLE_PATTERN = re.compile(r"自评表|^\(\d{4}年度?\)$")
PARAGRAPHS_ABOVE = 3  # non-empty paragraphs kept above a table when none looks like a title
PARAGRAPHS_BELOW = 4  # non-empty paragraphs kept below a form table (填报人 …)
FORM_HEAD_ROWS = 4  # rows of a table searched for a title or 项目名称

# Check boxes typed with Word's "Insert Symbol" (w:sym) or in a symbol font: the glyphs they show.
_SYMBOL_FONTS: dict[str, dict[int, str]] = {
    "wingdings": {0xFE: "☑", 0xFD: "☒", 0x78: "☒", 0xA8: "□", 0x6F: "□", 0x71: "□", 0x6E: "■", 0xFC: "√"},
    "wingdings 2": {0x52: "☑", 0x54: "☒", 0x53: "☒", 0xA3: "□", 0x2A: "□", 0x50: "√"},
}


def symbol_glyph(font: str, code: int) -> str | None:
    """The Unicode glyph of a symbol-font character code (F0FE and FE are the same), or None."""
    table = _SYMBOL_FONTS.get(font.strip().lower())
    return None if table is None else table.get(code & 0xFF)


def _run_font(run) -> str:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    if fonts is None:
        return ""
    return fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or fonts.get(f"{W}eastAsia") or ""


def paragraph_text(p) -> str:
    """The text a reader sees in a w:p: runs, tabs, breaks and symbol check boxes."""
    parts: list[str] = []
    skip = None  # the hidden subtree being passed over
    for el in p.iter():
        if skip is not None:
            if any(a is skip for a in el.iterancestors()):
                continue
            skip = None
        tag = el.tag
        if tag in HIDDEN_SUBTREES:
            skip = el
        elif tag == f"{W}t" and el.text:
            run = el.getparent()
            font = _run_font(run) if run is not None else ""
            if font.lower().startswith("wingdings"):
                parts.append("".join(symbol_glyph(font, ord(ch)) or ch for ch in el.text))
            else:
                parts.append(el.text)
        elif tag == f"{W}tab":
            parts.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}sym":
            try:
                code = int(el.get(f"{W}char", ""), 16)
            except ValueError:
                continue
            glyph = symbol_glyph(el.get(f"{W}font", ""), code)
            if glyph:
                parts.append(glyph)
    return "".join(parts)


def table_cell_text(tc) -> str:
    """A table cell's paragraphs joined by newlines, each trimmed (nested tables are not read)."""
    paragraphs: list[str] = []
    for child in tc.iterchildren():
        if child.tag == f"{W}p":
            paragraphs.append(paragraph_text(child).strip())
        elif child.tag == f"{W}sdt":
            paragraphs.extend(paragraph_text(p).strip() for p in child.iter(f"{W}p"))
    return "\n".join(paragraphs).strip()


def table_rows(tbl) -> list[list[str]]:
    """The table on its column grid, merged cells collapsed (text once, blanks below/right).

    SourceError when the table is beyond the reading limits (a row wider than a worksheet,
    more cells than MAX_GRID_CELLS): spans are counted before any row is built.
    """
    rows: list[list[str]] = []
    cells = 0
    for tr in tbl.tr_lst:
        width = tr.grid_before + sum(max(tc.grid_span, 1) for tc in tr.tc_lst)
        cells += width
        if width > MAX_ROW_CELLS or cells > MAX_GRID_CELLS:
            raise SourceError(f"Word 表格过大（一行 {width:,} 格或共 {cells:,} 格，超过读取上限），不像自评表，未读取")
        row = [""] * tr.grid_before
        for tc in tr.tc_lst:
            span = max(tc.grid_span, 1)
            text = "" if tc.vMerge == "continue" else table_cell_text(tc)
            row.append(text)
            row.extend([""] * (span - 1))
        rows.append(row)
    return rows


def iter_blocks(parent) -> Iterator[tuple[str, object]]:
    """('p', text) and ('tbl', element) in body order, looking inside block content controls."""
    for child in parent.iterchildren():
        if child.tag == f"{W}p":
            yield "p", paragraph_text(child).strip()
        elif child.tag == f"{W}tbl":
            yield "tbl", child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from iter_blocks(content)


def _is_title(text: str) -> bool:
    return len(text) <= 80 and bool(TITLE_PATTERN.search(squash(text)))


def _has_level_header(rows: list[list[str]]) -> bool:
    return any(normalize_label(c) in INDICATOR_TABLE_HEADERS for row in rows for c in row if c and len(c) < 20)


def _starts_form(rows: list[list[str]]) -> bool:
    for row in rows[:FORM_HEAD_ROWS]:
        for c in row:
            if c and (_is_title(c) or normalize_label(c) == "项目名称"):
                return True
    return False


@dataclass
class _Form:
    number: int  # 1-based index of the form's first table in the document
    above: list[str]
    rows: list[list[str]]
    below: list[str] = field(default_factory=list)

    def grid(self, source: str) -> Grid:
        rows = [[text] for text in self.above] + self.rows + [[text] for text in self.below]
        return Grid(pad_rows(rows), sheet=form_sheet_name(self.number), source=source, first_row=1 - len(self.above))


def forms_of(body) -> list[_Form]:
    """Group the body's tables (with their paragraphs) into forms."""
    forms: list[_Form] = []
    pending: list[str] = []  # non-empty paragraphs since the last table
    count = 0
    for kind, item in iter_blocks(body):
        if kind == "p":
            if isinstance(item, str) and item:
                pending.append(item)
            continue
        count += 1
        rows = table_rows(item)
        titled = [i for i, text in enumerate(pending) if _is_title(text)]
        previous = forms[-1] if forms else None
        if (
            previous is not None
            and not titled
            and not _starts_form(rows)
            and not _has_level_header(previous.rows)
            and _has_level_header(rows)
        ):
            previous.rows.extend(rows)
            previous.below = []
        else:
            cut = titled[0] if titled else len(pending)
            if previous is not None:
                previous.below = pending[:cut][:PARAGRAPHS_BELOW]
                above = pending[cut:]
            else:
                above = pending[cut:] if titled else pending[-PARAGRAPHS_ABOVE:]
            forms.append(_Form(count, above, rows))
        pending = []
    if forms:
        forms[-1].below = pending[:PARAGRAPHS_BELOW]
    return forms


def read_docx(path: Path) -> Iterator[Grid | SourceError]:
    """Read a .docx; SourceError if it is not a Word document or has no table.

    The package is checked part by part first (`package`: sizes, compression ratio, no DTD),
    since python-docx loads every part into memory.
    """
    import docx  # python-docx; loaded only for Word sources

    from ..package import DOCX, KIND_NAMES, OLE_MAGIC, ZIP_MAGIC, inspect_package

    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise SourceError(os_error_reason(exc)) from None
    if head.startswith(OLE_MAGIC):
        with path.open("rb") as stream:
            data = stream.read(16 * 1024 * 1024)
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise SourceError(ENCRYPTED)
        raise SourceError(
            "文件内容是旧版 Word（.doc）或其他旧版 Office 格式，不是 .docx；请在 Word 或 WPS 中另存为 .docx 后再校验"
        )
    if not head.startswith(ZIP_MAGIC):
        raise SourceError("不是有效的 Word 文档（.docx）（可能已损坏或被截断，或是改了扩展名的其他文件），无法打开")
    try:
        kind = inspect_package(path, part_limit=MAX_WORD_PART_BYTES).kind
    except SourceError as error:
        raise SourceError(f"无法作为 Word 文档（.docx）打开：{error.reason}") from None
    if kind != DOCX:
        raise SourceError(
            f"扩展名是「{path.suffix}」，但文件内容是 {KIND_NAMES[kind]}，不是 Word 文档；请改回正确的扩展名后再校验"
        )
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken or non-docx file
        raise SourceError(f"无法作为 Word 文档（.docx）打开（{type(exc).__name__}），可能已损坏") from None
    forms = forms_of(document.element.body)
    if not forms:
        raise SourceError("Word 文档中没有表格，找不到自评表")
    for form in forms:
        if too_long_cell(form.rows) is not None:
            yield SourceError(TOO_LONG, form_sheet_name(form.number))
            continue
        yield form.grid(str(path))
