"""The quick byte search for a few cells agrees with the full streaming parse."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from selfeval.layout import DEFAULT_LAYOUT
from selfeval.writer import new_workbook
from selfeval.xlsxcells import _iterparse, _search, _SharedStrings, sheet_parts


def _both(path: Path, sheet: str, targets: set[str]):
    with zipfile.ZipFile(path) as archive:
        data = archive.read(sheet_parts(archive)[sheet])
        shared = _SharedStrings(archive)
        return _search(data, targets, shared), _iterparse(io.BytesIO(data), targets, shared)


def test_search_and_full_parse_agree_on_the_template(tmp_path: Path) -> None:
    book = new_workbook(tmp_path / "book.xlsx", projects=1, year=2025, department="市财政局")
    targets = set(DEFAULT_LAYOUT.computed.values())
    targets |= {DEFAULT_LAYOUT.cells["year"], DEFAULT_LAYOUT.cells["name"], "ZZ999"}
    quick, full = _both(book, "项目1", targets)
    assert quick is not None
    assert quick == full
    assert all(
        content.startswith("=")
        for address, (content, _) in quick.items()
        if address in DEFAULT_LAYOUT.computed.values()
    )
    assert quick[DEFAULT_LAYOUT.cells["year"]][0] == "2025"
    assert "ZZ999" not in quick


def test_search_defers_to_the_full_parse_for_prefixed_cells() -> None:
    data = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="A1"><x:f>1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>'
    )

    class NoStrings(_SharedStrings):
        def __init__(self) -> None:
            self.items = []

    assert _search(data, {"A1"}, NoStrings()) is None
    assert _iterparse(io.BytesIO(data), {"A1"}, NoStrings()) == {"A1": ("=1+1", 0)}
