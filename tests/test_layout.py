"""The template's geometry: addresses derived from the indicator groups, consistently."""

from __future__ import annotations

import pytest
from openpyxl.utils.cell import range_boundaries

from selfeval.layout import (
    DEFAULT_BLANK_ROWS,
    DEFAULT_LAYOUT,
    FIRST_INDICATOR_ROW,
    LAST_COLUMN,
    STATUS_CELL,
    Group,
    SheetLayout,
    default_groups,
    is_project_sheet,
    layout_for,
)
from selfeval.model import LEVEL1_NAMES, LEVEL2_NAMES
from selfeval.vocabulary import RESERVED_SHEETS, SHEET_MASTER


def inside(address: str, ref: str) -> bool:
    col, row, _, _ = range_boundaries(address)
    c1, r1, c2, r2 = range_boundaries(ref)
    return c1 <= col <= c2 and r1 <= row <= r2


@pytest.mark.parametrize("layout", [DEFAULT_LAYOUT, layout_for({("效益指标", "社会效益指标"): 9})])
def test_computed_and_reserved_cells_are_never_inputs(layout: SheetLayout) -> None:
    for address in [*layout.computed.values(), STATUS_CELL]:
        assert not any(inside(address, ref) for ref in layout.input_ranges), address
    last_col, _, _, _ = range_boundaries(f"{LAST_COLUMN}1")
    for ref in layout.input_ranges:
        _, _r1, c2, r2 = range_boundaries(ref)
        assert c2 <= last_col and r2 <= layout.last_row


def test_every_field_has_its_own_cell() -> None:
    cells = DEFAULT_LAYOUT.cells
    assert len(set(cells.values())) == len(cells)
    assert cells["status"] == STATUS_CELL


def test_default_layout_has_blank_rows_for_every_level2() -> None:
    groups = DEFAULT_LAYOUT.groups
    assert [g.level2 for g in groups] == list(LEVEL2_NAMES)
    assert all(g.rows == DEFAULT_BLANK_ROWS for g in groups)
    assert DEFAULT_LAYOUT.first_indicator_row == FIRST_INDICATOR_ROW
    assert DEFAULT_LAYOUT.last_indicator_row == FIRST_INDICATOR_ROW + DEFAULT_BLANK_ROWS * len(groups) - 1
    assert list(DEFAULT_LAYOUT.block_spans) == list(LEVEL1_NAMES)


def test_more_indicators_push_everything_below_down() -> None:
    grown = layout_for({("产出指标", "质量指标"): 5})
    extra = 5 - DEFAULT_BLANK_ROWS
    assert grown.last_indicator_row == DEFAULT_LAYOUT.last_indicator_row + extra
    assert grown.row_total == DEFAULT_LAYOUT.row_total + extra
    assert grown.cells["grade"] != DEFAULT_LAYOUT.cells["grade"]
    quality = dict(zip([(g.level1, g.level2) for g in grown.groups], grown.group_spans, strict=False))[
        ("产出指标", "质量指标")
    ]
    assert quality.last - quality.first + 1 == 5
    # rows above the table do not move: the add-in relies on the status cell staying put
    assert grown.cells["status"] == DEFAULT_LAYOUT.cells["status"]
    assert grown.cells["funds.rate"] == DEFAULT_LAYOUT.cells["funds.rate"]


def test_groups_outside_the_taxonomy_read_back_unambiguously() -> None:
    layout = layout_for(
        {("", ""): 1, ("产出指标", ""): 1, ("其他", "x"): 2, ("产出指标", "经济效益指标"): 1},
        [("其他", "x"), ("产出指标", "经济效益指标"), ("产出指标", ""), ("", "")],
    )
    keys = [(g.level1, g.level2) for g in layout.groups]
    assert keys[0] == ("", "")  # a blank 一级 must not follow a named one (it would read as "same as above")
    assert keys[1] == ("产出指标", "")  # a blank 二级 opens its block
    assert keys.index(("产出指标", "经济效益指标")) < keys.index(("效益指标", "经济效益指标"))
    assert keys[-1] == ("其他", "x")


def test_groups_of_one_level1_must_be_adjacent() -> None:
    with pytest.raises(ValueError):
        SheetLayout((Group("产出指标", "数量指标"), Group("效益指标", "经济效益指标"), Group("产出指标", "质量指标")))
    with pytest.raises(ValueError):
        SheetLayout((Group("产出指标", "数量指标", rows=0),))


def test_project_sheets_are_the_non_reserved_ones() -> None:
    assert is_project_sheet("项目1") and is_project_sheet("督查效能业务")
    assert not any(is_project_sheet(name) for name in RESERVED_SHEETS)
    assert not is_project_sheet(SHEET_MASTER)
    assert len(default_groups()) == len(LEVEL2_NAMES)
