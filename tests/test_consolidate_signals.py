"""SIGTERM and SIGINT to a real `selfeval consolidate` process, at several points of its run.

After each signal: the worker processes are gone, no temporary file is left, and the outputs
are the complete previous set (summary + three CSV files, byte-identical) or the complete new
set (every sheet, CSV rows matching the summary), never a mix. Linux only (reads /proc).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from support.department_books import department_workbook

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

CSV_NAMES = ("项目.csv", "指标.csv", "问题.csv")
SHEETS = ["汇总", "部门汇总", "问题清单", "文件清单", "图表"]
COPIES = 100  # distinct files (a zip comment changes the bytes), enough for a reading phase of seconds


def _children(pid: int) -> set[int]:
    """PIDs of all living descendants of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rfind(")") + 2] != "Z"


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has installed a handler for SIGTERM (SigCgt in /proc/<pid>/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(mask & (1 << (signal.SIGTERM - 1)))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, Path]:
    """(folder of COPIES workbooks, folder of the first two): the run and the 'previous' run."""
    root = tmp_path_factory.mktemp("signals")
    seeds = [department_workbook(root / f"seed{i}.xlsx", f"部门{i}", 10, seed=i) for i in range(4)]
    folder, small = root / "全部", root / "上次"
    folder.mkdir()
    small.mkdir()
    for i in range(COPIES):
        copy = folder / f"报表{i:03d}.xlsx"
        shutil.copy(seeds[i % len(seeds)], copy)
        with zipfile.ZipFile(copy, "a") as book:
            book.comment = f"copy {i}".encode()
    for path in sorted(folder.iterdir())[:2]:
        shutil.copy(path, small / path.name)
    return folder, small


def _command(inputs: Path, out: Path) -> list[str]:
    code = (
        "import sys; from selfeval.cli import main; "
        f"sys.exit(main(['consolidate', {str(inputs)!r}, '-o', {str(out / '汇总.xlsx')!r}, "
        f"'--csv', {str(out / 'csv')!r}, '--jobs', '2']))"
    )
    return [sys.executable, "-c", code]


@dataclass
class Outputs:
    summary: str
    csv: tuple[str, ...]


def _outputs(out: Path) -> Outputs:
    return Outputs(_digest(out / "汇总.xlsx"), tuple(_digest(out / "csv" / name) for name in CSV_NAMES))


@pytest.fixture(scope="module")
def previous(inputs: tuple[Path, Path], tmp_path_factory) -> tuple[Path, Outputs]:
    """A folder holding the outputs of an earlier, smaller run."""
    out = tmp_path_factory.mktemp("previous")
    subprocess.run(_command(inputs[1], out), check=True, capture_output=True)
    return out, _outputs(out)


@dataclass
class Phases:
    """Seconds from start: workers first seen, workers gone, process ended."""

    workers: float
    reading_done: float
    end: float


