"""The ribbon's entry points on xlwings' own remote engine (`xw.Book(json=payload)`).

Payloads come from real workbooks (the bundled example, template workbooks written by
`writer`), recalculated by LibreOffice as Excel would have; the tests assert on the actions
the engine records: what Excel would be told to do.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

import selfeval.excel as x
from selfeval import template, writer
from selfeval.excel import findings_sheet, marks
from selfeval.excel.findings_sheet import Row
from selfeval.layout import INDEX_FIRST_ROW, STATUS_CELL
from selfeval.model import Project, Severity
from selfeval.validation import validate_file
from selfeval.vocabulary import SHEET_CHECK_RESULTS, SHEET_GUIDE, SHEET_INDEX, SHEET_MASTER, SHEET_SUMMARY
from support.excel_forms import DEFECTS, make_project, sample_projects
from support.libreoffice import needs_libreoffice
from support.remote_engine import enable_remote_engine
from support.xlwings_payload import actions_of, payload_from_xlsx

pytestmark = needs_libreoffice

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = next((ROOT / "workbook" / "examples").glob("*.xlsx"), None)

# Actions that change no cell value: formatting, notes, sheet structure, navigation.
FORMAT_ACTIONS = frozenset(
    {
        "setRangeColors",
        "setRangeColor",
        "setNumberFormat",
        "setColumnWidth",
        "addNote",
        "deleteNote",
        "activateSheet",
        "rangeSelect",
        "addSheet",
        "copySheet",
        "setSheetName",
        "setSheetVisibility",
        "setFontProperty",
        "sheetDelete",
        "setRowHeight",
        "setWrapText",
        "rangeMerge",
    }
)
ROW_ACTIONS = frozenset({"setRowHeight"})
NOTE_ACTIONS = frozenset({"addNote", "deleteNote"})


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings' remote engine (PolyForm Noncommercial; a government body's use is permitted)."""
    enable_remote_engine(monkeypatch)


# --- workbooks ---------------------------------------------------------------------------


def fifty_projects() -> list[Project]:
    return sample_projects(50)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("excel")
    four = writer.write_workbook([make_project(i, d) for i, d in enumerate(DEFECTS, start=1)], folder / "四个项目.xlsx")
    fifty = writer.write_workbook(fifty_projects(), folder / "五十个项目.xlsx")
    empty = writer.new_workbook(folder / "新工作簿.xlsx", projects=2)
    return {"four": four, "fifty": fifty, "empty": empty}


@pytest.fixture(scope="module")
def payloads(files: dict[str, Path]) -> dict[str, dict]:
    found = {key: payload_from_xlsx(path) for key, path in files.items()}
    assert EXAMPLE is not None, "the bundled example workbook is missing"
    found["example"] = payload_from_xlsx(EXAMPLE)
    return found


def open_book(payload: dict, active: str | None = None, **changes: object) -> xw.Book:
    data = dict(payload, **changes)
    data["book"] = dict(payload["book"])
    if active is not None:
        data["book"]["active_sheet_index"] = [s["name"] for s in payload["sheets"]].index(active)
    import copy

    return xw.Book(json=copy.deepcopy(data))


def sheet_names(payload: dict) -> list[str]:
    return [s["name"] for s in payload["sheets"]]


def target(action: dict, names: list[str]) -> tuple[str, str]:
    """(sheet name, A1 range) an action addresses."""
    sheet = names[action["sheet_position"]] if action["sheet_position"] is not None else ""
    if action["start_row"] is None:
        return sheet, ""
    top, left = action["start_row"] + 1, action["start_column"] + 1
    bottom, right = top + action["row_count"] - 1, left + action["column_count"] - 1
    first = f"{openpyxl.utils.get_column_letter(left)}{top}"
    last = f"{openpyxl.utils.get_column_letter(right)}{bottom}"
    return sheet, first if first == last else f"{first}:{last}"


