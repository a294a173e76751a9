"""Benchmark: the 全部校验 button (`selfeval.excel.validate_all`) on a 50-project workbook.

The workbook is written by `selfeval.writer` (every fourth project has an error, every
fourth a warning), recalculated by LibreOffice and turned into the payload an xlwings client
sends; `validate_all` then runs on xlwings' remote engine (`xw.Book(json=payload)`, the
engine of xlwings Server). Reported: seconds per run (best and median of `--runs`, each on
a fresh Book), and the actions recorded per project sheet and for the whole book — the
number of calls Excel would receive. Also the import time of `selfeval.excel`.

    uv run python benchmarks/excel_bench.py [--projects 50] [--runs 7]
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # PolyForm Noncommercial

import xlwings as xw  # noqa: E402

import selfeval.excel as excel  # noqa: E402
from selfeval import writer  # noqa: E402
from selfeval.layout import SHEET_FINDINGS  # noqa: E402
from selfeval.model import (  # noqa: E402
    BENEFIT, COST, OUTPUT, QUALITY, QUANTITY, SATISFACTION, SERVICE_SATISFACTION, TIMELINESS,
    Funds, FundsLine, Goal, Indicator, Project,
)
from support.xlwings_payload import payload_from_xlsx  # noqa: E402


def project(number: int) -> Project:
    rows = [
        Indicator(OUTPUT, QUANTITY, "培训人次", "≥100人次", "120人次", 20, 20),
        Indicator(OUTPUT, QUALITY, "验收合格率", "≥95%", "96%", 10, 10),
        Indicator(OUTPUT, TIMELINESS, "完成时间", "≤12个月", "12个月", 10, 10),
        Indicator(OUTPUT, COST, "成本控制", "≤100万元", "95万元", 10, 10),
        Indicator(BENEFIT, "社会效益指标", "受益人数", "≥1000人", "1050人", 30, 30),
        Indicator(SATISFACTION, SERVICE_SATISFACTION, "服务对象满意度", "≥90%", "95%", 10, 10),
    ]
    if number % 4 == 1:
        rows[0].score = 25  # P01
    elif number % 4 == 2:
        rows[0].target, rows[0].actual = "100%", "100%"  # Q01
    funds = Funds(FundsLine(100, 100, 95), FundsLine(100, 100, 95), FundsLine(0, 0, 0), FundsLine(0, 0, 0), weight=10)
    return Project(name=f"项目{number:02d}", department="某局", unit="某中心", year=2025, funds=funds,
                   goal=Goal("目标", "完成"), indicators=rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import selfeval.excel"],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    line = next(ln for ln in result.stderr.splitlines() if ln.rstrip().endswith("| selfeval.excel"))
    import_ms = int(line.split("|")[1]) / 1000
    loaded = {ln.rsplit("|", 1)[-1].strip().split(".")[0] for ln in result.stderr.splitlines() if "|" in ln}

    with tempfile.TemporaryDirectory() as tmp:
        path = writer.write_workbook([project(i) for i in range(1, args.projects + 1)], Path(tmp) / "bench.xlsx")
        payload = payload_from_xlsx(path)
    prepared = time.perf_counter() - started

    times, actions = [], []
    for _ in range(args.runs):
        book = xw.Book(json=copy.deepcopy(payload))
        t0 = time.perf_counter()
        excel.validate_all(book)
        times.append(time.perf_counter() - t0)
        actions = book.json()["actions"]
    names = [s["name"] for s in payload["sheets"]] + [SHEET_FINDINGS]
    per_sheet = Counter(names[a["sheet_position"]] for a in actions if a["sheet_position"] is not None)
    project_counts = [n for name, n in per_sheet.items() if name.startswith("项目") and name[2:].isdigit()]
    funcs = Counter(a["func"] for a in actions)

    print(f"workbook: {args.projects} project sheets (prepared in {prepared:.1f} s: write + LibreOffice + payload)")
    print(f"import selfeval.excel: {import_ms:.0f} ms cumulative; pandas/pandera/xlwings loaded: "
          f"{sorted(loaded & {'pandas', 'pandera', 'xlwings'}) or 'none'}")
    print(f"validate_all on the remote engine: best {min(times) * 1000:.0f} ms, median "
          f"{statistics.median(times) * 1000:.0f} ms over {args.runs} runs")
    print(f"actions: {len(actions)} in all; per project sheet min {min(project_counts)}, "
          f"max {max(project_counts)}, mean {statistics.mean(project_counts):.2f}")
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in funcs.most_common()))


if __name__ == "__main__":
    main()
