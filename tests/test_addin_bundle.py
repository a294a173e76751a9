"""`selfeval addin bundle --windows`: a folder IT can install from offline, checked on Linux.

Downloads the win_amd64 wheels once per session, for one Python version (the real
command takes all four); needs the package index, like `uv sync`.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from selfeval import __version__
from selfeval.addin.bundle import INSTALL_CMD, README, WHEELS_DIR, check_offline
from selfeval.cli import main
from selfeval.errors import AddinError

PYTHON = "3.12"
WINDOWS_TAGS = re.compile(r"-(py3|py2\.py3|cp312)-(none|abi3|cp312)-(any|win_amd64)\.whl$")
CMD_SPECIAL = set(b'^|&<>%"()')


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    if shutil.which("uv") is None:
        pytest.skip("uv is needed to resolve for Windows")
    folder = tmp_path_factory.mktemp("bundle") / "离线安装包"
    assert main(["addin", "bundle", str(folder), "--windows", "--python", PYTHON]) == 0
    return folder


def test_the_folder_holds_wheels_install_cmd_and_readme(bundle):
    assert sorted(p.name for p in bundle.iterdir()) == sorted([WHEELS_DIR, INSTALL_CMD, README])
    wheels = sorted(p.name for p in (bundle / WHEELS_DIR).iterdir())
    assert all(name.endswith(".whl") for name in wheels)
    assert f"selfeval-{__version__}-py3-none-any.whl" in wheels
    for name in wheels:
        assert WINDOWS_TAGS.search(name), f"{name} is not for 64-bit Windows / CPython {PYTHON}"


def test_the_wheels_cover_the_whole_tree_for_windows_offline(bundle):
    names = check_offline(bundle / WHEELS_DIR, PYTHON)
    # Windows-only and compiled dependencies are there, resolved for the target, not this host
    assert {"selfeval", "xlwings", "pywin32", "pandas", "numpy", "lxml", "python-calamine"} <= set(names)
    files = {re.split(r"-\d", p.name, maxsplit=1)[0].lower().replace("_", "-") for p in (bundle / WHEELS_DIR).iterdir()}
    assert set(names) == files  # nothing missing, nothing extra


def test_the_offline_check_fails_without_pywin32(bundle, tmp_path):
    partial = tmp_path / "wheels"
    shutil.copytree(bundle / WHEELS_DIR, partial)
    for wheel in partial.glob("pywin32-*.whl"):
        wheel.unlink()
    with pytest.raises(AddinError, match="pywin32"):
        check_offline(partial, PYTHON)


def test_the_offline_check_fails_for_a_python_not_bundled(bundle):
    with pytest.raises(AddinError, match=r"3\.11"):
        check_offline(bundle / WHEELS_DIR, "3.11")


def test_the_selfeval_wheel_carries_the_addin_sources_and_precheck(bundle):
    wheel = next((bundle / WHEELS_DIR).glob("selfeval-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {
        "selfeval/addin/macros/Ribbon.bas",
        "selfeval/addin/macros/customUI14.xml",
        "selfeval/addin/precheck.py",
        "selfeval/excel/__init__.py",
    } <= names


def test_xlwings_wheel_brings_the_com_server_dll_into_the_venv_root(bundle):
    wheel = next((bundle / WHEELS_DIR).glob("xlwings-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        data = [n for n in archive.namelist() if ".data/data/" in n]
    version = wheel.name.split("-")[1]
    # pip installs .data/data/ into the venv root, one level above Scripts\python.exe:
    # the second folder xlwings' XLPyLoadDLL (and selfeval.addin.install.server_available) tries
    assert any(n.endswith(f"/xlwings64-{version}.dll") for n in data)


# --- install.cmd -------------------------------------------------------------------------


def test_install_cmd_is_crlf_gbk_and_safe_for_cmd(bundle):
    raw = (bundle / INSTALL_CMD).read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    text = raw.decode("gbk")
    for number, line in enumerate(text.split("\r\n"), start=1):
        chinese = [ch for ch in line if ord(ch) > 127]
        if not chinese:
            continue
        assert line.startswith("echo "), f"line {number}: Chinese outside an echo line"
        for ch in chinese:
            trail = ch.encode("gbk")[1:]
            assert not set(trail) & CMD_SPECIAL, f"line {number}: {ch!r} has a byte cmd.exe would parse"


def test_install_cmd_installs_from_the_folder_only(bundle):
    text = (bundle / INSTALL_CMD).read_bytes().decode("gbk")
    commands = [line for line in text.split("\r\n") if line and not line.startswith(("rem ", "echo ", ":"))]
    assert 'set "WHEELS=%~dp0wheels"' in commands
    pip = [c for c in commands if " -m pip " in c]
    assert len(pip) == 1
    assert '--no-index --find-links "%WHEELS%"' in pip[0] and f"selfeval=={__version__}" in pip[0]
    assert pip[0].startswith('"%VENV%\\Scripts\\python.exe" -m pip install')
    assert not re.search(r"https?://|--index-url|--extra-index-url|\s-i\s", text)
    assert '"%VENV%\\Scripts\\selfeval.exe" addin install' in commands  # the add-in and its config
    assert '"%PY%" -m venv "%VENV%"' in commands
    # only the Python versions bundled are accepted, 64-bit only
    check = next(c for c in commands if "struct.calcsize('P')==8" in c)
    assert "in [(3,12)]" in check


def test_install_cmd_labels_and_gotos_agree(bundle):
    text = (bundle / INSTALL_CMD).read_bytes().decode("gbk").replace("\r\n", "\n")
    labels = set(re.findall(r"^:(\w+)$", text, re.M))
    assert {"args", "args_done", "check", "venv", "done"} <= labels
    targets = set(re.findall(r"goto (\w+)", text))
    assert targets <= labels
    assert text.count("exit /b") == 1


# --- refusals ----------------------------------------------------------------------------


def test_an_existing_folder_is_never_overwritten(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("keep", encoding="utf-8")
    assert main(["addin", "bundle", str(tmp_path), "--windows"]) != 0
    assert "不会覆盖" in capsys.readouterr().err
    assert (tmp_path / "old.txt").read_text(encoding="utf-8") == "keep"


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the bundle is for this platform")
def test_without_windows_flag_elsewhere_it_says_to_add_it(tmp_path, capsys):
    assert main(["addin", "bundle", str(tmp_path / "new")]) != 0
    assert "--windows" in capsys.readouterr().err
