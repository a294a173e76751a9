"""Compact per-file rows: what a reading worker sends back (no pandas here).

A worker reads one file, validates it and returns a `FileRows`: plain tuples in the column
order of `PROJECT_COLUMNS`, `INDICATOR_COLUMNS` and `FINDING_COLUMNS`. The raw grids and the
Project objects die in the worker, so the parent never holds every workbook at once.
"""

from __future__ import annotations

import errno
import hashlib
import math
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import FULL_MARK, LEVEL1_NAMES, LEVEL1_OF_LEVEL2, LEVEL2_BY_LEVEL1, Finding, Severity

if TYPE_CHECKING:  # validation imports the readers; workers load it on first use
    from ..validation import FileReport, ProjectReport

# File statuses of 文件清单.
READ, UNREADABLE, DUPLICATE, SKIPPED = "已读取", "无法读取", "重复文件", "已跳过"
FILE_STATUSES: tuple[str, ...] = (READ, UNREADABLE, DUPLICATE, SKIPPED)
_ENTRY_STATUS = {"ok": READ, "skipped": SKIPPED}  # validation's file status → 文件清单's

UNKNOWN_LEVEL = "未识别"  # 一级/二级 names outside the taxonomy of SPEC §2
NO_SHEET = "第{n}份"  # sheet label of the n-th form of a non-workbook source (Word, text)

PROJECT_COLUMNS: tuple[str, ...] = (
    "file",
    "sheet",
    "name",
    "department",
    "unit",
    "category",
    "year",
    "initial",
    "budget",
    "executed",
    "execution_rate",
    "execution_score",
    "output_score",
    "benefit_score",
    "satisfaction_score",
    "total",
    "grade",
    "errors",
    "warnings",
    "infos",
    "duplicate",
)
INDICATOR_COLUMNS: tuple[str, ...] = (
    "file",
    "sheet",
    "project",
    "cell",
    "level1",
    "level2",
    "level_note",
    "name",
    "target",
    "actual",
    "weight",
    "score",
    "method_score",
    "met",
    "deviation",
)
FINDING_COLUMNS: tuple[str, ...] = (
    "file",
    "sheet",
    "cell",
    "project",
    "code",
    "severity",
    "message",
)

_LEVEL1_SCORE_COLUMNS = dict(zip(LEVEL1_NAMES, ("output_score", "benefit_score", "satisfaction_score"), strict=False))


@dataclass
class FileEntry:
    """One input file as 文件清单 lists it."""

    path: str
    status: str  # one of FILE_STATUSES
    reason: str = ""  # why it could not be read, or which file it duplicates
    projects: int = 0
    digest: str = ""  # SHA-256 of the content, "" when the file could not be opened


