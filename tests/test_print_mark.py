"""`selfeval validate --mark`: the marked copy holds the marks the ribbon makes on xlwings' engine."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

import selfeval.excel as x
from selfeval import writer
from selfeval.cli import main
from selfeval.excel import marks
from selfeval.layout import STATUS_CELL
from selfeval.vocabulary import SHEET_CHECK_RESULTS
from support.edits import edited
from support.excel_forms import DEFECTS, make_project
from support.xlwings_payload import actions_of, payload_from_xlsx
from test_excel import colours_set, open_book, remote_engine, target, written_values  # noqa: F401 - engine fixture


@pytest.fixture(scope="module")
def book_file(tmp_path_factory) -> Path:
    projects = [make_project(i, d) for i, d in enumerate(DEFECTS, start=1)]
    projects[3] = edited(projects[3], {"goal.actual": "全年完成" * 80})  # a row the marks make taller
    return writer.write_workbook(projects, tmp_path_factory.mktemp("mark") / "四个项目.xlsx")


def _copy_marks(path: Path) -> tuple[dict, dict, dict, list]:
    """(sheet, cell) → fill / note text, sheet → status, and the 校验结果 lines of a marked copy."""
    wb = openpyxl.load_workbook(path)
    mark_colours = {c.lstrip("#").upper() for c in marks.MARK_FILLS.values()}
    fills, notes, status = {}, {}, {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                rgb = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                if isinstance(rgb, str) and rgb[-6:].upper() in mark_colours and ws.title != SHEET_CHECK_RESULTS:
                    fills[(ws.title, cell.coordinate)] = "#" + rgb[-6:].lower()
                if cell.comment is not None:
                    notes[(ws.title, cell.coordinate)] = cell.comment.text
        if ws[STATUS_CELL].value and ws.title.startswith("示例项目"):
            status[ws.title] = ws[STATUS_CELL].value
    lines = [list(r) for r in wb[SHEET_CHECK_RESULTS].iter_rows(values_only=True)]
    return fills, notes, status, lines


def test_marked_copy_matches_the_ribbon(book_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "四个项目（已标记）.xlsx"
    before = book_file.read_bytes()
    assert main(["validate", str(book_file), "--mark", str(out)]) == 1  # the defects are errors
    assert book_file.read_bytes() == before  # the input is untouched
    assert "已写出标记副本" in capsys.readouterr().out
    fills, notes, status, lines = _copy_marks(out)

    payload = payload_from_xlsx(book_file, recalculate=False)
    names = [s["name"] for s in payload["sheets"]] + [SHEET_CHECK_RESULTS]
    book = open_book(payload)
    x.validate_all(book)
    actions = actions_of(book)
    ribbon_fills = {
        key: colour for key, colour in colours_set(actions, names).items() if colour and key[0] != SHEET_CHECK_RESULTS
    }
    assert fills and fills == ribbon_fills
    ribbon_notes = {
        (names[a["sheet_position"]], a["args"][0].replace("$", "")): a["args"][1]
        for a in actions
        if a["func"] == "addNote"
    }
    assert notes == ribbon_notes
    ribbon_status = {
        target(a, names)[0]: a["values"][0][0]
        for a in actions
        if a["func"] == "setValues" and target(a, names)[1] == STATUS_CELL
    }
    assert {k: v[:-16] for k, v in status.items()} == {k: v[:-16] for k, v in ribbon_status.items()}  # no time
    listed = written_values(actions, names, SHEET_CHECK_RESULTS)
    assert [line[:6] for line in lines] == [line[:6] for line in listed]
    heights = {target(a, names): a["args"][0] for a in actions if a["func"] == "setRowHeight"}
    copy = openpyxl.load_workbook(out)
    assert heights
    project_rows = {key: h for key, h in heights.items() if key[0].startswith("示例项目")}
    assert project_rows  # 目录 rows: see test_print_rows (the copy keeps the writer's heights)
    for (sheet, cell), height in project_rows.items():
        first, _, last = cell.partition(":")
        for row in range(int(first[1:]), int((last or first)[1:]) + 1):
            assert copy[sheet].row_dimensions[row].height == height


def test_marked_copy_previews_with_values(book_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "副本.xlsx"
    assert main(["validate", str(book_file), "--mark", str(out)]) == 1
    copy = CalamineWorkbook.from_path(str(out))
    original = CalamineWorkbook.from_path(str(book_file))
    assert copy.get_sheet_by_name("目录").to_python() == original.get_sheet_by_name("目录").to_python()
    mine, theirs = (book.get_sheet_by_name(make_project(1).name).to_python() for book in (copy, original))
    form = slice(0, 8)  # A:H, the printed form (the status, right of it, widens the copy's rows)
    assert mine[0][form] == theirs[0][form] and mine[0][0].startswith("项目支出绩效自评表（2025")  # the title formula
    assert [r[form] for r in mine[3:]] == [r[form] for r in theirs[3:]]  # every total, subtotal and the grade
    links = copy.get_sheet_by_name(SHEET_CHECK_RESULTS).to_python()
    assert all(row[6] == "转到" for row in links[1:])


def test_mark_refuses_the_input_itself_and_several_inputs(book_file: Path, tmp_path: Path) -> None:
    assert main(["validate", str(book_file), "--mark", str(book_file)]) == 2
    assert main(["validate", str(book_file), str(book_file), "--mark", str(tmp_path / "x.xlsx")]) == 2