def _run(command: list[str], on_tick=None) -> tuple[subprocess.Popen, set[int], Phases]:
    """Start `command`; poll its workers every 10 ms; `on_tick(elapsed, workers first seen, workers gone, pid)`
    returns a signal to send (or None). Returns the process, every descendant seen, the phases."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    first = done = None
    sent = False
    while process.poll() is None:
        now = _children(process.pid)
        elapsed = time.monotonic() - start
        if now and first is None:
            first = elapsed
        if first is not None and not now and done is None:
            done = elapsed
        seen |= now
        if on_tick is not None and not sent:
            signum = on_tick(elapsed, first, done, process.pid)
            if signum is not None:
                process.send_signal(signum)
                sent = True
        time.sleep(0.01)
    end = time.monotonic() - start
    return process, seen, Phases(first or end, done or end, end)


def test_signals_leave_previous_or_complete_outputs_and_no_workers(inputs, previous, tmp_path: Path) -> None:
    folder, _ = inputs
    before, old = previous

    # A calibration run: when the workers read, when they are done, when the process ends.
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    process, seen, phases = _run(_command(folder, calibration))
    assert process.returncode == 0, process.stderr.read()
    assert len(seen) >= 2 and phases.reading_done - phases.workers > 0.5, phases  # real parallel reading
    new_rows = sum(1 for _ in csv.reader((calibration / "csv" / "项目.csv").open(encoding="utf-8-sig"))) - 1
    assert new_rows == COPIES * 10

    reading = phases.reading_done - phases.workers
    writing = phases.end - phases.reading_done
    points = [  # (name, signal, condition on (elapsed, workers first seen, workers gone))
        ("reading starts", signal.SIGTERM, lambda t, first, done: first is not None),
        ("mid reading", signal.SIGINT, lambda t, first, done: first is not None and t > first + reading * 0.4),
        ("late reading", signal.SIGTERM, lambda t, first, done: first is not None and t > first + reading * 0.8),
        ("reading done", signal.SIGINT, lambda t, first, done: done is not None),
        ("writing", signal.SIGTERM, lambda t, first, done: done is not None and t > done + writing * 0.3),
        ("late writing", signal.SIGINT, lambda t, first, done: done is not None and t > done + writing * 0.7),
    ]
    interrupted_while_reading = 0
    outcomes = []
    for name, signum, when in points:
        out = tmp_path / name.replace(" ", "-")
        shutil.copytree(before, out)

        def tick(t: float, first: float | None, done: float | None, pid: int, when=when, signum=signum):
            return signum if when(t, first, done) else None

        process, seen, _ = _run(_command(folder, out), tick)
        stderr = process.stderr.read()
        # 0: finished first; 128+n: interrupted; -n: the signal came as Python was exiting after
        # the run (KeyboardInterrupt outside main ends the process by the signal itself).
        assert process.returncode in (0, 128 + signum, -signum), (name, process.returncode, stderr)
        assert "Traceback" not in stderr, (name, stderr)
        time.sleep(0.2)
        assert not [pid for pid in seen if _alive(pid)], (name, "orphan workers")
        assert sorted(p.name for p in out.iterdir()) == ["csv", "汇总.xlsx"], name
        assert sorted(p.name for p in (out / "csv").iterdir()) == sorted(CSV_NAMES), name
        now = _outputs(out)
        if process.returncode in (0, -signum) or now.summary != old.summary:
            # the new set, complete
            book = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)
            assert book.sheetnames == SHEETS, name
            assert book["汇总"].max_row == COPIES * 10 + 5, name  # title, unit and date, header, projects, totals, note
            assert all(digest != before_digest for digest, before_digest in zip(now.csv, old.csv, strict=False)), name
            rows = sum(1 for _ in csv.reader((out / "csv" / "项目.csv").open(encoding="utf-8-sig"))) - 1
            assert rows == COPIES * 10, name
            outcomes.append((name, "new"))
        else:
            assert now == old, (name, "a mix of previous and new outputs")
            assert "没有写出任何文件" in stderr, (name, stderr)
            outcomes.append((name, "previous"))
        if process.returncode != 0 and seen and "reading" in name:
            interrupted_while_reading += 1
    assert interrupted_while_reading >= 2, outcomes
    assert "previous" in {o for _, o in outcomes}, outcomes


def test_sigterm_with_one_process_is_not_taken_for_a_broken_file(inputs, previous, tmp_path: Path) -> None:
    """--jobs 1 reads in the parent, where readers catch every Exception of a broken file."""
    folder, _ = inputs
    before, old = previous
    out = tmp_path / "one"
    shutil.copytree(before, out)
    command = [part.replace("'--jobs', '2'", "'--jobs', '1'") for part in _command(folder, out)]
    caught: list[float] = []

    def when_handled(t: float, first: float | None, done: float | None, pid: int):
        if not caught and _catches_sigterm(pid):
            caught.append(t)  # selfeval's handler is installed: consolidation has begun
        return signal.SIGTERM if caught and t > caught[0] + 0.3 else None

    process, _, _ = _run(command, when_handled)
    stderr = process.stderr.read()
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "没有写出任何文件" in stderr and "Traceback" not in stderr
    assert _outputs(out) == old
    assert sorted(p.name for p in out.iterdir()) == ["csv", "汇总.xlsx"]


HALF_SENT = """
import os, struct, sys, time
from concurrent.futures import ProcessPoolExecutor
from selfeval.consolidate.run import _stop_workers

POOL = None

def half_sent(_):
    # a worker ended in the middle of sending its result: a length header and three bytes
    os.write(POOL._result_queue._writer.fileno(), struct.pack("!i", 1000) + b"abc")
    time.sleep(60)

if __name__ == "__main__":
    POOL = ProcessPoolExecutor(max_workers=1)
    POOL.submit(half_sent, 0)
    time.sleep(1.0)
    _stop_workers(POOL)
    print("stopped", flush=True)
"""


def test_a_worker_stopped_mid_result_does_not_keep_the_process_alive(tmp_path: Path) -> None:
    """The interrupt path ends the process even when a worker died half-way through a result.

    The pool's manager thread is then blocked reading the rest of the message; without
    `_stop_workers` closing the write end the interpreter waits for it at exit, forever (the
    hang a SIGTERM during reading once caused).
    """
    script = tmp_path / "half_sent.py"
    script.write_text(HALF_SENT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stdout.strip() == "stopped", result.stderr
