"""The add-in's side of server mode: a VBA handler for every action the server can return.

1. Static: every name in `CLIENT_ACTIONS` has exactly one public `Sub name(wb, action)` among
   the modules built into the add-in (xlwings' `Remote` or our `ServerActions`), the client's
   dispatch calls them by that name, and every button's function has a server endpoint.
2. Executed: LibreOffice runs `ServerActions` on real workbooks, fed with the actions the
   server returns for them (dispatched through `Application.Run` as xlwings' client does);
   the saved workbook must show what the actions say.

Not executable without Excel (see docs/server.md): xlwings' own modules (`Remote`,
`WebHelpers`, the Web* and Dictionary classes, the handlers they provide such as
`setValues`, `addSheet`, `alert`) and the HTTP round trip of `RunServerPython`.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from selfeval import writer
from selfeval.addin.sources import load_sources
from selfeval.excel import findings_sheet, marks
from selfeval.excel.findings_sheet import Row
from selfeval.layout import PROTECTION_ALLOWS
from selfeval.model import Severity
from selfeval.server.actions import CLIENT_ACTIONS
from selfeval.server.app import ENTRY_POINTS
from selfeval.validation import validate_file
from selfeval.vocabulary import SHEET_CHECK_RESULTS, SHEET_MASTER, SHEET_SUMMARY
from support.excel_forms import DEFECTS, make_project
from support.libreoffice import SYSTEM_PYTHON, needs_libreoffice, needs_uno
from support.remote_engine import enable_remote_engine
from support.vba_driver import DRIVER, ENTRY, driver_module
from support.vba_workbook import PROJECT, with_vba
from support.xlwings_payload import payload_from_xlsx

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"
RUNNER = ROOT / "tests" / "support" / "uno_run_macro.py"
HANDLER = re.compile(r"^(Private |Public )?Sub (\w+)\s*\(\s*\w+ As \w+\s*,\s*\w+ As \w+\s*\)", re.M)


def handlers() -> dict[str, list[str]]:
    """Action name -> the add-in's modules with a public handler Sub of that name."""
    found: dict[str, list[str]] = {}
    for module in load_sources().modules:
        for match in HANDLER.finditer(module.source):
            if match.group(1) != "Private ":
                found.setdefault(match.group(2), []).append(module.name)
    return found


# --- static ------------------------------------------------------------------------------


def test_every_action_has_exactly_one_handler_in_the_addin() -> None:
    found = handlers()
    missing = sorted(CLIENT_ACTIONS - set(found))
    assert not missing, f"no VBA handler for {missing}"
    twice = {name: modules for name, modules in found.items() if name in CLIENT_ACTIONS and len(modules) > 1}
    assert not twice, f"Application.Run would find these ambiguous: {twice}"


def test_no_public_procedure_is_defined_twice_in_the_addin() -> None:
    """Application.Run finds a procedure by its name alone: one name, one module."""
    defined: dict[str, list[str]] = {}
    for module in load_sources().modules:
        if module.kind.value == "Module":
            for match in re.finditer(r"^(?:Public )?(?:Sub|Function) (\w+)", module.source, re.M):
                defined.setdefault(match.group(1).lower(), []).append(module.name)
    assert {name: modules for name, modules in defined.items() if len(set(modules)) > 1} == {}


def test_our_handlers_are_only_for_actions_the_server_returns() -> None:
    source = (MACROS / "ServerActions.bas").read_text(encoding="utf-8")
    ours = {m.group(2) for m in HANDLER.finditer(source) if m.group(1) != "Private "}
    assert ours and ours <= CLIENT_ACTIONS
    assert not ours & {name for name, modules in handlers().items() if "Remote" in modules}


def test_the_client_dispatches_by_action_name() -> None:
    remote = next(m for m in load_sources().modules if m.name == "Remote").source
    assert re.search(
        r'For Each action In myResponse\.Data\("actions"\)\s+Application\.Run action\("func"\), wb, action', remote
    )


