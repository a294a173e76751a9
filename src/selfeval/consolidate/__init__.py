"""Consolidation: pandas frames, pandera schemas and the bureau summary workbook.

* `run_consolidate(paths, output, *, jobs, csv_dir) -> int` — the `selfeval consolidate` command.
* `summary_from_reports(reports) -> Summary` — the summary of validated files as data (see `summary`),
  for any writer: `write_summary(summary, path)` (openpyxl) or the Excel layer (xlwings).

Names load on first use, so a reading worker (`rows`) never imports pandas or pandera, even
where processes are spawned rather than forked (Windows).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "run_consolidate": "run",
    "consolidate_files": "run",
    "write_csv": "run",
    "Frames": "frames",
    "frames_from_rows": "frames",
    "rows_from_reports": "frames",
    "SchemaViolation": "schemas",
    "check_frames": "schemas",
    "Block": "summary",
    "Chart": "summary",
    "Column": "summary",
    "SheetSpec": "summary",
    "Summary": "summary",
    "Total": "summary",
    "summary_from_reports": "summary",
    "summary_from_frames": "summary",
    "write_summary": "xlsx",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
