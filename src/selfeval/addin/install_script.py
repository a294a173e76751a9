"""The text of the offline bundle's `install.cmd` and `说明.txt`.

`install.cmd` is read by cmd.exe in the console's code page: it is written in GBK (code
page 936, what a Chinese Windows uses) with CRLF line ends, commands in ASCII, Chinese
only in `echo` lines outside parenthesised blocks. It installs from the `wheels` folder
beside it and nothing else (`--no-index`).
"""

from __future__ import annotations

SCRIPT_ENCODING = "gbk"


def _lines_to_bytes(lines: list[str], encoding: str) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode(encoding)


def install_cmd(version: str, wheels_dir: str, python_versions: tuple[str, ...]) -> bytes:
    """install.cmd: find a supported 64-bit Python, make a venv, install offline, add the add-in."""
    # long: a flat template of the script's lines, read top to bottom as cmd.exe runs them
    tuples = ",".join(f"({v.replace('.', ',')})" for v in python_versions)
    check = (
        "import sys,struct;sys.exit(0 if sys.version_info[:2] in [" + tuples + "] and struct.calcsize('P')==8 else 1)"
    )
    newest_first = " ".join(sorted(python_versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True))
    supported = "、".join(python_versions)
    lines = [
        "@echo off",
        f'rem selfeval {version} offline installer, written by "selfeval addin bundle".',
        "rem Installs selfeval from the wheels folder beside this file only (no network),",
        "rem into a virtual environment of the current user, then the Excel add-in and its config.",
        "rem Usage: install.cmd [/python C:\\path\\to\\python.exe] [/quiet]",
        "setlocal EnableExtensions",
        f'set "WHEELS=%~dp0{wheels_dir}"',
        'set "VENV=%LOCALAPPDATA%\\selfeval\\venv"',
        'set "PY="',
        'set "QUIET="',
        "",
        ":args",
        'if "%~1"=="" goto args_done',
        'if /i "%~1"=="/quiet" (set "QUIET=1" & shift & goto args)',
        'if /i "%~1"=="/python" (set "PY=%~2" & shift & shift & goto args)',
        "echo 未知的参数：%1",
        "echo 用法：install.cmd [/python Python程序的完整路径] [/quiet]",
        "set RC=2",
        "goto done",
        ":args_done",
        "",
        "rem Find Python: the /python argument, else the py launcher, else python on PATH.",
        "rem Each candidate must print its own path; the check below rejects anything else (e.g. the Store placeholder).",
        f'for %%v in ({newest_first}) do if not defined PY for /f "delims=" %%i in '
        '(\'py -%%v -c "import sys;print(sys.executable)" 2^>nul\') do set "PY=%%i"',
        'if not defined PY for /f "delims=" %%i in '
        '(\'python -c "import sys;print(sys.executable)" 2^>nul\') do set "PY=%%i"',
        "if defined PY goto check",
        "echo 没有找到 Python。请先安装 64 位 Python（" + supported + " 版，python.org 的安装程序），",
        "echo 或用 install.cmd /python Python程序的完整路径 指定。",
        "set RC=3",
        "goto done",
        "",
        ":check",
        f'"%PY%" -c "{check}" >nul 2>nul',
        "if not errorlevel 1 goto venv",
        "echo 这个 Python 不能使用：%PY%",
        "echo 需要 64 位 Python，版本为 " + supported + " 之一。",
        "set RC=3",
        "goto done",
        "",
        ":venv",
        "echo 使用的 Python：%PY%",
        "echo 安装位置：%VENV%",
        '"%PY%" -m venv "%VENV%"',
        "if errorlevel 1 goto fail_venv",
        f'"%VENV%\\Scripts\\python.exe" -m pip install --no-index --find-links "%WHEELS%" '
        f"--only-binary=:all: --upgrade --disable-pip-version-check selfeval=={version}",
        "if errorlevel 1 goto fail_pip",
        '"%VENV%\\Scripts\\selfeval.exe" addin install',
        "if errorlevel 1 goto fail_addin",
        '"%VENV%\\Scripts\\selfeval.exe" addin status',
        "echo 安装完成。请重新启动 Excel，功能区上会出现“绩效自评”选项卡。",
        "set RC=0",
        "goto done",
        "",
        ":fail_venv",
        "echo 无法在 %VENV% 创建 Python 虚拟环境。请检查磁盘空间和权限后重试。",
        "set RC=4",
        "goto done",
        ":fail_pip",
        "echo 从 %WHEELS% 安装 selfeval 失败（见上方信息）。请确认离线安装包完整，且 Python 版本受支持。",
        "set RC=5",
        "goto done",
        ":fail_addin",
        "echo 安装 Excel 加载项失败（见上方信息）。请关闭所有 Excel 窗口后重新运行 install.cmd。",
        "set RC=6",
        "goto done",
        "",
        ":done",
        "if not defined QUIET pause",
        "exit /b %RC%",
    ]
    return _lines_to_bytes(lines, SCRIPT_ENCODING)


def readme_text(version: str, python_versions: tuple[str, ...]) -> bytes:
    """说明.txt, UTF-8 with BOM (Notepad shows it on any Windows)."""
    supported = "、".join(python_versions)
    lines = [
        f"绩效自评加载项（selfeval {version}）离线安装包",
        "",
        "本文件夹可复制到不能上网的电脑上使用，安装时不连接任何网络。",
        "",
        f"1. 安装 64 位 Python（{supported} 版，python.org 的安装程序）。",
        "2. 关闭所有 Excel 窗口，双击运行本文件夹中的 install.cmd。",
        "   它在 %LOCALAPPDATA%\\selfeval\\venv 中安装 selfeval 及其依赖（只使用 wheels 文件夹），",
        "   再把加载项复制到 Excel 的启动文件夹（XLSTART），并写入配置文件",
        "   %USERPROFILE%\\.selfeval\\selfeval.conf。",
        "3. 重新启动 Excel，功能区上会出现“绩效自评”选项卡。",
        "",
        "参数：install.cmd /python C:\\路径\\python.exe 指定 Python；/quiet 结束时不暂停（用于登录脚本）。",
        "每个 Windows 用户需运行一次；不需要管理员权限。",
    ]
    return b"\xef\xbb\xbf" + _lines_to_bytes(lines, "utf-8")
