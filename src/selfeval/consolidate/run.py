"""`selfeval consolidate`: read many workbooks in parallel and write the bureau summary.

Files are hashed first (duplicates are listed, not read twice), then read by a process
pool in chunks; each worker returns compact rows (`rows.read_rows`), so the parent never
holds the raw grids. The summary and its CSV files are written to temporaries and renamed
together (`outputs.OutputSet`); under `interruptible()` SIGINT/SIGTERM stop the workers and
remove the temporaries, so the previous outputs or the complete new ones remain, never a mix.

`plan_consolidation` checks the paths, `consolidate` reads and writes and returns a
`Consolidation`; both raise `SelfevalError` kinds, and `cli` prints and picks the exit code.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError, PartlyPublished, ReadersFailed, UnusablePaths, UsageError
from ..inert import XML_ILLEGAL, csv_texts
from ..outputs import OutputSet, name_problem, reason, remove_leftover_temps, signals_held
from ..vocabulary import SUMMARY_WORKBOOK_SHEETS
from .rows import DUPLICATE, FileEntry, FileRows, file_digest, read_rows

if TYPE_CHECKING:
    from .frames import Frames
    from .summary import Summary

# pandas, pandera and openpyxl load after the workers have started (see `_warm_up`), so the
# parent's start-up overlaps the reading and the forked workers stay small.

_WORKER_STOP_SECONDS = 5.0
CSV_NAMES = {"projects": "项目.csv", "indicators": "指标.csv", "findings": "问题.csv"}

# Wraps the stream of read files (and how many there are) to show progress; yields them all.
ReadProgress = Callable[[Iterator[FileRows], int], Iterator[FileRows]]


@dataclass(frozen=True)
class ConsolidationPlan:
    """Checked paths of one consolidation: the files to read and where to write."""

    files: tuple[Path, ...]
    output: Path
    csv_dir: Path | None = None
    jobs: int | None = None
    output_was_input: bool = False  # an earlier summary at `output` was given as input: left out


@dataclass(frozen=True)
class Consolidation:
    """What `consolidate` read and wrote."""

    output: Path
    summary: Summary
    entries: tuple[FileEntry, ...]  # every input file, as read, unreadable, duplicate or skipped
    csv_files: tuple[Path, ...]
    cleaned_cells: int  # text cells whose control characters were removed when written
    frames: Frames


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived while consolidating.

    A KeyboardInterrupt, so the readers' guards (one broken file must not stop a batch, even a
    BaseException from a Rust panic) let it through instead of turning it into a finding.
    `published`: the signal was held back until every output had been renamed into place.
    """

    def __init__(self, signum: int, *, published: bool = False) -> None:
        super().__init__(signum)
        self.signum = signum
        self.published = published


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` in the main thread; leftover temporaries go."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    names = [getattr(signal, n) for n in ("SIGINT", "SIGTERM") if hasattr(signal, n)]
    previous = {signum: signal.signal(signum, stop) for signum in names}
    try:
        yield
    except Interrupted:
        remove_leftover_temps()
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _worker_start() -> None:
    """In a reading worker: Ctrl+C is the parent's business; SIGTERM ends the worker at once."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held signals back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT, signal.SIGTERM])


def plan_consolidation(
    paths: Sequence[Path],
    output: Path,
    *,
    jobs: int | None = None,
    csv_dir: Path | None = None,
    feedback_dir: Path | None = None,
) -> ConsolidationPlan:
    """Check the options and find the files to read (folders are expanded).

    Raises:
        UsageError: an output, --csv, --feedback or --jobs that cannot be used.
        UnusablePaths: inputs that do not exist.
    """
    from ..sources import expand_paths

    _check_feedback_dir(feedback_dir)
    _check_output(output)
    _check_csv_dir(csv_dir)
    _check_jobs(jobs)
    files, missing = expand_paths(list(paths))
    if missing:
        raise UnusablePaths(*missing)
    target = _resolved(output)
    # only a summary of an earlier run can be both (_check_output refuses any other file)
    output_was_input = any(_resolved(f) == target for f in files)
    files = [f for f in files if _resolved(f) != target]
    if feedback_dir is not None:  # feedback workbooks of an earlier run are no input
        feedback = _resolved(feedback_dir)
        files = [f for f in files if feedback not in _resolved(f).parents]
    return ConsolidationPlan(tuple(files), output, csv_dir, jobs, output_was_input)


def consolidate(
    plan: ConsolidationPlan, *, progress: ReadProgress | None = None, timings: dict[str, float] | None = None
) -> Consolidation:
    """Read the plan's files and write the summary (and the CSV files) together.

    Args:
        plan: from `plan_consolidation`.
        progress: shows the reading's progress (the command line's bar on a terminal).
        timings: receives the seconds of each phase (for the benchmark).

    Returns:
        The summary as data, every file's entry and the paths written.

    Raises:
        UsageError: no workbook to read.
        ReadersFailed: a reading process ended unexpectedly.
        SchemaViolation: a frame broke its schema (a bug: nothing is written).
        OutputError: the outputs could not be written (the previous ones remain).
        Interrupted: SIGINT/SIGTERM under `interruptible()`.
    """
    if not plan.files:
        raise UsageError("没有找到可汇总的工作簿（.xlsx、.xlsm）。")
    clock = _Clock(timings)
    try:
        results = consolidate_files(plan.files, jobs=plan.jobs, progress=progress)
        clock.lap("read")
    except BrokenProcessPool:
        raise ReadersFailed(
            "读取工作簿的子进程意外退出（常见原因是内存不足）；请用较小的 --jobs（如 --jobs 1）重试。"
        ) from None
    from .frames import frames_from_rows
    from .schemas import check_frames
    from .summary import summary_from_frames

    frames = frames_from_rows(results)
    clock.lap("frames")
    check_frames(frames)
    clock.lap("schemas")
    entries = tuple(r.entry for r in results)
    summary = summary_from_frames(frames, list(entries))
    clock.lap("summary")
    cleaned = _illegal_cells(frames)
    csv_files = _write_outputs(summary, frames, plan, clock)
    return Consolidation(plan.output, summary, entries, csv_files, cleaned, frames)


def _write_outputs(summary: Summary, frames: Frames, plan: ConsolidationPlan, clock: _Clock) -> tuple[Path, ...]:
    """The summary and the CSV files, renamed into place together; the CSV paths."""
    from .xlsx import write_summary

    written: list[Path] = []
    target = plan.output
    try:
        with OutputSet() as outputs:
            write_summary(summary, outputs.temp_for(plan.output))
            clock.lap("xlsx")
            if plan.csv_dir is not None:
                target = plan.csv_dir
                plan.csv_dir.mkdir(parents=True, exist_ok=True)
                for name, temp in zip(CSV_NAMES.values(), _csv_temps(outputs, plan.csv_dir), strict=False):
                    target = plan.csv_dir / name
                    _write_csv_file(frames, name, temp)
                clock.lap("csv")
            outputs.publish(written)
    except PartlyPublished as exc:
        raise OutputError(_partly_published(exc, plan.output)) from exc
    except OSError as exc:
        raise OutputError(
            f"无法写入 {target}：{reason(exc)}。没有写出任何文件，原有的汇总表和 CSV 文件保持不变。"
        ) from exc
    except Interrupted as exc:  # held back until the renames were done: all of them were
        raise Interrupted(exc.signum, published=bool(written)) from None
    return tuple(written[1:])


def write_feedback_files(frames: Frames, feedback_dir: Path) -> list[Path]:
    """One feedback workbook per 实施单位 into `feedback_dir`. Raises OutputError."""
    from .feedback import write_feedback

    try:
        return write_feedback(frames, feedback_dir)
    except OSError as exc:
        raise OutputError(f"无法写入反馈文件到 {feedback_dir}：{reason(exc)}。汇总表已写出。") from None


def _partly_published(exc: PartlyPublished, output: Path) -> str:
    done = "、".join(str(p) for p in exc.done)
    summary = f"汇总表已写入 {output}" if output in exc.done else "汇总表没有写出"
    return (
        f"无法写入 {exc.failed}：{reason(exc.cause)}。{summary}；已写出：{done or '无'}。"
        "其余 CSV 文件保持原样，请排除问题后重新运行。"
    )


class _Clock:
    """Seconds per phase into an optional dict."""

    def __init__(self, sink: dict[str, float] | None) -> None:
        self.sink, self.last = sink, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.sink is not None:
            self.sink[name] = now - self.last
        self.last = now


def consolidate_files(
    files: Sequence[Path], *, jobs: int | None = None, progress: ReadProgress | None = None
) -> list[FileRows]:
    """Rows of every file, in input order; duplicates and unopenable files become entries only."""
    from ..duplicates import mark_rows

    results: list[FileRows | None] = [None] * len(files)
    first_by_digest: dict[str, str] = {}
    todo: list[tuple[int, str, str]] = []
    for index, path in enumerate(files):
        label = str(path)
        try:
            digest = file_digest(path)
        except OSError:  # no permission, a folder, a loop: the reader says why, in Chinese
            todo.append((index, label, ""))
            continue
        if digest in first_by_digest:
            why = f"与 {first_by_digest[digest]} 内容完全相同，未重复计入"
            results[index] = FileRows(FileEntry(label, DUPLICATE, why, digest=digest))
            continue
        first_by_digest[digest] = label
        todo.append((index, label, digest))
    with closing(_read_all(todo, jobs, progress)) as stream:  # closing stops the workers on an interrupt
        for (index, _label, _digest), rows in zip(todo, stream, strict=False):
            results[index] = rows
    read = [r for r in results if r is not None]
    mark_rows(read)
    return read


def _read_all(
    todo: list[tuple[int, str, str]], jobs: int | None, progress: ReadProgress | None
) -> Generator[FileRows, None, None]:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    labels = [label for _, label, _ in todo]
    digests = [digest for _, _, digest in todo]
    if workers == 1:
        stream: Iterator[FileRows] = map(read_rows, labels, digests)
        yield from _with_progress(stream, len(todo), progress)
        return
    chunk = max(1, min(32, len(todo) // (workers * 8)))
    from .. import validation  # noqa: F401 - loaded once here, inherited by forked workers

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start)
    try:
        # map submits every chunk now, before a progress thread starts (workers are forked).
        # Signals wait until the forks are done: a handler raising inside fork's hooks is lost.
        with signals_held():
            stream = pool.map(read_rows, labels, digests, chunksize=chunk)
        _warm_up()
        yield from _with_progress(stream, len(todo), progress)
    except BaseException:  # an interrupt, a dead worker, or the consumer closing early
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the workers now (queued work is dropped) and wait until they are gone."""
    _quiet_pool_thread(pool)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_WORKER_STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    # A worker ended while sending a result leaves the pool's manager thread blocked reading
    # the rest of it, and the interpreter waits for that thread at exit: the process would
    # never end. With every worker gone, closing our own copy of the write end turns that
    # read into end-of-file, which the manager thread handles as a broken pool.
    result_queue = getattr(pool, "_result_queue", None)
    if result_queue is not None:
        result_queue._writer.close()
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    # At exit, Python 3.11 wakes that thread through a pipe without the lock the thread holds
    # while closing it ("Exception ignored … Bad file descriptor" on the terminal): let it end now.
    if manager is not None:
        manager.join(_WORKER_STOP_SECONDS)


def _quiet_pool_thread(pool: ProcessPoolExecutor) -> None:
    """Keep the pool's manager thread from printing a traceback while the workers are stopped.

    On Python 3.11 that thread, seeing the workers end, sets BrokenProcessPool on every pending
    future, including those the interrupted `map` has just cancelled: an InvalidStateError
    (fixed in later versions) that would reach the user's terminal as "Traceback …".
    """
    thread = getattr(pool, "_executor_manager_thread", None)
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is thread and args.exc_type is InvalidStateError:
            return
        previous(args)

    threading.excepthook = hook


def _warm_up() -> None:
    """Import the summary's libraries while the workers read (the parent would only wait)."""
    from . import frames, schemas, summary, xlsx  # noqa: F401

    schemas.check_frames(frames.frames_from_rows([]))  # pandera registers its backends once


def _with_progress(stream: Iterator[FileRows], total: int, progress: ReadProgress | None) -> Iterator[FileRows]:
    return stream if progress is None else progress(stream, total)


def write_csv(frames: Frames, directory: Path) -> list[Path]:
    """The three frames as UTF-8 with BOM CSV files (Excel in China opens them right).

    Written to temporaries and renamed together; texts are inert (`inert.csv_field`).
    """
    directory.mkdir(parents=True, exist_ok=True)
    with OutputSet() as outputs:
        for name, temp in zip(CSV_NAMES.values(), _csv_temps(outputs, directory), strict=False):
            _write_csv_file(frames, name, temp)
        return outputs.publish()


def _csv_temps(outputs: OutputSet, directory: Path) -> list[Path]:
    return [outputs.temp_for(directory / name) for name in CSV_NAMES.values()]


def _write_csv_file(frames: Frames, name: str, path: Path) -> None:
    """One frame as CSV: Chinese headers, formula-like texts marked, control characters removed."""
    from .frames import FRAME_LABELS

    attribute = next(a for a, n in CSV_NAMES.items() if n == name)
    frame = getattr(frames, attribute)
    texts = [c for c in frame.columns if _is_text(frame[c])]
    safe = frame.assign(**{c: csv_texts(frame[c]) for c in texts})
    safe.rename(columns=FRAME_LABELS[attribute]).to_csv(path, index=False, encoding="utf-8-sig")


def _is_text(series: object) -> bool:
    """A text column (object or pandas' string dtype), as opposed to numbers."""
    import pandas as pd

    return not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _illegal_cells(frames: Frames) -> int:
    """How many text cells hold characters a workbook cannot (they are removed when written)."""
    count = 0
    for frame in (frames.projects, frames.indicators, frames.findings):
        for column in frame.columns:
            values = frame[column]
            if _is_text(values) and XML_ILLEGAL.search("\n".join(values.astype(str))):  # rare: count then
                count += int(values.astype(str).str.contains(XML_ILLEGAL.pattern, regex=True).sum())
    return count


def _check_feedback_dir(directory: Path | None) -> None:
    if directory is not None and directory.exists() and not directory.is_dir():
        raise UsageError(f"--feedback 应为文件夹，{directory} 是一个文件。")


def _check_output(output: Path) -> None:
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件 {output} 应以 .xlsx 结尾。")
    if not output.parent.is_dir():
        raise UsageError(f"输出文件夹 {output.parent} 不存在。")
    too_long = name_problem(output)
    if too_long:
        raise UsageError(f"输出文件 {output} 的{too_long}，请换一个短一些的文件名。")
    if output.is_dir():
        raise UsageError(f"{output} 是一个文件夹，请给出输出文件名。")
    if output.exists() and not _is_summary(output):
        raise UsageError(f"{output} 已存在且不是 selfeval 生成的汇总表；为免覆盖他人文件，请换一个输出文件名。")


def _check_csv_dir(directory: Path | None) -> None:
    if directory is None:
        return
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"无法写入 CSV 文件：{directory} 是一个文件，--csv 应给出文件夹。")
    for name in CSV_NAMES.values():
        if (directory / name).is_dir():
            raise UsageError(f"无法写入 {directory / name}：这是一个文件夹，不能写出同名的 CSV 文件。")


def _check_jobs(jobs: int | None) -> None:
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs 至少为 1。")


def _is_summary(path: Path) -> bool:
    """Whether an existing file is a summary written by this command (so it may be replaced)."""
    try:
        from python_calamine import CalamineWorkbook

        return set(CalamineWorkbook.from_path(str(path)).sheet_names) >= SUMMARY_WORKBOOK_SHEETS
    except Exception:
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return path.absolute()


__all__ = [
    "Consolidation",
    "ConsolidationPlan",
    "Interrupted",
    "consolidate",
    "consolidate_files",
    "interruptible",
    "plan_consolidation",
    "write_csv",
    "write_feedback_files",
]
