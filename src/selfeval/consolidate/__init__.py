"""Consolidation: pandas frames, pandera schemas and the bureau summary workbook.

* `plan_consolidation(paths, output, ...)` then `consolidate(plan) -> Consolidation` — the
  `selfeval consolidate` command (`cli` prints the result and picks the exit code).
* `summary_from_reports(reports) -> Summary` — the summary of validated files as data (see `summary`),
  for any writer: `write_summary(summary, path)` (openpyxl) or the Excel layer (xlwings).

Names load on first use, so a reading worker (`rows`) never imports pandas or pandera, even
where processes are spawned rather than forked (Windows).
"""

from __future__ import annotations

import importlib
from typing import Any

_NAME_TO_MODULE: dict[str, str] = {
    "Consolidation": "run",
    "ConsolidationPlan": "run",
    "consolidate": "run",
    "consolidate_files": "run",
    "plan_consolidation": "run",
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
__all__ = sorted(_NAME_TO_MODULE)


def __getattr__(name: str) -> Any:
    module = _NAME_TO_MODULE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
