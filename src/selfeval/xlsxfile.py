"""Save an openpyxl workbook atomically and reproducibly, with its formulas' values.

Atomic: written through `outputs.atomic_path` (a temporary file next to the target, renamed
over it), so a crash never leaves half a workbook. Reproducible: fixed document timestamps and zip entry
dates, so building the same workbook twice gives the same bytes (no churn in git).
Cached values: openpyxl writes formulas without results; `values` (sheet → cell → value)
fills them in, so previews that do not calculate (phones, Protected View) show numbers.
"""

from __future__ import annotations

import errno
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from .outputs import atomic_path

FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_PART = "docProps/core.xml"
_DATES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


CachedValues = dict[str, dict[str, object]]  # sheet title → cell address → the formula's value


def save_workbook(workbook: Workbook, path: Path, *, force: bool = False, values: CachedValues | None = None) -> Path:
    """Write `workbook` to `path`; refuse to replace an existing file unless `force`.

    `values`: the computed value of formula cells, cached in the file (None or '' : blank).
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"文件已存在：{path}。为免覆盖已有内容，请换一个文件名，或使用 --force 覆盖。")
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    workbook.save(raw)
    with atomic_path(path) as temp:
        _normalise(raw, temp, _sheet_parts(workbook, values or {}))
    return path


def _sheet_parts(workbook: Workbook, values: CachedValues) -> dict[str, dict[str, object]]:
    """Zip part of each sheet with values (openpyxl writes sheet n as sheet<n>.xml)."""
    return {
        f"xl/worksheets/sheet{i}.xml": values[ws.title]
        for i, ws in enumerate(workbook.worksheets, start=1)
        if values.get(ws.title)
    }


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')


def xml_text(text: str) -> str:
    """`text` escaped for an XML element's content (a carriage return survives as `&#13;`)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def cache_values(xml: str, values: dict[str, object]) -> str:
    """Sheet XML with the value of each formula cell of `values` after its formula."""

    def cell(match: re.Match[str]) -> str:
        ref, style, formula = match.groups()
        if ref not in values:
            return match.group(0)
        value = values[ref]
        if isinstance(value, bool):
            return f'<c r="{ref}"{style} t="b"><f>{formula}</f><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"{style}><f>{formula}</f><v>{f"{value:.16g}"}</v></c>'
        text = "" if value is None else xml_text(str(value))
        return f'<c r="{ref}"{style} t="str"><f>{formula}</f><v>{text}</v></c>'

    return _FORMULA_CELL.sub(cell, xml)


def _normalise(source: Path | io.BytesIO, target: Path, values: dict[str, dict[str, object]] | None = None) -> None:
    """Copy the zip with fixed entry dates and fixed created/modified properties (and cached values)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if values and info.filename in values:
                data = cache_values(data.decode("utf-8"), values[info.filename]).encode("utf-8")
            if info.filename == _CORE_PART:
                text = _DATES.sub(lambda m: m.group(1) + FIXED_TIMESTAMP + m.group(3), data.decode("utf-8"))
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zout.writestr(entry, data)
