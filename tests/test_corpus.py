"""The corpus of real published forms (tests/corpus/, issue 10): selfeval against a reviewer.

Each form's expected.json was written by a reviewer before selfeval ran on it; the matching
and the figures are those of `benchmarks/corpus_report.py`, which this test runs.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
MIN_PRECISION = 0.95
MIN_RECALL = 0.90


def _report_module():
    spec = importlib.util.spec_from_file_location("corpus_report", ROOT / "benchmarks" / "corpus_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_report"] = module
    spec.loader.exec_module(module)
    return module


report = _report_module()


@pytest.fixture(scope="module")
def result():
    if not report.cases(CORPUS):
        pytest.skip("no corpus forms in tests/corpus")
    return report.run(CORPUS)


def test_the_corpus_has_real_forms_with_sources() -> None:
    for folder in report.cases(CORPUS):
        assert (folder / "SOURCE.md").is_file(), folder.name
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        assert (folder / expected["file"]).is_file(), folder.name


def test_every_indicator_row_is_read(result) -> None:
    differ = [(p.slug, p.name, p.rows_read, p.rows_expected) for p in result.projects if p.rows_read != p.rows_expected]
    assert differ == []


def test_no_form_raises(result) -> None:
    assert result.raised == {}


def test_forms_the_previous_version_read_are_still_read(result) -> None:
    baseline = json.loads((CORPUS / "baseline.json").read_text(encoding="utf-8"))
    read_before = {slug for slug, outcome in baseline["forms"].items() if outcome["outcome"] == "read"}
    assert not read_before & set(result.raised)
    assert not read_before & set(result.x03)


def test_precision_and_recall(result) -> None:
    text = report.render(result, verbose=True)
    assert result.precision >= MIN_PRECISION, text
    assert result.recall >= MIN_RECALL, text


def test_stated_totals_are_read(result) -> None:
    assert [d for p in result.projects for d in p.differences if d.startswith("stated_total")] == []


def test_matching_pairs_codes_and_rows_once_each() -> None:
    from selfeval.model import Finding, Severity

    def f(code: str, cell: str | None) -> Finding:
        return Finding(code, Severity.ERROR, code, "表1", cell)

    expected = [{"code": "S07", "row": 15}, {"code": "S07", "row": 16}, {"code": "W01", "row": None}]
    reported = [f("S07", "D15"), f("S07", "D15"), f("W01", "A14"), f("Q01", "D16")]
    result = report.ProjectResult("slug", "name", 2, 2)
    report.match_findings(expected, reported, result)
    assert sorted(result.tp) == [("S07", 15), ("W01", None)]
    assert result.missed == [("S07", 16, "")]
    assert [(code, row) for code, row, _ in result.fp] == [("S07", 15), ("Q01", 16)]
