"""A received workbook cannot configure the add-in: proven on the VBA that olevba extracts
from a fresh build (the code Excel would compile), and on xlwings' own prepare_sys_path."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import xlwings
from oletools.olevba import VBA_Parser
from xlwings.utils import prepare_sys_path

from selfeval.addin import build_addin
from selfeval.addin.xlwings_patch import patch_xlwings_module
from selfeval.errors import AddinError

XLWINGS_BAS = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
WORKBOOK_WORDS = re.compile(r"\b(ActiveWorkbook|ThisWorkbook|GetDirectoryPath|GetFullName|Sheets|SheetExists)\b")


@pytest.fixture(scope="module")
def xlwings_vba(tmp_path_factory) -> str:
    built = build_addin(tmp_path_factory.mktemp("addin"))
    parser = VBA_Parser(str(built))
    try:
        modules = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    return modules["xlwings"].replace("\r\n", "\n")


def procedures(source: str) -> dict[str, str]:
    """Name -> body of every Function/Sub (the last definition wins, as after #If)."""
    found = {}
    for match in re.finditer(
        r"^(?:Public |Private )?(?:Function|Sub) (\w+)\(.*?^End (?:Function|Sub)$", source, re.M | re.S
    ):
        found[match.group(1)] = match.group(0)
    return found


def called_closure(procs: dict[str, str], start: str) -> set[str]:
    """The procedures of this module that `start` may call, directly or indirectly."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        body = procs[name].split("\n", 1)[1]
        todo += [other for other in procs if other not in seen and re.search(rf"\b{other}\b", body)]
    return seen


def test_no_config_sheet_is_looked_up(xlwings_vba):
    assert not re.search(r"Sheets\([^)\n]*conf", xlwings_vba, re.I)
    assert not re.search(r"SheetExists\([^)\n]*conf", xlwings_vba, re.I)
    assert "GetConfigFromSheet" not in xlwings_vba
    assert "GetDirectoryConfigFilePath" not in xlwings_vba


def test_the_config_search_never_touches_a_workbook_or_its_folder(xlwings_vba):
    procs = procedures(xlwings_vba)
    closure = called_closure(procs, "GetConfig")
    assert {"GetConfigFilePath", "GetMachineConfigFilePath", "GetConfigFromFile"} <= closure
    for name in closure:
        assert not WORKBOOK_WORDS.search(procs[name]), f"{name} refers to a workbook"
    body = procs["GetConfig"]
    # user's file first, then the machine-wide file IT deploys, then the default
    assert (
        body.index("GetConfigFilePath()")
        < body.index("GetMachineConfigFilePath()")
        < body.index("ExpandEnvironmentStrings(default)")
    )
    machine = procs["GetMachineConfigFilePath"]
    assert 'Environ("PROGRAMDATA") & "\\" & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"' in machine
    user = procs["GetConfigFilePath"]
    assert 'Environ("USERPROFILE")' in user and 'Const PROJECT_NAME As String = "selfeval"' in xlwings_vba


def test_add_workbook_to_pythonpath_is_always_false(xlwings_vba):
    assert 'GetConfig("ADD_WORKBOOK_TO_PYTHONPATH"' not in xlwings_vba
    assignments = re.findall(r"^\s*AddExcelDir = (.*?)(?:\s*'.*)?$", xlwings_vba, re.M)
    assert len(assignments) == 3  # RunPython (twice, embedded or not) and the COM server command
    assert set(assignments) == {'"false"'}
    assert re.search(r"^\s*uses_embedded_code = False\s*$", xlwings_vba, re.M)
    assert not re.search(r"^\s*uses_embedded_code = True\s*$", xlwings_vba, re.M)
    assert 'Right$(sht.Name, 3) = ".py"' not in procedures(xlwings_vba)["RunPython"]


def vba_concat(expression: str, config: dict[str, str]) -> str:
    """Evaluate a VBA `a & b & ...` of literals, AddExcelDir and GetConfig("KEY") calls."""
    out = []
    for term in re.split(r"\s*&\s*", expression.strip()):
        if term == "AddExcelDir":
            out.append("false")
        elif literal := re.fullmatch(r'"((?:[^"]|"")*)"', term):
            out.append(literal.group(1).replace('""', '"'))
        elif call := re.fullmatch(r'GetConfig\("([^"]+)"\)', term):
            out.append(config.get(call.group(1), ""))
        else:
            raise AssertionError(f"term refers to something else (a workbook?): {term}")
    return "".join(out)


def test_sys_path_gets_only_the_configured_pythonpath(xlwings_vba, tmp_path):
    lines = re.findall(r"^\s*PYTHONPATH = (AddExcelDir & .*)$", xlwings_vba, re.M)
    assert len(lines) == 3
    it_path = str(tmp_path / "it-share")
    for expression in lines:
        assert "FullName" not in expression
        argument = vba_concat(expression, {"PYTHONPATH": it_path})
        before = list(sys.path)
        try:
            prepare_sys_path(argument)  # xlwings' own function, as RunPython calls it
            added = [p for p in sys.path if p not in before]
        finally:
            sys.path[:] = before
        assert [Path(p) for p in added] == [Path(it_path)], expression


def test_python_runs_isolated(xlwings_vba):
    commands = re.findall(r'" -B (?:-I )?-c ""import', xlwings_vba)
    assert commands == ['" -B -I -c ""import'] * 2


def test_an_unexpected_xlwings_module_fails_the_build():
    source = XLWINGS_BAS.read_text(encoding="utf-8")
    moved = source.replace('AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")', "AddExcelDir = x", 1)
    with pytest.raises(AddinError, match=r"ADD_WORKBOOK_TO_PYTHONPATH|sys\.path"):
        patch_xlwings_module(moved)