def test_every_button_has_a_server_endpoint() -> None:
    ribbon = (MACROS / "Ribbon.bas").read_text(encoding="utf-8")
    codes = re.findall(r'RunSelfeval "([^"]+)"', ribbon)
    # ServerMode.EntryName: the text between the last "x." and "("
    entries = [code[code.rindex("x.") + 2 : code.index("(", code.rindex("x."))] for code in codes]
    assert sorted(entries) == sorted(ENTRY_POINTS)
    assert re.search(r"If ServerConfigured\(\) Then[^\n]*\n\s+RunOnServer pythonCode\n\s+Else\n", ribbon)
    mode = (MACROS / "ServerMode.bas").read_text(encoding="utf-8")
    assert (
        'RunServerPython url & "/run/" & EntryName(pythonCode), "Bearer " & token, _\n'
        '        insecure:="False", followRedirects:="False"' in mode
    )
    # the URL and the token come from the user's or IT's config file only (the patched GetConfig), never from a workbook
    assert re.findall(r'GetConfig\("(SERVER_\w+)", ""\)', mode) == ["SERVER_URL", "SERVER_TOKEN"]
    assert len(re.findall(r"GetConfig\(", mode)) == 2
    remote = next(m for m in load_sources().modules if m.name == "Remote").source
    signature = re.search(r"Function RunServerPython\((.*?)\)\n", remote, re.S).group(1)
    assert "insecure As String" in signature and "followRedirects As String" in signature


def test_protection_is_restored_with_the_template_permissions() -> None:
    """RestoreProtection's positional Protect arguments allow exactly layout.PROTECTION_ALLOWS."""
    from selfeval.excel.engine import _COM_ALLOW

    source = (MACROS / "ServerActions.bas").read_text(encoding="utf-8")
    args = re.search(r'ws\.Protect "", ([^\n]+)', source).group(1).split(", ")
    positions = [
        "DrawingObjects",
        "Contents",
        "Scenarios",
        "UserInterfaceOnly",
        "AllowFormattingCells",
        "AllowFormattingColumns",
        "AllowFormattingRows",
        "AllowInsertingColumns",
        "AllowInsertingRows",
        "AllowInsertingHyperlinks",
        "AllowDeletingColumns",
        "AllowDeletingRows",
    ]
    given = dict(zip(positions, args, strict=False))
    assert (given["DrawingObjects"], given["Contents"], given["Scenarios"]) == ("False", "True", "False")
    allowed = {name for name, value in given.items() if name.startswith("Allow") and value == "True"}
    assert allowed == {_COM_ALLOW[name] for name in PROTECTION_ALLOWS}


# --- executed in LibreOffice -------------------------------------------------------------


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process reference runs on xlwings' remote engine."""
    enable_remote_engine(monkeypatch)


def server_actions(entry: str, payload: dict) -> list[dict]:
    """What the server returns for `entry` (the same call the server makes, run in process)."""
    from selfeval.server.app import run_entry

    return run_entry(entry, copy.deepcopy(payload))["actions"]


def apply_in_libreoffice(
    workbook: Path, actions: list[dict], tmp: Path, expect: str = "ok"
) -> tuple[openpyxl.Workbook, list[dict]]:
    """Apply the actions ServerActions handles to `workbook` in LibreOffice; the saved result.

    `expect` other than "ok": lift the sheets' protection around the actions as
    ServerMode.RunOnServer does, and expect that result ("ok lifted=N open=0 restored=N").
    """
    ours = {m.group(2) for m in HANDLER.finditer((MACROS / "ServerActions.bas").read_text(encoding="utf-8"))}
    applied = [a for a in actions if a["func"] in ours]
    sources = [(MACROS / "ServerActions.bas").read_text(encoding="utf-8"), driver_module(applied, expect != "ok")]
    xlsm = with_vba(workbook, sources, tmp / "book.xlsm")
    out = tmp / "applied.xlsx"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [SYSTEM_PYTHON, str(RUNNER), str(xlsm), str(out), f"{PROJECT}.{DRIVER}.{ENTRY}", profile],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expect
    return openpyxl.load_workbook(out), applied


def fill_of(cell: openpyxl.cell.Cell) -> str | None:
    if cell.fill is None or cell.fill.fill_type in (None, "none"):
        return None
    return "#" + cell.fill.fgColor.rgb[-6:].lower()


def cells_of(action: dict, names: list[str]) -> list[tuple[str, str, object]]:
    """(sheet, cell, colour) of a setRangeColors action, kept cells left out."""
    out = []
    for r, line in enumerate(action["args"][0]):
        for c, colour in enumerate(line):
            if colour != "keep":
                cell = (
                    f"{openpyxl.utils.get_column_letter(action['start_column'] + 1 + c)}{action['start_row'] + 1 + r}"
                )
                out.append((names[action["sheet_position"]], cell, colour))
    return out


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vba")
    return writer.write_workbook([make_project(i, d) for i, d in enumerate(DEFECTS, start=1)], folder / "四个项目.xlsx")


