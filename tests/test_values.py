"""The value grammar of SPEC §3: `selfeval.values`."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfeval.model import COST, QUALITY, QUANTITY, TIMELINESS
from selfeval.values import (
    Comparator,
    Completion,
    Qualitative,
    Quantity,
    cell_text,
    clean_text,
    completion_of,
    direction,
    format_quantity,
    in_unit,
    is_empty,
    parse_value,
)

GE, LE, GT, LT, EQ = Comparator.GE, Comparator.LE, Comparator.GT, Comparator.LT, Comparator.EQ


# --- comparators --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("≥95%", GE),
        (">=95%", GE),
        ("≤95%", LE),
        ("<=95%", LE),
        ("＞95%", GT),
        (">95%", GT),
        ("＜95%", LT),
        ("<95%", LT),
        ("=95%", EQ),
        ("＝95%", EQ),
        ("不低于95%", GE),
        ("不少于95%", GE),
        ("达到95%", GE),
        ("不高于95%", LE),
        ("不超过95%", LE),
        ("控制在95%以内", LE),
        ("95%以上", GE),
        ("95%以下", LE),
        ("95%以内", LE),
        ("95%", None),
    ],
)
def test_comparator_symbols_and_words(text: str, comparator: Comparator | None) -> None:
    assert parse_value(text) == Quantity(95.0, "%", comparator)


def test_spaces_between_comparator_number_and_unit_are_ignored() -> None:
    assert parse_value(" ≥ 95 ％ ") == Quantity(95.0, "%", GE)


def test_word_before_a_word_comparator_wins_over_its_suffix() -> None:
    # 控制在…以内: both halves say ≤, and the value is the number between them.
    assert parse_value("控制在90万元以内") == Quantity(90.0, "万元", LE)


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("１２３", 123.0, ""),  # full-width digits
        ("１００％", 100.0, "%"),  # full-width percent
        ("100％", 100.0, "%"),
        ("1,000元", 1000.0, "元"),  # thousands separator
        ("１，２３４，５６７元", 1234567.0, "元"),  # full-width separator
        ("12.5万元", 12.5, "万元"),  # decimal
        ("0.35万元", 0.35, "万元"),
        ("1,234.5元", 1234.5, "元"),
        ("15.75万元", 15.75, "万元"),
        ("4次", 4.0, "次"),
        ("3个月", 3.0, "个月"),
        ("200人次", 200.0, "人次"),
        ("24小时", 24.0, "小时"),
    ],
)
def test_numbers_in_every_spelling(text: str, number: float, unit: str) -> None:
    assert parse_value(text) == Quantity(number, unit, None)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("四场", 4.0, "场"),
        ("两次", 2.0, "次"),
        ("十二个", 12.0, "个"),
        ("二十家", 20.0, "家"),
        ("一百零五人", 105.0, "人"),
        ("达到四场", 4.0, "场"),
    ],
)
def test_small_chinese_numerals_count_things(text: str, number: float, unit: str) -> None:
    value = parse_value(text)
    assert isinstance(value, Quantity)
    assert (value.number, value.unit) == (number, unit)


@pytest.mark.parametrize("text", ["十分满意", "一次性", "一般", "十", "四"])
def test_chinese_numerals_inside_words_stay_qualitative(text: str) -> None:
    assert parse_value(text) == Qualitative(text, Completion.UNKNOWN)


@pytest.mark.parametrize(
    "text",
    [
        "召开会议1次、组织业务培训1次、学习调研2次",
        "安排4场，每场按88万元，租会议室2次等",
        "100%完成",
        "95%（含）以上的群众满意",
        "1,0000",  # a misplaced separator is no number
    ],
)
def test_descriptions_with_numbers_are_qualitative(text: str) -> None:
    assert isinstance(parse_value(text), Qualitative)


def test_a_number_too_long_to_be_finite_is_not_a_quantity() -> None:
    assert isinstance(parse_value("9" * 400), Qualitative)


# --- cell values that are not text ----------------------------------------------------


@pytest.mark.parametrize(("cell", "number"), [(95, 95.0), (0.95, 0.95), (-3, -3.0), (90.0, 90.0)])
def test_numeric_cells_are_bare_quantities(cell: float, number: float) -> None:
    assert parse_value(cell) == Quantity(number, "", None)


@pytest.mark.parametrize(
    "cell",
    [math.inf, -math.inf, 10**400, pytest.param(10**5000, id="int-beyond-str-limit"), True, False],
)
def test_non_finite_and_boolean_cells_are_qualitative(cell: object) -> None:
    value = parse_value(cell)
    assert isinstance(value, Qualitative)
    assert value.completion is Completion.UNKNOWN


def test_nan_is_an_empty_cell_for_every_reader_and_rule() -> None:
    assert parse_value(math.nan) is None and is_empty(math.nan) and cell_text(math.nan) == ""


@pytest.mark.parametrize(
    "cell",
    [
        datetime.date(2021, 12, 31),
        datetime.datetime(2021, 12, 31, 8, 30),
        datetime.time(8, 30),
        datetime.timedelta(days=3),
        Decimal("95.5"),
        b"100%",
        [1, 2],
    ],
    ids=repr,
)
def test_other_cell_types_never_raise(cell: object) -> None:
    assert isinstance(parse_value(cell), (Quantity, Qualitative))


def test_none_is_empty() -> None:
    assert parse_value(None) is None
    assert is_empty(None)


# --- empty marks ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\t\n", "\u3000", "—", "——", "–", "-", "－", "/", "／", " — "])
def test_empty_marks_mean_no_value(text: str) -> None:
    assert is_empty(text)
    assert parse_value(text) is None


@pytest.mark.parametrize("text", ["0", "无", "-5", "—5"])
def test_values_that_only_look_empty_are_not(text: str) -> None:
    assert not is_empty(text)


def test_clean_text_strips_export_artefacts() -> None:
    assert clean_text("[bookmark: _GoBack]鄂州市督查考评办公室\u3000") == "鄂州市督查考评办公室"
    assert clean_text("年初\n目标值") == "年初 目标值"
    assert clean_text(25.0) == "25"


# --- units ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Quantity(900000.0, "元"), "万元", 90.0),
        (Quantity(90.0, "万元"), "元", 900000.0),
        (Quantity(30.0, "日"), "天", 30.0),
        (Quantity(30.0, "天"), "日", 30.0),
        (Quantity(90.0, ""), "万元", 90.0),  # a bare number takes its target's unit
        (Quantity(95.0, "%"), "%", 95.0),
        (Quantity(4.0, "场"), "场", 4.0),
    ],
)
def test_in_unit_converts_compatible_units(value: Quantity, unit: str, expected: float) -> None:
    converted = in_unit(value, unit)
    assert converted == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "unit"),
    [(Quantity(4.0, "场"), "次"), (Quantity(90.0, "万元"), "%"), (Quantity(3.0, "天"), "个月")],
)
def test_in_unit_refuses_incompatible_units(value: Quantity, unit: str) -> None:
    assert in_unit(value, unit) is None


def test_bare_actual_against_a_money_target() -> None:
    target, actual = parse_value("≤90万元"), parse_value("90")
    assert isinstance(target, Quantity) and isinstance(actual, Quantity)
    assert actual.unit == ""
    assert in_unit(actual, target.unit) == 90.0


# --- direction ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "level2", "expected"),
    [
        ("90万元", COST, LE),  # cost: lower is better
        ("30天", TIMELINESS, LE),  # duration: lower is better
        ("30日", TIMELINESS, LE),
        ("3个月", TIMELINESS, LE),
        ("100%", TIMELINESS, GE),  # 时效 as an on-time rate: higher is better
        ("4次", QUANTITY, GE),
        ("95%", QUALITY, GE),
        ("≥90万元", COST, GE),  # a written comparator wins
        ("=4次", QUANTITY, EQ),
    ],
)
def test_direction_defaults_by_level2(target: str, level2: str, expected: Comparator) -> None:
    value = parse_value(target)
    assert isinstance(value, Quantity)
    assert direction(value, level2) is expected


# --- qualitative completion -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("达成", Completion.ACHIEVED),
        ("完成", Completion.ACHIEVED),
        ("全部完成", Completion.ACHIEVED),
        ("实现", Completion.ACHIEVED),
        ("达成预期指标", Completion.ACHIEVED),
        ("按时完成", Completion.ACHIEVED),
        ("部分达成", Completion.PARTIAL),
        ("基本完成", Completion.PARTIAL),
        ("基本实现", Completion.PARTIAL),
        ("未达成", Completion.NOT_ACHIEVED),
        ("未完成", Completion.NOT_ACHIEVED),
        ("未实现", Completion.NOT_ACHIEVED),
        ("效果明显", Completion.UNKNOWN),
        ("有效提升", Completion.UNKNOWN),
        ("较好", Completion.UNKNOWN),
    ],
)
def test_completion_level_of_qualitative_actuals(text: str, level: Completion) -> None:
    assert completion_of(text) is level
    assert parse_value(text) == Qualitative(text, level)


# --- formatting -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["≥95%", "≤90万元", "4次", "=100%", "12.5万元"])
def test_format_quantity_round_trips(text: str) -> None:
    value = parse_value(text)
    assert isinstance(value, Quantity)
    assert format_quantity(value) == text
    assert parse_value(format_quantity(value)) == value


# --- never raises -------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "≥",
        ">=",
        "＞",
        "≤",
        "<=",
        "＜",
        "=",
        "＝",
        "不低于",
        "不超过",
        "控制在",
        "达到",
        "以上",
        "以下",
        "以内",
        "%",
        "％",
        "万元",
        "元",
        "天",
        "日",
        "个月",
        "次",
        "场",
        "四",
        "十",
        "百",
        "零",
        "两",
        ",",
        "，",
        ".",
        "-",
        "—",
        "/",
        " ",
        "\u3000",
        "[bookmark: _GoBack]",
        "未",
        "完成",
        "部分",
    ]
)
_DIGITS = st.text(alphabet="0123456789０１２３４５６７８９", min_size=1, max_size=12)
_MIXED = st.lists(st.one_of(_PIECES, _DIGITS, st.text(max_size=4)), max_size=8).map("".join)


def _assert_well_formed(value: object) -> None:
    parsed = parse_value(value)
    assert parsed is None or isinstance(parsed, (Quantity, Qualitative))
    if isinstance(parsed, Quantity):
        assert math.isfinite(parsed.number)
        format_quantity(parsed)
    assert isinstance(is_empty(value), bool)
    assert (parsed is None) == is_empty(value)


@settings(deadline=None)  # no timing in unit tests
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    _assert_well_formed(text)


@settings(deadline=None)  # no timing in unit tests
@given(_MIXED)
def test_never_raises_on_text_mixed_with_digits_comparators_and_units(text: str) -> None:
    _assert_well_formed(text)


@settings(deadline=None)  # no timing in unit tests
@given(st.one_of(st.floats(), st.integers(), st.booleans(), st.none(), st.integers(min_value=10**300)))
def test_never_raises_on_python_scalars(value: object) -> None:
    _assert_well_formed(value)


@settings(deadline=None)  # no timing in unit tests
@given(_MIXED, _MIXED)
def test_unit_conversion_never_raises(target: str, actual: str) -> None:
    t, a = parse_value(target), parse_value(actual)
    if isinstance(t, Quantity) and isinstance(a, Quantity):
        converted = in_unit(a, t.unit)
        assert converted is None or isinstance(converted, float)
        for level2 in (COST, TIMELINESS, QUANTITY):
            assert isinstance(direction(t, level2), Comparator)
