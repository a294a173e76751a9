"""Files → grids → Projects. Never raises on bad input: every file comes back as a result.

A reader per file suffix turns a file into grids (one per sheet or document part); `grid.parse`
turns each grid into a Project. Readers are registered in `READERS`, so the Word and text
importers plug in beside the workbook reader without touching this module's callers.

Status of a file: "ok" when at least one project was read (sheets that look like forms but
cannot be read still give their X03 finding), "unreadable" when none was: the file could
not be opened, or every form in it failed (their X03s), or it holds no form at all (one X03
「…中没有找到自评表」).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .values import cell_text, is_empty
from .grid import FormError, Grid, parse
from .model import Finding, Indicator, Project, Severity
from .rules import agrees, computed_values
from .scoring import score_project

OK = "ok"
UNREADABLE = "unreadable"
MAX_SHEET_CELLS = 20_000_000  # a used range this large is not a form; reading it would exhaust memory
COMPUTED_KEYS = ("funds.rate", "funds.score", "total", "grade")  # template formula cells (X01)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SourceError(Exception):
    """A file, or one of its parts, cannot be read: a Chinese reason and where."""

    def __init__(self, reason: str, sheet: str | None = None, cell: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sheet = sheet
        self.cell = cell


# A reader yields the grids of a file. It raises SourceError when the whole file is
# unreadable, and may yield a SourceError for one part (sheet) that is, then go on.
Reader = Callable[[Path], Iterator["Grid | SourceError"]]

READERS: dict[str, Reader] = {}
FOLDER_SUFFIXES: set[str] = set()  # suffixes collected when a folder is given


def register_reader(suffix: str, reader: Reader, *, in_folders: bool = False) -> None:
    """Register `reader` for files ending in `suffix` (e.g. ".docx"); `in_folders`: also
    pick such files up when a folder is validated."""
    suffix = suffix.lower()
    READERS[suffix] = reader
    if in_folders:
        FOLDER_SUFFIXES.add(suffix)


@dataclass
class SourceResult:
    path: str
    status: str  # "ok" | "unreadable"
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # file-level: X03 for the file or a sheet


# --- workbooks -----------------------------------------------------------------------------


def _ole_reason(path: Path) -> str | None:
    """Why an OLE compound file (not a zip) cannot be read, or None if it is not one."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            if head != _OLE_MAGIC:
                return None
            data = stream.read(16 * 1024 * 1024)
    except OSError:
        return None
    if "EncryptionInfo".encode("utf-16-le") in data:
        return "文件已加密（设有打开密码），无法读取；请在 Excel 中取消密码后另存，再校验"
    if path.suffix.lower() != ".xls":
        return (f"扩展名是「{path.suffix}」，但文件内容是旧版 Excel（.xls）或其他 Office 格式；"
                "请把扩展名改为 .xls，或在 Excel 中另存为 .xlsx 后再校验")
    return None


def _is_fatal(error: BaseException) -> bool:
    return isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def read_workbook_grids(path: Path) -> Iterator[Grid | SourceError]:
    """One grid per visible worksheet, each from one bulk read (python-calamine).

    Hidden and very hidden sheets (e.g. the template's master) and chart sheets are skipped.
    """
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise SourceError("文件已加密（设有打开密码），无法读取；请在 Excel 中取消密码后另存，再校验") from None
    except BaseException as error:  # calamine may also raise a Rust panic (a BaseException)
        if _is_fatal(error):
            raise
        raise SourceError(_ole_reason(path) or "不是有效的 Excel 文件（可能已损坏或被截断），无法打开") from None
    try:
        for meta in book.sheets_metadata:
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                continue
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                if sheet.height * sheet.width > MAX_SHEET_CELLS:
                    yield SourceError(
                        f"工作表过大（{sheet.height} 行 × {sheet.width} 列），不像自评表，未读取", meta.name
                    )
                    continue
                rows = sheet.to_python(skip_empty_area=True)
                start = sheet.start or (0, 0)
            except BaseException as error:
                if _is_fatal(error):
                    raise
                yield SourceError("工作表内容已损坏，无法读取", meta.name)
                continue
            yield Grid(rows, sheet=meta.name, source=str(path), first_row=start[0] + 1, first_col=start[1] + 1)
    finally:
        book.close()


OOXML_SUFFIXES = (".xlsx", ".xlsm")  # zip packages: formulas and number formats can be looked up
WORKBOOK_SUFFIXES = (*OOXML_SUFFIXES, ".xls", ".ods")  # python-calamine reads them all
for _suffix in WORKBOOK_SUFFIXES:
    register_reader(_suffix, read_workbook_grids, in_folders=True)

_importers_loaded = False


