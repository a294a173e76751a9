"""The pre-check's decision (selfeval.addin.precheck), on every failure, and its VBA side."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from selfeval.addin import precheck
from selfeval.addin.precheck import (
    EXIT_NOT_FOUND,
    FALLBACK_TEXTS,
    PROBE_CODE,
    REQUIRED,
    SETUP_HINT,
    import_line,
    run_probe,
    verdict,
)

ROOT = Path(__file__).resolve().parents[1]
RIBBON = (ROOT / "macros" / "Ribbon.bas").read_text(encoding="utf-8")
STORE_PYTHON = r"C:\Users\clerk\AppData\Local\Microsoft\WindowsApps\python.exe"
# What the Store's placeholder prints (Windows 10/11) before it exits with 9009.
STORE_OUTPUT = (
    "Python was not found; run without arguments to install from the Microsoft Store, "
    "or disable this shortcut from Settings > Manage App Execution Aliases."
)
CMD_NOT_FOUND = "'python' 不是内部或外部命令，也不是可运行的程序\n或批处理文件。"


def report(failing: str | None = None, dll: str | None = None) -> str:
    """A probe report in `probe`'s own format where only `failing` does not import."""
    lines = [f"{precheck.HEADER} 3.12.7 C:\\selfeval\\venv\\Scripts\\python.exe"]
    for module, package in REQUIRED:
        error = ImportError("DLL load failed while importing _win32sysloader") if module == failing else None
        lines.append(import_line(module, package, error))
    if dll:
        lines.append(f"dll xlwings64-0.37.8.dll {dll}")
    return "\n".join([*lines, "end"])


# --- the decision ------------------------------------------------------------------------


def test_everything_importable_is_ready():
    result = verdict(0, report(), r"C:\selfeval\venv\Scripts\python.exe")
    assert result.ready and result.problem == "ok" and result.message == ""
    assert verdict(0, report(dll="ok"), "python").ready


@pytest.mark.parametrize(("module", "package"), REQUIRED)
def test_each_package_that_does_not_import_names_step_2(module, package):
    result = verdict(2, report(failing=module), r"C:\selfeval\venv\Scripts\python.exe")
    assert not result.ready
    assert result.problem == f"import:{package}"
    assert "请重做第 2 步" in result.message and SETUP_HINT in result.message
    assert module in result.message and "DLL load failed" in result.message  # for IT
    assert package.split(".")[0] in result.message


def test_store_stub_by_exit_code_and_path():
    result = verdict(EXIT_NOT_FOUND, STORE_OUTPUT, STORE_PYTHON)
    assert result.problem == "store-stub"
    assert "应用商店的占位程序" in result.message and "第 1 步" in result.message and STORE_PYTHON in result.message


def test_a_real_python_from_the_store_is_not_the_stub():
    real = r"C:\Users\clerk\AppData\Local\Microsoft\WindowsApps\PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0\python.exe"
    assert verdict(0, report(), real).ready
    assert verdict(0, report(), STORE_PYTHON).ready  # the alias, once the Store's Python is installed


def test_store_stub_found_on_path_as_plain_python():
    assert verdict(EXIT_NOT_FOUND, STORE_OUTPUT, "python").problem == "store-stub"


def test_no_interpreter():
    result = verdict(EXIT_NOT_FOUND, CMD_NOT_FOUND, "python")
    assert result.problem == "no-interpreter"
    assert result.message.startswith(FALLBACK_TEXTS["no-interpreter"])
    assert verdict(None, "", r"D:\gone\python.exe").problem == "no-interpreter"


def test_python_without_selfeval():
    output = "Traceback (most recent call last):\n  File \"<string>\", line 1\nModuleNotFoundError: No module named 'selfeval'"
    result = verdict(1, output, r"C:\Python312\python.exe")
    assert result.problem == "no-selfeval"
    assert "第 2 步" in result.message and "No module named 'selfeval'" in result.message


def test_missing_server_dll():
    result = verdict(2, report(dll="missing"), r"C:\Python312\python.exe")
    assert result.problem == "server-dll" and "xlwings64-0.37.8.dll" in result.message