@dataclass
class FileRows:
    """Everything consolidation keeps of one file."""

    entry: FileEntry
    projects: list[tuple] = field(default_factory=list)
    indicators: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (duplicates are files with the same digest).

    OSError for anything but a regular file: opening a named pipe would wait for a writer.
    """
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(path: str, digest: str = "") -> FileRows:
    """Worker entry point: read, validate and flatten one file. Never raises."""
    from ..validation import FileReport, validate_file

    try:
        report = validate_file(Path(path))
    except Exception as exc:
        message = f"读取文件时发生内部错误（{type(exc).__name__}: {exc}），请将该文件反馈给开发人员。"
        report = FileReport(path, "unreadable", [Finding("X03", Severity.ERROR, message, source=path)])
    return report_rows(report, digest)


def report_rows(report: FileReport, digest: str = "", file_label: str | None = None) -> FileRows:
    """Flatten one validated file into rows; `file_label` replaces the path in every row."""
    label = file_label if file_label is not None else report.path
    rows = FileRows(FileEntry(label, _ENTRY_STATUS.get(report.status, UNREADABLE), digest=digest))
    prefix = f"文件「{report.path}」"  # the list shows the file in its own column
    reasons = "；".join(r for r in (f.message.removeprefix(prefix).lstrip("：") for f in report.findings) if r)
    if report.status == "skipped":
        rows.entry.reason = report.note
    elif report.status != "ok":
        rows.entry.reason = reasons or "无法读取"
    elif reasons:
        rows.entry.reason = f"部分内容未能读取：{reasons}"
    for finding in report.findings:
        rows.findings.append(finding_row(label, finding, "", finding.sheet or ""))
    for number, item in enumerate(report.projects, start=1):
        sheet = item.project.sheet or NO_SHEET.format(n=number)
        rows.projects.append(_project_row(label, sheet, item))
        rows.indicators.extend(_indicator_rows(label, sheet, item))
        rows.findings.extend(finding_row(label, f, item.project.name, sheet) for f in item.findings)
    rows.entry.projects = len(report.projects)
    return rows


def finding_row(file: str, finding: Finding, project: str, sheet: str) -> tuple:
    return (file, sheet, finding.cell or "", project, finding.code, finding.severity.label, finding.message)


def _project_row(file: str, sheet: str, item: ProjectReport) -> tuple:
    project, scores = item.project, item.scores
    funds = project.funds
    total_line = funds.total if funds is not None else None

    def amount(value: float | None) -> float | None:
        return _in_range(value, 0.0, math.inf)

    # A total or subtotal above 100 is shown as it is: P08 counts it as an error.
    total = _in_range(scores.total, 0.0, math.inf)
    by_level1 = {
        column: _in_range(scores.by_level1.get(level1), 0.0, math.inf)
        for level1, column in _LEVEL1_SCORE_COLUMNS.items()
    }
    counts = dict.fromkeys(Severity, 0)
    for finding in item.findings:
        counts[finding.severity] += 1
    return (
        file,
        sheet,
        project.name,
        project.department,
        project.unit,
        project.category,
        project.year,
        amount(total_line.initial) if total_line else None,
        amount(total_line.budget) if total_line else None,
        amount(total_line.executed) if total_line else None,
        _in_range(scores.execution.rate, 0.0, math.inf),
        _in_range(scores.execution.score, 0.0, FULL_MARK),
        by_level1["output_score"],
        by_level1["benefit_score"],
        by_level1["satisfaction_score"],
        total,
        (scores.grade or "") if total is not None else "",
        counts[Severity.ERROR],
        counts[Severity.WARNING],
        counts[Severity.INFO],
        "",  # duplicate: filled by duplicates.mark_rows across the batch (X04)
    )


def _indicator_rows(file: str, sheet: str, item: ProjectReport) -> list[tuple]:
    rows = []
    for row, result in zip(item.project.indicators, item.scores.indicators, strict=False):
        level1, level2, note = _levels(row.level1, row.level2)
        rows.append(
            (
                file,
                sheet,
                item.project.name,
                row.cells.get("name") or next(iter(row.cells.values()), ""),
                level1,
                level2,
                note,
                row.name,
                row.target,
                row.actual,
                _in_range(row.weight, 0.0, FULL_MARK),
                _in_range(row.score, 0.0, FULL_MARK),
                _in_range(result.method_score, 0.0, FULL_MARK),
                "" if result.met is None else ("是" if result.met else "否"),
                row.deviation,
            )
        )
    return rows


def _levels(level1: str, level2: str) -> tuple[str, str, str]:
    """(一级, 二级, note): taxonomy names, or 未识别 with the text as written in the note."""
    name2 = level2 if level2 in LEVEL1_OF_LEVEL2 else (level2 + "指标" if level2 + "指标" in LEVEL1_OF_LEVEL2 else "")
    name1 = level1 if level1 in LEVEL2_BY_LEVEL1 else LEVEL1_OF_LEVEL2.get(name2, "")
    if name2 and name1 and name2 not in LEVEL2_BY_LEVEL1[name1]:
        name2 = ""
    note = "" if name1 and name2 else f"{level1}/{level2}"
    return name1 or UNKNOWN_LEVEL, name2 or UNKNOWN_LEVEL, note


def _in_range(value: float | None, low: float, high: float) -> float | None:
    """The value, or None when missing or outside [low, high].

    A computed value out of range (a 得分 above its 分值, a negative amount, weights over 100)
    comes from a clerk's error that has its own finding (P01, F05, W01); the summary leaves the
    cell blank rather than adding nonsense to the totals. Infinite values are never kept.
    """
    if value is None or not math.isfinite(value) or not (low - 1e-9 <= value <= high + 1e-9):
        return None
    return float(value)
