"""`selfeval import` and `selfeval build examples`: forms from Word/text → a filled template workbook.

Every form found becomes one project sheet (sheet names from project names, 目录 filled, by
`writer`). A file or form that cannot be read is reported (X03) and left out; the others are
written. Inputs are never changed; an existing output is replaced only with --force.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .inert import printable_lines
from .model import Finding, Project, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXAMPLE_SEED = "seed_2021_ezhou.txt"  # in selfeval/data: the seed's three real 2021 forms
EXAMPLE_WORKBOOK = "鄂州市督查考评办公室2021年自评表（示例）.xlsx"


def _out(text: str = "") -> None:
    print(printable_lines(text), flush=True)


def _err(text: str) -> None:
    print(printable_lines(text), file=sys.stderr, flush=True)


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


def _finding_line(finding: Finding) -> str:
    where = f" {finding.location}" if finding.location else ""
    return f"  {finding.severity.label} {finding.code}{where}  {finding.message}"


def import_sources(sources: list[Path], output: Path, *, force: bool) -> int:
    """Import every form of `sources` (files or folders) into a new workbook at `output`.

    Exit code: 0 all read and written, 1 some file/form could not be read (the rest is
    written) or nothing to write, 2 missing inputs or an existing output without --force.
    """
    from .sources import expand_paths, read_source
    from .validation import validate_projects
    from .writer import sheet_names, write_workbook

    output = Path(output)
    paths, missing = expand_paths([Path(p) for p in sources])
    for message in missing:
        _err(message)
    if missing:
        return EXIT_USAGE
    if not paths:
        _err("没有找到可导入的文件（.docx 或 .txt）。")
        return EXIT_USAGE
    if any(_same_file(path, output) for path in paths):
        _err(f"输出文件 {output} 也是输入文件；导入不会覆盖来源，请换一个输出文件名。")
        return EXIT_USAGE
    if output.exists() and not force:
        _err(f"文件 {output} 已存在；为免覆盖已有内容，请换一个文件名，或加 --force 覆盖。")
        return EXIT_USAGE

    projects: list[Project] = []
    problems = 0
    for path in paths:
        result = read_source(path)
        state = {"ok": "", "skipped": f"（已跳过：{result.note}）"}.get(result.status, "（无法读取）")
        _out(f"读取 {path}：{len(result.projects)} 张自评表" + state)
        for finding in result.findings:
            _out(_finding_line(finding))
        problems += len(result.findings)
        projects.extend(result.projects)
    if not projects:
        _err("没有读到任何自评表，未生成文件。")
        return EXIT_FINDINGS

    names = sheet_names(projects)
    cleaned: list[str] = []
    try:
        written = write_workbook(projects, output, force=force, cleaned=cleaned)
    except FileExistsError:
        _err(f"文件 {output} 已存在；为免覆盖已有内容，请换一个文件名，或加 --force 覆盖。")
        return EXIT_USAGE
    except OSError as exc:
        from .outputs import reason

        _err(f"无法写入 {output}：{reason(exc)}。")
        return EXIT_USAGE

    reports = validate_projects(projects)
    _out(f"已生成工作簿：{written}（{len(projects)} 张项目表）")
    if cleaned:
        shown = "、".join(cleaned[:10]) + ("……" if len(cleaned) > 10 else "")
        _out(
            f"  提示：{len(cleaned)} 个单元格的文字含有控制字符（如 ESC、BEL），工作簿不能保存这些字符，已删除：{shown}"
        )
    for name, report in zip(names, reports, strict=False):
        project = report.project
        errors = sum(f.severity is Severity.ERROR for f in report.findings)
        warnings = sum(f.severity is Severity.WARNING for f in report.findings)
        origin = f"{Path(project.source).name} {project.sheet}" if project.sheet else Path(project.source).name
        _out(f"  工作表「{name}」← {origin}：{errors} 个错误，{warnings} 个警告")
    _out(f"运行 `selfeval validate {written}` 查看各项问题的详细说明。")
    return EXIT_FINDINGS if problems else EXIT_OK


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