# --- the probe, run for real -------------------------------------------------------------


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    """A real interpreter without selfeval or any other package (a fresh venv)."""
    folder = tmp_path_factory.mktemp("bare-venv")
    venv.EnvBuilder(with_pip=False).create(folder)
    return str(folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python"))


def test_missing_interpreter_for_real(tmp_path):
    assert run_probe(str(tmp_path / "python.exe")).problem == "no-interpreter"


def test_interpreter_without_selfeval_for_real(bare_python):
    result = run_probe(bare_python)
    assert result.problem == "no-selfeval"
    assert "No module named 'selfeval'" in result.message


def test_the_pythonpath_setting_is_applied_like_runpython(bare_python):
    # selfeval reachable only through the PYTHONPATH setting; xlwings and pywin32 are not there
    result = run_probe(bare_python, pythonpath=str(ROOT / "src"))
    assert result.problem.startswith("import:")  # past "no-selfeval": selfeval was found
    assert "selfeval" not in result.problem


@pytest.mark.skipif(sys.platform == "win32", reason="pywin32 is genuinely missing only off Windows")
def test_this_environment_lacks_pywin32_and_says_so(tmp_path):
    result = run_probe(sys.executable, bits="64")
    assert result.problem == "import:pywin32"
    assert "pywin32（win32com、pythoncom）" in result.message


def test_run_precheck_writes_the_verdict_file_vba_reads(tmp_path):
    target = tmp_path / "verdict.txt"
    done = subprocess.run(
        [sys.executable, "-B", "-I", "-c", PROBE_CODE, str(target), "", ""], capture_output=True, cwd=tmp_path
    )
    raw = target.read_bytes()
    first, _, rest = raw.partition(b"\r\n")
    expected = run_probe(sys.executable)
    assert first.decode("ascii") == expected.problem
    assert rest.decode(precheck.text_encoding()) == expected.message.replace("\n", "\r\n") + "\r\n"
    assert done.returncode == (0 if expected.ready else 2)
    assert b"\n" not in raw.replace(b"\r\n", b"")  # VBA's Line Input wants CRLF lines


# --- the VBA side says the same ----------------------------------------------------------


def vba_const(name: str) -> str:
    """The value of a `Private Const NAME As String = "..." & vbCrLf & _ ...` in Ribbon.bas."""
    match = re.search(rf"^Private Const {name} As (?:String|Long) = (.*?)$(?<!_)\n(?!\s{{4}}\")", RIBBON, re.M | re.S)
    assert match, name
    expression = re.sub(r"\s*_\n\s*", " ", match.group(1))
    parts = []
    for term in re.split(r"\s*&\s*", expression.strip()):
        if term == "vbCrLf":
            parts.append("\n")
        elif term.startswith('"'):
            parts.append(term[1:-1].replace('""', '"'))
        else:
            parts.append(term)
    return "".join(parts)


def test_vba_texts_equal_the_python_ones():
    assert vba_const("SETUP_HINT") == SETUP_HINT
    assert vba_const("MSG_NO_INTERPRETER") == FALLBACK_TEXTS["no-interpreter"]
    assert vba_const("MSG_STORE_STUB") == FALLBACK_TEXTS["store-stub"]
    assert vba_const("MSG_NO_SELFEVAL") == FALLBACK_TEXTS["no-selfeval"]
    assert vba_const("PROBE_CODE") == PROBE_CODE
    assert vba_const("EXIT_NOT_FOUND") == str(EXIT_NOT_FOUND)
    explain = re.search(r"Private Sub Explain.*?End Sub", RIBBON, re.S).group(0)
    assert '"（Python：" & interpreter & "）"' in explain  # fallback_message's layout


def test_vba_runs_the_probe_as_runpython_runs_python():
    body = re.search(r"Private Function PythonReady\(\).*?End Function", RIBBON, re.S).group(0)
    assert '" -B -I -c """ & PROBE_CODE' in body  # the flags of the patched RunPython
    for setting in ("INTERPRETER_WIN", "CONDA PATH", "CONDA ENV", "PYTHONPATH", "USE UDF SERVER"):
        assert f'GetConfig("{setting}"' in body, setting
    assert 'cd """ & ParentFolder(interpreter)' in body  # RunPython runs Python from its folder
    assert "ActiveWorkbook" not in body and "ThisWorkbook" not in body


def test_one_click_at_a_time_with_wait_cursor_and_status():
    body = re.search(r"Private Sub RunSelfeval.*?End Sub", RIBBON, re.S).group(0)
    assert body.index("If busy Then") < body.index("busy = True") < body.index("RunPython")
    assert body.index("RunPython") < body.rindex("busy = False")
    assert "Application.Cursor = xlWait" in body and "Application.Cursor = xlDefault" in body
    assert "Application.StatusBar = STATUS_RUNNING" in body and "Application.StatusBar = False" in body
    # clicks queued while Excel was blocked, arriving right after the end, are dropped
    assert body.index("QUEUED_CLICK_SECONDS Then Exit Sub") < body.index("busy = True")
    assert body.index("finishedAt = Timer") < body.rindex("busy = False")
    # every way out after busy = True passes through Finish
    after = body[body.index("busy = True") :]
    assert "Exit Sub" not in after


# --- the Python side of every button answers in Chinese ----------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="off Windows there is no calling workbook")
@pytest.mark.parametrize(
    "entry", ["validate_active", "validate_all", "clear_marks", "new_project", "build_summary", "show_rules"]
)
def test_an_entry_point_without_a_calling_workbook_gives_a_chinese_message(entry):
    # as RunPython would, in a fresh process: xw.Book.caller() cannot find Excel here
    done = subprocess.run(
        [sys.executable, "-B", "-c", f"import selfeval.excel as x; r = x.{entry}(); print(repr(r))"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"
    assert "绩效自评加载项无法连接到 Excel 中的工作簿" in done.stderr
