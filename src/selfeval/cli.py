"""`selfeval` command line: the same jobs as the ribbon, without Excel.

Exit codes: 0 success (validate: no errors), 1 findings of severity error or unreadable
inputs, 2 usage errors or missing paths, 3 (consolidate) outputs could not be written,
130/143 interrupted. Heavy modules load inside their commands. Every line printed passes
`inert.printable`: a control character from a file is shown (␛), never sent to the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .errors import (
    AddinError,
    ConfigError,
    NoFormsRead,
    OutputError,
    ReadersFailed,
    SchemaViolation,
    SelfevalError,
    UnusablePaths,
    UsageError,
)
from .version import __version__

if TYPE_CHECKING:
    from .consolidate.rows import FileRows
    from .consolidate.run import Consolidation
    from .importing import Imported
    from .model import Finding
    from .sources import SourceResult
    from .validation import FileReport

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_WRITE = 0, 1, 2, 3
EXIT_SIGNAL_BASE = 128  # + the signal number, as shells report it: 130 SIGINT, 143 SIGTERM
YEAR_RANGE = (2000, 2100)  # `new --year`: a budget year selfeval accepts


# argparse looks its messages up through gettext at call time: give it Chinese ones.
_ARGPARSE_CHINESE = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个参数值",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的 %(type)s 值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
}
argparse._ = lambda message: _ARGPARSE_CHINESE.get(message, message)  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"参数错误：{message}\n运行 `{self.prog} -h` 查看用法。\n")


def _out(text: str = "") -> None:
    from .inert import printable_lines

    print(printable_lines(text), flush=True)


def _err(text: str) -> None:
    from .inert import printable_lines

    print(printable_lines(text), file=sys.stderr, flush=True)


# An error kind → the exit code and whether its message gets 错误： before it; first match wins.
_ERROR_EXITS: tuple[tuple[type[SelfevalError], int, bool], ...] = (
    (UnusablePaths, EXIT_USAGE, False),
    (UsageError, EXIT_USAGE, True),
    (ConfigError, EXIT_USAGE, True),
    (NoFormsRead, EXIT_FINDINGS, False),
    (SchemaViolation, EXIT_FINDINGS, False),
    (AddinError, EXIT_FINDINGS, False),
    (ReadersFailed, EXIT_FINDINGS, True),
    (OutputError, EXIT_WRITE, True),
)


def _show_error(exc: SelfevalError) -> int:
    """Print `exc` for the user; its exit code."""
    code, prefixed = next(((c, p) for kind, c, p in _ERROR_EXITS if isinstance(exc, kind)), (EXIT_FINDINGS, True))
    if isinstance(exc, UnusablePaths):
        for line in exc.lines:
            _err(line)
    else:
        _err(f"错误：{exc}" if prefixed else str(exc))
    return code


# --- commands --------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from .report import to_json, write_text
    from .validation import validate_files

    paths = _validation_inputs(args)
    reports = validate_files(paths)
    if len(reports) > 1:
        from .duplicates import mark_reports

        mark_reports(reports)  # X04: one project in two files
    if args.mark:
        _write_marked_copy(paths[0], args.mark, reports[0], to_stderr=args.format == "json")
    if args.format == "json":
        from .inert import json_text

        print(json_text(json.dumps(to_json(reports), ensure_ascii=False, indent=2)), flush=True)
    else:
        write_text(reports)
    return EXIT_FINDINGS if any(report.has_errors for report in reports) else EXIT_OK


def _validation_inputs(args: argparse.Namespace) -> list[Path]:
    """The files `validate` reads. Raises UnusablePaths."""
    from .sources import expand_paths

    paths, missing = expand_paths([Path(p) for p in args.paths])
    if missing:
        raise UnusablePaths(*missing)
    if not paths:
        raise UnusablePaths("没有找到可校验的文件（.xlsx、.xlsm、.xlsb、.xls、.et、.ods、.docx 或 .txt）。")
    if args.mark and (len(paths) != 1 or len(args.paths) != 1):
        raise UnusablePaths("--mark 只能用于一个工作簿：请只给出一个 .xlsx 或 .xlsm 文件。")
    return paths


def _write_marked_copy(source: Path, target: str, report: FileReport, *, to_stderr: bool) -> None:
    """`validate --mark`: the marked copy, and a line saying so (on stderr beside JSON output)."""
    from .excel.markfile import mark_copy

    try:
        result = mark_copy(source, Path(target), report=report)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"无法写入 {target}：{exc.strerror or exc}") from None
    say = _err if to_stderr else _out  # JSON output stays parseable
    say(
        f"已写出标记副本：{result.path}（标记 {result.marked} 个单元格，批注 {result.noted} 条；"
        f"问题列表见「校验结果」表）"
    )


def cmd_rules(args: argparse.Namespace) -> int:
    from .rules import catalog

    for item in catalog():
        _out(f"{item.code}  {item.severity.label}  {item.title}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .outputs import name_problem, reason
    from .writer import new_workbook

    out = Path(args.out)
    if args.projects < 1:
        raise UsageError("--projects 至少为 1。")
    low, high = YEAR_RANGE
    if args.year is not None and not low <= args.year <= high:
        raise UsageError(f"--year {args.year} 不是有效的评价年度，请填写 {low} 到 {high} 之间的年份。")
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件 {out} 应以 .xlsx 结尾（生成的是 Excel 工作簿）。")
    too_long = name_problem(out)
    if too_long:
        raise UsageError(f"无法写入 {out}：{too_long}，请换一个短一些的文件名。")
    if out.is_dir():
        raise UsageError(f"{out} 是一个文件夹，请给出输出文件名（如 {out / '自评表.xlsx'}）。")
    try:
        written = new_workbook(
            out, projects=args.projects, year=args.year, department=args.department or "", force=args.force
        )
    except FileExistsError:
        raise UsageError(f"文件 {out} 已存在；如需覆盖请加 --force。") from None
    except OSError as exc:
        raise UsageError(f"无法写入 {out}：{reason(exc)}。") from None
    _out(f"已生成工作簿：{written}（{args.projects} 张项目表）")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .importing import import_sources

    sources = [Path(p) for p in args.sources]
    imported = import_sources(sources, Path(args.output), force=args.force, on_read=_print_source_read)
    _print_imported(imported)
    return EXIT_FINDINGS if imported.unread else EXIT_OK


def _print_source_read(path: Path, result: SourceResult) -> None:
    state = {"ok": "", "skipped": f"（已跳过：{result.note}）"}.get(result.status, "（无法读取）")
    _out(f"读取 {path}：{len(result.projects)} 张自评表" + state)
    for finding in result.findings:
        _out(_finding_line(finding))


def _finding_line(finding: Finding) -> str:
    where = f" {finding.location}" if finding.location else ""
    return f"  {finding.severity.label} {finding.code}{where}  {finding.message}"


def _print_imported(imported: Imported) -> None:
    _out(f"已生成工作簿：{imported.workbook}（{len(imported.sheets)} 张项目表）")
    cleaned = imported.cleaned
    if cleaned:
        shown = "、".join(cleaned[:10]) + ("……" if len(cleaned) > 10 else "")
        _out(
            f"  提示：{len(cleaned)} 个单元格的文字含有控制字符（如 ESC、BEL），工作簿不能保存这些字符，已删除：{shown}"
        )
    for sheet in imported.sheets:
        _out(f"  工作表「{sheet.name}」← {sheet.origin}：{sheet.errors} 个错误，{sheet.warnings} 个警告")
    _out(f"运行 `selfeval validate {imported.workbook}` 查看各项问题的详细说明。")


def cmd_consolidate(args: argparse.Namespace) -> int:
    return _consolidate_and_print(
        [Path(p) for p in args.paths],
        Path(args.output),
        jobs=args.jobs,
        csv_dir=Path(args.csv) if args.csv else None,
        feedback_dir=Path(args.feedback) if args.feedback else None,
    )


def _consolidate_and_print(
    paths: list[Path], output: Path, *, jobs: int | None, csv_dir: Path | None = None, feedback_dir: Path | None = None
) -> int:
    """Consolidate `paths` into `output` and say what happened; the exit code.

    SIGINT/SIGTERM end it with 128 + the signal number, and the previous outputs or the
    complete new ones remain.
    """
    from .consolidate.run import Interrupted, consolidate, interruptible, plan_consolidation, write_feedback_files

    result = None
    try:
        with interruptible():
            plan = plan_consolidation(paths, output, jobs=jobs, csv_dir=csv_dir, feedback_dir=feedback_dir)
            if plan.output_was_input:
                _err(f"提示：输出文件 {output} 是上次生成的汇总表，不作为输入，将被新的汇总表替换。")
            result = consolidate(plan, progress=_reading_bar if sys.stderr.isatty() else None)
            _print_consolidation(result)
            if feedback_dir is not None:
                _print_feedback(write_feedback_files(result.frames, feedback_dir), feedback_dir)
    except Interrupted as exc:
        if exc.published or result is not None:
            _err(f"已中断：汇总表 {output}" + ("及 CSV 文件" if csv_dir else "") + " 已完整写出。")
        else:
            _err("已中断：汇总未完成，没有写出任何文件，原有的汇总表和 CSV 文件保持不变。")
        return EXIT_SIGNAL_BASE + exc.signum
    except SelfevalError as exc:
        return _show_error(exc)
    return EXIT_FINDINGS if result.summary.unreadable else EXIT_OK


def _reading_bar(stream: Iterator[FileRows], total: int) -> Iterator[FileRows]:
    """A progress bar on stderr while the workbooks are read (for two or more)."""
    if total < 2:
        yield from stream
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("读取工作簿"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("read", total=total)
        for item in stream:
            bar.advance(task)
            yield item


def _print_consolidation(result: Consolidation) -> None:
    from .consolidate.rows import DUPLICATE, SKIPPED, UNREADABLE
    from .inert import printable

    for path in result.csv_files:
        _out(f"已写出 CSV：{path}")
    if result.cleaned_cells:
        _out(f"提示：{result.cleaned_cells} 个单元格含有控制字符（如 ESC、BEL），写入汇总表和 CSV 时已删除这些字符。")
    summary, entries = result.summary, result.entries
    skipped = sum(entry.status == SKIPPED for entry in entries)
    read = summary.files - summary.unreadable - summary.duplicates - skipped
    _out(
        f"已汇总 {summary.files} 个文件：读取 {read} 个，共 {summary.projects} 个项目；"
        f"无法读取 {summary.unreadable} 个；重复 {summary.duplicates} 个"
        + (f"；跳过 {skipped} 个" if skipped else "")
        + "。"
    )
    shown = {UNREADABLE: "无法读取", DUPLICATE: "重复文件", SKIPPED: "已跳过"}
    for entry in entries:  # one line each: a line break in a file name or reason is shown, not obeyed
        if entry.status in shown:
            _err(f"{shown[entry.status]}：{printable(entry.path)}：{printable(entry.reason)}")
    _out(f"汇总表已写入：{result.output}")


def _print_feedback(returned: list[Path], feedback_dir: Path) -> None:
    _out(f"已按实施单位写出 {len(returned)} 个问题反馈工作簿到 {feedback_dir}：")
    for path in returned:
        _out(f"  {path.name}")


def cmd_build(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    built: list[Path] = []
    if args.what in ("template", "all"):
        from .layout import TEMPLATE_FILENAME
        from .template import build_template

        built.append(build_template(root / TEMPLATE_FILENAME))
    if args.what in ("examples", "all"):
        from .importing import build_examples

        built.extend(build_examples(root / "examples"))
    if args.what in ("addin", "all"):
        from .addin import build_addin

        built.append(build_addin(root))
    for path in built:
        _out(f"已生成：{path}")
    return EXIT_OK


def cmd_addin(args: argparse.Namespace) -> int:
    from .addin import addin_status, install_addin, remove_addin

    if args.action == "bundle":
        return _addin_bundle(args)
    if args.dir is not None:
        raise UsageError(f"addin {args.action} 不需要目录参数：{args.dir}")
    action = {"install": install_addin, "remove": remove_addin, "status": addin_status}[args.action]
    _out(action())
    return EXIT_OK


def _addin_bundle(args: argparse.Namespace) -> int:
    from .addin.bundle import INSTALL_CMD, PYTHON_VERSIONS, make_bundle

    if args.dir is None:
        raise UsageError("请指定离线安装包的输出目录，例如：selfeval addin bundle 离线安装包 --windows")
    versions = tuple(args.python) if args.python else PYTHON_VERSIONS
    _out(f"正在生成离线安装包（Windows 64 位，Python {'、'.join(versions)}），需要联网下载，请稍候…")
    bundle = make_bundle(Path(args.dir), windows=args.windows, python_versions=versions)
    _out(
        f"已生成离线安装包：{bundle.folder}（{len(bundle.wheels)} 个 wheel 文件，已离线检查可安装）\n"
        f"把整个文件夹复制到填报人电脑上，运行其中的 {INSTALL_CMD}。"
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """The bundled example validated, imported and consolidated, each step said as it ends."""
    from .demo import SUMMARY_NAME, check_example, import_example
    from .report import write_text

    example = check_example(Path(args.out))
    _out("【一】校验内置示例：鄂州市督查考评办公室 2021 年度三张项目自评表（Word 导出的文本）")
    _out()
    write_text([example.report])
    _out()

    _out("【二】导入模板：每张自评表生成一张项目表")
    imported = import_example(example)
    written = [example.source_copy, imported.workbook]
    projects = len(imported.readback.projects)
    _out(
        f"已生成工作簿：{imported.workbook}（{projects} 张项目表；"
        f"重新读取校验：{imported.errors} 个错误，{imported.warnings} 个警告）"
    )
    _out()

    _out("【三】汇总：生成财政局汇总表")
    summary = example.source_copy.parent / SUMMARY_NAME
    code = _consolidate_and_print([imported.workbook], summary, jobs=1)
    summary_ok = code == EXIT_OK and summary.exists()
    if summary_ok:
        written.append(summary)
    else:
        _err(f"汇总未能完成（退出码 {code}）。")
    _out()

    _out("本次演示写出的文件：")
    for path in written:
        _out(f"  {path}")
    _out(f"下一步：用 Excel 打开 {imported.workbook}，或运行 `selfeval validate {imported.workbook}`。")
    if example.report.has_errors or imported.readback.has_errors or not summary_ok:
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import check_config, new_token, serve

    if args.new_token:
        token, token_hash = new_token(args.new_token)
        _out(f"单位 {args.new_token} 的访问令牌（交给该单位，填入加载项配置 SERVER_TOKEN）：")
        _out(f"  {token}")
        _out("加入服务器配置文件（只保存令牌的散列值）：")
        _out(f'  [units.{args.new_token}]\n  name = "单位名称"\n  token_hash = "{token_hash}"')
        return EXIT_OK
    if not Path(args.config).is_file():
        raise UsageError(f"找不到服务器配置文件 {args.config}（用 --config 指定）。")
    check_config(args.config)
    _out(f"绩效自评服务器：http://{args.host}:{args.port}（按 Ctrl+C 停止）")
    serve(args.config, host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


# --- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="selfeval",
        description="项目支出绩效自评表：校验、导入、汇总，以及 Excel 模板和加载项。",
    )
    parser.add_argument("--version", action="version", version=f"selfeval {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    _add_form_commands(sub)
    _add_consolidate_command(sub)
    _add_workbook_commands(sub)
    _add_serve_command(sub)
    _add_command(sub, "rules", cmd_rules, "列出全部校验规则及其代码")
    return parser


def _add_command(
    sub: argparse._SubParsersAction[_Parser],
    name: str,
    handler: Callable[[argparse.Namespace], int],
    help_text: str,
) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(handler=handler)
    return p


def _add_form_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """validate, new, import: one form or workbook at a time."""
    p = _add_command(sub, "validate", cmd_validate, "校验自评表（文件或文件夹），按文件和项目列出问题")
    p.add_argument("paths", nargs="+", metavar="路径", help="工作簿、Word 文档、文本文件或文件夹")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument(
        "--mark",
        metavar="输出文件",
        help="另存一份带校验标记的副本（底色、批注、校验结果表，与加载项相同），原文件不变",
    )

    p = _add_command(sub, "new", cmd_new, "新建一个部门的自评工作簿（基于模板）")
    p.add_argument("out", metavar="输出文件", help="例如 财政局2025年自评.xlsx")
    p.add_argument("--projects", type=int, default=1, help="项目表张数（默认 1）")
    p.add_argument("--year", type=int, help="评价年度")
    p.add_argument("--department", help="主管部门")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = _add_command(sub, "import", cmd_import, "把旧的 Word 自评表或导出的文本导入为模板工作簿")
    p.add_argument("sources", nargs="+", metavar="来源", help=".docx、.txt 文件或文件夹")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="生成的 .xlsx")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")


def _add_consolidate_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = _add_command(sub, "consolidate", cmd_consolidate, "汇总一个或多个工作簿（或文件夹）为财政局汇总表")
    p.add_argument("paths", nargs="+", metavar="路径", help="工作簿或文件夹")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="汇总工作簿 .xlsx")
    p.add_argument("--jobs", type=int, default=None, help="并行读取的进程数（默认 CPU 核数）")
    p.add_argument("--csv", metavar="文件夹", help="另存项目、指标、问题三张表为 CSV（UTF-8 BOM）")
    p.add_argument(
        "--feedback",
        metavar="文件夹",
        help="另按实施单位各写一个问题反馈工作簿（该单位的问题清单和项目汇总），用于退回修改",
    )


def _add_workbook_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """build, addin, demo: the artifacts clerks receive."""
    p = _add_command(sub, "build", cmd_build, "由源代码重新生成 workbook/ 下的模板、示例和加载项")
    p.add_argument(
        "what",
        choices=("template", "examples", "addin", "all"),
        metavar="目标",
        help="template（模板）、examples（示例）、addin（加载项）或 all（全部）",
    )
    p.add_argument("--dir", default="workbook", help="输出目录（默认 workbook）")

    p = _add_command(sub, "addin", cmd_addin, "安装、卸载或查看 Excel 加载项「绩效自评」")
    p.add_argument(
        "action",
        choices=("install", "remove", "status", "bundle"),
        metavar="操作",
        help="install（安装）、remove（卸载）、status（查看状态）或 bundle（生成离线安装包）",
    )
    p.add_argument("dir", nargs="?", metavar="目录", help="bundle：离线安装包的输出目录（新的或空的文件夹）")
    p.add_argument("--windows", action="store_true", help="bundle：为 Windows 64 位电脑生成（在其他系统上必须指定）")
    p.add_argument(
        "--python",
        action="append",
        metavar="版本",
        choices=("3.10", "3.11", "3.12", "3.13"),
        help="bundle：只包含这个 Python 版本的 wheel（可重复；默认 3.10 至 3.13 全部）",
    )

    p = _add_command(sub, "demo", cmd_demo, "用内置示例（鄂州市 2021 年三张自评表）演示完整流程")
    p.add_argument("--out", default="selfeval-demo", help="输出目录（默认 ./selfeval-demo）")


def _add_serve_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = _add_command(
        sub, "serve", cmd_serve, "以服务器方式运行：Excel 加载项把工作簿发到本服务器校验，填报人电脑无需安装 Python"
    )
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对内网开放请放在反向代理之后）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--config", default="server.toml", help="服务器配置文件（默认 server.toml）")
    p.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1；建议与 CPU 核数相同）")
    p.add_argument("--new-token", metavar="单位代号", help="为一个单位生成访问令牌并显示配置内容，然后退出")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except SelfevalError as exc:
        return _show_error(exc)
    except KeyboardInterrupt:
        _err("已中断。")
        return 130
    except OSError as exc:  # a file system refusal no command foresaw: Chinese, no traceback
        from .outputs import reason

        where = f"{exc.filename}：" if exc.filename else ""
        _err(f"错误：{where}{reason(exc)}。")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
