"""Install, remove and inspect the add-in in the user's Excel (Windows).

Installing copies a fresh build into `%APPDATA%\\Microsoft\\Excel\\XLSTART` (Excel opens
every file there at start-up) and records the current interpreter in the config file
that the add-in's xlwings module reads: `%USERPROFILE%\\.selfeval\\selfeval.conf`, lines
of `"KEY","value"` as xlwings' own `xlwings config create` writes them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import AddinError
from ..outputs import write_bytes_atomically
from .build import ADDIN_FILENAME, addin_bytes
from .precheck import dll_folders, probe, run_probe
from .sources import PROJECT_NAME

# VBA reads the config with `Input #`, in the ANSI code page of Windows. Elsewhere
# (tests) GBK stands in for the code page of a Chinese Windows.
CONFIG_ENCODING = "mbcs" if sys.platform == "win32" else "gbk"
_MANAGED_KEYS = ("INTERPRETER_WIN", "CONDA PATH", "CONDA ENV", "USE UDF SERVER")
SERVER_KEY = "USE UDF SERVER"


@dataclass(frozen=True)
class InstallPaths:
    addin: Path
    config: Path  # the user's; wins over the machine-wide one
    machine_config: Path  # %PROGRAMDATA%\selfeval\selfeval.conf, deployed by IT if at all


def install_paths(appdata: Path | None = None, home: Path | None = None) -> InstallPaths:
    """Where the add-in and its config go.

    `appdata` stands for %APPDATA% and `home` for %USERPROFILE%. Without `appdata`
    this works on Windows only. Where USERPROFILE is not set (not Windows), the
    given `appdata` folder also stands in for the profile folder.
    """
    if appdata is None:
        if sys.platform != "win32":
            raise AddinError(
                "selfeval addin install / remove / status 只适用于 Windows 上的 Excel，"
                f"本机系统是 {sys.platform}。请在装有 Excel 的 Windows 电脑上运行此命令；"
                "其他系统可在 Excel 中通过“开发工具 → Excel 加载项 → 浏览”"
                f"手动添加 {ADDIN_FILENAME}。"
            )
        if not os.environ.get("APPDATA"):
            raise AddinError("未设置环境变量 APPDATA，无法确定 Excel 的启动文件夹（XLSTART）。")
        appdata = Path(os.environ["APPDATA"])
    if home is None:
        profile = os.environ.get("USERPROFILE")
        home = Path(profile) if profile else Path(appdata)
    programdata = os.environ.get("PROGRAMDATA")
    machine = Path(programdata) if programdata else Path(appdata) / "ProgramData"
    return InstallPaths(
        addin=Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / ADDIN_FILENAME,
        config=Path(home) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf",
        machine_config=machine / PROJECT_NAME / f"{PROJECT_NAME}.conf",
    )


def server_available(executable: str) -> bool:
    """Whether xlwings' COM server DLL sits where the add-in's VBA looks for it."""
    try:
        import xlwings
    except ImportError:
        return False
    names = [f"xlwings{bits}-{xlwings.__version__}.dll" for bits in ("64", "32")]
    return any((folder / name).is_file() for folder in dll_folders(executable) for name in names)


def effective_config(paths: InstallPaths) -> dict[str, str]:
    """The settings the add-in's GetConfig sees: the user's file over the machine-wide one."""
    merged = {k.upper(): v for k, v in read_config(paths.machine_config)}
    merged.update({k.upper(): v for k, v in read_config(paths.config)})
    return merged


def _conda_settings() -> dict[str, str]:
    """Like `xlwings config create`: inside a conda env, record how to activate it."""
    env, exe = os.getenv("CONDA_DEFAULT_ENV"), os.getenv("CONDA_EXE")
    if not (env and exe):
        return {}
    return {"CONDA PATH": str(Path(exe).parent.parent), "CONDA ENV": env}


def read_config(path: Path) -> list[tuple[str, str]]:
    """The (key, value) lines of an xlwings-style config file; [] if it does not exist."""
    try:
        text = path.read_bytes().decode(CONFIG_ENCODING, errors="surrogateescape")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise AddinError(f"无法读取配置文件 {path}：{exc.strerror}") from exc
    entries = []
    for line in text.splitlines():
        key, sep, value = line.partition(",")
        if sep:
            entries.append((key.strip().strip('"'), value.strip().strip('"')))
    return entries


def _write_config(path: Path, entries: list[tuple[str, str]]) -> None:
    text = "".join(f'"{key}","{value}"\r\n' for key, value in entries)
    try:
        data = text.encode(CONFIG_ENCODING, errors="surrogateescape")
    except UnicodeEncodeError as exc:
        raise AddinError(
            f"Python 的安装路径含有当前系统代码页无法表示的字符：{text[exc.start : exc.end]!r}。"
            "请把 Python 安装到只含中英文字符的路径下。"
        ) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(path, data)


def _managed(key: str) -> bool:
    return key.upper() in _MANAGED_KEYS


def install_addin(appdata: Path | None = None, *, home: Path | None = None) -> str:
    """Copy a fresh build into XLSTART and point the add-in at this Python; returns a message."""
    paths = install_paths(appdata, home)
    data = addin_bytes()
    try:
        paths.addin.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(paths.addin, data)
    except OSError as exc:
        raise AddinError(
            f"无法写入 {paths.addin}：{exc.strerror}。如果 Excel 正在运行，"
            "请先关闭所有 Excel 窗口，再运行 selfeval addin install。"
        ) from exc
    # One Python process kept alive between clicks (xlwings' COM server), where its DLL is
    # installed beside this interpreter (a venv made by install.cmd); else one per click.
    server = server_available(sys.executable)
    settings = {"INTERPRETER_WIN": sys.executable, **_conda_settings(), SERVER_KEY: str(server)}
    kept = [(k, v) for k, v in read_config(paths.config) if not _managed(k)]
    try:
        _write_config(paths.config, kept + list(settings.items()))
    except OSError as exc:
        raise AddinError(f"无法写入配置文件 {paths.config}：{exc.strerror}") from exc
    mode = (
        "Python 常驻，第二次点击起无需重新启动 Python"
        if server
        else ("每次点击启动一次 Python（未找到 xlwings 的常驻组件 DLL）")
    )
    return (
        f"已安装绩效自评加载项：{paths.addin}\n"
        f"加载项将使用的 Python：{sys.executable}（记录在 {paths.config}）\n"
        f"运行方式：{mode}\n"
        "请重新启动 Excel，功能区上会出现“绩效自评”选项卡。"
    )


def remove_addin(appdata: Path | None = None, *, home: Path | None = None) -> str:
    """Delete the add-in from XLSTART and our keys from the config; returns a message."""
    paths = install_paths(appdata, home)
    if not paths.addin.exists():
        return f"绩效自评加载项没有安装（{paths.addin} 不存在），无需卸载。"
    try:
        paths.addin.unlink()
    except OSError as exc:
        raise AddinError(
            f"无法删除 {paths.addin}：{exc.strerror}。如果 Excel 正在运行，"
            "请先关闭所有 Excel 窗口，再运行 selfeval addin remove。"
        ) from exc
    entries = read_config(paths.config)
    kept = [(k, v) for k, v in entries if not _managed(k)]
    if len(kept) != len(entries):
        try:
            if kept:
                _write_config(paths.config, kept)
            else:
                paths.config.unlink()
                if not any(paths.config.parent.iterdir()):
                    paths.config.parent.rmdir()
        except OSError as exc:
            raise AddinError(f"加载项已删除，但无法更新配置文件 {paths.config}：{exc.strerror}") from exc
    return f"已卸载绩效自评加载项（已删除 {paths.addin}）。请重新启动 Excel。"


def addin_status(appdata: Path | None = None, *, home: Path | None = None) -> str:
    """Whether the add-in is installed and current, and what the pre-check says of its Python.

    Never fails: on a machine without Excel for Windows it explains that instead.
    """
    if appdata is None and sys.platform != "win32":
        return _status_without_excel()
    paths = install_paths(appdata, home)
    lines = []
    if not paths.addin.exists():
        lines.append(f"绩效自评加载项没有安装。运行 selfeval addin install 将安装到：{paths.addin}")
    elif paths.addin.read_bytes() == addin_bytes():
        lines.append(f"绩效自评加载项已安装，且是当前版本：{paths.addin}")
    else:
        lines.append(
            f"绩效自评加载项已安装，但与当前 selfeval 版本不一致：{paths.addin}\n"
            "请关闭 Excel 后运行 selfeval addin install 更新。"
        )
    config = effective_config(paths)
    interpreter = config.get("INTERPRETER_WIN") or config.get("INTERPRETER")
    if not interpreter:
        lines.append(
            f"尚未为加载项配置 Python（{paths.config} 和 {paths.machine_config} 中都没有 INTERPRETER_WIN）。"
            "请运行离线安装包中的 install.cmd，或 selfeval addin install。"
        )
        return "\n".join(lines)
    server = config.get(SERVER_KEY, "").lower() == "true"
    lines.append(f"加载项使用的 Python：{interpreter}（{'常驻' if server else '每次点击启动'}）")
    result = run_probe(os.path.expandvars(interpreter), config.get("PYTHONPATH", ""), "64" if server else "")
    if result.ready:
        lines.append("预检通过：这个 Python 能加载 xlwings、pywin32 和 selfeval，按钮可以使用。")
    else:
        lines.append("预检未通过，Excel 中的按钮将无法使用：\n" + result.message)
    return "\n".join(lines)


def _status_without_excel() -> str:
    """`addin status` where there is no Excel for Windows: say so, and check this Python."""
    found = []
    for line in probe():
        words = line.split(" ", 4)
        if words[0] == "import":
            found.append(f"  {words[1]}（{words[2]}）：{'可以加载' if words[3] == 'ok' else '无法加载'}")
    return "\n".join(
        [
            f"本机系统是 {sys.platform}，不是 Windows：没有可供加载项使用的 Microsoft Excel，因此不检查加载项的安装。",
            "加载项只能在 Windows 版 Excel 中使用：请在填报人的 Windows 电脑上运行离线安装包中的"
            " install.cmd（用 selfeval addin bundle 目录 --windows 生成），再运行 selfeval addin status 查看。",
            f"本机 Python（{sys.executable}）中各程序包的情况（pywin32 只在 Windows 上需要）：",
            *found,
        ]
    )
