"""`selfeval import` and `selfeval build examples`: forms from Word/text → a filled template workbook.

Every form found becomes one project sheet (sheet names from project names, 目录 filled, by
`writer`). A file or form that cannot be read is reported (X03) and left out; the others are
written. Inputs are never changed; an existing output is replaced only with --force.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import NoFormsRead, UnusablePaths
from .model import Project, Severity

if TYPE_CHECKING:
    from .sources import SourceResult
    from .validation import ProjectReport

EXAMPLE_SEED = "seed_2021_ezhou.txt"  # in selfeval/data: the seed's three real 2021 forms
EXAMPLE_WORKBOOK = "鄂州市督查考评办公室2021年自评表（示例）.xlsx"


@dataclass(frozen=True)
class ImportedSheet:
    """One project sheet of the new workbook and what validating it found."""

    name: str  # the sheet's name in the new workbook
    origin: str  # the file (and sheet) it came from
    errors: int
    warnings: int


@dataclass(frozen=True)
class Imported:
    """What `import_sources` wrote."""

    workbook: Path
    sheets: tuple[ImportedSheet, ...]
    cleaned: tuple[str, ...]  # cells whose control characters were removed
    unread: int  # findings of files and forms that could not be read (they were left out)


SourceListener = Callable[[Path, "SourceResult"], None]  # told of every input as it is read


@contextmanager
def example_source() -> Iterator[Path]:
    """The bundled example (package data), as a real file path even from a zipped install."""
    with resources.as_file(resources.files("selfeval").joinpath("data", EXAMPLE_SEED)) as path:
        yield path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _exists_message(output: Path) -> str:
    return f"文件 {output} 已存在；为免覆盖已有内容，请换一个文件名，或加 --force 覆盖。"


def import_sources(
    sources: list[Path], output: Path, *, force: bool, on_read: SourceListener | None = None
) -> Imported:
    """Import every form of `sources` (files or folders) into a new workbook at `output`.

    Args:
        sources: files and folders to read (.docx, .txt).
        output: the workbook to write; never one of the inputs.
        force: replace an existing `output`.
        on_read: called with each input and what was read from it, as it is read.

    Returns:
        The workbook written, its sheets and how many findings the unread inputs had.

    Raises:
        UnusablePaths: missing inputs, none found, or an output that may not be written.
        NoFormsRead: no input held a readable form (nothing is written).
    """
    from .sources import read_source

    output = Path(output)
    paths = _input_files(sources, output, force=force)
    projects: list[Project] = []
    unread = 0
    for path in paths:
        result = read_source(path)
        if on_read is not None:
            on_read(path, result)
        unread += len(result.findings)
        projects.extend(result.projects)
    if not projects:
        raise NoFormsRead("没有读到任何自评表，未生成文件。")
    return _write_imported(projects, output, force=force, unread=unread)


def _input_files(sources: list[Path], output: Path, *, force: bool) -> list[Path]:
    """The files to import. Raises UnusablePaths."""
    from .sources import expand_paths

    paths, missing = expand_paths([Path(p) for p in sources])
    if missing:
        raise UnusablePaths(*missing)
    if not paths:
        raise UnusablePaths("没有找到可导入的文件（.docx 或 .txt）。")
    if any(_same_file(path, output) for path in paths):
        raise UnusablePaths(f"输出文件 {output} 也是输入文件；导入不会覆盖来源，请换一个输出文件名。")
    if output.exists() and not force:
        raise UnusablePaths(_exists_message(output))
    return paths


def _write_imported(projects: list[Project], output: Path, *, force: bool, unread: int) -> Imported:
    """Write the workbook and validate what it holds. Raises UnusablePaths."""
    from .outputs import reason
    from .validation import validate_projects
    from .writer import sheet_names, write_workbook

    names = sheet_names(projects)
    cleaned: list[str] = []
    try:
        written = write_workbook(projects, output, force=force, cleaned=cleaned)
    except FileExistsError:
        raise UnusablePaths(_exists_message(output)) from None
    except OSError as exc:
        raise UnusablePaths(f"无法写入 {output}：{reason(exc)}。") from None
    reports = validate_projects(projects)
    sheets = tuple(_imported_sheet(name, report) for name, report in zip(names, reports, strict=False))
    return Imported(written, sheets, tuple(cleaned), unread)


def _imported_sheet(name: str, report: ProjectReport) -> ImportedSheet:
    project = report.project
    origin = f"{Path(project.source).name} {project.sheet}" if project.sheet else Path(project.source).name
    errors = sum(f.severity is Severity.ERROR for f in report.findings)
    warnings = sum(f.severity is Severity.WARNING for f in report.findings)
    return ImportedSheet(name, origin, errors, warnings)


def example_projects() -> list[Project]:
    """The bundled example's projects; ValueError if it does not read cleanly (a packaging bug)."""
    from .sources import read_source

    with example_source() as path:
        result = read_source(path)
    if result.findings or not result.projects:
        details = "；".join(f.message for f in result.findings) or "没有读到自评表"
        raise ValueError(f"内置示例无法读取：{details}")
    return result.projects


def build_examples(out_dir: Path) -> list[Path]:
    """Write workbook/examples: the bundled example imported into the template (replaces it)."""
    from .writer import write_workbook

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_workbook(example_projects(), out_dir / EXAMPLE_WORKBOOK, force=True)]
