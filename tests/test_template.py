"""The committed template: equal to a fresh build, structured as issue 3 asks, readable by validate."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from selfeval import guide
from selfeval.layout import DEFAULT_LAYOUT, STATUS_CELL, TEMPLATE_FILENAME
from selfeval.model import LEVEL2_BY_LEVEL1
from selfeval.rules import catalog
from selfeval.template import build_template, formulas
from selfeval.validation import validate_file
from selfeval.vocabulary import SHEET_CODES, SHEET_GUIDE, SHEET_INDEX, SHEET_MASTER

COMMITTED = Path(__file__).resolve().parents[1] / "workbook" / TEMPLATE_FILENAME


def snapshot(path: Path) -> dict:
    """What a clerk and Excel see of a workbook: cells, styles that matter, rules, print setup."""
    wb = load_workbook(path)
    book: dict = {"names": {n: d.attr_text for n, d in wb.defined_names.items()}, "sheets": []}
    for ws in wb.worksheets:
        p = ws.protection
        sheet = {
            "title": ws.title,
            "state": ws.sheet_state,
            "protection": (p.sheet, p.password, p.insertRows, p.deleteRows, p.formatCells, p.formatRows),
            "cells": {
                c.coordinate: (
                    c.value,
                    c.data_type,
                    c.number_format,
                    c.protection.locked,
                    c.font.name,
                    c.font.b,
                    c.fill.fgColor.rgb,
                    c.border.left.style,
                    c.alignment.horizontal,
                )
                for row in ws.iter_rows()
                for c in row
                if c.value is not None or c.border.left.style or c.fill.fill_type
            },
            "merges": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.errorStyle, dv.error)
                for dv in ws.data_validations.dataValidation
            ),
            "hints": sorted(
                (str(cf.sqref), rule.formula, rule.dxf.fill.fgColor.rgb if rule.dxf and rule.dxf.fill else None)
                for cf in ws.conditional_formatting
                for rule in cf.rules
            ),
            "print": (
                ws.page_setup.paperSize,
                ws.page_setup.orientation,
                ws.page_setup.fitToWidth,
                ws.page_setup.fitToHeight,
                ws.sheet_properties.pageSetUpPr.fitToPage,
                ws.print_title_rows,
                ws.print_area,
                ws.oddFooter.center.text,
            ),
            "columns": {k: d.width for k, d in ws.column_dimensions.items()},
            "rows": {k: d.height for k, d in ws.row_dimensions.items()},
            "hyperlinks": sorted((h.ref, h.location) for h in ws._hyperlinks),
        }
        book["sheets"].append(sheet)
    return book


def test_committed_template_equals_a_fresh_build(tmp_path: Path) -> None:
    fresh = build_template(tmp_path / TEMPLATE_FILENAME)
    assert snapshot(COMMITTED) == snapshot(fresh), "workbook/ is stale: run `selfeval build template`"


def test_building_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    first = build_template(tmp_path / "a.xlsx").read_bytes()
    second = build_template(tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_sheets_and_their_visibility() -> None:
    wb = load_workbook(COMMITTED)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    # no empty 汇总 to print (生成汇总 makes it); a clerk cannot unhide the lists or the master
    assert states == {
        SHEET_GUIDE: "visible",
        SHEET_INDEX: "visible",
        "项目1": "visible",
        SHEET_CODES: "veryHidden",
        SHEET_MASTER: "veryHidden",
    }
    assert wb.active.title == "项目1"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["项目1"]


def test_computed_cells_hold_formulas_and_are_locked() -> None:
    ws = load_workbook(COMMITTED)["项目1"]
    expected = formulas(DEFAULT_LAYOUT)
    for key, address in DEFAULT_LAYOUT.computed.items():
        cell = ws[address]
        assert cell.data_type == "f" and cell.value == expected[key], key
        assert cell.protection.locked, key
    for key in ("total", "grade", "funds.rate", "funds.score"):
        assert ws[DEFAULT_LAYOUT.cells[key]].value.startswith("=")


def test_inputs_unlocked_labels_locked_sheet_protected_without_password() -> None:
    wb = load_workbook(COMMITTED)
    ws = wb["项目1"]
    for ref in DEFAULT_LAYOUT.input_ranges:
        c1, r1, c2, r2 = range_boundaries(ref)
        for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            assert all(not c.protection.locked for c in row), ref
    for label_cell in ("A3", "A13", "C13", "B7", STATUS_CELL):
        assert ws[label_cell].protection.locked, label_cell
    for sheet in (ws, wb[SHEET_MASTER], wb[SHEET_GUIDE], wb[SHEET_INDEX]):
        p = sheet.protection
        assert p.sheet and not p.password
        # False = not locked: clerks may insert/delete indicator rows and format
        assert (p.insertRows, p.deleteRows, p.formatCells, p.formatRows) == (False, False, False, False)


def test_dropdowns_and_number_rules() -> None:
    wb = load_workbook(COMMITTED)
    ws = wb["项目1"]
    by_cell: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_cell.setdefault(rng.coord, []).append(dv)
    assert by_cell[DEFAULT_LAYOUT.cells["category"]][0].formula1 == '"部门预算项目,省直专项,省对下转移支付项目"'
    output = DEFAULT_LAYOUT.block_spans["产出指标"]
    (level2,) = by_cell[output.range("B")]
    assert level2.type == "list" and level2.formula1 == f"INDIRECT($A${output.first})"
    # the INDIRECT target: a defined name per 一级 holding its 二级 list in 代码表
    codes = wb[SHEET_CODES]
    for level1, names in LEVEL2_BY_LEVEL1.items():
        _, ref = wb.defined_names[level1].attr_text.split("!")
        assert tuple(c.value for row in codes[ref.replace("$", "")] for c in row) == names
    amounts = by_cell["C7:E10"][0]
    assert (amounts.type, amounts.operator, amounts.formula1) == ("decimal", "greaterThanOrEqual", "0")
    span = DEFAULT_LAYOUT.indicator_span
    assert by_cell[span.range("F")][0].formula1 == "0" and by_cell[span.range("G")][0].type == "decimal"


def test_hints_for_clerks_without_the_add_in() -> None:
    ws = load_workbook(COMMITTED)["项目1"]
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    span = DEFAULT_LAYOUT.indicator_span
    first = span.first
    assert rules[span.range("G")] == [f"AND(ISNUMBER(G{first}),ISNUMBER(F{first}),G{first}>F{first})"]
    assert "LEN(TRIM(H" in rules[span.range("H")][0]
    assert "ABS(" in rules[DEFAULT_LAYOUT.cells["weight_total"]][0]


def test_print_setup() -> None:
    ws = load_workbook(COMMITTED)["项目1"]
    assert int(ws.page_setup.paperSize) == 9  # OOXML code of A4
    assert ws.page_setup.orientation == "portrait"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"


def test_status_is_on_screen_but_not_on_paper() -> None:
    ws = load_workbook(COMMITTED)["项目1"]
    (area,) = str(ws.print_area).split(",")
    _, _, last_col, _ = range_boundaries(area.split("!")[1].replace("$", ""))
    status_col, _, _, _ = range_boundaries(STATUS_CELL)
    assert status_col > last_col  # right of the printed form
    assert ws.cell(2, status_col - 1).value == "校验状态" and ws.column_dimensions["K"].width >= 10
    (project,) = validate_file(COMMITTED).projects
    assert project.project.cells["status"] == STATUS_CELL  # the reader finds it, empty as it is


def test_guide_explains_every_rule_code() -> None:
    lines = guide.rule_lines()
    assert [code for code, _, _ in lines] == [item.code for item in catalog()]
    ws = load_workbook(COMMITTED)[SHEET_GUIDE]
    rows = {tuple(c.value for c in row[:3]) for row in ws.iter_rows()}
    assert all(line in rows for line in lines)  # code, the catalog's severity, the clerk's words
    assert ("S04", "警告", "产出、效益或满意度指标中某一类没有指标") in rows


def test_validate_reports_the_blank_template_in_chinese() -> None:
    report = validate_file(COMMITTED)
    assert report.status == "ok" and not report.findings
    (project,) = report.projects
    assert project.project.sheet == "项目1"
    codes = {(f.code, f.cell) for f in project.findings}
    c = DEFAULT_LAYOUT.cells
    assert {
        ("S01", c["name"]),
        ("S01", c["department"]),
        ("S01", c["unit"]),
        ("S01", c["year"]),
        ("S02", c["goal.expected"]),
        ("S02", c["goal.actual"]),
        ("S03", c["indicators"]),
    } <= codes
    assert not {code for code, _ in codes} & {"X01", "X03"}  # formulas are intact, the sheet reads
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.message) for f in project.findings)
