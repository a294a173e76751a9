"""Run the selfeval CLI under a pseudo-terminal, as a clerk's console would (Linux)."""

from __future__ import annotations

import os
import pty
import sys


def run_in_terminal(argv: list[str]) -> tuple[int, str]:
    """Exit code and everything `selfeval argv…` wrote to its terminal (stdout and stderr)."""
    code = f"import sys; from selfeval.cli import main; sys.exit(main({argv!r}))"
    pid, fd = pty.fork()
    if pid == 0:  # child: stdin, stdout and stderr are the terminal
        os.execv(sys.executable, [sys.executable, "-c", code])
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")
