"""`build_addin`: macros/ + xlwings' VBA → workbook/绩效自评.xlam."""

from __future__ import annotations

from pathlib import Path

from ..errors import AddinError
from ..outputs import write_bytes_atomically
from ..version import __version__
from .ovba import VbaProject, vba_project_bin
from .package import build_package
from .sources import PROJECT_NAME, AddinSources, load_sources

ADDIN_FILENAME = "绩效自评.xlam"
ADDIN_TITLE = "绩效自评加载项"


def addin_bytes(sources: AddinSources | None = None) -> bytes:
    """The complete .xlam, built in memory; equal sources give equal bytes."""
    sources = sources or load_sources()
    project = VbaProject(PROJECT_NAME, sources.modules)
    try:
        vba = vba_project_bin(project)
    except UnicodeEncodeError as exc:
        raise AddinError(f"宏代码中有无法用 GBK（代码页 936）保存的字符：{exc.object[exc.start : exc.end]!r}") from exc
    notes = [
        f"{ADDIN_TITLE}（selfeval {__version__}）",
        "这是 Excel 加载项，不需要直接打开或编辑本工作簿。",
        "安装：运行离线安装包（selfeval addin bundle 生成）中的 install.cmd；卸载：selfeval addin remove。",
        "设置只从 %USERPROFILE%\\.selfeval\\selfeval.conf 和 %PROGRAMDATA%\\selfeval\\selfeval.conf 读取，"
        "从不从所打开的工作簿或其所在文件夹读取。",
    ]
    return build_package(vba, sources.ribbon_xml, ADDIN_TITLE, __version__, notes)


def build_addin(out_dir: Path) -> Path:
    """Write the add-in into `out_dir` and return its path."""
    target = Path(out_dir) / ADDIN_FILENAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(target, addin_bytes())
    except OSError as exc:
        raise AddinError(f"无法写入加载项文件 {target}：{exc.strerror}") from exc
    return target
