"""Validate sources: read each file, check every project, keep every file in the result.

The one pipeline behind `selfeval validate`, `selfeval demo` and consolidation:
source → grids → Projects (sources, grid) → Findings + Scores (rules, scoring).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .model import Finding, Project, Severity
from .rules import check_book
from .scoring import ProjectScores, score_project
from .sources import read_source


@dataclass
class ProjectReport:
    project: Project
    scores: ProjectScores
    findings: list[Finding]


@dataclass
class FileReport:
    path: str
    status: str  # "ok" | "unreadable" | "skipped"
    findings: list[Finding] = field(default_factory=list)  # about the file or a sheet (X03, X05)
    projects: list[ProjectReport] = field(default_factory=list)
    note: str = ""  # why a skipped file was skipped

    def all_findings(self) -> Iterator[Finding]:
        yield from self.findings
        for report in self.projects:
            yield from report.findings

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.all_findings())


def validate_projects(projects: list[Project]) -> list[ProjectReport]:
    """Check the projects of one workbook or document together (X02 spans its sheets)."""
    scores = [score_project(project) for project in projects]
    return [
        ProjectReport(project, score, found)
        for project, score, found in zip(projects, scores, check_book(projects, scores), strict=False)
    ]


def validate_file(path: Path) -> FileReport:
    """Read and check one file: a workbook, a Word document or a text export.

    Args:
        path: the file to read; it is never changed.

    Returns:
        The file's status (ok, unreadable, skipped), findings about the file and each
        project with its scores and findings.

    Raises:
        Nothing for bad input: a file or sheet that cannot be read becomes an X03 finding.
    """
    result = read_source(path)
    return FileReport(
        result.path, result.status, list(result.findings), validate_projects(result.projects), result.note
    )


def validate_files(paths: Iterable[Path]) -> list[FileReport]:
    return [validate_file(path) for path in paths]
