"""Build real Word documents (python-docx) of self-evaluation forms for importer tests.

A form is given as rows of cell values (blank where a merged cell covers the position) and
merged ranges in A1 notation relative to the table's top-left, like tests/support/form_layouts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

_RANGE = re.compile(r"^([A-Z]+)(\d+):([A-Z]+)(\d+)$")


def _index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_range(text: str) -> tuple[int, int, int, int]:
    """`B13:B17` → (row1, col1, row2, col2), 0-based."""
    match = _RANGE.match(text)
    assert match, text
    c1, r1, c2, r2 = match.groups()
    return int(r1) - 1, _index(c1), int(r2) - 1, _index(c2)


def word_text(value: object) -> str:
    """How a clerk would have typed a workbook value into Word."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def add_form(
    document,
    rows: Sequence[Sequence[object]],
    merges: Sequence[str] = (),
    *,
    paragraphs_above: Sequence[str] = (),
    paragraphs_below: Sequence[str] = (),
):
    """Append paragraphs, one table (with its merges) and paragraphs to `document`; returns the table."""
    for text in paragraphs_above:
        document.add_paragraph(text)
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for text in merges:
        r1, c1, r2, c2 = parse_range(text)
        table.cell(r1, c1).merge(table.cell(r2, c2))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = word_text(value)
            if text:
                table.cell(r, c).text = text
    for text in paragraphs_below:
        document.add_paragraph(text)
    return table


def add_symbol(cell, font: str, char: str) -> None:
    """Append a Word "Insert Symbol" character (w:sym) to the cell's last paragraph."""
    run = cell.paragraphs[-1].add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), font)
    sym.set(qn("w:char"), char)
    run._r.append(sym)


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def new_document():
    return docx.Document()
