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
from selfeval.layout import is_project_sheet  # noqa: E402
from selfeval.vocabulary import SHEET_CHECK_RESULTS  # noqa: E402
from support.excel_forms import sample_projects  # noqa: E402
from support.xlwings_payload import payload_from_xlsx  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import selfeval.excel"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    line = next(ln for ln in result.stderr.splitlines() if ln.rstrip().endswith("| selfeval.excel"))
    import_ms = int(line.split("|")[1]) / 1000
    loaded = {ln.rsplit("|", 1)[-1].strip().split(".")[0] for ln in result.stderr.splitlines() if "|" in ln}

    with tempfile.TemporaryDirectory() as tmp:
        path = writer.write_workbook(sample_projects(args.projects), Path(tmp) / "bench.xlsx")
        payload = payload_from_xlsx(path)
    prepared = time.perf_counter() - started

    times, actions = [], []
    for _ in range(args.runs):
        book = xw.Book(json=copy.deepcopy(payload))
        t0 = time.perf_counter()
        excel.validate_all(book)
        times.append(time.perf_counter() - t0)
        actions = book.json()["actions"]
    names = [s["name"] for s in payload["sheets"]] + [SHEET_CHECK_RESULTS]
    per_sheet = Counter(names[a["sheet_position"]] for a in actions if a["sheet_position"] is not None)
    project_counts = [n for name, n in per_sheet.items() if is_project_sheet(name)]
    funcs = Counter(a["func"] for a in actions)

    print(f"workbook: {args.projects} project sheets (prepared in {prepared:.1f} s: write + LibreOffice + payload)")
    print(
        f"import selfeval.excel: {import_ms:.0f} ms cumulative; pandas/pandera/xlwings loaded: "
        f"{sorted(loaded & {'pandas', 'pandera', 'xlwings'}) or 'none'}"
    )
    print(
        f"validate_all on the remote engine: best {min(times) * 1000:.0f} ms, median "
        f"{statistics.median(times) * 1000:.0f} ms over {args.runs} runs"
    )
    print(
        f"actions: {len(actions)} in all; per project sheet min {min(project_counts)}, "
        f"max {max(project_counts)}, mean {statistics.mean(project_counts):.2f}"
    )
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in funcs.most_common()))


if __name__ == "__main__":
    main()
