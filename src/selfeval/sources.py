"""Files → grids → Projects. Never raises on bad input: every file comes back as a result.

A reader per file suffix turns a file into grids (one per sheet or document part); `grid.parse`
turns each grid into a Project. Readers are registered in `READERS`, so the Word and text
importers plug in beside the workbook reader without touching this module's callers.

Status of a file: "ok" when at least one project was read (sheets that look like forms but
cannot be read still give their X03 finding), "unreadable" when none was: the file could
not be opened, or every form in it failed (their X03s), or it holds no form at all (one X03
「…中没有找到自评表」), or it is an office file of a type selfeval does not read (X05);
"skipped" for a file that is no form by its type (a PDF, a picture) or selfeval's own
summary workbook: listed with a note, not an error.

Every file is read under the limits of `limits`, checked before memory is spent: zip packages
part by part (`package`), worksheets by the cells they hold (`sheetextent`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FormError, SkippedSource, SourceError
from .grid import Grid, parse
from .limits import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_GRID_CELLS, size_text
from .model import Finding, Indicator, Project, Severity
from .rules import agrees, computed_values
from .scoring import score_project
from .values import cell_text, is_empty
from .vocabulary import COMPUTED_KEYS

OK = "ok"
UNREADABLE = "unreadable"
SKIPPED = "skipped"
STATUSES = (OK, UNREADABLE, SKIPPED)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED = "文件已加密（设有打开密码），无法读取；请在 Excel/Word/WPS 中取消密码后另存，再校验"

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


def os_error_reason(error: OSError) -> str:
    """A Chinese reason for an operating-system error (never the English OS text)."""
    code = error.errno
    if isinstance(error, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return "没有读取权限，无法读取；请让文件所有者或管理员开放读取权限，或复制到自己的文件夹后再校验"
    if isinstance(error, FileNotFoundError):
        return "文件不存在（或是指向不存在位置的链接）"
    if code == errno.ELOOP:
        return "是一个循环的符号链接，无法读取"
    if code == errno.ENAMETOOLONG:
        return "文件名或路径过长，无法读取；请缩短文件名或移到较浅的文件夹"
    if isinstance(error, IsADirectoryError):
        return "这是文件夹，不是文件"
    if code == errno.EIO:
        return "读取时发生磁盘或网络错误，无法读取；请复制到本机后再校验"
    return f"无法打开文件（系统错误代码 {code}）" if code else "无法打开文件"


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
    return "不是有效的 Excel 文件（可能已损坏或被截断），无法打开"


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

    from .package import ODS, XLSB, XLSX
    from .sheetextent import WorkbookPlan, plan_workbook, trimmed_copy

    head = _head(path)
    plan = WorkbookPlan("")
    if head.startswith(_ZIP_MAGIC):
        plan = plan_workbook(path)
        if plan.kind not in (XLSX, XLSB, ODS):
            raise SourceError(_wrong_package(path, plan.kind))
        expected = {".xlsx": XLSX, ".xlsm": XLSX, ".et": XLSX, ".xlsb": XLSB, ".ods": ODS}.get(path.suffix.lower())
        if expected != plan.kind and not (path.suffix.lower() == ".et" and plan.kind in (XLSX, XLSB)):
            raise SourceError(_wrong_package(path, plan.kind))
        _skip_own_summary(plan.names)
    elif head.startswith(_OLE_MAGIC):
        from .xlsscan import check_xls

        reason = _ole_reason(path)
        if reason:
            raise SourceError(reason)
        check_xls(path)
    else:
        raise SourceError(_not_a_workbook(path, _head(path, 512)))
    try:
        if plan.needs_copy:
            book = calamine.CalamineWorkbook.from_filelike(trimmed_copy(path, plan))
        else:
            book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise SourceError(ENCRYPTED) from None
    except BaseException as error:  # calamine may also raise a Rust panic (a BaseException)
        if _is_fatal(error):
            raise
        raise SourceError(_ole_reason(path) or "不是有效的 Excel 文件（可能已损坏或被截断），无法打开") from None
    try:
        if not plan.names:
            _skip_own_summary(book.sheet_names)
        for meta in book.sheets_metadata:
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                continue
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet_plan = plan.sheets.get(meta.name)
            if sheet_plan is not None and sheet_plan.refused:
                yield SourceError(sheet_plan.refused, meta.name)
                continue
            if plan.kind in (XLSX, XLSB) and sheet_plan is None:
                yield SourceError("工作表在文件中的位置不合规范，未读取", meta.name)
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                if sheet.height * sheet.width > MAX_GRID_CELLS:
                    yield SourceError(
                        f"工作表过大（{sheet.height} 行 × {sheet.width} 列，超过 {MAX_GRID_CELLS:,} 个单元格的读取上限），"
                        "不像自评表，未读取",
                        meta.name,
                    )
                    continue
                rows = sheet.to_python(skip_empty_area=True)
                start = sheet.start or (0, 0)
            except BaseException as error:
                if _is_fatal(error):
                    raise
                yield SourceError("工作表内容已损坏，无法读取", meta.name)
                continue
            long_cell = None if plan.short_texts else too_long_cell(rows)
            if long_cell is not None:
                yield SourceError(TOO_LONG, meta.name, _address(start, long_cell))
                continue
            if sheet_plan is not None and sheet_plan.trimmed:
                shown = "、".join(sheet_plan.outliers) + (
                    "等" if sheet_plan.outlier_count > len(sheet_plan.outliers) else ""
                )
                yield SourceError(
                    f"有 {sheet_plan.outlier_count} 个单元格（{shown}）远离表格（隔着大片空白行或列），未读取；"
                    "如是误输入的内容，请删除后再校验",
                    meta.name,
                )
            yield Grid(rows, sheet=meta.name, source=str(path), first_row=start[0] + 1, first_col=start[1] + 1)
    finally:
        book.close()


def _address(start: tuple[int, int], cell: tuple[int, int]) -> str:
    from .a1 import column_letters

    return f"{column_letters(start[1] + cell[1] + 1)}{start[0] + cell[0] + 1}"


def _skip_own_summary(sheet_names: Sequence[str]) -> None:
    from .consolidate.run import _SUMMARY_SHEETS

    if set(sheet_names) >= _SUMMARY_SHEETS:
        raise SkippedSource("这是 selfeval 生成的汇总表（含「汇总」「文件清单」工作表），不是自评表，已跳过")


OOXML_SUFFIXES = (".xlsx", ".xlsm")  # zip packages: formulas and number formats can be looked up
WORKBOOK_SUFFIXES = (*OOXML_SUFFIXES, ".xls", ".ods", ".xlsb", ".et")  # python-calamine reads them all
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


def _formula_cells(
    projects: Sequence[Project], suspects: dict[str, set[str]] | None = None
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


def _apply_formulas(
    projects: Sequence[Project], wanted: dict[str, dict[str, str]], contents: dict[str, dict[str, str]]
) -> None:
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


def _apply_percents(numbers: dict[str, dict[str, tuple[Indicator, str, float]]], shown: dict[str, set[str]]) -> None:
    for sheet, addresses in shown.items():
        for address in addresses:
            item, key, value = numbers[sheet][address]
            setattr(item, key, cell_text(round(value * 100, 8)) + "%")


def read_cell_details(
    path: Path,
    result: SourceResult,
    numbers: dict[str, dict[str, tuple[Indicator, str, float]]],
    suspects: dict[str, set[str]] | None = None,
) -> None:
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


def too_long_cell(rows: Sequence[Sequence[object]]) -> tuple[int, int] | None:
    """(row, column) index of the first cell whose text is beyond MAX_CELL_CHARS, or None."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                return r, c
    return None


