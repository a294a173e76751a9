"""A department workbook of 30 projects as LibreOffice prints it (rendered once): 目录 on whole
pages, each project sheet on one A4 page, nothing else printed (no empty 汇总, no hidden sheet)."""

from __future__ import annotations

import re

import pytest

from selfeval.vocabulary import SHEET_INDEX
from selfeval.writer import write_workbook
from support.department_books import make_project
from support.libreoffice import convert, needs_libreoffice
from support.pdf import info, needs_poppler, page_text, pages

pytestmark = [needs_libreoffice, needs_poppler]

COUNT = 30
LONG = "农村公路养护及危桥改造工程专项补助资金绩效自评"


def _name(i: int) -> str:
    """Project i's name; every fourth is long (wraps in 目录). 「甲{i}乙」 marks it uniquely."""
    return f"项目甲{i}乙" + (LONG if i % 4 == 1 else "")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[list]:
    folder = tmp_path_factory.mktemp("thirty")
    book = write_workbook(
        [make_project(_name(i), "交通运输局", seed=i) for i in range(1, COUNT + 1)], folder / "交通运输局.xlsx"
    )
    pdf = convert(book, "pdf", folder / "pdf")
    assert "A4" in info(pdf)["Page size"]
    return pages(pdf)


def _index_pages(printed: list[list]) -> list[int]:
    return [
        n
        for n, words in enumerate(printed)
        if "项目目录" in page_text(words) or page_text(words).startswith("序号工作表")
    ]


def test_index_rows_are_whole_on_their_page(printed) -> None:
    index = _index_pages(printed)
    assert index, f"no page of {SHEET_INDEX}"
    seen: dict[int, int] = {}
    for n in index:
        text = page_text(printed[n])
        assert text.count("项目目录") == 1 and "序号" in text  # title whole, header on every page
        for i in range(1, COUNT + 1):
            mark = f"项目甲{i}乙"
            if mark in text:
                assert i not in seen, f"row {i} on pages {seen[i]} and {n}"
                seen[i] = n
                if i % 4 == 1:  # the wrapped name is printed whole on the same page
                    assert f"{mark}{LONG}" in _column_from(printed[n], mark), i
    assert sorted(seen) == list(range(1, COUNT + 1))


def _column_from(words: list, mark: str) -> str:
    """Text of the 项目 column from the word starting with `mark` on, lines joined."""
    start = next(w for w in words if w.text.startswith(mark) and w.x0 > 100)  # not the link column
    inside = [w for w in words if abs(w.x0 - start.x0) < 2 and w.y0 >= start.y0 - 1]
    return "".join(w.text for w in sorted(inside, key=lambda w: w.y0))


def test_each_project_sheet_prints_on_one_page(printed) -> None:
    index = set(_index_pages(printed))
    for i in range(1, COUNT + 1):
        on = [
            n
            for n, words in enumerate(printed)
            if n not in index and re.search(rf"项目名称项目甲{i}乙", page_text(words))
        ]
        assert len(on) == 1, (i, on)


def test_nothing_else_prints(printed) -> None:
    index = _index_pages(printed)
    guide = range(index[0])  # 填表说明 comes first
    assert "填表说明" in page_text(printed[0]) and len(guide) <= 2
    others = set(range(len(printed))) - set(guide) - set(index)
    assert len(others) == COUNT  # the project sheets: no empty 汇总, no 代码表 or 项目模板
    assert all("项目支出绩效自评表（2024年度）" in page_text(printed[n]) for n in others)
