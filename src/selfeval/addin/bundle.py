"""`selfeval addin bundle`: an offline install folder IT can copy to office PCs.

The folder holds `wheels/` (the selfeval wheel and every dependency's wheel for 64-bit
Windows and each supported Python), `install.cmd` (installs from that folder only, then the
add-in and its config) and `说明.txt`. It is made on a machine with uv and access to the
package index (or a mirror); the PCs need neither.

Resolution is uv's (`uv pip compile --python-platform`, which evaluates the Windows-only
markers such as xlwings' pywin32 correctly on any host), pinned to `uv.lock` where the
checkout has one; the files are fetched by `pip download --no-deps` for that platform; the
result is checked by resolving it offline, from the folder alone, for every Python version.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import AddinError
from ..outputs import write_bytes_atomically
from ..version import __version__
from .install_script import install_cmd, readme_text

PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13")
UV_WINDOWS = "x86_64-pc-windows-msvc"
PIP_WINDOWS = "win_amd64"
WHEELS_DIR = "wheels"
INSTALL_CMD = "install.cmd"
README = "说明.txt"
PACKAGE = "selfeval"


@dataclass(frozen=True)
class Bundle:
    folder: Path
    wheels: tuple[Path, ...]
    python_versions: tuple[str, ...]


def project_root() -> Path:
    """The source checkout selfeval runs from; the wheel is built from it."""
    root = Path(__file__).resolve().parents[3]
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file() or f'name = "{PACKAGE}"' not in pyproject.read_text(encoding="utf-8"):
        raise AddinError(
            "生成离线安装包需要 selfeval 的源代码目录（含 pyproject.toml），"
            f"但 selfeval 是从 {root} 运行的。请在源代码目录中运行：uv run selfeval addin bundle 目录 --windows"
        )
    return root


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        raise AddinError("生成离线安装包需要 uv（https://docs.astral.sh/uv/）。请先安装 uv，再重试。")
    return uv


def _pip() -> list[str]:
    """pip of this interpreter, else pip run by uv (fetched from the index once)."""
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    return [_uv(), "tool", "run", "pip"]


def _run(command: list[str], what: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", cwd=cwd)
    except OSError as exc:
        raise AddinError(f"{what}失败：无法运行 {command[0]}（{exc.strerror}）") from exc
    if done.returncode != 0:
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-12:]
        raise AddinError(f"{what}失败（{' '.join(command[:4])} …）：\n" + "\n".join(detail))
    return done.stdout


def build_wheel(root: Path, wheels: Path) -> Path:
    before = set(wheels.glob(f"{PACKAGE}-*.whl"))
    _run([_uv(), "build", "--wheel", "--out-dir", str(wheels), str(root)], "生成 selfeval 的 wheel 文件")
    marker = wheels / ".gitignore"  # uv build marks its output folder as untracked
    if marker.is_file() and marker.read_text(encoding="utf-8").strip() == "*":
        marker.unlink()
    built = sorted(set(wheels.glob(f"{PACKAGE}-{__version__}-*.whl")) - before) or sorted(
        wheels.glob(f"{PACKAGE}-{__version__}-*.whl")
    )
    if not built:
        raise AddinError(f"生成 selfeval 的 wheel 文件失败：{wheels} 中没有 selfeval-{__version__}-*.whl")
    return built[-1]


def _compile_for_windows(requirements: Path, python: str) -> list[str]:
    """`uv pip compile` of `requirements` for 64-bit Windows and `python`, wheels only, pins only."""
    return [
        _uv(),
        "pip",
        "compile",
        str(requirements),
        "--python-platform",
        UV_WINDOWS,
        "--python-version",
        python,
        "--only-binary",
        ":all:",
        "--no-header",
        "--no-annotate",
        "--quiet",
    ]


def resolve(root: Path, python: str, work: Path) -> Path:
    """Pinned requirements of selfeval's dependencies for 64-bit Windows and `python`."""
    command = [
        *_compile_for_windows(root / "pyproject.toml", python),
        "-o",
        str(work / f"requirements-{python}.txt"),
    ]
    if (root / "uv.lock").is_file():  # the versions the tests ran with
        constraints = work / "uv-lock-constraints.txt"
        if not constraints.exists():
            _run(
                [
                    _uv(),
                    "export",
                    "--project",
                    str(root),
                    "--frozen",
                    "--no-dev",
                    "--no-emit-project",
                    "--no-hashes",
                    "--quiet",
                    "-o",
                    str(constraints),
                ],
                "读取 uv.lock",
            )
        command += ["--constraint", str(constraints)]
    _run(command, f"为 Windows 64 位 Python {python} 解析依赖")
    return work / f"requirements-{python}.txt"


def download(requirements: Path, python: str, wheels: Path) -> None:
    _run(
        [
            *_pip(),
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            PIP_WINDOWS,
            "--python-version",
            python,
            "--implementation",
            "cp",
            "--dest",
            str(wheels),
            "--disable-pip-version-check",
            "-r",
            str(requirements),
        ],
        f"下载 Windows 64 位 Python {python} 的 wheel 文件",
    )


def check_offline(wheels: Path, python: str) -> list[str]:
    """Resolve selfeval from `wheels` alone for 64-bit Windows; the pinned names, or AddinError."""
    with tempfile.TemporaryDirectory() as tmp:
        wanted = Path(tmp) / "requirements.in"
        wanted.write_text(f"{PACKAGE}=={__version__}\n", encoding="utf-8")
        out = _run(
            [
                *_compile_for_windows(wanted, python),
                "--offline",
                "--no-index",
                "--find-links",
                str(wheels),
                "--no-cache",
            ],
            f"检查离线安装包（Python {python}，只用 {wheels}）",
        )
    return [line.split("==")[0].strip().lower() for line in out.splitlines() if "==" in line]


def make_bundle(target: Path, *, windows: bool, python_versions: tuple[str, ...] = PYTHON_VERSIONS) -> Bundle:
    """Write the offline install folder `target` (new or empty) and check it offline."""
    if not windows and sys.platform != "win32":
        raise AddinError(
            f"加载项只用于 Windows 版 Excel，本机系统是 {sys.platform}。"
            "请加上 --windows，生成 Windows 64 位电脑用的离线安装包：selfeval addin bundle 目录 --windows"
        )
    unknown = [v for v in python_versions if v not in PYTHON_VERSIONS]
    if unknown:
        raise AddinError(f"不支持的 Python 版本：{'、'.join(unknown)}。可选：{'、'.join(PYTHON_VERSIONS)}")
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AddinError(f"{target} 已存在且不是空文件夹。请指定一个新的文件夹，离线安装包不会覆盖已有文件。")
    root = project_root()
    wheels = target / WHEELS_DIR
    wheels.mkdir(parents=True, exist_ok=True)
    build_wheel(root, wheels)
    with tempfile.TemporaryDirectory(prefix="selfeval-bundle-") as tmp:
        for python in python_versions:
            download(resolve(root, python, Path(tmp)), python, wheels)
    for python in python_versions:
        check_offline(wheels, python)
    write_bytes_atomically(target / INSTALL_CMD, install_cmd(__version__, WHEELS_DIR, python_versions))
    write_bytes_atomically(target / README, readme_text(__version__, python_versions))
    return Bundle(target, tuple(sorted(wheels.glob("*.whl"))), tuple(python_versions))
