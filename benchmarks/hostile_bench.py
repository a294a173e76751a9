"""Benchmark: peak memory and time of reading each hostile file (issue 11), one process per file.

Builds the hostile corpus (tests/hostile/make_corpus.py), then reads the files named below with
`sources.read_source`, each in a fresh process, and prints the peak resident memory (from wait4,
measured by a small launcher so the parent's pages do not count) and the wall time. `--src`
runs another source tree (e.g. an older commit: `git archive <commit> src | tar -x -C /tmp/old`)
to compare; a process killed by a signal (calamine aborting) is reported as such.

    uv run python benchmarks/hostile_bench.py [--src /tmp/old/src] [--corpus /tmp/hostile]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = (
    "远处单元格.xlsx",
    "远处单元格无引用.xlsx",
    "超长引用.xlsx",
    "稀疏大表.xlsx",
    "压缩炸弹.xlsx",
    "谎报大小.xlsx",
    "远处单元格.xls",
    "谎报范围.xls",
    "重复单元格.ods",
    "远处单元格.xlsb",
    "正常.xlsx",
)
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-c", sys.argv[2], *sys.argv[3:]])
_, status, usage = os.wait4(pid, 0)
signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
print(usage.ru_maxrss, signal)
"""
READ = """
import sys
sys.path.insert(0, sys.argv[1])
from selfeval.sources import read_source
result = read_source(sys.argv[2])
print(result.status, len(result.projects), len(result.findings), file=sys.stderr)
"""


def measure(src: Path, path: Path) -> tuple[int, int, float]:
    """(peak KB, terminating signal or 0, seconds) of reading `path` with the tree at `src`."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, "", READ, str(src), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    peak, signal = (int(v) for v in done.stdout.split())
    return peak, signal, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree to run (default: this one)")
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (default: build one)")
    args = parser.parse_args()
    corpus = args.corpus
    if corpus is None or not corpus.exists():
        sys.path.insert(0, str(ROOT / "tests" / "hostile"))
        from make_corpus import build

        corpus = corpus or Path(tempfile.mkdtemp(prefix="hostile-")) / "corpus"
        build(corpus)
    print(f"source tree {args.src}; corpus {corpus}; {os.cpu_count()} CPUs")
    print(f"{'file':<24}{'peak MB':>10}{'seconds':>10}  outcome")
    for name in FILES:
        peak, signal, seconds = measure(args.src, corpus / name)
        outcome = f"killed by signal {signal}" if signal else "report"
        print(f"{name:<24}{peak / 1024:>10.0f}{seconds:>10.2f}  {outcome}")


if __name__ == "__main__":
    main()
