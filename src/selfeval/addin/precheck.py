"""The add-in's pre-check: can a click work with the Python the add-in is configured to run?

Before the first click of an Excel session, `Ribbon.bas` starts the configured interpreter
the way RunPython starts it (same interpreter, conda activation, folder, `-B -I`, the
PYTHONPATH setting) with `PROBE_CODE`, which imports this module and calls `run_precheck`, which
imports what a click needs, checks the COM server's DLL when that mode is on, and writes
a verdict file (first line: the problem code, then the Chinese message) for the VBA to show.

Where no Python runs at all (no interpreter, the Windows Store stub, selfeval missing),
nothing here can run either: the VBA then decides from the exit code with the same
texts (`FALLBACK_TEXTS`, copied into Ribbon.bas and compared by a test). `verdict` is the
whole decision as a pure function of the probe's exit code and output; `selfeval addin
status` runs the probe the same way and decides with it.

Stdlib only: it runs in an interpreter whose packages may be broken.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Exit code of cmd.exe for "not recognized as a command", and of the Windows Store's
# python.exe placeholder (an app execution alias in %LOCALAPPDATA%\Microsoft\WindowsApps).
EXIT_NOT_FOUND = 9009
STORE_MARKERS = ("\\windowsapps\\", "microsoft store", "应用商店")

# What a click needs, in the order a broken install shows itself (xlwings imports pywin32).
REQUIRED: tuple[tuple[str, str], ...] = (
    ("pywintypes", "pywin32"),
    ("pythoncom", "pywin32"),
    ("win32com.client", "pywin32"),
    ("xlwings", "xlwings"),
    ("selfeval.excel", "selfeval"),
)

# The probe the VBA runs (`python -B -I -c PROBE_CODE verdict-file pythonpath bits`): put
# the PYTHONPATH setting on sys.path as xlwings' prepare_sys_path does, then ask `run_precheck`.
PROBE_CODE = (
    "import sys,os;sys.path[0:0]=[p for p in os.path.expandvars(sys.argv[2]).split(';') if p];"
    "import selfeval.addin.precheck as c;c.run_precheck(sys.argv[1],sys.argv[3])"
)
HEADER = "selfeval-precheck"

SETUP_HINT = (
    "请按以下步骤安装（只需一次）：\n"
    "1. 安装 64 位 Python（3.10 至 3.13 版，python.org 的安装程序）；\n"
    "2. 运行信息技术人员提供的离线安装包中的 install.cmd（安装 selfeval、加载项和配置）；\n"
    "然后重新打开 Excel。如仍有问题，请联系信息技术人员。"
)

# The texts the VBA shows itself, where no Python code can run; keys are problem codes.
FALLBACK_TEXTS = {
    "no-interpreter": "找不到加载项要使用的 Python。请重做第 1 步和第 2 步。",
    "store-stub": "加载项要使用的 python.exe 是 Windows 应用商店的占位程序，不是真正的 Python。"
    "请重做第 1 步（从 python.org 安装），再重做第 2 步。",
    "no-selfeval": "Python 可以启动，但其中没有安装 selfeval 程序包。请重做第 2 步。",
}

_IMPORT_TEXTS = {
    "pywin32": "Python 中的 pywin32（win32com、pythoncom）无法加载，加载项无法与 Excel 通信。请重做第 2 步。",
    "xlwings": "Python 中的 xlwings 无法加载，加载项无法与 Excel 通信。请重做第 2 步。",
    "selfeval": "Python 中的 selfeval 程序包不完整，无法加载。请重做第 2 步。",
}
_SERVER_DLL_TEXT = (
    "找不到 xlwings 的组件 {dll}（应在 Python 所在文件夹或其上一级）。"
    "加载项配置为保持 Python 常驻（USE UDF SERVER），需要这个文件。请重做第 2 步。"
)


@dataclass(frozen=True)
class Verdict:
    """The pre-check's answer: ready, or which problem and what the clerk should redo."""

    problem: str  # "ok", one of FALLBACK_TEXTS, "import:<package>", "server-dll"
    message: str  # Chinese; empty when ready

    @property
    def ready(self) -> bool:
        return self.problem == "ok"


def fallback_message(problem: str, interpreter: str) -> str:
    """The message for a problem the VBA also detects; same layout as Ribbon.bas' Explain."""
    return f"{FALLBACK_TEXTS[problem]}\n（Python：{interpreter}）\n\n{SETUP_HINT}"


def is_store_stub(interpreter: str, output: str = "") -> bool:
    text = f"{interpreter}\n{output}".lower()
    return any(marker in text for marker in STORE_MARKERS)


