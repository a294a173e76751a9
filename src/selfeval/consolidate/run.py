"""`selfeval consolidate`: read many workbooks in parallel and write the bureau summary.

Files are hashed first (duplicates are listed, not read twice), then read by a process
pool in chunks; each worker returns compact rows (`rows.read_rows`), so the parent never
holds the raw grids. Exit 0 when every input was read, 1 when some could not be (the
summary still lists them), 2 for usage errors or no inputs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from typing import TYPE_CHECKING

from .rows import DUPLICATE, SKIPPED, UNREADABLE, FileEntry, FileRows, file_digest, read_rows

if TYPE_CHECKING:
    from .frames import Frames
    from .summary import Summary

# pandas, pandera and openpyxl load after the workers have started (see `_warm_up`), so the
# parent's start-up overlaps the reading and the forked workers stay small.

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE = 0, 1, 2
CSV_NAMES = {"projects": "项目.csv", "indicators": "指标.csv", "findings": "问题.csv"}
_SUMMARY_SHEETS = {"汇总", "文件清单"}  # an existing output with these sheets may be replaced


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _out(text: str) -> None:
    print(text, flush=True)


def run_consolidate(paths: list[Path], output: Path, *, jobs: int | None = None,
                    csv_dir: Path | None = None, timings: dict[str, float] | None = None) -> int:
    """The `selfeval consolidate` command; returns the exit code.

    `timings`, when given, receives the seconds of each phase (for the benchmark).
    """
    from ..sources import expand_paths

    clock = _Clock(timings)

    problem = _check_output(output) or _check_jobs(jobs)
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
    from .frames import frames_from_rows
    from .schemas import SchemaViolation, check_frames
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
    try:
        write_summary(summary, output)
        clock.lap("xlsx")
        written = write_csv(frames, csv_dir) if csv_dir is not None else []
        clock.lap("csv")
    except OSError as exc:
        _err(f"错误：无法写入 {exc.filename or output}：{exc.strerror or exc}")
        return EXIT_USAGE
    for path in written:
        _out(f"已写出 CSV：{path}")
    _report(summary, [r.entry for r in results], output)
    return EXIT_UNREADABLE if summary.unreadable else EXIT_OK


class _Clock:
    """Seconds per phase into an optional dict."""

    def __init__(self, sink: dict[str, float] | None) -> None:
        self.sink, self.last = sink, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.sink is not None:
            self.sink[name] = now - self.last
        self.last = now


def consolidate_files(files: Sequence[Path], *, jobs: int | None = None,
                      progress: bool = False) -> list[FileRows]:
    """Rows of every file, in input order; duplicates and unopenable files become entries only."""
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
            reason = f"与 {first_by_digest[digest]} 内容完全相同，未重复计入"
            results[index] = FileRows(FileEntry(label, DUPLICATE, reason, digest=digest))
            continue
        first_by_digest[digest] = label
        todo.append((index, label, digest))
    for (index, _label, _digest), rows in zip(todo, _read_all(todo, jobs, progress)):
        results[index] = rows
    return [r for r in results if r is not None]


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

    with ProcessPoolExecutor(max_workers=workers) as pool:
        # map submits every chunk now, before a progress thread starts (workers are forked)
        stream = pool.map(read_rows, labels, digests, chunksize=chunk)
        _warm_up()
        yield from _with_progress(stream, len(todo), progress)


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


def write_csv(frames: "Frames", directory: Path) -> list[Path]:
    """The three frames as UTF-8 with BOM CSV files (Excel in China opens them right)."""
    from .frames import LABELS

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for attribute, name in CSV_NAMES.items():
        path = directory / name
        temp = path.with_name(f".{name}.tmp")
        getattr(frames, attribute).rename(columns=LABELS).to_csv(temp, index=False, encoding="utf-8-sig")
        os.replace(temp, path)
        written.append(path)
    return written


def _check_output(output: Path) -> str | None:
    if output.suffix.lower() != ".xlsx":
        return f"错误：输出文件 {output} 应以 .xlsx 结尾。"
    if not output.parent.is_dir():
        return f"错误：输出文件夹 {output.parent} 不存在。"
    if output.is_dir():
        return f"错误：{output} 是一个文件夹，请给出输出文件名。"
    if output.exists() and not _is_summary(output):
        return f"错误：{output} 已存在且不是 selfeval 生成的汇总表；为免覆盖他人文件，请换一个输出文件名。"
    return None


def _check_jobs(jobs: int | None) -> str | None:
    if jobs is not None and jobs < 1:
        return "错误：--jobs 至少为 1。"
    return None


def _is_summary(path: Path) -> bool:
    """Whether an existing file is a summary written by this command (so it may be replaced)."""
    try:
        from python_calamine import CalamineWorkbook

        return _SUMMARY_SHEETS <= set(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception:  # noqa: BLE001 - unreadable means: not ours, do not touch
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return path.absolute()


def _report(summary: "Summary", entries: Sequence[FileEntry], output: Path) -> None:
    skipped = sum(entry.status == SKIPPED for entry in entries)
    read = summary.files - summary.unreadable - summary.duplicates - skipped
    _out(f"已汇总 {summary.files} 个文件：读取 {read} 个，共 {summary.projects} 个项目；"
         f"无法读取 {summary.unreadable} 个；重复 {summary.duplicates} 个" + (f"；跳过 {skipped} 个" if skipped else "") + "。")
    for entry in entries:
        if entry.status == UNREADABLE:
            _err(f"无法读取：{entry.path}：{entry.reason}")
        elif entry.status == DUPLICATE:
            _err(f"重复文件：{entry.path}：{entry.reason}")
        elif entry.status == SKIPPED:
            _err(f"已跳过：{entry.path}：{entry.reason}")
    _out(f"汇总表已写入：{output}")


__all__ = ["run_consolidate", "consolidate_files", "write_csv"]
