"""Writing output files safely: short temporary names, all-or-nothing sets, Chinese OS errors.

A temporary file is created next to its target under a short name (`.se-XXXXXXXX.tmp`), so a
target name close to the file system's 255-byte limit still works; it is renamed over the
target when complete. `OutputSet` does this for several files at once (a summary and its
CSV files): all are written to temporaries first, then renamed together with SIGINT/SIGTERM
held back, so an interrupted run leaves the previous outputs or the new ones, never a mix.
"""

from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import PartlyPublished

TEMP_PREFIX = ".se-"
TEMP_SUFFIX = ".tmp"
NAME_MAX_BYTES = 255  # longest file name (not path) of common file systems

_REASONS: dict[int, str] = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在位置只读，不能写入",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENAMETOOLONG: f"文件名过长（最多 {NAME_MAX_BYTES} 字节）",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已存在",
    errno.EBUSY: "文件正被占用",
    errno.EINVAL: "此位置不能写入这种文件",
    errno.EXDEV: "不能跨磁盘移动临时文件",
}
_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)


def reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese, without OS text or temporary file names."""
    if exc.errno == errno.ENOENT and exc.filename and Path(os.fsdecode(exc.filename)).parent.is_dir():
        return "此位置不能创建文件"  # e.g. /proc: the folder exists but takes no new files
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"系统错误（代码 {exc.errno}）" if exc.errno else "系统错误"


def name_problem(path: Path) -> str | None:
    """A Chinese reason when `path`'s file name is too long to be created, else None."""
    size = len(os.fsencode(path.name))
    if size > NAME_MAX_BYTES:
        return f"文件名过长（{size} 字节，最多 {NAME_MAX_BYTES} 字节）"
    return None


_LIVE_TEMPS: set[Path] = set()  # temporaries this process made and has not renamed yet


def temp_beside(path: Path) -> Path:
    """A new empty temporary file in `path`'s folder, with a short name."""
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=Path(path).parent)
    os.close(handle)
    _LIVE_TEMPS.add(Path(name))
    return Path(name)


def publish(temp: Path, path: Path) -> None:
    """Rename a finished temporary file over `path`, with the permissions a new file gets."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)
    os.replace(temp, path)
    _LIVE_TEMPS.discard(temp)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """The one atomic writer: a temporary file beside `path` to write into, renamed over `path`
    when the block ends normally and removed when it raises; readers never see half a file.

        with atomic_path(target) as temp:
            workbook.save(temp)
    """
    with signals_held():  # a short name: `path` may be near the 255-byte limit
        temp = temp_beside(path)
    try:
        yield temp
        publish(temp, path)
    finally:
        temp.unlink(missing_ok=True)
        _LIVE_TEMPS.discard(temp)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through `atomic_path`."""
    with atomic_path(path) as temp:
        temp.write_bytes(data)


def remove_leftover_temps() -> None:
    """Remove every temporary this process made and never renamed (the last word of an
    interrupted run: whatever path an interrupt took through the writers, none stays)."""
    with signals_held():
        for temp in list(_LIVE_TEMPS):
            with suppress(OSError):
                temp.unlink(missing_ok=True)
        _LIVE_TEMPS.clear()


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM (delivered on exit) where the platform allows it."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class OutputSet:
    """Files written to temporaries, then renamed together; unpublished temporaries are removed.

    with OutputSet() as outputs:
        write(outputs.temp_for(summary_path)); write(outputs.temp_for(csv_path))
        outputs.publish()
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def temp_for(self, path: Path) -> Path:
        with signals_held():  # an interrupt between creating and recording would leak the file
            temp = temp_beside(path)
            self.pending.append((temp, Path(path)))
        return temp

    def publish(self, done: list[Path] | None = None) -> list[Path]:
        """Rename every temporary over its target, in order, with signals held back.

        `done` (returned) receives each renamed target at once, so a caller still knows what
        was published when a held-back signal is raised as the renaming ends.
        """
        done = [] if done is None else done
        with signals_held():
            while self.pending:
                temp, path = self.pending[0]
                try:
                    publish(temp, path)
                except OSError as exc:
                    raise PartlyPublished(done, path, exc) from exc
                self.pending.pop(0)
                done.append(path)
        return done

    def discard(self) -> None:
        for temp, _ in self.pending:
            with suppress(OSError):
                temp.unlink(missing_ok=True)
        self.pending.clear()

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, *exc: object) -> None:
        with signals_held():
            self.discard()