def colours_set(actions: list[dict], names: list[str]) -> dict[tuple[str, str], str | None]:
    """(sheet, cell) → colour, from every setRangeColors action (kept cells left out)."""
    result: dict[tuple[str, str], str | None] = {}
    for action in actions:
        if action["func"] != "setRangeColors":
            continue
        sheet = names[action["sheet_position"]]
        for r, line in enumerate(action["args"][0]):
            for c, colour in enumerate(line):
                if colour != "keep":
                    cell = f"{openpyxl.utils.get_column_letter(action['start_column'] + 1 + c)}{action['start_row'] + 1 + r}"
                    result[(sheet, cell)] = colour
    return result


def written_values(actions: list[dict], names: list[str], sheet: str) -> list[list[object]]:
    """The values of the setValues actions on `sheet`, concatenated."""
    rows: list[list[object]] = []
    for action in actions:
        if action["func"] == "setValues" and names[action["sheet_position"]] == sheet:
            rows += action["values"]
    return rows


def expected_findings(path: Path) -> dict[str, list]:
    """Findings per sheet of the file read independently (python-calamine path of the CLI)."""
    return {r.project.sheet: r.findings for r in validate_file(path).projects}


# --- import cost -------------------------------------------------------------------------


def test_import_loads_neither_pandas_nor_pandera() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import selfeval.excel"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    modules = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "selfeval.excel" in modules
    assert not {m for m in modules if m.split(".")[0] in {"pandas", "pandera", "xlwings", "openpyxl"}}


# --- validate_all ------------------------------------------------------------------------


def test_validate_all_on_the_example_marks_every_finding(payloads: dict[str, dict]) -> None:
    payload = payloads["example"]
    names = sheet_names(payload)
    book = open_book(payload)
    result = x.validate_all(book)
    actions = actions_of(book)
    names.append(SHEET_CHECK_RESULTS)  # added by the run, at the end
    expected = expected_findings(EXAMPLE)
    assert set(result) == set(expected)
    colours = colours_set(actions, names)
    for sheet, found in expected.items():
        assert [(f.code, f.cell) for f in result[sheet]] == [(f.code, f.cell) for f in found]
        for item in found:
            if item.severity is Severity.INFO:
                continue
            worst = min((f.severity for f in found if f.cell == item.cell), key=lambda s: s.rank)
            assert colours[(sheet, item.cell)] == marks.MARK_FILLS[worst].lower()
        status = [
            a["values"][0][0] for a in actions if a["func"] == "setValues" and target(a, names) == (sheet, STATUS_CELL)
        ]
        errors = sum(f.severity is Severity.ERROR for f in found)
        warnings = sum(f.severity is Severity.WARNING for f in found)
        assert len(status) == 1
        if errors:
            assert status[0].startswith(f"✘ {errors} 个错误，{warnings} 个警告 ")
        else:
            assert status[0].startswith(f"✔ 校验通过（{warnings} 个警告） ")
    listed = written_values(actions, names, SHEET_CHECK_RESULTS)
    assert tuple(listed[0]) == findings_sheet.HEADERS
    assert sorted((r[1], r[2], r[3]) for r in listed[1:]) == sorted(
        (s, f.cell, f.code) for s, found in expected.items() for f in found
    )
    for line in listed[1:]:
        assert line[6] == f'=HYPERLINK("#\'{line[1]}\'!{line[2]}","转到")'
    assert not [a for a in actions if a["func"] == "alert"]


def test_validate_all_colours_the_designed_defects(files: dict[str, Path], payloads: dict[str, dict]) -> None:
    payload = payloads["four"]
    names = [*sheet_names(payload), SHEET_CHECK_RESULTS]
    book = open_book(payload)
    x.validate_all(book)
    actions = actions_of(book)
    colours = colours_set(actions, names)
    clean, above, no_reason, percent = (make_project(i, d).name for i, d in enumerate(DEFECTS, start=1))
    layout = writer.project_layout(make_project(1))
    first = layout.first_indicator_row
    # rows in the sheet: one group per 二级, the 数量指标 row first, 社会效益 in the 效益 block
    social_row = next(
        r
        for r in range(first, layout.last_indicator_row + 1)
        if layout.groups[[s.first <= r <= s.last for s in layout.group_spans].index(True)].level2 == "社会效益指标"
    )
    assert colours[(above, f"G{first}")] == marks.MARK_FILLS[Severity.ERROR].lower()
    assert colours[(no_reason, f"H{social_row}")] == marks.MARK_FILLS[Severity.ERROR].lower()
    assert colours[(percent, f"D{first}")] == marks.MARK_FILLS[Severity.WARNING].lower()
    assert not [key for key in colours if key[0] == clean]
    status = {
        target(a, names)[0]: a["values"][0][0]
        for a in actions
        if a["func"] == "setValues" and target(a, names)[1] == STATUS_CELL
    }
    assert re.fullmatch(r"✔ 校验通过 \d{4}-\d\d-\d\d \d\d:\d\d", status[clean])
    assert status[above].startswith("✘ 1 个错误，0 个警告")
    assert status[percent].startswith("✔ 校验通过（1 个警告）")
    notes = {
        (names[a["sheet_position"]], a["args"][0].replace("$", "")): a["args"][1]
        for a in actions
        if a["func"] == "addNote"
    }
    assert "P01" in notes[(above, f"G{first}")] and "得分 25 大于分值 20" in notes[(above, f"G{first}")]


