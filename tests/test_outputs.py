"""`selfeval.outputs`: short temporary names, all-or-nothing sets, Chinese OS errors."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest

from selfeval import outputs
from selfeval.errors import PartlyPublished
from selfeval.outputs import NAME_MAX_BYTES, OutputSet, name_problem, reason, temp_beside


class Stop(Exception):
    pass


@pytest.fixture
def raising_sigterm():
    def stop(signum, frame):
        raise Stop(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_temporary_names_are_short_even_for_a_name_at_the_limit(tmp_path: Path) -> None:
    target = tmp_path / ("汇" * 80 + "a.xlsx")  # 246 bytes: a temp named after it would pass 255
    assert len(os.fsencode(target.name)) <= NAME_MAX_BYTES
    temp = temp_beside(target)
    try:
        assert temp.parent == tmp_path and len(temp.name) < 20
    finally:
        temp.unlink()
    assert name_problem(target) is None
    assert "文件名过长" in name_problem(tmp_path / ("汇" * 90 + ".xlsx"))


def test_a_set_is_published_whole_although_a_signal_arrives_in_the_middle(
    tmp_path: Path, monkeypatch, raising_sigterm
) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.csv"
    a.write_text("old a")
    b.write_text("old b")
    real = outputs.publish
    calls = []

    def publish_then_signal(temp: Path, path: Path) -> None:
        real(temp, path)
        calls.append(path)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # held back until both are renamed

    monkeypatch.setattr(outputs, "publish", publish_then_signal)
    done: list[Path] = []
    with pytest.raises(Stop), OutputSet() as files:
        files.temp_for(a).write_text("new a")
        files.temp_for(b).write_text("new b")
        files.publish(done)
    assert done == [a, b] and a.read_text() == "new a" and b.read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.csv"]


def test_an_interrupted_set_leaves_the_previous_files_and_no_temporary(tmp_path: Path, raising_sigterm) -> None:
    a = tmp_path / "a.xlsx"
    a.write_text("old a")
    with pytest.raises(Stop), OutputSet() as files:
        files.temp_for(a).write_text("half")
        os.kill(os.getpid(), signal.SIGTERM)
    assert a.read_text() == "old a" and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_a_rename_failing_midway_says_what_was_published(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.csv"
    with OutputSet() as files:
        files.temp_for(a).write_text("new a")
        files.temp_for(b).write_text("new b")
        b.mkdir()  # a folder in the way of the second file
        with pytest.raises(PartlyPublished) as caught:
            files.publish()
    assert caught.value.done == [a] and caught.value.failed == b
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.csv"]  # no temporary left


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "没有权限"),
        (errno.EROFS, "只读"),
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.ENAMETOOLONG, "文件名过长"),
        (errno.ELOOP, "系统错误（代码"),
    ],
)
def test_reasons_are_chinese_without_os_text(code: int, words: str) -> None:
    text = reason(OSError(code, os.strerror(code), "/tmp/.se-abc.tmp"))
    assert words in text
    assert os.strerror(code) not in text and ".se-" not in text
