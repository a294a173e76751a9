"""`selfeval demo`: the whole path on the bundled example, with no arguments.

The example is the seed: three real 2021 forms of 鄂州市督查考评办公室, exported from Word to
text, shipped as package data. The demo validates it, imports it into a filled template
workbook, consolidates that workbook into the bureau summary, and prints the findings (in
Chinese) and every path it wrote. It writes only into its own output folder; re-running it
replaces the files it wrote there before.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

from .importing import EXAMPLE_SEED, EXAMPLE_WORKBOOK, example_source

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SUMMARY_NAME = "汇总表.xlsx"
SOURCE_COPY = "示例来源_" + EXAMPLE_SEED  # the input, copied so the user can look at it


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_demo(out_dir: Path) -> int:
    """Run the demo into `out_dir` (created if needed). 0 when everything was written and the
    example has no errors, 1 otherwise, 2 when `out_dir` cannot be used."""
    from .report import write_text
    from .sources import read_source
    from .validation import FileReport, validate_file, validate_projects
    from .writer import write_workbook

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        _err(f"错误：{out_dir} 已存在且不是文件夹，请用 --out 指定另一个输出文件夹。")
        return EXIT_USAGE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _err(f"错误：无法创建输出文件夹 {out_dir}：{exc.strerror or exc}")
        return EXIT_USAGE

    written: list[Path] = []
    source_copy = out_dir / SOURCE_COPY
    with example_source() as seed:
        result = read_source(seed)
        shutil.copyfile(seed, source_copy)
    written.append(source_copy)
    # Findings name the copy the user can open, not the installed package file.
    result.projects = [replace(project, source=str(source_copy)) for project in result.projects]
    report = FileReport(str(source_copy), result.status, list(result.findings), validate_projects(result.projects))

    _out("【一】校验内置示例：鄂州市督查考评办公室 2021 年度三张项目自评表（Word 导出的文本）")
    _out()
    write_text([report])
    _out()

    _out("【二】导入模板：每张自评表生成一张项目表")
    workbook = write_workbook(result.projects, out_dir / EXAMPLE_WORKBOOK, force=True)
    written.append(workbook)
    readback = validate_file(workbook)
    projects = len(readback.projects)
    errors = sum(f.severity.value == "error" for f in readback.all_findings())
    warnings = sum(f.severity.value == "warning" for f in readback.all_findings())
    _out(f"已生成工作簿：{workbook}（{projects} 张项目表；重新读取校验：{errors} 个错误，{warnings} 个警告）")
    _out()

    _out("【三】汇总：生成财政局汇总表")
    summary_ok = _consolidate(workbook, out_dir / SUMMARY_NAME, written)
    _out()

    _out("本次演示写出的文件：")
    for path in written:
        _out(f"  {path}")
    _out(f"下一步：用 Excel 打开 {workbook}，或运行 `selfeval validate {workbook}`。")
    if report.has_errors or readback.has_errors or not summary_ok:
        return EXIT_FINDINGS
    return EXIT_OK


def _consolidate(workbook: Path, output: Path, written: list[Path]) -> bool:
    """The summary of the demo workbook; False if consolidation failed."""
    from .consolidate import run_consolidate

    code = run_consolidate([workbook], output, jobs=1, csv_dir=None)
    if code != EXIT_OK or not output.exists():
        _err(f"汇总未能完成（退出码 {code}）。")
        return False
    written.append(output)
    return True