@pytest.mark.parametrize("key", ["example", "four", "fifty"])
def test_writes_target_only_status_findings_index_or_summary(payloads: dict[str, dict], key: str) -> None:
    payload = payloads[key]
    book = open_book(payload)
    x.validate_all(book)
    x.build_summary(book)
    names = [*sheet_names(payload), SHEET_CHECK_RESULTS, SHEET_SUMMARY]  # both added at the end
    allowed_sheets = {SHEET_CHECK_RESULTS, SHEET_INDEX, SHEET_SUMMARY}
    writes = [a for a in actions_of(book) if a["func"] not in FORMAT_ACTIONS]
    assert writes
    for action in writes:
        sheet, where = target(action, names)
        assert sheet in allowed_sheets or where == STATUS_CELL, (action["func"], sheet, where)


def test_actions_per_sheet_are_bounded(payloads: dict[str, dict]) -> None:
    payload = payloads["fifty"]
    names = [*sheet_names(payload), SHEET_CHECK_RESULTS]
    book = open_book(payload)
    result = x.validate_all(book)
    actions = actions_of(book)
    assert len(result) == 50
    for sheet, found in result.items():
        on_sheet = [a for a in actions if a["sheet_position"] is not None and names[a["sheet_position"]] == sheet]
        cells = {f.cell for f in found if f.severity is not Severity.INFO}
        assert (
            len([a for a in on_sheet if a["func"] not in NOTE_ACTIONS | ROW_ACTIONS]) <= 2
        )  # status + one colour call
        assert len([a for a in on_sheet if a["func"] in NOTE_ACTIONS]) <= len(cells)
    book_level = [a for a in actions if a["sheet_position"] is None or names[a["sheet_position"]] not in result]
    assert len(book_level) <= 16  # 校验结果 (created: values, colours, widths), 目录, navigation


def test_numbers_as_doubles_like_com_read_the_same(payloads: dict[str, dict], files: dict[str, Path]) -> None:
    as_doubles = payload_from_xlsx(files["four"], floats=True)
    one, two = open_book(payloads["four"]), open_book(as_doubles)
    first, second = x.validate_all(one), x.validate_all(two)
    assert {s: [(f.code, f.cell) for f in v] for s, v in first.items()} == {
        s: [(f.code, f.cell) for f in v] for s, v in second.items()
    }


def test_clients_without_notes_get_colours_only(payloads: dict[str, dict]) -> None:
    book = open_book(payloads["four"], client="VBA")
    x.validate_all(book)
    funcs = [a["func"] for a in actions_of(book)]
    assert "addNote" not in funcs and "setRangeColors" in funcs


def test_index_is_refreshed_with_the_template_formulas(files: dict[str, Path], payloads: dict[str, dict]) -> None:
    payload = payloads["four"]
    names = [*sheet_names(payload), SHEET_CHECK_RESULTS]
    book = open_book(payload)
    x.validate_all(book)
    rows = written_values(actions_of(book), names, SHEET_INDEX)
    built = openpyxl.load_workbook(files["four"])[SHEET_INDEX]
    projects = [n for n in names if n.startswith("示例项目")]
    assert len(rows) == len(projects)
    for i, (row, sheet) in enumerate(zip(rows, projects, strict=False)):
        file_row = [c.value for c in built[INDEX_FIRST_ROW + i]][: len(row)]
        assert row[0] == file_row[0] == i + 1
        assert row[1] == f'=HYPERLINK("#\'{sheet}\'!A1","{sheet}")'
        assert row[2:] == file_row[2:]  # 项目, 总分, 自评等级, 校验状态: live formulas as built