def dll_name(bits: str) -> str | None:
    """The xlwings DLL Excel loads for the COM server, or None where xlwings is missing."""
    try:
        import xlwings
    except Exception:
        return None
    return f"xlwings{bits}-{xlwings.__version__}.dll"


def dll_folders(executable: str) -> list[Path]:
    """Where xlwings' XLPyLoadDLL looks: beside python.exe, then one level up (a venv)."""
    here = Path(executable).parent
    return [here, here.parent]


def import_line(module: str, package: str, error: BaseException | None) -> str:
    """One line of the probe's report: `import <module> <package> ok|failed <error>`."""
    if error is None:
        return f"import {module} {package} ok"
    detail = f"{type(error).__name__}: {error}".replace("\n", " ")
    return f"import {module} {package} failed {detail}"


def probe(bits: str = "") -> list[str]:
    """Run the checks in this interpreter; the report lines `verdict` reads."""
    lines = [f"{HEADER} {sys.version.split()[0]} {sys.executable}"]
    for module, package in REQUIRED:
        try:
            importlib.import_module(module)
        except BaseException as exc:
            lines.append(import_line(module, package, exc))
        else:
            lines.append(import_line(module, package, None))
    if bits:
        name = dll_name(bits)
        found = name is not None and any((folder / name).is_file() for folder in dll_folders(sys.executable))
        lines.append(f"dll {name or '-'} {'ok' if found else 'missing'}")
    lines.append("end")
    return lines


def verdict(exit_code: int | None, output: str, interpreter: str) -> Verdict:
    """Decide from the probe's exit code (None: could not start) and its output."""
    # (a real Python from the Store also sits under WindowsApps: the exit code decides)
    if exit_code is None or exit_code == EXIT_NOT_FOUND:
        problem = "store-stub" if is_store_stub(interpreter, output) else "no-interpreter"
        return Verdict(problem, fallback_message(problem, interpreter))
    lines = output.splitlines()
    if not any(line.startswith(HEADER) for line in lines):
        message = fallback_message("no-selfeval", interpreter)
        last = next((line for line in reversed(lines) if line.strip()), "")
        return Verdict("no-selfeval", f"{message}\n\n（技术信息：{last}）" if last else message)
    for line in lines:
        words = line.split(" ", 4)
        if words[0] == "import" and len(words) >= 4 and words[3] == "failed":
            package, detail = words[2], words[4] if len(words) > 4 else ""
            message = f"{_IMPORT_TEXTS[package]}\n（Python：{interpreter}）\n\n{SETUP_HINT}"
            return Verdict(f"import:{package}", f"{message}\n\n（技术信息：{words[1]}：{detail}）")
        if words[0] == "dll" and words[-1] == "missing":
            message = _SERVER_DLL_TEXT.format(dll=words[1])
            return Verdict("server-dll", f"{message}\n（Python：{interpreter}）\n\n{SETUP_HINT}")
    return Verdict("ok", "")


def text_encoding() -> str:
    """The code page VBA's `Line Input` reads text files in (GBK stands in off Windows)."""
    return "mbcs" if sys.platform == "win32" else "gbk"


def write_verdict(path: Path, result: Verdict) -> None:
    text = "\r\n".join([result.problem, *result.message.splitlines()]) + "\r\n"
    Path(path).write_bytes(text.encode(text_encoding(), errors="replace"))


def run_precheck(verdict_file: str, bits: str = "") -> None:
    """The VBA's entry: probe, decide, write the verdict file; exit 0 only when ready."""
    report = probe(bits)
    print("\n".join(report))
    result = verdict(0, "\n".join(report), sys.executable)
    write_verdict(Path(verdict_file), result)
    sys.exit(0 if result.ready else 2)


def run_probe(interpreter: str, pythonpath: str = "", bits: str = "") -> Verdict:
    """Start `interpreter` as Ribbon.bas does (without cmd.exe) and decide; for `addin status`."""
    with tempfile.TemporaryDirectory(prefix="selfeval-precheck-") as tmp:
        verdict_file = Path(tmp) / "verdict.txt"
        command = [interpreter, "-B", "-I", "-c", PROBE_CODE, str(verdict_file), pythonpath, bits]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=120,
                cwd=tmp,
                env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
            )
        except (FileNotFoundError, PermissionError):
            return verdict(None, "", interpreter)
        except subprocess.TimeoutExpired:
            return verdict(1, "timeout", interpreter)
        output = (done.stdout + done.stderr).decode(text_encoding(), errors="replace")
        return verdict(done.returncode, output, interpreter)
