"""The add-in's sources: `macros/` (ribbon XML, our modules) and xlwings' VBA modules.

The xlwings module for custom add-ins and the class modules it uses are read from the
installed xlwings package at build time, so the VBA always matches the Python side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AddinError
from .ovba import ModuleKind, VbaModule
from .xlwings_patch import patch_xlwings_module

PROJECT_NAME = "selfeval"
RIBBON_FILE = "customUI14.xml"

# The workbook's document modules, as Excel writes them for a new workbook.
_DOCUMENT_BASES = {
    "ThisWorkbook": "0{00020819-0000-0000-C000-000000000046}",
    "Sheet1": "0{00020820-0000-0000-C000-000000000046}",
}
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_PROJECT_NAME_LINE = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.M)


@dataclass(frozen=True)
class AddinSources:
    ribbon_xml: bytes
    modules: tuple[VbaModule, ...]


def macros_dir() -> Path:
    """`macros/` of a source checkout, or the copy shipped inside the installed package."""
    packaged = Path(__file__).parent / "macros"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "macros"
    if checkout.is_dir():
        return checkout
    raise AddinError(f"找不到加载项的源文件目录（macros）：{checkout}")


def xlwings_dir() -> Path:
    try:
        import xlwings
    except ImportError as exc:  # pragma: no cover - xlwings is a dependency
        raise AddinError(
            "未安装 xlwings，无法生成加载项。请重新运行离线安装包中的 install.cmd（开发时：uv sync）。"
        ) from exc
    return Path(xlwings.__file__).parent


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except OSError as exc:
        raise AddinError(f"无法读取加载项源文件 {path}：{exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AddinError(f"加载项源文件 {path} 不是 UTF-8 编码") from exc


def module_name(source: str, path: Path) -> str:
    match = re.match(r'Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"', source)
    if not match:
        raise AddinError(f'{path} 第一行必须是 Attribute VB_Name = "模块名"')
    return match.group(1)


def class_module(cls_text: str, path: Path) -> VbaModule:
    """A `.cls` export as VBA stores it: without the VERSION/BEGIN header, with VB_Base."""
    lines = cls_text.split("\n")
    while lines and not lines[0].startswith("Attribute "):
        lines.pop(0)  # VERSION 1.0 CLASS / BEGIN / MultiUse = -1 / END
    source = "\n".join(lines)
    name = module_name(source, path)
    out: list[str] = []
    for line in lines:
        out.append(line)
        if line.startswith("Attribute VB_Name "):
            out.append(f'Attribute VB_Base = "{_CLASS_BASE}"')
        elif line.startswith("Attribute VB_Exposed "):
            out += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    return VbaModule(name, ModuleKind.CLASS, "\n".join(out))


def document_module(name: str) -> VbaModule:
    attributes = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{_DOCUMENT_BASES[name]}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
        "",
    ]
    return VbaModule(name, ModuleKind.DOCUMENT, "\n".join(attributes))


def xlwings_module(xlwings_root: Path) -> VbaModule:
    """xlwings' module for custom add-ins, with PROJECT_NAME set to ours and hardened.

    PROJECT_NAME selects the config file `%USERPROFILE%\\.selfeval\\selfeval.conf`;
    `xlwings_patch` removes every setting the active workbook could supply.
    """
    path = xlwings_root / "xlwings_custom_addin.bas"
    source, count = _PROJECT_NAME_LINE.subn(rf'\1"{PROJECT_NAME}"', _read_text(path))
    if count != 1:
        raise AddinError(f"{path} 的格式与预期不符（未找到 PROJECT_NAME），请检查 xlwings 版本")
    source = patch_xlwings_module(source, str(path))
    return VbaModule(module_name(source, path), ModuleKind.STANDARD, source)


def xlwings_classes(xlwings_module_source: str, xlwings_root: Path) -> list[VbaModule]:
    """The class modules of xlwings' add-in that the modules declare variables of (transitively)."""
    paths = sorted((xlwings_root / "addin").glob("*.cls"))
    chosen: dict[str, VbaModule] = {}
    sources = [xlwings_module_source]
    while sources:
        text = sources.pop()
        for path in paths:
            if path.stem not in chosen and re.search(rf"\bAs\s+(New\s+)?{re.escape(path.stem)}\b", text):
                chosen[path.stem] = class_module(_read_text(path), path)
                sources.append(chosen[path.stem].source)
    return [chosen[path.stem] for path in paths if path.stem in chosen]


# xlwings' VBA client for xlwings Server (RunServerPython) and the JSON/HTTP module it uses:
# the add-in's server mode (macros/ServerMode.bas) calls it.
XLWINGS_REMOTE_MODULES = ("Remote.bas", "WebHelpers.bas")


def xlwings_remote_modules(xlwings_root: Path) -> list[VbaModule]:
    modules = []
    for filename in XLWINGS_REMOTE_MODULES:
        path = xlwings_root / "addin" / filename
        source = _read_text(path)
        modules.append(VbaModule(module_name(source, path), ModuleKind.STANDARD, source))
    return modules


def load_sources(macros: Path | None = None, xlwings_root: Path | None = None) -> AddinSources:
    """Everything the add-in is built from, in the module order of the VBA project."""
    macros = macros or macros_dir()
    xlwings_root = xlwings_root or xlwings_dir()
    ribbon_path = macros / RIBBON_FILE
    try:
        ribbon_xml = ribbon_path.read_bytes()
    except OSError as exc:
        raise AddinError(f"无法读取功能区定义 {ribbon_path}：{exc.strerror}") from exc
    ours = []
    for path in sorted(macros.glob("*.bas")):
        source = _read_text(path)
        ours.append(VbaModule(module_name(source, path), ModuleKind.STANDARD, source))
    for path in sorted(macros.glob("*.cls")):
        ours.append(class_module(_read_text(path), path))
    xlwings = xlwings_module(xlwings_root)
    remote = xlwings_remote_modules(xlwings_root)
    declaring = "\n".join([xlwings.source, *(module.source for module in remote)])
    modules = (
        document_module("ThisWorkbook"),
        document_module("Sheet1"),
        *ours,
        xlwings,
        *remote,
        *xlwings_classes(declaring, xlwings_root),
    )
    return AddinSources(ribbon_xml, modules)
