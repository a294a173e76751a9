"""selfeval — 项目支出绩效自评表的校验、汇总与 Excel 加载项.

Validation and consolidation of project expenditure performance self-evaluation
forms (SPEC.md), with an Excel template and a ribbon add-in.

The public API, for a script or a notebook::

    import selfeval

    report = selfeval.validate_file(Path("自评表.xlsx"))   # read and check one file
    project = selfeval.parse(grid)                          # one sheet's cells → Project
    findings = selfeval.check(project)                      # Project → Findings

Names load on first use, so `import selfeval` stays light (no pandas, openpyxl or xlwings)
for the command line, the add-in's pre-check and the reading workers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import SelfevalError
    from .grid import Grid, parse
    from .model import Finding, Project, Severity
    from .rules import check
    from .validation import FileReport, validate_file

from .version import __version__

_API_TO_MODULE: dict[str, str] = {
    "validate_file": "validation",
    "FileReport": "validation",
    "parse": "grid",
    "Grid": "grid",
    "check": "rules",
    "Project": "model",
    "Finding": "model",
    "Severity": "model",
    "SelfevalError": "errors",
}
__all__ = [
    "FileReport",
    "Finding",
    "Grid",
    "Project",
    "SelfevalError",
    "Severity",
    "__version__",
    "check",
    "parse",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    module = _API_TO_MODULE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_API_TO_MODULE])
