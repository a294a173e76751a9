"""Every error selfeval raises on purpose; `str(error)` is the Chinese text a user reads.

Only the command line (`cli`) and the HTTP layer (`server.app`) turn these into exit codes or
status codes; everything below them raises.
"""

from __future__ import annotations

from pathlib import Path


class SelfevalError(Exception):
    """Base of selfeval's errors: the message is Chinese and says what to do."""


class UsageError(SelfevalError):
    """A problem with the command line or its paths (exit 2)."""


class UnusablePaths(UsageError):
    """Inputs that do not exist or an output that must not be written (exit 2).

    `lines` are shown one per line as they are, without the 错误： other usage errors get.
    """

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class SourceError(SelfevalError):
    """A file, one of its parts or one of its sheets cannot be read: a reason and where."""

    def __init__(self, reason: str, sheet: str | None = None, cell: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sheet = sheet
        self.cell = cell


class FormError(SourceError):
    """A sheet that looks like a form but cannot be read (X03)."""


class SkippedSource(SelfevalError):
    """A file that is no form by design (selfeval's own summary): reported as skipped."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


class NoFormsRead(SelfevalError):
    """No input held a form that could be read: there is nothing to write (exit 1)."""


class ReadersFailed(SelfevalError):
    """The processes reading the workbooks ended unexpectedly (exit 1)."""


class SchemaViolation(SelfevalError):
    """A consolidated frame broke its schema; the message names column and rows."""


class OutputError(SelfevalError):
    """An output file could not be written; nothing half-written is left behind."""


class PartlyPublished(OutputError, OSError):
    """Some outputs of a set were renamed into place before one failed."""

    def __init__(self, done: list[Path], failed: Path, cause: OSError) -> None:
        OSError.__init__(self, cause.errno, cause.strerror)
        self.done, self.failed, self.cause = done, failed, cause


class AddinError(SelfevalError):
    """Building, installing or removing the add-in failed."""


class ConfigError(SelfevalError):
    """The server configuration cannot be used: the message says what to fix."""


class PayloadError(SelfevalError):
    """A request the server refuses: a 4xx `status` and a message for the clerk."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return self.message
