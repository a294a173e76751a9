"""Property: whatever bytes a file holds, under whatever name, `read_source` returns a report.

Random bytes, byte-level mutations of real forms (a template workbook, a Word document, the
seed's text, an .xlsb, an .ods), and mutations inside one part of a real package (re-zipped,
so the readers get past the zip layer into the XML and records) — under every suffix selfeval
meets in a folder.
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_corpus import SEED, good_docx, good_workbook, grid_cells, ods_rows, ods_workbook, xlsb_workbook

from selfeval.sources import READERS, SAVE_AS_DOCX, SAVE_AS_XLSX, STATUSES, read_source
from support.form_layouts import national_rows

SUFFIXES = sorted(
    {
        *READERS,
        ".xlsx",
        ".xlsm",
        ".xls",
        ".xlsb",
        ".et",
        ".ods",
        ".docx",
        ".txt",
        *sorted(SAVE_AS_DOCX)[:3],
        *sorted(SAVE_AS_XLSX)[:3],
        ".pdf",
        ".XLSX",
        "",
    }
)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def seeds() -> dict[str, bytes]:
    """Real forms, built once: name → bytes."""
    folder = Path(tempfile.mkdtemp(prefix="seeds-"))
    built = {
        "xlsx": good_workbook(folder / "a.xlsx", count=1),
        "docx": good_docx(folder / "a.docx"),
        "xlsb": xlsb_workbook(folder / "a.xlsb", {"项目1": grid_cells(national_rows())}),
        "ods": ods_workbook(folder / "a.ods", ods_rows(national_rows())),
    }
    found = {name: path.read_bytes() for name, path in built.items()}
    found["txt"] = SEED.read_bytes()
    return found


def check_report(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"来稿{suffix}"
        path.write_bytes(data)
        result = read_source(path)
        assert result.path == str(path)
        assert result.status in STATUSES
        if result.status == "ok":
            assert result.projects
        elif result.status == "unreadable":
            assert result.findings and not result.projects
        else:
            assert result.note and not result.findings
        for finding in result.findings:
            assert finding.code in ("X03", "X05")
            assert finding.message.startswith(f"文件「{path}」")
        assert path.read_bytes() == data  # the input is never changed


@SETTINGS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_give_a_report(data: bytes, suffix: str) -> None:
    check_report(data, suffix)


@SETTINGS
@given(
    seed=st.sampled_from(["xlsx", "docx", "txt", "xlsb", "ods"]),
    suffix=st.sampled_from(SUFFIXES),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    cut=st.none() | st.floats(0, 1),
)
def test_mutated_forms_give_a_report(seed: str, suffix: str, flips: list[tuple[float, int]], cut: float | None) -> None:
    data = bytearray(seeds()[seed])
    for where, value in flips:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    check_report(bytes(data), suffix)


@SETTINGS
@given(
    seed=st.sampled_from(["xlsx", "docx", "xlsb", "ods"]),
    choice=st.integers(0, 100),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=0, max_size=12), st.integers(0, 12)),
        min_size=1,
        max_size=6,
    ),
    suffix=st.sampled_from([".xlsx", ".docx", ".xlsb", ".ods", ".et", ".xls"]),
)
def test_forms_with_a_mutated_part_give_a_report(
    seed: str, choice: int, edits: list[tuple[float, bytes, int]], suffix: str
) -> None:
    source = zipfile.ZipFile(io.BytesIO(seeds()[seed]))
    names = source.namelist()
    target = names[choice % len(names)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            part = bytearray(source.read(name))
            if name == target:
                for where, insert, remove in edits:  # replace `remove` bytes at `where` by `insert`
                    at = int(where * len(part))
                    part[at : at + remove] = insert
            archive.writestr(name, bytes(part))
    check_report(buffer.getvalue(), suffix)