@pytest.fixture(scope="module")
def marked(four: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four-project workbook as saved after a validation: fills, notes and 校验结果."""
    rows = [Row.of(f, noted=True) for r in validate_file(four).projects for f in r.findings]
    wb = openpyxl.load_workbook(four)
    for row in rows:
        colour = marks.MARK_FILLS[Severity.ERROR if row.severity == "错误" else Severity.WARNING][1:]
        wb[row.sheet][row.cell].fill = PatternFill("solid", fgColor=colour)
        wb[row.sheet][row.cell].comment = Comment(marks.NOTE_PREFIX + row.message, "selfeval")
    ws = wb.create_sheet(SHEET_CHECK_RESULTS)
    for line in findings_sheet.table(rows):
        ws.append(line)
    path = tmp_path_factory.mktemp("marked") / "已校验.xlsx"
    wb.save(path)
    return path


@needs_libreoffice
@needs_uno
def test_validation_marks_and_notes_are_applied(marked: Path, tmp_path: Path) -> None:
    payload = payload_from_xlsx(marked, client="Office.js")  # the client that gets notes
    names = [s["name"] for s in payload["sheets"]]
    actions = server_actions("validate_all", payload)
    assert not [a for a in actions if a["func"] in ("addSheet", "copySheet", "sheetDelete")]  # positions stay
    before = openpyxl.load_workbook(marked)
    protected = [ws.title for ws in before.worksheets if ws.protection.sheet and ws.sheet_state == "visible"]
    assert len(protected) >= 5  # the template's 填表说明, 目录 and project sheets
    result, applied = apply_in_libreoffice(
        marked, actions, tmp_path, expect=f"ok lifted={len(protected)} open=0 restored={len(protected)}"
    )
    for ws in before.worksheets:  # protected again as before, with the same allowances
        again = result[ws.title].protection
        assert again.sheet == ws.protection.sheet, ws.title
        if ws.protection.sheet:
            assert [getattr(again, k) for k in PROTECTION_ALLOWS] == [
                getattr(ws.protection, k) for k in PROTECTION_ALLOWS
            ]
    assert {a["func"] for a in applied} >= {"setRangeColors", "addNote", "deleteNote"}
    coloured = [c for a in applied if a["func"] == "setRangeColors" for c in cells_of(a, names)]
    assert coloured
    for sheet, cell, colour in coloured:
        assert fill_of(result[sheet][cell]) == colour, (sheet, cell)
    noted = {
        (names[a["sheet_position"]], a["args"][0].replace("$", "")): a["args"][1]
        for a in applied
        if a["func"] == "addNote"
    }
    assert noted
    for (sheet, cell), text in noted.items():
        assert result[sheet][cell].comment is not None and result[sheet][cell].comment.text.strip() == text.strip()
    deleted = {
        (names[a["sheet_position"]], a["args"][0].replace("$", "")) for a in applied if a["func"] == "deleteNote"
    }
    assert deleted  # the old notes are deleted first, then written again (one note per cell, the new text)
    for sheet, cell in deleted - set(noted):
        assert result[sheet][cell].comment is None


@needs_libreoffice
@needs_uno
def test_clearing_paints_back_the_template_and_removes_notes(marked: Path, four: Path, tmp_path: Path) -> None:
    payload = payload_from_xlsx(marked, client="Office.js")
    names = [s["name"] for s in payload["sheets"]]
    actions = server_actions("clear_marks", payload)
    result, applied = apply_in_libreoffice(marked, actions, tmp_path)
    pristine = openpyxl.load_workbook(four)
    painted = [c for a in applied if a["func"] == "setRangeColors" for c in cells_of(a, names)]
    assert painted and all(colour is None for _, _, colour in painted)  # input cells: no fill in the template
    for sheet, cell, _colour in painted:
        assert fill_of(result[sheet][cell]) == fill_of(pristine[sheet][cell]), (sheet, cell)
    deleted = [
        (names[a["sheet_position"]], a["args"][0].replace("$", "")) for a in applied if a["func"] == "deleteNote"
    ]
    assert deleted and all(result[s][c].comment is None for s, c in deleted)


@needs_libreoffice
@needs_uno
def test_a_new_project_sheet_is_a_visible_copy_of_the_master(tmp_path: Path) -> None:
    empty = writer.new_workbook(tmp_path / "新工作簿.xlsx", projects=2)
    actions = server_actions("new_project", payload_from_xlsx(empty, client="VBA"))
    protected = sum(
        ws.protection.sheet and ws.sheet_state == "visible" for ws in openpyxl.load_workbook(empty).worksheets
    )
    result, applied = apply_in_libreoffice(
        empty, actions, tmp_path, expect=f"ok lifted={protected} open=0 restored={protected}"
    )
    assert [a["func"] for a in applied][:2] == ["copySheet", "setSheetVisibility"]
    assert {a["func"] for a in applied[2:]} == {"setRowHeight"}  # rows that fit the master's texts
    copy_name = applied[0]["args"][2]
    titles = result.sheetnames
    assert titles.index(copy_name) == titles.index("项目2") + 1  # setSheetName (xlwings' handler) names it 项目3
    assert result[copy_name].sheet_state == "visible" and result[SHEET_MASTER].sheet_state == "hidden"
    assert result[copy_name].protection.sheet  # the hidden master kept its protection, and so has its copy
    master = openpyxl.load_workbook(empty)[SHEET_MASTER]
    assert [[c.value for c in row] for row in result[copy_name].iter_rows(max_row=8)] == [
        [c.value for c in row] for row in master.iter_rows(max_row=8)
    ]


@needs_libreoffice
@needs_uno
def test_summary_formats_are_applied(four: Path, tmp_path: Path) -> None:
    again = openpyxl.load_workbook(four)
    again.create_sheet(SHEET_SUMMARY)  # left by an earlier 生成汇总: this one is written over it
    again.save(tmp_path / "again.xlsx")
    payload = payload_from_xlsx(tmp_path / "again.xlsx", client="VBA")
    names = [s["name"] for s in payload["sheets"]]
    actions = server_actions("build_summary", payload)
    assert names.index(SHEET_SUMMARY) < len(names) and "addSheet" not in [a["func"] for a in actions]
    assert actions[0]["func"] == "sheetClear"  # xlwings' handler: done here with openpyxl, as Excel would
    cleared = openpyxl.load_workbook(tmp_path / "again.xlsx")
    position = cleared.sheetnames.index(SHEET_SUMMARY)
    cleared.remove(cleared[SHEET_SUMMARY])
    cleared.create_sheet(SHEET_SUMMARY, position)
    cleared.save(tmp_path / "cleared.xlsx")
    result, applied = apply_in_libreoffice(tmp_path / "cleared.xlsx", actions, tmp_path)
    assert {a["func"] for a in applied} >= {"setFontProperty", "setColumnWidth"}
    ws = result[SHEET_SUMMARY]
    for a in applied:
        first_row, first_col = a["start_row"] + 1, a["start_column"] + 1
        cells = [ws.cell(first_row + r, first_col + c) for r in range(a["row_count"]) for c in range(a["column_count"])]
        if a["func"] == "setFontProperty":
            shown = [
                cell for cell in cells if not isinstance(cell, openpyxl.cell.cell.MergedCell)
            ]  # a merge shows its first cell
            prop, value = a["args"]
            if prop == "bold":
                assert all(cell.font.b is bool(value) for cell in shown)
            else:
                assert prop == "size" and all(abs(cell.font.sz - value) < 0.01 for cell in shown)
        elif a["func"] == "setColumnWidth":
            letter = openpyxl.utils.get_column_letter(first_col)
            assert abs(ws.column_dimensions[letter].width - a["args"][0]) < 1.0, letter
        elif a["func"] == "setRowHeight":
            for row in range(first_row, first_row + a["row_count"]):
                assert abs(ws.row_dimensions[row].height - a["args"][0]) < 1.0, row
        elif a["func"] == "setWrapText":
            shown = [cell for cell in cells if not isinstance(cell, openpyxl.cell.cell.MergedCell)]
            assert all(bool(cell.alignment.wrap_text) is bool(a["args"][0]) for cell in shown)
        elif a["func"] == "rangeMerge":
            merged = {str(r) for r in ws.merged_cells.ranges}
            span = f"{cells[0].coordinate}:{cells[-1].coordinate}"
            assert span in merged or a["args"][0], (span, merged)  # across: one merge per row
        else:
            for sheet, cell, colour in cells_of(a, names):
                assert fill_of(result[sheet][cell]) == colour
