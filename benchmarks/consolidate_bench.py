"""Benchmark: `selfeval consolidate` over N department workbooks of 10 filled project sheets.

Reports, in one run (issue 5): (a) seconds for N workbooks, the whole command (hash, read in
parallel, validate, frames, schemas, summary .xlsx); (b) ratio to the naive way,
`pandas.read_excel(path, sheet_name=None, engine="openpyxl")` over the same files, one after
the other — measured on a sample and scaled linearly, as said in the output; (c) ratio to
only reading every sheet with python-calamine (the floor), with the same number of processes;
(d) peak memory of the command, parent + worker processes (sampled RSS from /proc), at N/4,
N/2 and N to show how it grows.

Workbooks are written once into a cache folder and reused: 20 by `selfeval.writer`, the
others as copies of those with another department name (a consistent rename in the XML).

    uv run python benchmarks/consolidate_bench.py [--n 1000] [--jobs 2] [--naive-sample 100]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # support.department_books: the test workbooks
PROJECTS_PER_BOOK = 10
CACHE_VERSION = "2"


# --- workbooks -------------------------------------------------------------------------


BASE_BOOKS = 20  # distinct workbooks written by selfeval.writer; the others are renamed copies


def _write_one(args: tuple[str, str, int]) -> str:
    from support.department_books import department_workbook

    path, department, seed = args
    department_workbook(Path(path), department, PROJECTS_PER_BOOK, seed=seed)
    return path


def _department(i: int) -> str:
    return f"部门{i:04d}"


def _renamed_copy(base: Path, base_department: str, target: Path, department: str) -> None:
    """A copy of `base` whose department (and so project and sheet names) is `department`.

    A consistent rename inside every XML part: the result is a valid, distinct workbook
    (different content hash) as if the department had filled it in itself.
    """
    old, new = base_department.encode(), department.encode()
    temp = target.with_suffix(".tmp")
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith((".xml", ".rels")):
                data = data.replace(old, new)
            copy.writestr(item, data)
    temp.replace(target)


def workbooks(cache: Path, n: int, jobs: int) -> list[Path]:
    """N department workbooks in `cache`, generated only where missing."""
    cache.mkdir(parents=True, exist_ok=True)
    marker = cache / f".version-{CACHE_VERSION}"
    if not marker.exists():
        for old in cache.glob("*.xlsx"):
            old.unlink()
        marker.touch()
    paths = [cache / f"{_department(i)}.xlsx" for i in range(1, n + 1)]
    started = time.perf_counter()
    bases = paths[:BASE_BOOKS]
    todo = [(str(p), _department(i), i) for i, p in enumerate(bases, start=1) if not p.exists()]
    if todo:
        print(f"writing {len(todo)} base workbooks into {cache} …", flush=True)
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write_one, todo))
    missing = [(i, p) for i, p in enumerate(paths, start=1) if not p.exists()]
    for i, path in missing:
        base = (i - 1) % BASE_BOOKS + 1
        _renamed_copy(paths[base - 1], _department(base), path, _department(i))
    if todo or missing:
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return paths


# --- memory ----------------------------------------------------------------------------


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                children = [int(c) for c in handle.read().split()]
        except OSError:
            children = []
        found.extend(children)
        stack.extend(children)
    return found


class PeakMemory:
    """Samples the RSS of this process and all its descendants every 20 ms (Linux /proc)."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = sum(_rss_kib(pid) for pid in [me, *_descendants(me)])
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(0.02)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --- measurements ----------------------------------------------------------------------


