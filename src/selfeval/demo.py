"""`selfeval demo`: the whole path on the bundled example, with no arguments.

The example is the seed: three real 2021 forms of 鄂州市督查考评办公室, exported from Word to
text, shipped as package data. The demo validates it, imports it into a filled template
workbook, consolidates that workbook into the bureau summary (`cli` runs the three steps and
prints the findings, in Chinese, and every path written). It writes only into its own output
folder; re-running it replaces the files it wrote there before.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .importing import EXAMPLE_SEED, EXAMPLE_WORKBOOK, example_source
from .model import Project
from .validation import FileReport

SUMMARY_NAME = "汇总表.xlsx"
SOURCE_COPY = "示例来源_" + EXAMPLE_SEED  # the input, copied so the user can look at it


@dataclass(frozen=True)
class ExampleChecked:
    """Step 1: the bundled example, copied into the demo folder and validated."""

    source_copy: Path
    report: FileReport
    projects: tuple[Project, ...]


@dataclass(frozen=True)
class ExampleImported:
    """Step 2: the example imported into a template workbook and that workbook read back."""

    workbook: Path
    readback: FileReport

    @property
    def errors(self) -> int:
        return sum(f.severity.value == "error" for f in self.readback.all_findings())

    @property
    def warnings(self) -> int:
        return sum(f.severity.value == "warning" for f in self.readback.all_findings())


def check_example(out_dir: Path) -> ExampleChecked:
    """Create `out_dir` if needed, copy the example into it and validate the copy.

    Raises:
        UsageError: `out_dir` is a file or cannot be created.
    """
    from .sources import read_source
    from .validation import validate_projects

    out_dir = _demo_folder(Path(out_dir))
    source_copy = out_dir / SOURCE_COPY
    with example_source() as seed:
        result = read_source(seed)
        shutil.copyfile(seed, source_copy)
    # Findings name the copy the user can open, not the installed package file.
    projects = tuple(dataclasses.replace(project, source=str(source_copy)) for project in result.projects)
    report = FileReport(str(source_copy), result.status, list(result.findings), validate_projects(list(projects)))
    return ExampleChecked(source_copy, report, projects)


def _demo_folder(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} 已存在且不是文件夹，请用 --out 指定另一个输出文件夹。")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建输出文件夹 {out_dir}：{exc.strerror or exc}") from None
    return out_dir


def import_example(example: ExampleChecked) -> ExampleImported:
    """Write the example's projects into a template workbook beside the copy and validate it."""
    from .validation import validate_file
    from .writer import write_workbook

    workbook = write_workbook(list(example.projects), example.source_copy.parent / EXAMPLE_WORKBOOK, force=True)
    return ExampleImported(workbook, validate_file(workbook))
