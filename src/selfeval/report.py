"""Validation results for people (Chinese text, coloured on a terminal) and for tools (JSON).

Texts from files reach the terminal through `inert.printable` (ESC → ␛, BEL → ␇, line breaks
shown), so a cell cannot clear the screen or print a line that looks like selfeval's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from .inert import printable
from .model import Finding, Severity
from .rules import at, num, summarize
from .validation import FileReport, ProjectReport

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def to_json(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The stable JSON of `selfeval validate --format json` (documented in the README)."""
    files = [_file_json(report) for report in reports]
    counts = summarize(f for report in reports for f in report.all_findings())
    return {
        "files": files,
        "summary": {
            "files": len(reports),
            "projects": sum(len(report.projects) for report in reports),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "infos": counts[Severity.INFO],
        },
    }


def _file_json(report: FileReport) -> dict[str, Any]:
    found: dict[str, Any] = {
        "path": report.path,
        "status": report.status,
        "findings": [f.to_json() for f in report.findings],
        "projects": [_project_json(item) for item in report.projects],
    }
    if report.status == "skipped":  # only skipped files carry a note: the others keep their shape
        found["note"] = report.note
    return found


def _project_json(item: ProjectReport) -> dict[str, Any]:
    project, scores = item.project, item.scores
    indicators = []
    for row, result in zip(project.indicators, scores.indicators, strict=False):
        cell = at(row, "name")
        indicators.append(
            {
                "level1": row.level1,
                "level2": row.level2,
                "name": row.name,
                "target": row.target,
                "actual": row.actual,
                "weight": row.weight,
                "score": row.score,
                "met": result.met,
                "method_score": None if result.method_score is None else round(result.method_score, 4),
                "location": f"{project.sheet}!{cell}" if project.sheet and cell else (cell or ""),
            }
        )
    return {
        "sheet": project.sheet,
        "name": project.name,
        "department": project.department,
        "unit": project.unit,
        "year": project.year,
        "total": None if scores.total is None else round(scores.total, 4),
        "grade": scores.grade,
        "indicators": indicators,
        "findings": [f.to_json() for f in item.findings],
    }


def _counts_text(findings: Sequence[Finding]) -> str:
    counts = summarize(findings)
    return f"{counts[Severity.ERROR]} 个错误，{counts[Severity.WARNING]} 个警告，{counts[Severity.INFO]} 个提示"


def write_text(reports: Sequence[FileReport], stream: TextIO | None = None, *, color: bool | None = None) -> None:
    """Print findings grouped by file and project, errors first, then one summary line."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=color, no_color=color is False)

    def show(text: str) -> None:
        """One line; control characters from a file are shown as symbols (ESC → ␛), never sent."""
        console.print(printable(text))

    def line(finding: Finding, indent: str) -> None:
        style = SEVERITY_STYLES[finding.severity]
        where = f" {escape(finding.location)}" if finding.location else ""
        show(f"{indent}[{style}]{finding.severity.label} {finding.code}[/]{where}  {escape(finding.message)}")

    for report in reports:
        state = {"ok": "", "skipped": f"  （已跳过：{escape(report.note)}）"}.get(
            report.status, "  [bold red]（无法读取）[/]"
        )
        show(f"[bold]文件 {escape(report.path)}[/]{state}")
        for finding in report.findings:
            line(finding, "  ")
        for item in report.projects:
            project, scores = item.project, item.scores
            sheet = f"（工作表 {escape(project.sheet)}）" if project.sheet else ""
            total = "无法计算" if scores.total is None else num(scores.total)
            name = escape(project.name or "（未填写项目名称）")
            show(f"  项目「{name}」{sheet}：总分 {total}，等级 {scores.grade or '无'}；{_counts_text(item.findings)}")
            for finding in item.findings:
                line(finding, "    ")
        console.print()
    everything = [f for report in reports for f in report.all_findings()]
    projects = sum(len(report.projects) for report in reports)
    unreadable = sum(report.status == "unreadable" for report in reports)
    skipped = sum(report.status == "skipped" for report in reports)
    extra = "、".join(
        ([f"{unreadable} 个无法读取"] if unreadable else []) + ([f"{skipped} 个已跳过"] if skipped else [])
    )
    extra = f"（{extra}）" if extra else ""
    show(f"共 {len(reports)} 个文件{extra}、{projects} 个项目：{_counts_text(everything)}。")