def measure_ours(paths: list[Path], jobs: int) -> dict:
    """Run the whole command in this (fresh) process; seconds and peak memory."""
    import contextlib
    import io

    phases: dict[str, float] = {}
    with PeakMemory() as memory:
        started = time.perf_counter()
        from selfeval.cli import EXIT_FINDINGS, EXIT_OK
        from selfeval.consolidate.run import consolidate, plan_consolidation

        phases["import"] = time.perf_counter() - started
        with (
            tempfile.TemporaryDirectory() as out_dir,
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            planned = time.perf_counter()
            plan = plan_consolidation(paths, Path(out_dir) / "汇总.xlsx", jobs=jobs)
            phases["start"] = time.perf_counter() - planned
            result = consolidate(plan, timings=phases)
            code = EXIT_FINDINGS if result.summary.unreadable else EXIT_OK
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mib": memory.peak_kib / 1024, "exit": code, "phases": phases}


def ours_in_subprocess(paths_file: Path, count: int, jobs: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--measure-ours", str(paths_file), "--count", str(count), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _calamine_read(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    cells = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
    book.close()
    return cells


def measure_calamine(paths: list[Path], jobs: int) -> tuple[float, float]:
    """(seconds with `jobs` processes, seconds in one process) to read every sheet."""
    names = [str(p) for p in paths]
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_calamine_read, names, chunksize=max(1, len(names) // (jobs * 8))))
    parallel = time.perf_counter() - started
    started = time.perf_counter()
    for name in names:
        _calamine_read(name)
    return parallel, time.perf_counter() - started


def measure_naive(paths: list[Path]) -> float:
    import pandas as pd

    started = time.perf_counter()
    for path in paths:
        pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="department workbooks (default 1000)")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--naive-sample", type=int, default=100, help="files read the naive way, then scaled")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "selfeval-consolidate-bench")
    parser.add_argument("--measure-ours", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure_ours:  # child mode: one clean process per measurement
        paths = [Path(p) for p in args.measure_ours.read_text(encoding="utf-8").splitlines()][: args.count]
        print(json.dumps(measure_ours(paths, args.jobs)))
        return

    started_all = time.perf_counter()
    paths = workbooks(args.cache, args.n, args.jobs)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.n} workbooks × {PROJECTS_PER_BOOK} projects, --jobs {args.jobs}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
        _calamine_read(str(paths[0]))  # warm the page cache a little for everyone alike
        scaling = {}
        for count in sorted({max(1, args.n // 4), max(1, args.n // 2), args.n}):
            scaling[count] = ours_in_subprocess(listing, count, args.jobs)
            print(
                f"  consolidate {count:5d} workbooks: {scaling[count]['seconds']:7.2f} s, "
                f"peak {scaling[count]['peak_mib']:7.1f} MiB (parent + workers), exit {scaling[count]['exit']}; "
                + ", ".join(f"{k} {v:.2f}" for k, v in scaling[count]["phases"].items() if v >= 0.005),
                flush=True,
            )
    ours = scaling[args.n]
    floor_parallel, floor_serial = measure_calamine(paths, args.jobs)
    print(
        f"  python-calamine only, every sheet: {floor_parallel:7.2f} s with {args.jobs} processes, "
        f"{floor_serial:7.2f} s in one",
        flush=True,
    )
    sample = paths[: min(args.naive_sample, len(paths))]
    naive_sample = measure_naive(sample)
    naive = naive_sample * len(paths) / len(sample)
    print(
        f"  pandas.read_excel(openpyxl): {naive_sample:7.2f} s for {len(sample)} files "
        f"→ {naive:7.1f} s for {len(paths)} (scaled linearly)",
        flush=True,
    )

    print()
    print(f"(a) consolidate {args.n} workbooks:   {ours['seconds']:.2f} s")
    print(f"(b) ratio to naive pandas/openpyxl: {ours['seconds'] / naive:.3f}   (target <= 0.1)")
    print(
        f"(c) ratio to python-calamine floor: {ours['seconds'] / floor_parallel:.2f}   (target <= 2.0; "
        f"{ours['seconds'] / floor_serial:.2f} against one-process reading)"
    )
    print(
        f"(d) peak memory:                    {ours['peak_mib']:.0f} MiB   (target < 1024); by N: "
        + ", ".join(f"{n}: {v['peak_mib']:.0f} MiB" for n, v in scaling.items())
    )
    print(
        f"benchmark wall time {time.perf_counter() - started_all:.0f} s; "
        f"load average now {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)"
    )


if __name__ == "__main__":
    main()
