"""`selfeval consolidate`: read many workbooks in parallel and write the bureau summary.

Files are hashed first (duplicates are listed, not read twice), then read by a process
pool in chunks; each worker returns compact rows (`rows.read_rows`), so the parent never
holds the raw grids. The summary and its CSV files are written to temporaries and renamed
together (`outputs.OutputSet`); SIGINT/SIGTERM stop the workers and remove the temporaries,
so the previous outputs or the complete new ones remain, never a mix.

Exit codes: 0 every input read; 1 some could not be (the summary still lists them); 2 usage
errors or no inputs; 3 the outputs could not be written; 130/143 interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PartlyPublished
from ..inert import XML_ILLEGAL, csv_texts, printable, printable_lines
from ..outputs import OutputSet, name_problem, reason, remove_leftover_temps, signals_held
from ..vocabulary import SUMMARY_WORKBOOK_SHEETS
from .rows import DUPLICATE, SKIPPED, UNREADABLE, FileEntry, FileRows, file_digest, read_rows

if TYPE_CHECKING:
    import pandas as pd

    from .frames import Frames
    from .summary import Summary

# pandas, pandera and openpyxl load after the workers have started (see `_warm_up`), so the
# parent's start-up overlaps the reading and the forked workers stay small.

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, EXIT_WRITE = 0, 1, 2, 3
EXIT_SIGNAL_BASE = 128  # + the signal number, as shells report it: 130 SIGINT, 143 SIGTERM
_WORKER_STOP_SECONDS = 5.0
CSV_NAMES = {"projects": "项目.csv", "indicators": "指标.csv", "findings": "问题.csv"}


def _err(text: str) -> None:
    print(printable_lines(text), file=sys.stderr, flush=True)


def _out(text: str) -> None:
    print(printable_lines(text), flush=True)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived while consolidating.

    A KeyboardInterrupt, so the readers' guards (one broken file must not stop a batch, even a
    BaseException from a Rust panic) let it through instead of turning it into a finding.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` in the main thread (cleanup runs as for an error)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    names = [getattr(signal, n) for n in ("SIGINT", "SIGTERM") if hasattr(signal, n)]
    previous = {signum: signal.signal(signum, stop) for signum in names}
    try:
        yield
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


def run_consolidate(
    paths: list[Path],
    output: Path,
    *,
    jobs: int | None = None,
    csv_dir: Path | None = None,
    feedback_dir: Path | None = None,
    timings: dict[str, float] | None = None,
) -> int:
    """The `selfeval consolidate` command; returns the exit code.

    `timings`, when given, receives the seconds of each phase (for the benchmark).
    """
    written: list[Path] = []
    try:
        with _interruptible():
            return _consolidate(
                paths, output, jobs=jobs, csv_dir=csv_dir, feedback_dir=feedback_dir, timings=timings, written=written
            )
    except Interrupted as exc:
        remove_leftover_temps()
        if written:  # the signal was held back until every output was renamed
            _err(f"已中断：汇总表 {output}" + ("及 CSV 文件" if csv_dir else "") + " 已完整写出。")
        else:
            _err("已中断：汇总未完成，没有写出任何文件，原有的汇总表和 CSV 文件保持不变。")
        return EXIT_SIGNAL_BASE + exc.signum


def _consolidate(
    paths: list[Path],
    output: Path,
    *,
    jobs: int | None,
    csv_dir: Path | None,
    feedback_dir: Path | None,
    timings: dict[str, float] | None,
    written: list[Path],
) -> int:
    from ..sources import expand_paths

    clock = _Clock(timings)

    problem = _check_output(output) or _check_csv_dir(csv_dir) or _check_jobs(jobs)
    if problem:
        _err(problem)
        return EXIT_USAGE
    files, missing = expand_paths(list(paths))
    for message in missing:
        _err(message)
    if missing:
        return EXIT_USAGE
    target = _resolved(output)
    if any(_resolved(f) == target for f in files):
        # only a summary of an earlier run gets here (_check_output refuses any other file)
        _err(f"提示：输出文件 {output} 是上次生成的汇总表，不作为输入，将被新的汇总表替换。")
        files = [f for f in files if _resolved(f) != target]
    if feedback_dir is not None:  # feedback workbooks of an earlier run are no input
        feedback = _resolved(feedback_dir)
        files = [f for f in files if feedback not in _resolved(f).parents]
    if not files:
        _err("错误：没有找到可汇总的工作簿（.xlsx、.xlsm）。")
        return EXIT_USAGE
    clock.lap("start")
    try:
        results = consolidate_files(files, jobs=jobs, progress=sys.stderr.isatty())
        clock.lap("read")
    except BrokenProcessPool:
        _err("错误：读取工作簿的子进程意外退出（常见原因是内存不足）；请用较小的 --jobs（如 --jobs 1）重试。")
        return EXIT_UNREADABLE
    from ..errors import SchemaViolation
    from .frames import frames_from_rows
    from .schemas import check_frames
    from .summary import summary_from_frames
    from .xlsx import write_summary

    try:
        frames = frames_from_rows(results)
        clock.lap("frames")
        check_frames(frames)
        clock.lap("schemas")
    except SchemaViolation as exc:
        _err(str(exc))
        return EXIT_UNREADABLE
    summary = summary_from_frames(frames, [r.entry for r in results])
    clock.lap("summary")
    cleaned = _illegal_cells(frames)
    with OutputSet() as outputs:
        target = output
        try:
            write_summary(summary, outputs.temp_for(output))
            clock.lap("xlsx")
            if csv_dir is not None:
                target = csv_dir
                csv_dir.mkdir(parents=True, exist_ok=True)
                for name, temp in zip(CSV_NAMES.values(), _csv_temps(outputs, csv_dir), strict=False):
                    target = csv_dir / name
                    _write_csv_file(frames, name, temp)
                clock.lap("csv")
            outputs.publish(written)
        except PartlyPublished as exc:
            _err(_partly_published(exc, output))
            return EXIT_WRITE
        except OSError as exc:
            _err(f"错误：无法写入 {target}：{reason(exc)}。没有写出任何文件，原有的汇总表和 CSV 文件保持不变。")
            return EXIT_WRITE
    for path in written[1:]:
        _out(f"已写出 CSV：{path}")
    if cleaned:
        _out(f"提示：{cleaned} 个单元格含有控制字符（如 ESC、BEL），写入汇总表和 CSV 时已删除这些字符。")
    _report(summary, [r.entry for r in results], output)
    if feedback_dir is not None:
        from .feedback import write_feedback

        try:
            returned = write_feedback(frames, feedback_dir)
        except OSError as exc:
            _err(f"错误：无法写入反馈文件到 {feedback_dir}：{reason(exc)}。汇总表已写出。")
            return EXIT_WRITE
        _out(f"已按实施单位写出 {len(returned)} 个问题反馈工作簿到 {feedback_dir}：")
        for path in returned:
            _out(f"  {path.name}")
    return EXIT_UNREADABLE if summary.unreadable else EXIT_OK


def _partly_published(exc: PartlyPublished, output: Path) -> str:
    done = "、".join(str(p) for p in exc.done)
    summary = f"汇总表已写入 {output}" if output in exc.done else "汇总表没有写出"
    return (
        f"错误：无法写入 {exc.failed}：{reason(exc.cause)}。{summary}；已写出：{done or '无'}。"
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


def consolidate_files(files: Sequence[Path], *, jobs: int | None = None, progress: bool = False) -> list[FileRows]:
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


def _read_all(todo: list[tuple[int, str, str]], jobs: int | None, progress: bool) -> Iterator[FileRows]:
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
    pool.shutdown(wait=False, cancel_futures=True)


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


def _with_progress(stream: Iterator[FileRows], total: int, enabled: bool) -> Iterator[FileRows]:
    if not enabled or total < 2:
        yield from stream
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("读取工作簿"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("read", total=total)
        for item in stream:
            bar.advance(task)
            yield item


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


def _is_text(series: pd.Series) -> bool:
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


def _check_output(output: Path) -> str | None:
    if output.suffix.lower() != ".xlsx":
        return f"错误：输出文件 {output} 应以 .xlsx 结尾。"
    if not output.parent.is_dir():
        return f"错误：输出文件夹 {output.parent} 不存在。"
    too_long = name_problem(output)
    if too_long:
        return f"错误：输出文件 {output} 的{too_long}，请换一个短一些的文件名。"
    if output.is_dir():
        return f"错误：{output} 是一个文件夹，请给出输出文件名。"
    if output.exists() and not _is_summary(output):
        return f"错误：{output} 已存在且不是 selfeval 生成的汇总表；为免覆盖他人文件，请换一个输出文件名。"
    return None


def _check_csv_dir(directory: Path | None) -> str | None:
    if directory is None:
        return None
    if directory.exists() and not directory.is_dir():
        return f"错误：无法写入 CSV 文件：{directory} 是一个文件，--csv 应给出文件夹。"
    for name in CSV_NAMES.values():
        if (directory / name).is_dir():
            return f"错误：无法写入 {directory / name}：这是一个文件夹，不能写出同名的 CSV 文件。"
    return None


def _check_jobs(jobs: int | None) -> str | None:
    if jobs is not None and jobs < 1:
        return "错误：--jobs 至少为 1。"
    return None


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


def _report(summary: Summary, entries: Sequence[FileEntry], output: Path) -> None:
    skipped = sum(entry.status == SKIPPED for entry in entries)
    read = summary.files - summary.unreadable - summary.duplicates - skipped
    _out(
        f"已汇总 {summary.files} 个文件：读取 {read} 个，共 {summary.projects} 个项目；"
        f"无法读取 {summary.unreadable} 个；重复 {summary.duplicates} 个"
        + (f"；跳过 {skipped} 个" if skipped else "")
        + "。"
    )
    for entry in entries:  # one line each: a line break in a file name or reason is shown, not obeyed
        if entry.status == UNREADABLE:
            _err(f"无法读取：{printable(entry.path)}：{printable(entry.reason)}")
        elif entry.status == DUPLICATE:
            _err(f"重复文件：{printable(entry.path)}：{printable(entry.reason)}")
        elif entry.status == SKIPPED:
            _err(f"已跳过：{printable(entry.path)}：{printable(entry.reason)}")
    _out(f"汇总表已写入：{output}")


__all__ = ["consolidate_files", "run_consolidate", "write_csv"]