TOO_LONG = f"单元格文字超过 {MAX_CELL_CHARS:,} 个字符（Excel 每个单元格的上限），不像自评表，未读取"


def read_source(path: Path) -> SourceResult:
    """Read every project of one file. Never raises: problems become X03/X05 findings.

    Args:
        path: a workbook, Word document, exported text, or any other file met in a folder.

    Returns:
        The projects read and the file-level findings; status "ok", "unreadable" or "skipped".
    """
    load_importers()
    path = Path(path)
    result = SourceResult(str(path), UNREADABLE)
    suffix = path.suffix.lower()
    try:
        info = path.stat()
    except OSError as error:
        if isinstance(error, FileNotFoundError) and not path.is_symlink():
            result.findings.append(_finding(path, "文件不存在"))
        else:
            result.findings.append(_finding(path, os_error_reason(error)))
        return result
    if path.is_dir():
        _folder_status(path, result)
        return result
    if not stat.S_ISREG(info.st_mode):  # a named pipe would block the reader, a device is no form
        result.status = SKIPPED
        result.note = "不是普通文件（如命名管道、设备文件），已跳过"
        return result
    reader = READERS.get(suffix)
    unread = _unread_office(path) if reader is None else None
    if unread is not None:
        result.findings.append(unread)
        return result
    if reader is None:
        result.status = SKIPPED
        result.note = f"不是自评表的文件类型（{path.suffix or '无扩展名'}），已跳过"
        return result
    if info.st_size == 0:
        result.findings.append(_finding(path, "文件是空的（0 字节），可能在保存或复制时中断了"))
        return result
    if info.st_size > MAX_FILE_BYTES:
        result.findings.append(
            _finding(
                path,
                f"文件有 {size_text(info.st_size)}，超过 {size_text(MAX_FILE_BYTES)} 的读取上限，不像自评表，未读取",
            )
        )
        return result
    try:
        head = _head(path)
    except OSError as error:
        result.findings.append(_finding(path, os_error_reason(error)))
        return result
    ooxml = suffix in OOXML_SUFFIXES or (suffix == ".et" and head.startswith(_ZIP_MAGIC))
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
                if ooxml and item.sheet is not None:
                    found = numeric_values(item, project)
                    if found:
                        numbers[item.sheet] = found
                    if "status" in project.cells:
                        suspects[item.sheet] = suspect_cells(item, project)
    except SkippedSource as skipped:
        result.status, result.note = SKIPPED, skipped.note
        return result
    except SourceError as error:
        result.findings.append(_finding(path, error.reason, error.sheet, error.cell))
        return result
    except OSError as error:
        result.findings.append(_finding(path, os_error_reason(error)))
        return result
    except BaseException as error:  # a reader's bug must not lose the other files
        if _is_fatal(error):
            raise
        result.findings.append(_finding(path, f"读取时出现意外错误（{type(error).__name__}），未能读取"))
        return result
    if result.projects:
        result.status = OK
        if ooxml:
            read_cell_details(path, result, numbers, suspects)
    elif not result.findings:
        result.findings.append(_finding(path, "文件中没有找到自评表（没有含「项目名称」或指标表的工作表）"))
    return result


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Files to read: files as given; folders → every file inside, recursively, sorted.

    Nothing in a folder is dropped silently: files of other types come back too (they are
    read as skipped), and so do subfolders that cannot be opened and links to folders already
    scanned (loops), so that `read_source` reports them. Only Office lock files (`~$…`),
    hidden files and folder thumbnails are left out. Second item: a Chinese error per given
    path that does not exist.
    """
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
