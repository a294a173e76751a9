"""Per-unit feedback: the workbook a bureau sends back to each 实施单位 for correction (退回修改).

One workbook per 实施单位 of the consolidated projects: its findings (问题清单, the sheet it
works from) and the summary row of each of its projects (汇总). Findings about a whole file
(X03, unreadable sheets) go to every unit with projects in that file. Projects without a
实施单位 are gathered under NO_UNIT.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from .frames import Frames
from .summary import (
    Heading,
    Summary,
    _findings_sheet,
    _heading,
    _projects_sheet,
    _years,
)
from .xlsx import write_summary

NO_UNIT = "未填写实施单位"
FILE_NAME = "{unit}_绩效自评问题反馈.xlsx"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
NAME_MAX = 80  # characters of the unit's name kept in a file name


def unit_frames(frames: Frames) -> dict[str, Frames]:
    """实施单位 → the frames of its projects and their findings (file-level findings included)."""
    projects = frames.projects.assign(unit=frames.projects["unit"].where(frames.projects["unit"] != "", NO_UNIT))
    findings = frames.findings
    where = list(zip(findings["file"], findings["sheet"], strict=False))
    projects_at = set(zip(projects["file"], projects["sheet"], strict=False))
    result: dict[str, Frames] = {}
    for unit, own in projects.groupby("unit", sort=True):
        keys, files = set(zip(own["file"], own["sheet"], strict=False)), set(own["file"])
        # its projects' findings, and those about a file it has projects in but no project
        mine = [key in keys or (key not in projects_at and key[0] in files) for key in where]
        chosen = findings[pd.Series(mine, index=findings.index, dtype=bool)]
        result[str(unit)] = Frames(own, frames.indicators.iloc[0:0], chosen)
    return result


def unit_summary(unit: str, frames: Frames, today: dt.date) -> Summary:
    """The feedback workbook of one unit: 问题清单 first, then its projects' rows."""
    years = _years(frames.projects)
    findings = _findings_sheet(frames.findings, frames.projects, _unit_heading(years, "问题反馈表", unit, today))
    projects = _projects_sheet(frames.projects, _unit_heading(years, "汇总表", unit, today, amounts=True))
    return Summary(
        sheets=[findings, projects],
        files=len(set(frames.projects["file"])),
        unreadable=0,
        duplicates=0,
        projects=len(frames.projects),
    )


def _unit_heading(years: str, what: str, unit: str, today: dt.date, *, amounts: bool = False) -> Heading:
    base = _heading(years, what, today, unit=amounts)
    left = f"实施单位：{unit}" + (f"　{base.left}" if base.left else "")
    return Heading(base.title, left, base.right)


def file_name(unit: str) -> str:
    """A file name for the unit's workbook, safe on Windows."""
    safe = _UNSAFE.sub("_", unit).strip(" .")[:NAME_MAX] or NO_UNIT
    return FILE_NAME.format(unit=safe)


def write_feedback(frames: Frames, directory: Path, *, today: dt.date | None = None) -> list[Path]:
    """One feedback workbook per 实施单位 in `directory` (created if needed); returns the files."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    today = today or dt.date.today()
    written: list[Path] = []
    taken: set[str] = set()
    for unit, own in unit_frames(frames).items():
        name = file_name(unit)
        stem, n = name.removesuffix(".xlsx"), 1
        while name.casefold() in taken:  # two units whose names differ only in unsafe characters
            n += 1
            name = f"{stem}（{n}）.xlsx"
        taken.add(name.casefold())
        written.append(write_summary(unit_summary(unit, own, today), directory / name))
    return written
