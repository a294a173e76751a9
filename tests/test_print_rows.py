"""Rows that fit their text: written by `import`/`new`, printed by LibreOffice, set by the 校验 buttons."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import selfeval.excel as x
from selfeval.layout import (
    COLUMN_WIDTHS,
    GOAL_HEIGHT,
    INDICATOR_HEIGHT,
    ROW_GOAL_ACTUAL,
    SheetLayout,
    goal_height,
    indicator_height,
)
from selfeval.textfit import line_count, text_width
from selfeval.writer import new_workbook, write_workbook
from support.department_books import make_project
from support.edits import edited
from support.libreoffice import convert, needs_libreoffice
from support.pdf import Word, needs_poppler, pages
from support.xlwings_payload import actions_of, payload_from_xlsx
from test_excel import open_book, remote_engine, target  # noqa: F401 - the engine fixture

FILLER = "本年度按计划推进各项工作，其中第{i}批次任务因汛期施工受限延后{i}天，已调整工期并加强督办；"


def _text(length: int, seed: str) -> str:
    """`length` characters of varied Chinese text that occurs nowhere else in the sheet."""
    text, i = seed, 1
    while len(text) < length:
        text += FILLER.format(i=i)
        i += 1
    return text[:length]


DEVIATION = _text(300, "偏差原因：")
ACTUAL = _text(500, "实际完成：")


def test_text_width_counts_chinese_double() -> None:
    assert text_width("abc") == 3 and text_width("偏差ab") == 6 and text_width("≥95%") == 5
    assert line_count("偏" * 40, 22) > line_count("a" * 40, 22)
    assert line_count("第一行\n第二行", 50) == 2


def test_written_rows_are_as_high_as_their_text(tmp_path: Path) -> None:
    project = make_project("防汛工程", "水务局", seed=1)
    project = edited(project, {"goal.actual": ACTUAL, "indicators.1.deviation": DEVIATION})
    path = write_workbook([project], tmp_path / "长文本.xlsx")
    ws = openpyxl.load_workbook(path)["防汛工程"]
    layout = SheetLayout()
    assert ws.row_dimensions[ROW_GOAL_ACTUAL].height == goal_height(ACTUAL) > 2 * GOAL_HEIGHT
    row = next(r for r in layout.indicator_rows() if ws[f"H{r}"].value == DEVIATION)
    assert ws.row_dimensions[row].height > 10 * INDICATOR_HEIGHT
    short = next(r for r in layout.indicator_rows() if ws[f"C{r}"].value and not ws[f"H{r}"].value)
    assert ws.row_dimensions[short].height == INDICATOR_HEIGHT


def test_a_fresh_workbook_keeps_the_default_heights(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(new_workbook(tmp_path / "新.xlsx"))["项目1"]
    assert {ws.row_dimensions[r].height for r in SheetLayout().indicator_rows()} == {INDICATOR_HEIGHT}
    assert ws.row_dimensions[ROW_GOAL_ACTUAL].height == GOAL_HEIGHT


def _column_text(words: list[Word], first: str) -> str:
    """Text printed from the word starting with `first` on, in its column and those right of it."""
    start = next(w for w in words if w.text.startswith(first))
    inside = [w for w in words if w.x0 >= start.x0 - 1 and w.y0 >= start.y0 - 1]
    return "".join(w.text for w in sorted(inside, key=lambda w: (round(w.y0), w.x0)))


@needs_libreoffice
@needs_poppler
def test_long_texts_print_whole(tmp_path: Path) -> None:
    project = make_project("防汛工程", "水务局", seed=1)
    project = edited(project, {"goal.actual": ACTUAL, "indicators.1.deviation": DEVIATION})
    book = write_workbook([project], tmp_path / "长文本.xlsx")
    wb = openpyxl.load_workbook(book)
    for name in wb.sheetnames:
        if name != "防汛工程":
            del wb[name]
    wb.save(book)
    printed = pages(convert(book, "pdf", tmp_path / "pdf"))
    assert any(
        ACTUAL in _column_text(words, "实际完成：")
        for words in printed
        if any(w.text.startswith("实际完成：") for w in words)
    )
    assert any(
        DEVIATION in _column_text(words, "偏差原因：")
        for words in printed
        if any(w.text.startswith("偏差原因：") for w in words)
    )


def test_validating_grows_rows_a_clerk_filled_with_long_text(tmp_path: Path) -> None:
    path = new_workbook(tmp_path / "填写中.xlsx", year=2024, department="水务局")
    wb = openpyxl.load_workbook(path)
    ws = wb["项目1"]
    row = SheetLayout().first_indicator_row
    for column, value in zip("CDEFGH", ("河道清淤长度", "≥10公里", "8公里", 20, 16, DEVIATION), strict=False):
        ws[f"{column}{row}"] = value
    ws["C12"] = ACTUAL
    wb.save(path)
    payload = payload_from_xlsx(path, active="项目1", recalculate=False)
    book = open_book(payload, active="项目1")
    x.validate_active(book)
    names = [s["name"] for s in payload["sheets"]] + ["校验结果"]
    heights = {target(a, names)[1]: a["args"][0] for a in actions_of(book) if a["func"] == "setRowHeight"}
    assert heights[f"A{row}"] == indicator_height({"name": "河道清淤长度", "deviation": DEVIATION})
    assert heights[f"A{ROW_GOAL_ACTUAL}"] == goal_height(ACTUAL)
    assert heights[f"A{row}"] > INDICATOR_HEIGHT and len(heights) == 2  # short rows keep their height
    assert sum(COLUMN_WIDTHS.values()) < 120  # still one portrait page wide


def test_validating_all_fits_the_index_rows_to_long_names(tmp_path: Path) -> None:
    from selfeval.layout import INDEX_FIRST_ROW, index_height
    from selfeval.vocabulary import SHEET_INDEX

    long = "农村公路养护及危桥改造工程专项补助资金绩效自评项目"
    path = write_workbook(
        [make_project("短名", "交通局", seed=1), make_project(long, "交通局", seed=2)], tmp_path / "目录.xlsx"
    )
    payload = payload_from_xlsx(path, recalculate=False)
    book = open_book(payload)
    x.validate_all(book)
    names = [s["name"] for s in payload["sheets"]] + ["校验结果"]
    heights = {target(a, names): a["args"][0] for a in actions_of(book) if a["func"] == "setRowHeight"}
    sheet_name = long[:31]
    assert heights[(SHEET_INDEX, f"A{INDEX_FIRST_ROW + 1}")] == index_height(sheet_name, long) > 22
    assert heights[(SHEET_INDEX, f"A{INDEX_FIRST_ROW}")] == index_height("短名", "短名")