def load_importers() -> None:
    """Register the importers (Word .docx, exported .txt) beside the workbook reader.

    Done on first use rather than at import: the importers import this module.
    """
    global _importers_loaded
    if _importers_loaded:
        return
    _importers_loaded = True
    try:
        from .importers import IMPORTERS
    except ImportError:  # an importer's optional dependency is missing: workbooks still work
        return
    for suffix, reader in IMPORTERS.items():
        if suffix not in READERS:
            register_reader(suffix, reader, in_folders=True)


def fill_formulas(path: Path, projects: Sequence[Project], suspects: dict[str, set[str]] | None = None) -> None:
    """X01 support: the raw content (formula or typed constant) of template computed cells.

    Only template sheets (those with a 校验状态 cell) are looked at; with none, the file is
    not opened again. Streams the sheet XML (xlsxcells) rather than using openpyxl's
    read-only mode: on a 50-sheet template workbook 0.08 s against 0.15 s (openpyxl also
    parses styles, and importing it alone takes ~0.5 s here), and the typed constant comes back
    as written.
    """
    from .xlsxcells import read_cell_contents

    wanted = _formula_cells(projects, suspects)
    if wanted:
        _apply_formulas(projects, wanted, read_cell_contents(path, _addresses(wanted)))


def _formula_cells(projects: Sequence[Project], suspects: dict[str, set[str]] | None = None
                   ) -> dict[str, dict[str, str]]:
    """Sheet → address → key of the computed cells of template sheets (those with 校验状态).

    `suspects`: sheet → the keys worth a look (see `suspect_cells`); None: all of them.
    """
    wanted: dict[str, dict[str, str]] = {}
    for project in projects:
        if project.sheet is None or "status" not in project.cells:
            continue
        look = COMPUTED_KEYS if suspects is None else suspects.get(project.sheet, ())
        keys = {project.cells[key]: key for key in look if key in project.cells}
        if keys:
            wanted[project.sheet] = keys
    return wanted


def suspect_cells(grid: Grid, project: Project) -> set[str]:
    """Computed cells whose shown value disagrees with the method: only these can be X01.

    A cell showing what the method computes passes X01 whether it holds the formula or a
    typed constant, and an empty one has nothing typed; so a file whose computed cells all
    agree is never opened a second time for its formulas.
    """
    computed = computed_values(score_project(project))
    found: set[str] = set()
    for key in COMPUTED_KEYS:
        address = project.cells.get(key)
        shown = grid.value_at(address) if address else None
        if not is_empty(shown) and not agrees(shown, computed[key], key):
            found.add(key)
    return found


def _addresses(cells: dict[str, dict[str, object]]) -> dict[str, list[str]]:
    return {sheet: list(addresses) for sheet, addresses in cells.items()}


def _apply_formulas(projects: Sequence[Project], wanted: dict[str, dict[str, str]],
                    contents: dict[str, dict[str, str]]) -> None:
    for project in projects:
        found = contents.get(project.sheet or "")
        if found is None:
            continue
        for address, key in wanted[project.sheet or ""].items():
            project.formulas[key] = found.get(address, "")


def numeric_values(grid: Grid, project: Project) -> dict[str, tuple[Indicator, str, float]]:
    """Indicator 年度指标值/实际完成值 cells that hold a number rather than text, by address."""
    found: dict[str, tuple[Indicator, str, float]] = {}
    for item in project.indicators:
        for key in ("target", "actual"):
            address = item.cells.get(key)
            value = grid.value_at(address) if address else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found[address] = (item, key, float(value))  # type: ignore[index]
    return found


def apply_percent_formats(path: Path, numbers: dict[str, dict[str, tuple[Indicator, str, float]]]) -> None:
    """`98%` typed in Excel is stored as 0.98 shown as a percentage: give the text back its `%`.

    `numbers`: sheet → numeric indicator value cells (see numeric_values). Only called when
    a form has such cells, so text-only workbooks are not opened again.
    """
    from .xlsxcells import percent_cells

    _apply_percents(numbers, percent_cells(path, _addresses(numbers)))


def _apply_percents(numbers: dict[str, dict[str, tuple[Indicator, str, float]]],
                    shown: dict[str, set[str]]) -> None:
    for sheet, addresses in shown.items():
        for address in addresses:
            item, key, value = numbers[sheet][address]
            setattr(item, key, cell_text(round(value * 100, 8)) + "%")


