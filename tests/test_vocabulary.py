"""The words the template writes are the words the reader looks for, each for the same field."""

from __future__ import annotations

import pytest

from selfeval.values import normalize_label
from selfeval.vocabulary import (
    DATE_LABEL,
    DEPARTMENT_LABEL,
    DEVIATION_HEADER_PREFIX,
    FIELD_KEY_TO_CLASSIFICATION_LABEL,
    FILLER_LABEL,
    FUNDS_KEY_TO_LABEL,
    FUNDS_LABEL,
    FUNDS_LINE_TO_LABEL,
    GOAL_ACTUAL_LABEL,
    GOAL_EXPECTED_LABEL,
    GOAL_LABEL,
    GRADE_LABEL,
    HEADER_TO_FUNDS_KEY,
    HEADER_TO_INDICATOR_KEY,
    INDICATOR_KEY_TO_TEMPLATE_HEADER,
    LABEL_TO_FIELD_KEY,
    LABEL_TO_FUNDS_LINE,
    NAME_LABEL,
    PHONE_LABEL,
    STATUS_LABEL,
    TOTAL_SCORE_LABEL,
    UNIT_LABEL,
    YEAR_LABEL,
)

FIELD_LABELS = {
    "year": YEAR_LABEL,
    "status": STATUS_LABEL,
    "name": NAME_LABEL,
    "department": DEPARTMENT_LABEL,
    "unit": UNIT_LABEL,
    "funds": FUNDS_LABEL,
    "goal": GOAL_LABEL,
    "goal.expected": GOAL_EXPECTED_LABEL,
    "goal.actual": GOAL_ACTUAL_LABEL,
    "total": TOTAL_SCORE_LABEL,
    "grade": GRADE_LABEL,
    "filler": FILLER_LABEL,
    "phone": PHONE_LABEL,
    "date": DATE_LABEL,
    **FIELD_KEY_TO_CLASSIFICATION_LABEL,
}


@pytest.mark.parametrize(("key", "label"), FIELD_LABELS.items())
def test_a_field_label_the_template_writes_reads_back_as_its_field(key: str, label: str) -> None:
    assert LABEL_TO_FIELD_KEY[normalize_label(label)] == key


def test_funds_labels_the_template_writes_read_back_as_their_columns_and_lines() -> None:
    assert {key: HEADER_TO_FUNDS_KEY[normalize_label(label)] for key, label in FUNDS_KEY_TO_LABEL.items()} == {
        key: key for key in FUNDS_KEY_TO_LABEL
    }
    assert {line: LABEL_TO_FUNDS_LINE[normalize_label(label)] for line, label in FUNDS_LINE_TO_LABEL.items()} == {
        line: line for line in FUNDS_LINE_TO_LABEL
    }


def test_indicator_headers_the_template_writes_read_back_as_their_columns() -> None:
    for key, header in INDICATOR_KEY_TO_TEMPLATE_HEADER.items():
        if key == "deviation":
            assert header.startswith(DEVIATION_HEADER_PREFIX)
        else:
            assert HEADER_TO_INDICATOR_KEY[normalize_label(header)] == key
