"""Run headless LibreOffice conversions in tests (the real spreadsheet application)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (Debian package libreoffice-calc) is not installed; .ci/run installs it",
)

# The UNO scripts in tests/support (uno_*.py) run under the system Python, which has
# LibreOffice's `uno` module (Debian python3-uno); the project's venv has not.
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/usr/local/bin")


def _has_uno() -> bool:
    return (
        SYSTEM_PYTHON is not None
        and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False).returncode == 0
    )


needs_uno = pytest.mark.skipif(
    SOFFICE is None or not _has_uno(),
    reason="LibreOffice's Python bridge (Debian python3-uno) is not installed; .ci/run installs it",
)


# Files selfeval writes carry cached formula values; LibreOffice would show those instead of
# computing. The throw-away profile tells it to recalculate every formula on load, so a test
# always sees what the spreadsheet application computes.
_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _always_recalculate(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_RECALCULATE, encoding="utf-8")


def convert(
    source: Path, target_format: str, outdir: Path, *, infilter: str | None = None, timeout: float = 180
) -> Path:
    """Convert `source` with `soffice --headless --convert-to target_format` into `outdir`.

    Each call uses its own throw-away user profile, so parallel runs never share a lock.
    `infilter` names the import filter where type detection does not pick it (an .xlam).
    """
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        _always_recalculate(Path(profile))
        result = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                target_format,
                "--outdir",
                str(outdir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    extension = target_format.split(":", 1)[0]
    produced = outdir / f"{source.stem}.{extension}"
    if result.returncode != 0 or not produced.exists():
        raise RuntimeError(
            f"LibreOffice failed to convert {source} to {target_format}:\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
    return produced