# --- validate_active ---------------------------------------------------------------------


def test_validate_active_touches_only_the_active_sheet(payloads: dict[str, dict]) -> None:
    payload = payloads["four"]
    active = make_project(2, DEFECTS[1]).name
    names = [*sheet_names(payload), SHEET_CHECK_RESULTS]
    book = open_book(payload, active=active)
    found = x.validate_active(book)
    actions = actions_of(book)
    assert [f.code for f in found] == ["P01"]
    touched = {names[a["sheet_position"]] for a in actions if a["sheet_position"] is not None}
    assert touched == {active, SHEET_CHECK_RESULTS}
    listed = written_values(actions, names, SHEET_CHECK_RESULTS)
    assert [(r[1], r[3]) for r in listed[1:]] == [(active, "P01")]
    assert actions[-1]["func"] == "activateSheet" and actions[-1]["args"] == [names.index(active)]


def test_validate_active_on_a_reserved_sheet_only_explains(payloads: dict[str, dict]) -> None:
    book = open_book(payloads["four"], active=SHEET_INDEX)
    assert x.validate_active(book) is None
    actions = actions_of(book)
    assert [a["func"] for a in actions] == ["alert"]
    assert "不是项目表" in actions[0]["args"][0]


# --- clear_marks and re-validation against an already marked file ------------------------


@pytest.fixture(scope="module")
def marked(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Row]]:
    """The four-project workbook as a clerk saves it after validation: fills, notes, status, 校验结果."""
    reports = validate_file(files["four"]).projects
    rows = [Row.of(f, noted=True) for r in reports for f in r.findings]
    wb = openpyxl.load_workbook(files["four"])
    for row in rows:
        ws = wb[row.sheet]
        colour = marks.MARK_FILLS[Severity.ERROR if row.severity == "错误" else Severity.WARNING][1:]
        ws[row.cell].fill = PatternFill("solid", fgColor=colour)
        ws[row.cell].comment = Comment(marks.NOTE_PREFIX + row.message, "selfeval")
    for report in reports:  # a clean sheet keeps its ✔ status too
        wb[report.project.sheet][STATUS_CELL].value = "✘ 旧的校验结果" if report.findings else "✔ 校验通过"
    ws = wb.create_sheet(SHEET_CHECK_RESULTS)
    for line in findings_sheet.table(rows):
        ws.append(line)
    path = tmp_path_factory.mktemp("marked") / "已校验.xlsx"
    wb.save(path)
    return path, rows


def test_clear_marks_restores_the_template_fills_and_keeps_values(
    marked: tuple[Path, list[Row]], files: dict[str, Path]
) -> None:
    path, rows = marked
    payload = payload_from_xlsx(path)
    names = sheet_names(payload)
    book = open_book(payload)
    restored = x.clear_marks(book)
    actions = actions_of(book)
    pristine = openpyxl.load_workbook(files["four"])
    colours = colours_set(actions, names)
    assert restored == len({(r.sheet, r.cell) for r in rows})
    assert set(colours) == {(r.sheet, r.cell) for r in rows}
    for (sheet, cell), colour in colours.items():
        fill = pristine[sheet][cell].fill
        expected = None if fill.fill_type is None else "#" + fill.fgColor.rgb[-6:].lower()
        assert colour == expected, (sheet, cell)
    deleted = {
        (names[a["sheet_position"]], a["args"][0].replace("$", "")) for a in actions if a["func"] == "deleteNote"
    }
    assert deleted == {(r.sheet, r.cell) for r in rows}
    cleared = {target(a, names) for a in actions if a["func"] == "rangeClearContents"}
    assert cleared == {(s, STATUS_CELL) for s in names if s.startswith("示例项目")}
    assert [a["func"] for a in actions].count("sheetDelete") == 1
    assert not [a for a in actions if a["func"] == "setValues"]


