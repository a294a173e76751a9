"""Files → grids → Projects. Never raises on bad input: every file comes back as a result.

A reader per file suffix turns a file into grids (one per sheet or document part); `grid.parse`
turns each grid into a Project. Readers are registered in `READERS`: the workbook reader here,
the Word and text importers (`importers`) beside it, so callers never name a reader.

Status of a file: "ok" when at least one project was read (sheets that look like forms but
cannot be read still give their X03 finding), "unreadable" when none was: the file could
not be opened, or every form in it failed (their X03s), or it holds no form at all (one X03
「…中没有找到自评表」), or it is an office file of a type selfeval does not read (X05);
"skipped" for a file that is no form by its type (a PDF, a picture) or selfeval's own
summary workbook: listed with a note, not an error.

Every file is read under the limits of `limits`, checked before memory is spent: zip packages
part by part (`package`), worksheets by the cells they hold (`sheetextent`). The Projects that
come back are finished: for a zip workbook the contents of the template's computed cells (X01)
and the percent formats of numeric indicator values are read in one more pass (`xlsxcells`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FormError, SkippedSource, SourceError
from .grid import Grid, parse
from .importers import IMPORTERS
from .limits import MAX_FILE_BYTES, MAX_GRID_CELLS, TOO_LONG, size_text, too_long_cell
from .model import Finding, Project, Severity
from .read_errors import ENCRYPTED, os_error_reason
from .values import cell_text
from .vocabulary import COMPUTED_KEYS, SUMMARY_WORKBOOK_SHEETS

if TYPE_CHECKING:
    import python_calamine as calamine

    from .sheetextent import SheetPlan, WorkbookPlan

OK = "ok"
UNREADABLE = "unreadable"
SKIPPED = "skipped"
STATUSES = (OK, UNREADABLE, SKIPPED)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_NOT_A_WORKBOOK = "不是有效的 Excel 文件（可能已损坏或被截断），无法打开"

# Office files selfeval does not read (X05): the format to save them as.
SAVE_AS_DOCX = frozenset({".doc", ".docm", ".dot", ".dotx", ".dotm", ".wps", ".wpt", ".rtf", ".odt"})
SAVE_AS_XLSX = frozenset({".csv", ".xltx", ".xltm", ".xlt", ".ett", ".fods", ".numbers", ".tsv"})
# Never listed from a folder: Office lock files, hidden files, folder thumbnails.
_FOLDER_NOISE_PREFIXES = ("~$", ".")
_FOLDER_NOISE_NAMES = frozenset({"thumbs.db", "desktop.ini"})


# A reader yields the grids of a file. It raises SourceError when the whole file is
# unreadable, and may yield a SourceError for one part (sheet) that is, then go on.
Reader = Callable[[Path], Iterator["Grid | SourceError"]]

READERS: dict[str, Reader] = {}
FOLDER_SUFFIXES: set[str] = set()  # suffixes of the readers (a folder scan lists every file)


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
    status: str  # "ok" | "unreadable" | "skipped"
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # file-level: X03 for the file or a sheet
    note: str = ""  # why a skipped file was skipped


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
        return ENCRYPTED
    if path.suffix.lower() not in (".xls", ".et"):
        return (
            f"扩展名是「{path.suffix}」，但文件内容是旧版 Excel（.xls）或其他 Office 格式；"
            "请把扩展名改为 .xls，或在 Excel 中另存为 .xlsx 后再校验"
        )
    return None


def _is_fatal(error: BaseException) -> bool:
    return isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def _head(path: Path, size: int = 8) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(size)


def _not_a_workbook(path: Path, head: bytes) -> str:
    """The reason a file under a workbook suffix holds no workbook, from its first bytes."""
    suffix = path.suffix or "（无扩展名）"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] == b"<" or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return (
            f"扩展名是「{suffix}」，但文件内容是网页或 XML 文本，不是 Excel 工作簿；"
            "请在 Excel 中打开后另存为 .xlsx，再校验"
        )
    if head[:5] == b"%PDF-":
        return f"扩展名是「{suffix}」，但文件内容是 PDF，不是 Excel 工作簿；请提交 .xlsx 格式的自评表"
    return _NOT_A_WORKBOOK


def _wrong_package(path: Path, kind: str) -> str:
    from .package import DOCX, KIND_NAMES, ODS, XLSB, XLSX

    right = {DOCX: ".docx", XLSX: ".xlsx", XLSB: ".xlsb", ODS: ".ods"}.get(kind)
    fix = f"请把扩展名改为 {right} 后再校验" if right else "请在 Excel 中另存为 .xlsx 后再校验"
    return f"扩展名是「{path.suffix}」，但文件内容是 {KIND_NAMES[kind]}；{fix}"


def read_workbook_grids(path: Path) -> Iterator[Grid | SourceError]:
    """One grid per visible worksheet, each from one bulk read (python-calamine).

    Hidden and very hidden sheets (e.g. the template's master) and chart sheets are skipped.
    Zip packages are checked part by part first (`package`), and each sheet's cells are
    counted before calamine builds its dense range (`sheetextent`): a sheet beyond the limits
    is one SourceError, a sheet with stray far cells is read without them.
    """
    import python_calamine as calamine

    plan = _plan_workbook(path)
    book = _open_workbook(path, plan)
    try:
        if not plan.names:
            _skip_own_summary(book.sheet_names)
        for meta in book.sheets_metadata:
            if meta.visible == calamine.SheetVisibleEnum.Visible and meta.typ == calamine.SheetTypeEnum.WorkSheet:
                yield from _sheet_grids(path, book, meta.name, plan)
    finally:
        book.close()


def _plan_workbook(path: Path) -> WorkbookPlan:
    """What to read of the workbook at `path`, after checking its container (zip, OLE) fits
    its suffix and the limits; SourceError when it does not, SkippedSource for our summary."""
    from .package import ODS, XLSB, XLSX
    from .sheetextent import WorkbookPlan, plan_workbook

    head = _head(path)
    if head.startswith(_ZIP_MAGIC):
        plan = plan_workbook(path)
        suffix = path.suffix.lower()
        expected = {".xlsx": XLSX, ".xlsm": XLSX, ".et": XLSX, ".xlsb": XLSB, ".ods": ODS}.get(suffix)
        if plan.kind not in (XLSX, XLSB, ODS) or (
            expected != plan.kind and not (suffix == ".et" and plan.kind in (XLSX, XLSB))
        ):
            raise SourceError(_wrong_package(path, plan.kind))
        _skip_own_summary(plan.names)
        return plan
    if head.startswith(_OLE_MAGIC):
        from .xlsscan import check_xls

        reason = _ole_reason(path)
        if reason:
            raise SourceError(reason)
        check_xls(path)
        return WorkbookPlan("")
    raise SourceError(_not_a_workbook(path, _head(path, 512)))


def _open_workbook(path: Path, plan: WorkbookPlan) -> calamine.CalamineWorkbook:
    import python_calamine as calamine

    from .sheetextent import trimmed_copy

    try:
        if plan.needs_copy:
            return calamine.CalamineWorkbook.from_filelike(trimmed_copy(path, plan))
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise SourceError(ENCRYPTED) from None
    except BaseException as error:  # calamine may also raise a Rust panic (a BaseException)
        if _is_fatal(error):
            raise
        raise SourceError(_ole_reason(path) or _NOT_A_WORKBOOK) from None


def _sheet_grids(
    path: Path, book: calamine.CalamineWorkbook, name: str, plan: WorkbookPlan
) -> Iterator[Grid | SourceError]:
    """The grid of one visible worksheet, or the SourceError saying why it is not read;
    a sheet read without its stray far cells gives both."""
    from .package import XLSB, XLSX

    sheet_plan = plan.sheets.get(name)
    if sheet_plan is not None and sheet_plan.refused:
        yield SourceError(sheet_plan.refused, name)
        return
    if plan.kind in (XLSX, XLSB) and sheet_plan is None:
        yield SourceError("工作表在文件中的位置不合规范，未读取", name)
        return
    read = _sheet_rows(book, name)
    if isinstance(read, SourceError):
        yield read
        return
    rows, start = read
    long_cell = None if plan.short_texts else too_long_cell(rows)
    if long_cell is not None:
        yield SourceError(TOO_LONG, name, _address(start, long_cell))
        return
    if sheet_plan is not None and sheet_plan.trimmed:
        yield SourceError(_trimmed_reason(sheet_plan), name)
    yield Grid(rows, sheet=name, source=str(path), first_row=start[0] + 1, first_col=start[1] + 1)


def _sheet_rows(
    book: calamine.CalamineWorkbook, name: str
) -> tuple[Sequence[Sequence[object]], tuple[int, int]] | SourceError:
    """The sheet's cells in use and the (row, column) index of the first, or why not."""
    try:
        sheet = book.get_sheet_by_name(name)
        if sheet.height * sheet.width > MAX_GRID_CELLS:
            return SourceError(
                f"工作表过大（{sheet.height} 行 × {sheet.width} 列，超过 {MAX_GRID_CELLS:,} 个单元格的读取上限），"
                "不像自评表，未读取",
                name,
            )
        return sheet.to_python(skip_empty_area=True), sheet.start or (0, 0)
    except BaseException as error:
        if _is_fatal(error):
            raise
        return SourceError("工作表内容已损坏，无法读取", name)


def _trimmed_reason(sheet_plan: SheetPlan) -> str:
    shown = "、".join(sheet_plan.outliers) + ("等" if sheet_plan.outlier_count > len(sheet_plan.outliers) else "")
    return (
        f"有 {sheet_plan.outlier_count} 个单元格（{shown}）远离表格（隔着大片空白行或列），未读取；"
        "如是误输入的内容，请删除后再校验"
    )


def _address(start: tuple[int, int], cell: tuple[int, int]) -> str:
    from .a1 import address

    return address(start[0] + cell[0] + 1, start[1] + cell[1] + 1)


def _skip_own_summary(sheet_names: Sequence[str]) -> None:
    if set(sheet_names) >= SUMMARY_WORKBOOK_SHEETS:
        raise SkippedSource("这是 selfeval 生成的汇总表（含「汇总」「文件清单」工作表），不是自评表，已跳过")


OOXML_SUFFIXES = (".xlsx", ".xlsm")  # zip packages: formulas and number formats can be looked up
WORKBOOK_SUFFIXES = (*OOXML_SUFFIXES, ".xls", ".ods", ".xlsb", ".et")  # python-calamine reads them all
for _suffix in WORKBOOK_SUFFIXES:
    register_reader(_suffix, read_workbook_grids, in_folders=True)
for _suffix, _importer in IMPORTERS.items():
    register_reader(_suffix, _importer, in_folders=True)


# --- cell details: formulas and number formats ----------------------------------------------

# sheet → address → (index of the indicator in its project, field, the number read)
NumericValues = dict[str, dict[str, tuple[int, str, float]]]


def numeric_values(grid: Grid, project: Project) -> dict[str, tuple[int, str, float]]:
    """Indicator 年度指标值/实际完成值 cells that hold a number rather than text, by address."""
    found: dict[str, tuple[int, str, float]] = {}
    for index, item in enumerate(project.indicators):
        for key in ("target", "actual"):
            address = item.cells.get(key)
            value = grid.value_at(address) if address else None
            if address and isinstance(value, (int, float)) and not isinstance(value, bool):
                found[address] = (index, key, float(value))
    return found


def formula_cells(projects: Sequence[Project]) -> dict[str, dict[str, str]]:
    """Sheet → address → key of the computed cells of template sheets (those with 校验状态)."""
    wanted: dict[str, dict[str, str]] = {}
    for project in projects:
        if project.sheet is None or "status" not in project.cells:
            continue
        keys = {project.cells[key]: key for key in COMPUTED_KEYS if key in project.cells}
        if keys:
            wanted[project.sheet] = keys
    return wanted


def _addresses(cells: dict[str, dict[str, str]] | NumericValues) -> dict[str, list[str]]:
    return {sheet: list(addresses) for sheet, addresses in cells.items()}


def with_cell_details(
    path: Path, projects: list[Project], numbers: NumericValues, findings: list[Finding]
) -> list[Project]:
    """The projects of a zip workbook, finished: the raw contents (formula or typed constant) of
    template computed cells for X01, and `98%` for an indicator value typed as a percentage
    (stored as 0.98). Both come from one pass over the package (xlsxcells), which streams the
    sheet XML rather than using openpyxl's read-only mode: on a 50-sheet template workbook
    0.08 s against 0.15 s (openpyxl also parses styles, and importing it alone takes ~0.5 s
    here), and the typed constant comes back as written. On a 10-sheet template workbook the
    pass costs about 1 ms, a tenth of reading it.

    A file needing neither is not opened again. When the pass fails, each is tried alone, so
    a broken part costs only what it touches: formulas unread give an X03 in `findings`,
    percent formats unread leave the numbers as read (nothing is lost).
    """
    wanted = formula_cells(projects)
    if not wanted and not numbers:
        return projects
    contents, shown = _read_cell_details(path, wanted, numbers, findings)
    return [_finished(project, wanted, contents, numbers, shown) for project in projects]


def _read_cell_details(
    path: Path, wanted: dict[str, dict[str, str]], numbers: NumericValues, findings: list[Finding]
) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """(sheet → address → content, sheet → addresses shown as percentages), as far as readable."""
    from .xlsxcells import percent_cells, read_cell_contents, read_cells

    try:
        return read_cells(path, _addresses(wanted), _addresses(numbers))
    except BaseException as error:
        if _is_fatal(error):
            raise
    contents: dict[str, dict[str, str]] = {}
    shown: dict[str, set[str]] = {}
    if wanted:
        try:
            contents = read_cell_contents(path, _addresses(wanted))
        except BaseException as error:
            if _is_fatal(error):
                raise
            findings.append(_finding(path, "无法读取模板计算单元格的公式，未检查公式是否被改写"))
    if numbers:
        try:
            shown = percent_cells(path, _addresses(numbers))
        except BaseException as error:  # the numbers stay as read: nothing is lost
            if _is_fatal(error):
                raise
    return contents, shown


def _finished(
    project: Project,
    wanted: dict[str, dict[str, str]],
    contents: dict[str, dict[str, str]],
    numbers: NumericValues,
    shown: dict[str, set[str]],
) -> Project:
    """`project` with its computed cells' contents and its percentages."""
    sheet = project.sheet or ""
    found = contents.get(sheet)
    formulas = project.formulas
    if found is not None and sheet in wanted:
        formulas = {key: found.get(address, "") for address, key in wanted[sheet].items()}
    indicators = list(project.indicators)
    for address in shown.get(sheet, ()):
        index, key, value = numbers[sheet][address]
        text = cell_text(round(value * 100, 8)) + "%"
        item = indicators[index]
        indicators[index] = replace(item, target=text) if key == "target" else replace(item, actual=text)
    if formulas is project.formulas and not shown.get(sheet):
        return project
    return replace(project, formulas=formulas, indicators=tuple(indicators))


# --- any file ---------------------------------------------------------------------------


def _finding(path: Path, reason: str, sheet: str | None = None, cell: str | None = None) -> Finding:
    # Word and text sources name their forms 表1, 表2 …: a workbook has 工作表 (sheets).
    kind = "工作表" if path.suffix.lower() in WORKBOOK_SUFFIXES else ""
    where = f"{kind}「{sheet}」" + (f"的 {cell} 单元格" if cell else "") if sheet else ""
    message = f"文件「{path}」{where}：{reason}"
    return Finding("X03", Severity.ERROR, message, sheet, cell, str(path))


def _unread_office(path: Path) -> Finding | None:
    """X05 for an office file of a type selfeval does not read, naming the format to save as."""
    suffix = path.suffix.lower()
    if suffix in SAVE_AS_DOCX:
        target, program = ".docx", "Word 或 WPS 文字"
    elif suffix in SAVE_AS_XLSX:
        target, program = ".xlsx", "Excel 或 WPS 表格"
    else:
        return None
    message = f"文件「{path}」未读取：selfeval 不读取「{suffix}」格式的文件；请在 {program} 中另存为 {target} 后再校验"
    return Finding("X05", Severity.ERROR, message, None, None, str(path))


def _folder_status(path: Path, result: SourceResult) -> None:
    """A folder met as an input: unreadable (no permission) is an X03, a link to a folder seen
    elsewhere in the scan (or a loop) is skipped."""
    try:
        with os.scandir(path):
            pass
    except OSError as error:
        if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
            result.findings.append(_finding(path, "没有读取权限的文件夹，其中的文件未能校验；请开放读取权限后再校验"))
        else:
            result.findings.append(_finding(path, f"文件夹无法打开：{os_error_reason(error)}"))
        return
    if path.is_symlink():
        result.status = SKIPPED
        result.note = (
            f"指向文件夹「{os.path.realpath(path)}」的链接，该文件夹已扫描过（或链接形成循环），此处不再重复读取"
        )
        return
    result.findings.append(_finding(path, "这是文件夹，不是文件"))


def read_source(path: Path) -> SourceResult:
    """Read every project of one file. Never raises: problems become X03/X05 findings.

    Args:
        path: a workbook, Word document, exported text, or any other file met in a folder.

    Returns:
        The projects read, finished, and the file-level findings; status "ok", "unreadable"
        or "skipped".
    """
    path = Path(path)
    result = SourceResult(str(path), UNREADABLE)
    reader = _admitted_reader(path, result)
    if reader is not None:
        _read_projects(path, reader, result)
    return result


def _admitted_reader(path: Path, result: SourceResult) -> Reader | None:
    """The reader for `path`, or None with `result` saying why the file is not read."""
    try:
        info = path.stat()
    except OSError as error:
        missing = isinstance(error, FileNotFoundError) and not path.is_symlink()
        result.findings.append(_finding(path, "文件不存在" if missing else os_error_reason(error)))
        return None
    if path.is_dir():
        _folder_status(path, result)
        return None
    if not stat.S_ISREG(info.st_mode):  # a named pipe would block the reader, a device is no form
        result.status, result.note = SKIPPED, "不是普通文件（如命名管道、设备文件），已跳过"
        return None
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        unread = _unread_office(path)
        if unread is not None:
            result.findings.append(unread)
        else:
            result.status, result.note = SKIPPED, f"不是自评表的文件类型（{path.suffix or '无扩展名'}），已跳过"
        return None
    size_problem = _size_problem(info.st_size)
    if size_problem:
        result.findings.append(_finding(path, size_problem))
        return None
    return reader


def _size_problem(size: int) -> str | None:
    if size == 0:
        return "文件是空的（0 字节），可能在保存或复制时中断了"
    if size > MAX_FILE_BYTES:
        return f"文件有 {size_text(size)}，超过 {size_text(MAX_FILE_BYTES)} 的读取上限，不像自评表，未读取"
    return None


def _read_projects(path: Path, reader: Reader, result: SourceResult) -> None:
    """Run `reader` over `path`: its projects, finished, and its findings into `result`."""
    try:
        head = _head(path)
    except OSError as error:
        result.findings.append(_finding(path, os_error_reason(error)))
        return
    ooxml = path.suffix.lower() in OOXML_SUFFIXES or (path.suffix.lower() == ".et" and head.startswith(_ZIP_MAGIC))
    numbers: NumericValues = {}
    try:
        for item in reader(path):
            project = _parsed(path, item, result.findings)
            if project is not None:
                result.projects.append(project)
                if ooxml and project.sheet is not None and isinstance(item, Grid):
                    numbers[project.sheet] = numeric_values(item, project)
    except BaseException as error:
        _note_reader_failure(path, error, result)
        return
    if not result.projects:
        if not result.findings:
            result.findings.append(_finding(path, "文件中没有找到自评表（没有含「项目名称」或指标表的工作表）"))
        return
    result.status = OK
    if ooxml:
        numbers = {sheet: found for sheet, found in numbers.items() if found}
        result.projects = with_cell_details(path, result.projects, numbers, result.findings)


def _parsed(path: Path, item: Grid | SourceError, findings: list[Finding]) -> Project | None:
    """The project of one item a reader yields; a part that cannot be read is an X03."""
    if isinstance(item, SourceError):
        findings.append(_finding(path, item.reason, item.sheet, item.cell))
        return None
    try:
        project = parse(item)
    except FormError as error:
        findings.append(_finding(path, f"看起来是自评表，但无法读取：{error.reason}", item.sheet, error.cell))
        return None
    if project is not None and project.source != str(path):
        project = replace(project, source=str(path))
    return project


def _note_reader_failure(path: Path, error: BaseException, result: SourceResult) -> None:
    """A reader that stopped: our summary is skipped, anything else is an X03."""
    if isinstance(error, SkippedSource):
        result.status, result.note = SKIPPED, error.note
    elif isinstance(error, SourceError):
        result.findings.append(_finding(path, error.reason, error.sheet, error.cell))
    elif isinstance(error, OSError):
        result.findings.append(_finding(path, os_error_reason(error)))
    elif _is_fatal(error):
        raise error
    else:  # a reader's bug must not lose the other files
        result.findings.append(_finding(path, f"读取时出现意外错误（{type(error).__name__}），未能读取"))


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Files to read: files as given; folders → every file inside, recursively, sorted.

    Nothing in a folder is dropped silently: files of other types come back too (they are
    read as skipped), and so do subfolders that cannot be opened and links to folders already
    scanned (loops), so that `read_source` reports them. Only Office lock files (`~$…`),
    hidden files and folder thumbnails are left out. Second item: a Chinese error per given
    path that does not exist.
    """
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
            for file in _scan_folder(path):
                add(file)
        elif path.exists() or path.is_symlink():
            add(path)
        else:
            errors.append(f"找不到文件或文件夹：{path}")
    return files, errors


def _scan_folder(root: Path) -> list[Path]:
    """Every file under `root` (sorted), plus the folders that cannot be scanned."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()

    def walk(folder: Path) -> None:
        try:
            info = folder.stat()
        except OSError:
            found.append(folder)
            return
        key = (info.st_dev, info.st_ino)
        if key in visited:
            found.append(folder)  # a link back to a folder already scanned: a loop or a twin
            return
        visited.add(key)
        try:
            with os.scandir(folder) as entries:
                children = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            found.append(folder)
            return
        for entry in children:
            name = entry.name
            if name.startswith(_FOLDER_NOISE_PREFIXES) or name.lower() in _FOLDER_NOISE_NAMES:
                continue
            child = folder / name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                walk(child)
            else:
                found.append(child)

    walk(root)
    return sorted(found)
