"""The real CLI over a hostile corpus (issue 11): every file listed with a status, no traceback,
documented exit codes, inputs unchanged, each whole run under 1 GiB of memory.

The corpus is built at test time (make_corpus.py); the four runs happen once per session and
the tests below look at them from different sides.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from make_corpus import FORMULAS, Case, build, restore_permissions
from python_calamine import CalamineWorkbook

PEAK_LIMIT_KB = 1024 * 1024  # 1 GiB, as ru_maxrss counts (KB on Linux)
RUN_TIMEOUT = 300
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet evaluates a cell starting so (OWASP)
FILE_STATUS = {"ok": "已读取", "unreadable": "无法读取", "skipped": "已跳过"}
DUPLICATE = "重复文件"


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    peak_kb: int
    seconds: float


def selfeval_command() -> list[str]:
    """The installed console script (the real CLI), or the module where it is not installed."""
    script = Path(sys.executable).with_name("selfeval")
    return [str(script)] if script.exists() else [sys.executable, "-m", "selfeval.cli"]


# A child forked from pytest would carry pytest's own resident pages in its peak (Linux keeps
# the high-water mark across exec), so a small launcher forks the CLI and reports, from
# wait4, the peak of the CLI and of the workers it waited for.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as peak:
    peak.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(args: list[str], work: Path) -> Run:
    """Run the CLI through the launcher; output to files, peak memory in KB."""
    number = len(list(work.iterdir()))
    out, err, peak = (work / f"{kind}-{number}.txt" for kind in ("out", "err", "peak"))
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        result = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(peak), *selfeval_command(), *args],
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, "COLUMNS": "200"},
            timeout=RUN_TIMEOUT,
            check=False,
        )
    return Run(
        args,
        result.returncode,
        out.read_text("utf-8", "replace"),
        err.read_text("utf-8", "replace"),
        int(peak.read_text()),
        time.perf_counter() - started,
    )


def digests(root: Path) -> dict[str, str]:
    found = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file() or not os.access(path, os.R_OK):
                continue
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("hostile")
    root = base / "来稿"
    cases = build(root)
    before = digests(root)
    work = base / "work"
    work.mkdir()
    runs = {
        "text": run(["validate", str(root)], work),
        "json": run(["validate", "--format", "json", str(root)], work),
        "import": run(["import", str(root), "-o", str(base / "导入.xlsx")], work),
        "consolidate": run(["consolidate", str(root), "-o", str(base / "汇总.xlsx"), "--csv", str(base / "csv")], work),
    }
    yield root, cases, runs, before, base
    restore_permissions(root)


def listed(cases: list[Case]) -> list[Case]:
    return list(cases)


def test_each_run_ends_with_its_documented_exit_code_and_no_traceback(corpus) -> None:
    _root, _cases, runs, _before, _base = corpus
    # 1: errors were found / some inputs could not be read (cli.py, consolidate/run.py, importing.py)
    for name in ("text", "json", "consolidate"):
        result = runs[name]
        assert result.code == 1, (name, result.code, result.stderr[-2000:])
        assert "Traceback" not in result.stdout + result.stderr, (name, result.stderr[-3000:])
    imported = runs["import"]
    assert imported.code == 1, imported.stderr[-2000:]
    assert "Traceback" not in imported.stdout + imported.stderr


def test_each_whole_run_stays_under_one_gib(corpus) -> None:
    _root, _cases, runs, _before, _base = corpus
    for name, result in runs.items():
        print(f"{name}: peak {result.peak_kb / 1024:.0f} MB, {result.seconds:.1f} s")
        assert 0 < result.peak_kb < PEAK_LIMIT_KB, (name, result.peak_kb)


def test_inputs_are_byte_identical_afterwards(corpus) -> None:
    root, _cases, _runs, before, _base = corpus
    assert digests(root) == before


def test_validate_json_gives_every_file_its_status_and_reason(corpus) -> None:
    root, cases, runs, _before, _base = corpus
    report = json.loads(runs["json"].stdout)
    by_path = {Path(item["path"]).relative_to(root).as_posix(): item for item in report["files"]}
    for case in listed(cases):
        assert case.name in by_path, f"{case.name} is not listed"
        item = by_path[case.name]
        assert item["status"] == case.status, (case.name, item["status"], item["findings"])
        codes = {finding["code"] for finding in item["findings"]}
        assert set(case.codes) <= codes, (case.name, codes)
        if case.status == "ok":
            assert item["projects"], case.name
        if case.status == "skipped":
            assert item["findings"] == [] and item["projects"] == []
            assert case.phrase in item["note"], (case.name, item["note"])
        elif case.phrase:
            messages = " ".join(finding["message"] for finding in item["findings"])
            assert case.phrase in messages, (case.name, messages)
            assert str(root / case.name) in messages  # the message names the file
        if case.status == "unreadable":
            assert codes & {"X03", "X05"}, case.name
    assert set(by_path) == {case.name for case in listed(cases)}  # nothing else, nothing twice
    assert report["summary"]["files"] == len(listed(cases))


def test_validate_text_lists_every_file(corpus) -> None:
    root, cases, runs, _before, _base = corpus
    text = runs["text"].stdout
    for case in listed(cases):
        assert f"文件 {root / case.name}" in text, case.name
        if case.status == "skipped":
            assert f"文件 {root / case.name}  （已跳过" in text
    assert "个已跳过" in text.splitlines()[-1]


def test_import_lists_every_file(corpus) -> None:
    root, cases, runs, _before, _base = corpus
    for case in listed(cases):
        assert f"读取 {root / case.name}：" in runs["import"].stdout, case.name


def test_file_list_of_the_summary_accounts_for_every_file(corpus) -> None:
    root, cases, runs, _before, base = corpus
    assert "已跳过" in runs["consolidate"].stderr
    rows = CalamineWorkbook.from_path(str(base / "汇总.xlsx")).get_sheet_by_name("文件清单").to_python()
    header = next(i for i, row in enumerate(rows) if "文件" in row and "状态" in row)
    columns = {name: rows[header].index(name) for name in ("文件", "状态")}
    statuses = {
        Path(row[columns["文件"]]).relative_to(root).as_posix(): row[columns["状态"]]
        for row in rows[header + 1 :]
        if row[columns["文件"]]
    }
    for case in listed(cases):
        assert case.name in statuses, f"{case.name} missing from 文件清单"
        assert statuses[case.name] in (FILE_STATUS[case.status], DUPLICATE), (case.name, statuses[case.name])
    assert set(statuses) == {case.name for case in listed(cases)}


def test_no_csv_field_a_spreadsheet_would_evaluate(corpus) -> None:
    _root, _cases, _runs, _before, base = corpus
    live = []
    for path in sorted((base / "csv").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                live += [(path.name, field) for field in row if _evaluated(field)]
    assert (base / "csv" / "问题.csv").exists()
    assert not live, f"{len(live)} CSV fields start like a formula, e.g. {live[:3]}"


def test_no_summary_cell_holds_a_formula_from_an_input(corpus) -> None:
    import openpyxl

    _root, _cases, _runs, _before, base = corpus
    book = openpyxl.load_workbook(base / "汇总.xlsx")
    planted = [text.strip() for text in FORMULAS]
    live = [
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" and any(text.lstrip("=+-@") in str(cell.value) for text in planted)
    ]
    assert not live, f"{len(live)} summary cells hold an input's text as a formula, e.g. {live[:3]}"


def _evaluated(field: str) -> bool:
    if not field.startswith(TRIGGERS):
        return False
    try:
        float(field)  # a negative number stays a number
    except ValueError:
        return True
    return False
