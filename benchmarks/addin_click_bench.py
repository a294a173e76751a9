"""Benchmark: a ribbon click, cold (a new Python per click) against warm (one Python kept alive).

What RunPython does per click without the COM server: start `python -B -I -c "import
xlwings.utils; prepare_sys_path(...); import selfeval.excel as x; x.validate_...()"`.
With `USE UDF SERVER` one Python process stays alive and only the call itself runs.
Here both are timed on xlwings' remote engine (`xw.Book(json=payload)`), for 校验本表 on a
one-project workbook and 校验全部 on a 50-project one:

- cold: a fresh process per click, wall time from start to exit, with the bytecode cache
  as installed (.pyc present) and without it (every module compiled, as on the first
  click after an install or when antivirus discards the cache);
- warm: one long-lived process that has already served a click; the time of the next;
- the pre-check the add-in runs once per Excel session (`selfeval.addin.precheck`).

Not measured (no Excel here): Excel's own COM round trips per read/write, cmd.exe and
process creation on Windows, antivirus scanning, the COM server's start-up.

    uv run python benchmarks/addin_click_bench.py [--runs 5] [--projects 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine (PolyForm Noncommercial)

from selfeval import writer  # noqa: E402
from selfeval.addin.precheck import PROBE_CODE  # noqa: E402
from support.excel_forms import sample_projects  # noqa: E402
from support.xlwings_payload import payload_from_xlsx  # noqa: E402

# The click as RunPython runs it (patched add-in: no workbook folder on sys.path), reading
# the workbook from a payload file instead of Excel.
CLICK = (
    "import sys, json, xlwings.utils; xlwings.utils.prepare_sys_path('false;;;;;;');"
    "import selfeval.excel as x; import xlwings as xw;"
    "book = xw.Book(json=json.load(open(sys.argv[1], encoding='utf-8')));"
    "sys.exit(0 if getattr(x, sys.argv[2])(book) is not None else 3)"  # None: the click failed
)
# The kept-alive process: one click per line on stdin, its duration on stdout.
SERVER = (
    "import sys, json, time, xlwings.utils; xlwings.utils.prepare_sys_path('false;;;;;;');"
    "import selfeval.excel as x; import xlwings as xw\n"
    "for line in sys.stdin:\n"
    "    path, entry = line.split()\n"
    "    t0 = time.perf_counter()\n"
    "    book = xw.Book(json=json.load(open(path, encoding='utf-8')))\n"
    "    if getattr(x, entry)(book) is None: sys.exit(3)\n"
    "    print(time.perf_counter() - t0, flush=True)\n"
)


def cold(payload: Path, entry: str, runs: int, pyc: bool) -> list[float]:
    times = []
    for _ in range(runs):
        flags = ["-B", "-I"]
        with tempfile.TemporaryDirectory() as empty:
            if not pyc:  # a private, empty bytecode cache: every module is compiled again
                flags += ["-X", f"pycache_prefix={empty}"]
            t0 = time.perf_counter()
            subprocess.run([sys.executable, *flags, "-c", CLICK, str(payload), entry], check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return times


def warm(payload: Path, entry: str, runs: int) -> list[float]:
    server = subprocess.Popen(
        [sys.executable, "-B", "-I", "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        times = []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            server.stdin.write(f"{payload} {entry}\n")
            server.stdin.flush()
            if not server.stdout.readline():
                raise RuntimeError(f"the kept-alive process failed on {entry}")
            if i:  # the first request pays the imports: that is the cold case
                times.append(time.perf_counter() - t0)
        return times
    finally:
        server.stdin.close()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--projects", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for count, entry, label in (
            (1, "validate_active", "校验本表, 1 sheet"),
            (args.projects, "validate_all", f"校验全部, {args.projects} sheets"),
        ):
            book = writer.write_workbook(sample_projects(count), Path(tmp) / f"bench{count}.xlsx")
            payload = Path(tmp) / f"payload{count}.json"
            payload.write_text(json.dumps(payload_from_xlsx(book)), encoding="utf-8")  # active: the first project
            cases.append((label, payload, entry))
        subprocess.run(
            [sys.executable, "-c", CLICK, str(cases[0][1]), cases[0][2]], check=True, capture_output=True
        )  # fill the regular bytecode cache once
        print(f"{'click':<22} {'cold, .pyc':>12} {'cold, no .pyc':>14} {'warm':>10}   (median of {args.runs}, seconds)")
        for label, payload, entry in cases:
            with_pyc = statistics.median(cold(payload, entry, args.runs, pyc=True))
            without = statistics.median(cold(payload, entry, args.runs, pyc=False))
            kept = statistics.median(warm(payload, entry, args.runs))
            print(f"{label:<22} {with_pyc:>12.2f} {without:>14.2f} {kept:>10.3f}")
        probes = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-B", "-I", "-c", PROBE_CODE, str(Path(tmp) / "verdict.txt"), "", ""],
                capture_output=True,
            )
            probes.append(time.perf_counter() - t0)
        print(f"pre-check (once per Excel session, before the first click): {statistics.median(probes):.2f} s")


if __name__ == "__main__":
    main()