def read_cell_details(path: Path, result: SourceResult,
                      numbers: dict[str, dict[str, tuple[Indicator, str, float]]],
                      suspects: dict[str, set[str]] | None = None) -> None:
    """After the bulk read: the formulas of template computed cells (X01) and the percent
    formats of numeric indicator values, both in one pass over the package (xlsxcells).

    A file needing neither is not opened again. When the pass fails, each is tried alone,
    so a broken part costs only what it touches: formulas unread give an X03, percent
    formats unread leave the numbers as read (nothing is lost).
    """
    from .xlsxcells import read_cells

    wanted = _formula_cells(result.projects, suspects)
    if not wanted and not numbers:
        return
    try:
        contents, shown = read_cells(path, _addresses(wanted), _addresses(numbers))
    except BaseException as error:
        if _is_fatal(error):
            raise
    else:
        _apply_formulas(result.projects, wanted, contents)
        _apply_percents(numbers, shown)
        return
    if wanted:
        try:
            fill_formulas(path, result.projects, suspects)
        except BaseException as error:
            if _is_fatal(error):
                raise
            result.findings.append(_finding(path, "无法读取模板计算单元格的公式，未检查公式是否被改写"))
    if numbers:
        try:
            apply_percent_formats(path, numbers)
        except BaseException as error:  # the numbers stay as read: nothing is lost
            if _is_fatal(error):
                raise


# --- any file ---------------------------------------------------------------------------


def _finding(path: Path, reason: str, sheet: str | None = None, cell: str | None = None) -> Finding:
    # Word and text sources name their forms 表1, 表2 …: a workbook has 工作表 (sheets).
    kind = "工作表" if path.suffix.lower() in WORKBOOK_SUFFIXES else ""
    where = f"{kind}「{sheet}」" + (f"的 {cell} 单元格" if cell else "") if sheet else ""
    message = f"文件「{path}」{where}：{reason}"
    return Finding("X03", Severity.ERROR, message, sheet, cell, str(path))


def read_source(path: Path) -> SourceResult:
    """Read every project of one file. Never raises: problems become X03 findings."""
    load_importers()
    path = Path(path)
    result = SourceResult(str(path), UNREADABLE)
    reader = READERS.get(path.suffix.lower())
    if not path.exists():
        result.findings.append(_finding(path, "文件不存在"))
        return result
    if path.is_dir():
        result.findings.append(_finding(path, "这是文件夹，不是文件"))
        return result
    if reader is None:
        known = "、".join(sorted(READERS))
        result.findings.append(
            _finding(path, f"不支持的文件类型「{path.suffix or '无扩展名'}」（支持：{known}）")
        )
        return result
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False
    if empty:
        result.findings.append(_finding(path, "文件是空的（0 字节），可能在保存或复制时中断了"))
        return result
    numbers: dict[str, dict[str, tuple[Indicator, str, float]]] = {}
    suspects: dict[str, set[str]] = {}  # template sheet → computed cells worth an X01 look
    try:
        for item in reader(path):
            if isinstance(item, SourceError):
                result.findings.append(_finding(path, item.reason, item.sheet, item.cell))
                continue
            try:
                project = parse(item)
            except FormError as error:
                result.findings.append(
                    _finding(path, f"看起来是自评表，但无法读取：{error.reason}", item.sheet, error.cell)
                )
                continue
            if project is not None:
                project.sheet, project.source = item.sheet, str(path)
                result.projects.append(project)
                if path.suffix.lower() in OOXML_SUFFIXES and item.sheet is not None:
                    found = numeric_values(item, project)
                    if found:
                        numbers[item.sheet] = found
                    if "status" in project.cells:
                        suspects[item.sheet] = suspect_cells(item, project)
    except SourceError as error:
        result.findings.append(_finding(path, error.reason, error.sheet, error.cell))
        return result
    except BaseException as error:  # a reader's bug must not lose the other files
        if _is_fatal(error):
            raise
        result.findings.append(_finding(path, f"读取时出现意外错误（{type(error).__name__}），未能读取"))
        return result
    if result.projects:
        result.status = OK
        if path.suffix.lower() in OOXML_SUFFIXES:
            read_cell_details(path, result, numbers, suspects)
    elif not result.findings:
        result.findings.append(_finding(path, "文件中没有找到自评表（没有含「项目名称」或指标表的工作表）"))
    return result


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Files to read: files as given, folders → every readable file inside (recursive, sorted,
    Office lock files `~$…` skipped). Second item: a Chinese error per path that does not exist."""
    load_importers()
    files: list[Path] = []
    errors: list[str] = []
    seen: set[Path] = set()

    def add(file: Path) -> None:
        key = Path(os.path.abspath(file))
        if key not in seen:
            seen.add(key)
            files.append(file)

    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES and not p.name.startswith("~$")
            )
            for file in inside:
                add(file)
        elif path.exists():
            add(path)
        else:
            errors.append(f"找不到文件或文件夹：{path}")
    return files, errors
