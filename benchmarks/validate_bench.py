"""Benchmark: parse + check project grids in one process (issue 2's target: >= 2,000 forms/s).

Grids come from a real template workbook filled by `writer` and read back with
python-calamine, so they are exactly what `selfeval validate` parses. Reading the file is
measured separately; the figure that counts is grid → Project → findings.

    uv run python benchmarks/validate_bench.py [--forms 2000] [--sheets 50]
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

from selfeval.grid import parse
from selfeval.model import LEVEL2_BY_LEVEL1, Funds, FundsLine, Goal, Indicator, Project
from selfeval.rules import check_book
from selfeval.sources import read_workbook_grids
from selfeval.writer import write_workbook


def sample_project(rng: random.Random, number: int) -> Project:
    """A filled national-layout form with funds, weights 10/50/30/10 and some missed targets."""
    rows: list[Indicator] = []
    for level1, weight in (("产出指标", 50.0), ("效益指标", 30.0), ("满意度指标", 10.0)):
        level2s = LEVEL2_BY_LEVEL1[level1]
        count = 5 if level1 == "产出指标" else (3 if level1 == "效益指标" else 1)
        for i in range(count):
            share = weight / count
            target = rng.choice(["≥95%", "100%", "4次", "≤90万元", "达成预期"])
            actual = rng.choice(["95%", "100%", "3次", "88万元", "达成"])
            score = round(share * rng.uniform(0.7, 1.0), 1)
            rows.append(
                Indicator(
                    level1,
                    level2s[i % len(level2s)],
                    f"指标{i + 1}",
                    target,
                    actual,
                    share,
                    score,
                    "受疫情影响" if score < share else "",
                )
            )
    budget = rng.uniform(10, 500)
    funds = Funds(
        total=FundsLine(budget, budget, budget * rng.uniform(0.8, 1.0)),
        fiscal=FundsLine(budget, budget, None),
        weight=10.0,
    )
    return Project(
        name=f"项目{number}",
        department="市财政局",
        unit="市财政局",
        year=2025,
        category="部门预算项目",
        attribute="持续性项目",
        kind="常年性项目",
        funds=funds,
        goal=Goal("预期目标文字", "实际完成情况文字"),
        indicators=rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000, help="grids to parse and check")
    parser.add_argument("--sheets", type=int, default=50, help="project sheets in the sample workbook")
    args = parser.parse_args()

    rng = random.Random(2025)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        write_workbook([sample_project(rng, n + 1) for n in range(args.sheets)], path)
        start = time.perf_counter()
        grids = list(read_workbook_grids(path))
        read_seconds = time.perf_counter() - start

    forms = [g for g in grids if parse(g) is not None]
    batch = [forms[i % len(forms)] for i in range(args.forms)]
    # CPU time of this process: the figure for "one core", steady when other work shares the machine.
    start, cpu_start = time.perf_counter(), time.process_time()
    projects = [parse(grid) for grid in batch]
    check_book([p for p in projects if p is not None])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    print(f"machine: {platform.processor() or platform.machine()}, Python {sys.version.split()[0]}, one core")
    print(f"read {len(grids)} sheets of a {args.sheets}-project workbook with calamine: {read_seconds:.3f} s")
    print(f"parse + check {args.forms} forms: {cpu:.3f} s CPU = {args.forms / cpu:,.0f} forms/s (wall {seconds:.3f} s)")


if __name__ == "__main__":
    main()
