"""Editing zip packages (.xlsx, .docx, .ods) part by part, as a broken or hostile file is made."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path


def rewrite_package(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """Copy a zip package, letting `change(part name, data)` replace parts (None keeps the part)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            new = change(info.filename, data)
            zout.writestr(info.filename, data if new is None else new)
    return target


def edit_part(source: Path, target: Path, part: str, edit: Callable[[bytes], bytes]) -> Path:
    """Copy a zip package with one part changed by `edit`."""
    return rewrite_package(source, target, lambda name, data: edit(data) if name == part else None)
