"""`selfeval` command line: the same jobs as the ribbon, without Excel.

Exit codes: 0 success (validate: no errors), 1 findings of severity error or unreadable
inputs, 2 usage errors or missing paths. Heavy modules load inside their commands.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line or its paths: exit 2 with a Chinese message."""


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
    def error(self, message: str) -> None:  # noqa: D102 - argparse hook
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"参数错误：{message}\n运行 `{self.prog} -h` 查看用法。\n")


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- commands --------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from .report import to_json, write_text
    from .sources import expand_paths
    from .validation import validate_files

    paths, missing = expand_paths([Path(p) for p in args.paths])
    for message in missing:
        _err(message)
    if missing or not paths:
        if not paths and not missing:
            _err("没有找到可校验的文件（.xlsx、.xlsm、.xls、.ods、.docx 或 .txt）。")
        return EXIT_USAGE
    reports = validate_files(paths)
    if args.format == "json":
        json.dump(to_json(reports), sys.stdout, ensure_ascii=False, indent=2)
        _out()
    else:
        write_text(reports)
    return EXIT_FINDINGS if any(report.has_errors for report in reports) else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from .rules import catalog

    for item in catalog():
        _out(f"{item.code}  {item.severity.label}  {item.title}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .writer import new_workbook

    out = Path(args.out)
    if args.projects < 1:
        raise UsageError("--projects 至少为 1。")
    try:
        written = new_workbook(out, projects=args.projects, year=args.year,
                               department=args.department or "", force=args.force)
    except FileExistsError:
        raise UsageError(f"文件 {out} 已存在；如需覆盖请加 --force。") from None
    _out(f"已生成工作簿：{written}（{args.projects} 张项目表）")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .importing import import_sources

    return import_sources([Path(p) for p in args.sources], Path(args.output), force=args.force)


def cmd_consolidate(args: argparse.Namespace) -> int:
    from .consolidate import run_consolidate

    return run_consolidate(
        [Path(p) for p in args.paths],
        Path(args.output),
        jobs=args.jobs,
        csv_dir=Path(args.csv) if args.csv else None,
    )


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
        from .addin import AddinError, build_addin

        try:
            built.append(build_addin(root))
        except AddinError as exc:
            _err(str(exc))
            return EXIT_FINDINGS
    for path in built:
        _out(f"已生成：{path}")
    return EXIT_OK


def cmd_addin(args: argparse.Namespace) -> int:
    from .addin import AddinError, addin_status, install_addin, remove_addin

    action = {"install": install_addin, "remove": remove_addin, "status": addin_status}[args.action]
    try:
        _out(action())
    except AddinError as exc:
        _err(str(exc))
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(Path(args.out))


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import ConfigError, check, new_token, serve

    try:
        if args.new_token:
            token, token_hash = new_token(args.new_token)
            _out(f"单位 {args.new_token} 的访问令牌（交给该单位，填入加载项配置 SERVER_TOKEN）：")
            _out(f"  {token}")
            _out("加入服务器配置文件（只保存令牌的散列值）：")
            _out(f'  [units.{args.new_token}]\n  name = "单位名称"\n  token_hash = "{token_hash}"')
            return EXIT_OK
        if not Path(args.config).is_file():
            raise UsageError(f"找不到服务器配置文件 {args.config}（用 --config 指定）。")
        check(args.config)
        _out(f"绩效自评服务器：http://{args.host}:{args.port}（按 Ctrl+C 停止）")
        serve(args.config, host=args.host, port=args.port, workers=args.workers)
    except ConfigError as exc:
        _err(f"错误：{exc}")
        return EXIT_USAGE
    return EXIT_OK


# --- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="selfeval",
        description="项目支出绩效自评表：校验、导入、汇总，以及 Excel 模板和加载项。",
    )
    parser.add_argument("--version", action="version", version=f"selfeval {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = command("validate", cmd_validate, "校验自评表（文件或文件夹），按文件和项目列出问题")
    p.add_argument("paths", nargs="+", metavar="路径", help="工作簿、Word 文档、文本文件或文件夹")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")

    p = command("new", cmd_new, "新建一个部门的自评工作簿（基于模板）")
    p.add_argument("out", metavar="输出文件", help="例如 财政局2025年自评.xlsx")
    p.add_argument("--projects", type=int, default=1, help="项目表张数（默认 1）")
    p.add_argument("--year", type=int, help="评价年度")
    p.add_argument("--department", help="主管部门")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = command("import", cmd_import, "把旧的 Word 自评表或导出的文本导入为模板工作簿")
    p.add_argument("sources", nargs="+", metavar="来源", help=".docx、.txt 文件或文件夹")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="生成的 .xlsx")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = command("consolidate", cmd_consolidate, "汇总一个或多个工作簿（或文件夹）为财政局汇总表")
    p.add_argument("paths", nargs="+", metavar="路径", help="工作簿或文件夹")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="汇总工作簿 .xlsx")
    p.add_argument("--jobs", type=int, default=None, help="并行读取的进程数（默认 CPU 核数）")
    p.add_argument("--csv", metavar="文件夹", help="另存项目、指标、问题三张表为 CSV（UTF-8 BOM）")

    p = command("build", cmd_build, "由源代码重新生成 workbook/ 下的模板、示例和加载项")
    p.add_argument("what", choices=("template", "examples", "addin", "all"), metavar="目标",
                   help="template（模板）、examples（示例）、addin（加载项）或 all（全部）")
    p.add_argument("--dir", default="workbook", help="输出目录（默认 workbook）")

    p = command("addin", cmd_addin, "安装、卸载或查看 Excel 加载项「绩效自评」")
    p.add_argument("action", choices=("install", "remove", "status"), metavar="操作",
                   help="install（安装）、remove（卸载）或 status（查看状态）")

    p = command("demo", cmd_demo, "用内置示例（鄂州市 2021 年三张自评表）演示完整流程")
    p.add_argument("--out", default="selfeval-demo", help="输出目录（默认 ./selfeval-demo）")

    p = command("serve", cmd_serve, "以服务器方式运行：Excel 加载项把工作簿发到本服务器校验，填报人电脑无需安装 Python")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对内网开放请放在反向代理之后）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--config", default="server.toml", help="服务器配置文件（默认 server.toml）")
    p.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1；建议与 CPU 核数相同）")
    p.add_argument("--new-token", metavar="单位代号", help="为一个单位生成访问令牌并显示配置内容，然后退出")

    command("rules", cmd_rules, "列出全部校验规则及其代码")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except UsageError as exc:
        _err(f"错误：{exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("已中断。")
        return 130


if __name__ == "__main__":
    sys.exit(main())