def test_revalidating_paints_back_cells_that_are_fixed(marked: tuple[Path, list[Row]]) -> None:
    path, rows = marked
    payload = payload_from_xlsx(path)
    names = sheet_names(payload)
    sheet = make_project(2, DEFECTS[1]).name
    book = open_book(payload, active=sheet)
    # the clerk has not fixed anything: the same cell is marked again, once
    x.validate_active(book)
    colours = colours_set(actions_of(book), names)
    mine = {r.cell for r in rows if r.sheet == sheet}
    assert {cell for s, cell in colours if s == sheet} == mine
    listed = written_values(actions_of(book), names, SHEET_CHECK_RESULTS)
    assert sorted((r[1], r[2], r[3]) for r in listed[1:]) == sorted((r.sheet, r.cell, r.code) for r in rows)


def test_template_fill_matches_the_template_file(files: dict[str, Path]) -> None:
    assert marks.MARK_FILLS[Severity.ERROR][1:] == template.ERROR_SOLID.fgColor.rgb[-6:]
    assert marks.MARK_FILLS[Severity.WARNING][1:] == template.WARNING_SOLID.fgColor.rgb[-6:]
    payload = payload_from_xlsx(files["four"], recalculate=False)
    book = open_book(payload)
    ws = openpyxl.load_workbook(files["four"])[make_project(1).name]
    from selfeval.excel.reading import read_sheet

    read = read_sheet(book.sheets[make_project(1).name])
    project = read.project
    cells = set(project.cells.values()) | {c for i in project.indicators for c in i.cells.values()}
    cells |= {f"F{project.cells['total'][1:]}"}
    for cell in cells:
        fill = ws[cell].fill
        expected = None if fill.fill_type is None else "#" + fill.fgColor.rgb[-6:]
        assert marks.template_fill(cell, read.grid, project) == expected, cell


# --- new_project, build_summary, show_rules ----------------------------------------------


def test_new_project_copies_the_master_after_the_last_project(payloads: dict[str, dict]) -> None:
    payload = payloads["empty"]
    names = sheet_names(payload)
    book = open_book(payload)
    assert x.new_project(book) == "项目3"
    actions = actions_of(book)
    funcs = [a["func"] for a in actions]
    assert funcs[:3] == ["copySheet", "setSheetName", "setSheetVisibility"]
    copy = actions[0]
    assert names[copy["sheet_position"]] == SHEET_MASTER
    assert copy["args"][:2] == ["After", names.index("项目2")]
    assert actions[1]["args"] == ["项目3"]
    new_names = [s.name for s in book.sheets]
    assert new_names.index("项目3") == new_names.index("项目2") + 1
    index_rows = [a for a in actions if a["func"] == "setValues"]
    assert len(index_rows) == 1
    assert target(index_rows[0], new_names) == (SHEET_INDEX, f"A{INDEX_FIRST_ROW + 2}:F{INDEX_FIRST_ROW + 2}")
    assert index_rows[0]["values"][0][:2] == [3, '=HYPERLINK("#\'项目3\'!A1","项目3")']
    assert funcs[-1] == "activateSheet"


@pytest.mark.parametrize("name, reason", [("项目2", "已有名为"), ("a/b", "不允许的字符"), (SHEET_SUMMARY, "保留")])
def test_new_project_refuses_bad_names(payloads: dict[str, dict], name: str, reason: str) -> None:
    book = open_book(payloads["empty"])
    assert x.new_project(book, name=name) is None
    actions = actions_of(book)
    assert [a["func"] for a in actions] == ["alert"] and reason in actions[0]["args"][0]


