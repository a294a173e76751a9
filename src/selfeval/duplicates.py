"""X04: the same project (项目名称 + 主管部门 + 年度) in two different input files of one batch.

Used by `selfeval validate` (several files) and by consolidation. The first occurrence in
input order counts; every later one in another file is a duplicate and gets one X04 warning
naming the first. Projects without a 项目名称 are never matched (S01 speaks for them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .consolidate.rows import NO_SHEET, PROJECT_COLUMNS, FileRows, finding_row
from .model import Finding
from .rules import finding
from .values import clean_text

if TYPE_CHECKING:
    from .validation import FileReport

ProjectKey = tuple[str, str, int | None]


@dataclass(frozen=True)
class Occurrence:
    """One project of the batch: where it is and what identifies it."""

    file: str
    sheet: str  # worksheet name, or `第N份` for Word/text sources
    name: str
    department: str
    year: int | None


def project_key(name: object, department: object, year: int | None) -> ProjectKey | None:
    """项目名称 + 主管部门 + 年度, normalised; None when the project has no name."""
    cleaned = clean_text(name)
    return (cleaned, clean_text(department), year) if cleaned else None


def first_occurrences(projects: Sequence[Occurrence]) -> dict[int, Occurrence]:
    """Index of each duplicate → the earlier occurrence (in another file) it repeats."""
    first: dict[ProjectKey, Occurrence] = {}
    repeats: dict[int, Occurrence] = {}
    for index, item in enumerate(projects):
        key = project_key(item.name, item.department, item.year)
        if key is None:
            continue
        earlier = first.get(key)
        if earlier is None:
            first[key] = item
        elif earlier.file != item.file:  # within one file X02 speaks
            repeats[index] = earlier
    return repeats


def duplicate_note(earlier: Occurrence) -> str:
    """The short text of the summary's 重复 column."""
    return f"与「{earlier.file}」工作表「{earlier.sheet}」重复"


def x04(
    item: Occurrence, earlier: Occurrence, *, sheet: str | None = None, cell: str | None = None, source: str = ""
) -> Finding:
    """The X04 warning of a repeated project."""
    year = f"{item.year} 年度" if item.year is not None else "年度未填"
    department = clean_text(item.department) or "主管部门未填"
    return finding(
        "X04",
        f"项目「{clean_text(item.name)}」（{department}，{year}）与文件「{earlier.file}」工作表「{earlier.sheet}」"
        "中的项目相同：同一项目只应报送一份自评表。汇总只计入先出现的一份；请删除多余的文件，"
        "如为不同项目请修改项目名称。",
        sheet=sheet,
        cell=cell,
        source=source or item.file,
    )


def mark_reports(reports: Sequence[FileReport]) -> int:
    """Add X04 to every project of `reports` that repeats one of an earlier file; their number."""
    items, places = [], []
    for report in reports:
        for number, item in enumerate(report.projects, start=1):
            project = item.project
            sheet = project.sheet or NO_SHEET.format(n=number)
            items.append(Occurrence(report.path, sheet, project.name, project.department, project.year))
            places.append(item)
    repeats = first_occurrences(items)
    for index, earlier in repeats.items():
        item, project = places[index], places[index].project
        item.findings.append(
            x04(items[index], earlier, sheet=project.sheet, cell=project.cells.get("name"), source=project.source)
        )
        item.findings.sort(key=lambda f: f.severity.rank)
    return len(repeats)


_AT = {column: i for i, column in enumerate(PROJECT_COLUMNS)}


def mark_rows(files: Sequence[FileRows]) -> int:
    """Consolidation: flag repeated projects (重复 column, one more warning, an X04 row, a note
    in 文件清单); their number. Rows of files not read have no projects and take no part."""
    places = [(f, i) for f in files for i in range(len(f.projects))]
    items = [
        Occurrence(*(f.projects[i][_AT[c]] for c in ("file", "sheet", "name", "department", "year"))) for f, i in places
    ]
    repeats = first_occurrences(items)
    names: dict[int, list[str]] = {}  # id(FileRows) → names of its repeated projects
    for index, earlier in repeats.items():
        rows, i = places[index]
        row = list(rows.projects[i])
        row[_AT["duplicate"]] = duplicate_note(earlier)
        row[_AT["warnings"]] += 1
        rows.projects[i] = tuple(row)
        item = items[index]
        rows.findings.append(finding_row(item.file, x04(item, earlier, sheet=item.sheet), item.name, item.sheet))
        names.setdefault(id(rows), []).append(clean_text(item.name))
    for rows in files:
        repeated = names.get(id(rows))
        if repeated:
            shown = "、".join(f"「{n}」" for n in repeated[:_NAMES_SHOWN]) + (
                "等" if len(repeated) > _NAMES_SHOWN else ""
            )
            note = f"{len(repeated)} 个项目与先前文件中的项目重复（{shown}），汇总只计一次"
            rows.entry.reason = "；".join(r for r in (rows.entry.reason, note) if r)
    return len(repeats)


_NAMES_SHOWN = 3  # repeated projects named in one 文件清单 note
