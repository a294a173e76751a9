"""Save an openpyxl workbook atomically and reproducibly.

Atomic: written to a temporary file next to the target, then renamed over it, so a crash
never leaves half a workbook. Reproducible: fixed document timestamps and zip entry
dates, so building the same workbook twice gives the same bytes (no churn in git).
"""

from __future__ import annotations

import errno
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from .outputs import publish, signals_held, temp_beside

FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CORE = "docProps/core.xml"
_DATES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def save_workbook(workbook: Workbook, path: Path, *, force: bool = False) -> Path:
    """Write `workbook` to `path`; refuse to replace an existing file unless `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"文件已存在：{path}。为免覆盖已有内容，请换一个文件名，或使用 --force 覆盖。")
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    try:
        with signals_held():  # short names: `path` may be near the 255-byte limit
            temps.append(temp_beside(path))
            temps.append(temp_beside(path))
        raw, final = temps
        workbook.save(raw)
        _normalise(raw, final)
        publish(final, path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return path


def _normalise(source: Path, target: Path) -> None:
    """Copy the zip with fixed entry dates and fixed created/modified properties."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == _CORE:
                text = _DATES.sub(lambda m: m.group(1) + FIXED_TIMESTAMP + m.group(3), data.decode("utf-8"))
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zout.writestr(entry, data)