def test_build_summary_writes_the_consolidation_rows(files: dict[str, Path], payloads: dict[str, dict]) -> None:
    payload = payloads["four"]
    names = [*sheet_names(payload), SHEET_SUMMARY]  # the template has none: added at the end
    book = open_book(payload)
    assert x.build_summary(book) == 4
    actions = actions_of(book)
    values = written_values(actions, names, SHEET_SUMMARY)
    assert values[0][0].endswith("项目支出绩效自评汇总表") and values[1][0] == "单位：万元"
    header = values[2]
    assert header[:3] == ["序号", "项目名称", "主管部门"] and header[-2:] == ["文件", "工作表"]
    body, totals = values[3:7], values[7]
    from selfeval.consolidate import summary_from_reports

    # the same summary, built by consolidation from the file read by the CLI's reader
    block = summary_from_reports([validate_file(files["four"])]).sheet(SHEET_SUMMARY).blocks[0]
    assert [c.header for c in block.columns] == header
    keep = [header.index(h) for h in ("工作表", "项目名称", "总分", "等级", "错误数", "警告数")]
    expected = sorted([["" if row[i] is None else row[i] for i in keep] for row in block.rows])
    assert sorted([line[i] for i in keep] for line in body) == expected
    assert {line[header.index("项目名称")] for line in body} == {make_project(i).name for i in range(1, 5)}
    assert totals[:2] == ["合计", "共4个项目"] and values[8][0].startswith("注：合计行中")
    funcs = [a["func"] for a in actions]
    assert funcs[:2] == ["addSheet", "sheetClear"] and funcs[-1] == "activateSheet"


def test_build_summary_makes_a_filterable_table_and_replaces_it_next_time(payloads: dict[str, dict]) -> None:
    payload = payloads["four"]
    book = open_book(payload)
    x.build_summary(book)
    (table,) = [a for a in actions_of(book) if a["func"] == "addTable"]
    address, has_headers, _style, name = table["args"]
    assert (address, has_headers, name) == ("$A$3:$T$7", True, "ProjectSummary")  # 20 columns: header + 4 projects
    summary_at = [s.name for s in book.sheets].index(SHEET_SUMMARY)

    x.build_summary(book)  # again: the old table's sheet is replaced, not cleared under the table
    funcs = [a["func"] for a in actions_of(book)]
    second = funcs[len(funcs) - funcs[::-1].index("sheetDelete") - 1 :]
    assert second[:3] == ["sheetDelete", "addSheet", "sheetClear"]
    assert second.count("addTable") == 1
    assert [s.name for s in book.sheets].index(SHEET_SUMMARY) == summary_at


def test_show_rules_opens_the_guide_at_the_rule_list(payloads: dict[str, dict]) -> None:
    payload = payloads["four"]
    names = sheet_names(payload)
    book = open_book(payload)
    cell = x.show_rules(book)
    actions = actions_of(book)
    assert [a["func"] for a in actions] == ["activateSheet", "rangeSelect"]
    assert target(actions[1], names) == (SHEET_GUIDE, cell)
    guide = payload["sheets"][names.index(SHEET_GUIDE)]["values"]
    assert "校验规则代码" in guide[int(cell[1:]) - 1][0]


# --- small parts -------------------------------------------------------------------------


def test_texts_that_look_like_formulas_stay_texts() -> None:
    from selfeval.celltext import as_text, hyperlink_formula

    assert [as_text(t) for t in ("=1+1", "+86", "-", "@x", "正常", 5)] == ["'=1+1", "'+86", "'-", "'@x", "正常", 5]
    assert hyperlink_formula('O\'Brien "x"', "B3", "转到") == '=HYPERLINK("#\'O\'\'Brien ""x""\'!B3","转到")'
    row = Row('=HYPERLINK("http://x")', "A1", "S01", "错误", "-1 不是有效值")
    assert findings_sheet.table([row])[1][1:6:4] == ['\'=HYPERLINK("http://x")', "'-1 不是有效值"]


def test_status_text_counts_errors_and_warnings() -> None:
    import datetime as dt

    from selfeval.model import Finding

    when = dt.datetime(2026, 11, 27, 10, 32)
    error = Finding("P01", Severity.ERROR, "m")
    warning = Finding("S04", Severity.WARNING, "m")
    info = Finding("D02", Severity.INFO, "m")
    assert marks.status_text([], when) == "✔ 校验通过 2026-11-27 10:32"
    assert marks.status_text([info], when) == "✔ 校验通过 2026-11-27 10:32"
    assert marks.status_text([error, error, error, warning, warning], when) == "✘ 3 个错误，2 个警告 2026-11-27 10:32"
    assert marks.cell_marks([dataclasses.replace(info, cell="A1")]) == {}
