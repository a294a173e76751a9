"""Build a corpus of hostile and broken input files (issue 11) in a folder, at test time.

Each file is built from a real form (a template workbook written by selfeval, a Word document
written by python-docx, the seed's text export) and then broken in one way, the way a careless
or hostile sender would: a stray cell at XFD1048576, a zip bomb, a DTD in a package part, a
password, a cut-off download, a wrong extension, an odd encoding, odd file names.

`build(root)` writes the files and returns one `Case` per top-level entry of `root`, saying
what `selfeval validate` must report for it. Run as a script to build a corpus by hand:
`uv run python tests/hostile/make_corpus.py /tmp/hostile`.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from selfeval.a1 import column_letters  # noqa: E402
from selfeval.addin.cfb import write_compound_file  # noqa: E402
from selfeval.model import Indicator  # noqa: E402
from selfeval.writer import write_workbook  # noqa: E402
from support.docx_forms import add_form, new_document, save  # noqa: E402
from support.edits import edited  # noqa: E402
from support.excel_forms import make_project  # noqa: E402
from support.form_layouts import NATIONAL_MERGES, national_rows  # noqa: E402
from support.packages import rewrite_package  # noqa: E402

SEED = TESTS / "fixtures" / "seed_2021_ezhou.txt"
BOMB_BYTES = 1_500_000_000  # what the zip bomb's sheet part unpacks to (about 1.5 GB)
FORMULAS = (
    '=HYPERLINK("http://example.com","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=2+2",
    "\r=3+3",
    "=cmd|' /C calc'!A0",
)
CONTROL = "\x1b[2J\x1b[H共 0 个错误\x07"


@dataclass(frozen=True)
class Case:
    name: str  # path under the corpus folder (a file, or a folder / link for the scan cases)
    status: str  # what validate reports: "ok" | "unreadable" | "skipped"
    codes: tuple[str, ...] = ()  # file-level finding codes that must be among those reported
    phrase: str = ""  # a phrase of the file-level message (or of the note of a skipped file)


# --- building blocks ---------------------------------------------------------------------


def good_workbook(path: Path, count: int = 2) -> Path:
    return write_workbook([make_project(i) for i in range(1, count + 1)], path, force=True)


def project_sheet_part(path: Path) -> str:
    """The part of the first visible project sheet (the one after 填表说明 and 目录)."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', book)
    index = next(i for i, name in enumerate(names) if name.startswith("示例项目"))
    return f"xl/worksheets/sheet{index + 1}.xml"


def as_written(text: str) -> bytes:
    """`text` as openpyxl writes it into sheet XML (characters beyond ASCII as references)."""
    return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in text).encode()


def replace_once(data: bytes, old: str, new: bytes) -> bytes:
    """Replace the first occurrence of `old` (as written); fail loudly when it is not there."""
    written = as_written(old)
    assert written in data, f"{old!r} not found in the part"
    return data.replace(written, new, 1)


def good_docx(path: Path, rows: list[list[object]] | None = None) -> Path:
    document = new_document()
    add_form(document, rows or national_rows(), NATIONAL_MERGES)
    return save(document, path)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def with_dtd(data: bytes, dtd: str, entity: str) -> bytes:
    """The XML part with a DTD after its declaration and the entity used in its root element."""
    text = data.decode("utf-8")
    declaration = re.match(r"<\?xml[^>]*\?>", text)
    at = declaration.end() if declaration else 0
    text = text[:at] + dtd + text[at:]
    root = re.search(r"<(?![?!])[^>]*?(/?)>", text[at + len(dtd) :])
    assert root is not None
    end = at + len(dtd) + root.end()
    if root.group(1):  # an empty root element: give it content
        start = at + len(dtd) + root.start()
        name = re.match(r"<([^\s/>]+)", text[start:]).group(1)  # type: ignore[union-attr]
        return (text[: end - 2] + ">" + f"&{entity};" + f"</{name}>" + text[end:]).encode("utf-8")
    return (text[:end] + f"&{entity};" + text[end:]).encode("utf-8")


def zip_bomb(source: Path, target: Path, part: str, size: int) -> Path:
    """`source` with `part` replaced by an inline-string cell of `size` bytes of 'A' (streamed)."""
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    block = b"A" * (1 << 20)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info.filename, zin.read(info.filename))
                continue
            entry = zipfile.ZipInfo(part)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(entry, "w", force_zip64=True) as stream:
                stream.write(head)
                left = size - len(head) - len(tail)
                while left > 0:
                    piece = block[: min(left, len(block))]
                    stream.write(piece)
                    left -= len(piece)
                stream.write(tail)
    return target


def lying_sizes(source: Path, target: Path, part: str, real: bytes) -> Path:
    """A package whose `part` states a small unpacked size but inflates to `real`."""
    stated = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, real if info.filename == part else zin.read(info.filename))
    data = bytearray(buffer.getvalue())
    name = part.encode()
    # local header: CRC at 14, unpacked size at 22; central directory: at 16 and 24
    for signature, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30), (b"PK\x01\x02", 16, 24, 46)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<L", data, at + crc_at, zlib.crc32(real[:stated]))
                struct.pack_into("<L", data, at + size_at, stated)
            at += 4
    target.write_bytes(bytes(data))
    return target


# --- .xlsb, written record by record ([MS-XLSB]; no tool here writes it) --------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _record(kind: int, payload: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(payload)) + payload


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_workbook(path: Path, sheets: dict[str, dict[tuple[int, int], object]]) -> Path:
    """A minimal .xlsb: sheet name → {(row, column) 0-based: str or number}."""
    book = _record(0x83) + _record(0x8F)
    rels = []
    for number, name in enumerate(sheets, start=1):
        book += _record(0x9C, struct.pack("<II", 0, number) + _wide(f"rId{number}") + _wide(name))
        rels.append(
            f'<Relationship Id="rId{number}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{number}.bin"/>'
        )
    book += _record(0x90) + _record(0x84)
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled'
        '.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"'
        "/></Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.bin", book)
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships">' + "".join(rels) + "</Relationships>",
        )
        for number, cells in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{number}.bin", _xlsb_sheet(cells))
    return path


def _xlsb_sheet(cells: dict[tuple[int, int], object]) -> bytes:
    rows = sorted({r for r, _ in cells}) or [0]
    columns = sorted({c for _, c in cells}) or [0]
    data = _record(0x81) + _record(0x94, struct.pack("<IIII", rows[0], rows[-1], columns[0], columns[-1]))
    data += _record(0x91)
    for row in rows:
        data += _record(0x00, struct.pack("<IIHHBBB", row, 0, 300, 0, 0, 0, 0))
        for (r, column), value in sorted(cells.items()):
            if r != row or value in ("", None):
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                data += _record(0x05, struct.pack("<IId", column, 0, float(value)))
            else:
                data += _record(0x06, struct.pack("<II", column, 0) + _wide(str(value)))
    return data + _record(0x92) + _record(0x82)


def xls_workbook(path: Path, dimensions: bytes, cells: list[tuple[int, int, float]]) -> Path:
    """A minimal BIFF8 .xls (one sheet 表1) with the given DIMENSIONS payload and NUMBER cells."""

    def record(kind: int, payload: bytes = b"") -> bytes:
        return struct.pack("<HH", kind, len(payload)) + payload

    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    name = "表1".encode("utf-16-le")
    bound_size = 4 + 8 + len(name)
    globals_size = len(record(0x0809, bof)) + bound_size + len(record(0x000A))
    sheet = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0)) + record(0x0200, dimensions)
    for row, column, value in cells:
        sheet += record(0x0203, struct.pack("<HHHd", row, column, 0, value))
    sheet += record(0x000A)
    bound = record(0x0085, struct.pack("<IBBBB", globals_size, 0, 0, 2, 1) + name)
    stream = record(0x0809, bof) + bound + record(0x000A) + sheet
    path.write_bytes(write_compound_file({"Workbook": stream + b"\x00" * max(0, 4096 - len(stream))}))
    return path


def ods_workbook(path: Path, rows_xml: str) -> Path:
    """A minimal .ods with one table 表1 whose rows are `rows_xml` (table:table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="表1">'
        + rows_xml
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def ods_rows(rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        if value in ("", None) or hasattr(value, "year"):
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        text = str(value).replace("&", "&amp;").replace("<", "&lt;")
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    return "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)


def grid_cells(rows: list[list[object]]) -> dict[tuple[int, int], object]:
    return {
        (r, c): value
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value not in ("", None) and not hasattr(value, "year")
    }


# --- the corpus ----------------------------------------------------------------------------


def build(root: Path) -> list[Case]:
    """Write the hostile corpus into the empty folder `root`; one Case per entry."""
    root.mkdir(parents=True, exist_ok=True)
    work = root.parent / (root.name + "-parts")
    work.mkdir(exist_ok=True)
    base = good_workbook(work / "base.xlsx")
    sheet = project_sheet_part(base)
    docx = good_docx(work / "base.docx")
    cases: list[Case] = []

    def add(case: Case) -> None:
        cases.append(case)

    # readable forms, plain and odd
    shutil.copy(base, root / "正常.xlsx")
    add(Case("正常.xlsx", "ok"))
    shutil.copy(docx, root / "正常.docx")
    add(Case("正常.docx", "ok"))
    shutil.copy(SEED, root / "正常.txt")
    add(Case("正常.txt", "ok"))
    text = SEED.read_text(encoding="utf-8")
    (root / "Word导出Unicode.txt").write_bytes(text.encode("utf-16"))
    add(Case("Word导出Unicode.txt", "ok"))
    (root / "GBK编码.txt").write_bytes(text.encode("gbk"))
    add(Case("GBK编码.txt", "ok"))
    shutil.copy(base, root / "WPS表格.et")
    add(Case("WPS表格.et", "ok"))
    xlsb_workbook(root / "二进制.xlsb", {"项目1": grid_cells(national_rows())})
    add(Case("二进制.xlsb", "ok"))
    shutil.copy(base, root / "带 空格 的 表.xlsx")
    add(Case("带 空格 的 表.xlsx", "ok"))
    shutil.copy(base, root / "😀表情😀.xlsx")
    add(Case("😀表情😀.xlsx", "ok"))
    long_name = "长" * 80 + ".docx"  # 245 bytes in UTF-8
    assert len(long_name.encode()) == 245
    shutil.copy(docx, root / long_name)
    add(Case(long_name, "ok"))

    # values no form should hold: formula-looking text everywhere, control characters,
    # 1e308 / NaN / #REF!, scores adding to far over 100
    project = make_project(1)
    rows = [
        dataclasses.replace(item, name=formula, target=formula, actual=formula, deviation=formula)
        for item, formula in zip(project.indicators, FORMULAS * 2, strict=False)
    ]
    project = dataclasses.replace(
        project,
        name=FORMULAS[0],
        department=FORMULAS[1],
        unit=FORMULAS[2],
        goal=dataclasses.replace(project.goal, actual=FORMULAS[6]),
        indicators=(*rows, *project.indicators[len(rows) :]),
    )
    write_workbook([project], root / "公式文本.xlsx", force=True)
    add(Case("公式文本.xlsx", "ok"))
    rows = national_rows()
    for r, _row in enumerate(rows[12:20], start=12):
        for c in (3, 4, 5, 8):
            if rows[r][c] != "":
                rows[r][c] = FORMULAS[(r + c) % len(FORMULAS)]
    rows[2][1] = "=1+1项目"
    good_docx(root / "公式文本.docx", rows)
    add(Case("公式文本.docx", "ok"))
    (root / "公式文本.txt").write_text(
        text.replace("督查效能业务", "=2+2督查效能业务", 1).replace("召开培训会议", "@SUM(1)召开培训会议"),
        encoding="utf-8",
    )
    add(Case("公式文本.txt", "ok"))
    escaped = CONTROL.replace("\x1b", "_x001B_").replace("\x07", "_x0007_")
    rewrite_package(
        base,
        root / "控制字符.xlsx",
        lambda name, data: (
            replace_once(data, "示例项目01", as_written("示例项目01" + escaped)) if name == sheet else None
        ),
    )
    add(Case("控制字符.xlsx", "ok"))
    (root / "控制字符.txt").write_text(text.replace("督查效能业务", "督查效能业务" + CONTROL, 1), encoding="utf-8")
    add(Case("控制字符.txt", "ok"))
    odd = make_project(1)
    odd = edited(odd, {"indicators.0.score": 1e308, "indicators.1.score": float("nan")})
    write_workbook([odd], work / "odd.xlsx", force=True)

    def odd_values(name: str, data: bytes) -> bytes | None:
        if name != sheet:
            return None
        data, errors = re.subn(rb'(<c r="G18" [^>]*)t="n"><v>10</v>', rb'\1t="e"><v>#REF!</v>', data)
        data, nans = re.subn(rb'(<c r="G16" [^>]*)><v></v>', rb"\1><v>NaN</v>", data)
        assert errors == nans == 1, "the score cells moved: adjust G16/G18"
        return data

    rewrite_package(work / "odd.xlsx", root / "异常数值.xlsx", odd_values)
    add(Case("异常数值.xlsx", "ok"))
    over = make_project(1)
    over = dataclasses.replace(
        over,
        indicators=tuple(
            Indicator(i.level1, i.level2, i.name, i.target, i.actual, i.weight, 100) for i in over.indicators
        ),
    )
    write_workbook([over], root / "总分超过100.xlsx", force=True)
    add(Case("总分超过100.xlsx", "ok"))

    # beyond the reading limits
    rewrite_package(
        base,
        root / "远处单元格.xlsx",
        lambda name, data: (
            data.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
            )
            if name == sheet
            else None
        ),
    )
    add(Case("远处单元格.xlsx", "ok", ("X03",), "远离表格"))
    rewrite_package(
        base,
        root / "远处单元格无引用.xlsx",
        lambda name, data: (
            data.replace(  # a cell placed by its row alone
                b"</sheetData>", b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
            )
            if name == sheet
            else None
        ),
    )
    add(Case("远处单元格无引用.xlsx", "ok", ("X03",), "读取上限"))
    rewrite_package(
        base,
        root / "超长引用.xlsx",
        lambda name, data: (
            data.replace(b"</sheetData>", b'<row r="9"><c r="A99999999999"><v>1</v></c></row></sheetData>')
            if name == sheet
            else None
        ),
    )
    add(Case("超长引用.xlsx", "ok", ("X03",), "远离表格"))
    sparse = (
        "".join(
            f'<row r="{r}"><c r="{column_letters(1 + (r * 7) % 5000)}{r}"><v>{r}</v></c></row>'
            for r in range(1, 5000, 5)
        )
        + '<row r="4999"><c r="GJH4999"><v>1</v></c></row>'
    )  # GJH = column 5000
    rewrite_package(
        base,
        root / "稀疏大表.xlsx",
        lambda name, data: (
            re.sub(
                rb"<sheetData>.*</sheetData>|<sheetData/>",
                b"<sheetData>" + sparse.encode() + b"</sheetData>",
                data,
                flags=re.S,
            )
            if name == "xl/worksheets/sheet2.xml"
            else None
        ),
    )
    add(Case("稀疏大表.xlsx", "ok", ("X03",), "读取上限"))
    zip_bomb(base, root / "压缩炸弹.xlsx", sheet, BOMB_BYTES)
    add(Case("压缩炸弹.xlsx", "ok", ("X03",), "读取上限"))  # the other project sheet is read
    lying_sizes(base, root / "谎报大小.xlsx", sheet, b"<worksheet>" + b" " * 50_000_000 + b"</worksheet>")
    add(Case("谎报大小.xlsx", "ok", ("X03",), "更大"))
    xls_workbook(root / "远处单元格.xls", struct.pack("<IIHHH", 0, 65536, 0, 256, 0), [(0, 0, 1.0), (65535, 255, 2.0)])
    add(Case("远处单元格.xls", "unreadable", ("X03",), "读取上限"))
    xls_workbook(root / "谎报范围.xls", struct.pack("<IIHHH", 0, 0xFFFFFFF0, 0, 200, 0), [(0, 0, 1.0)])
    add(Case("谎报范围.xls", "unreadable", ("X03",), "读取上限"))
    ods_workbook(root / "开放格式.ods", ods_rows(national_rows()))
    add(Case("开放格式.ods", "ok"))
    ods_workbook(
        root / "重复单元格.ods",
        ods_rows(national_rows())
        + (
            '<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-repeated="16000" '
            'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
        ),
    )
    add(Case("重复单元格.ods", "unreadable", ("X03",), "读取上限"))
    far_xlsb = grid_cells(national_rows())
    far_xlsb[(1_048_575, 16_383)] = "远处"
    xlsb_workbook(root / "远处单元格.xlsb", {"项目1": far_xlsb})
    add(Case("远处单元格.xlsb", "unreadable", ("X03",), "读取上限"))

    huge = "很长的文字" * 8000  # 40,000 characters in one cell: more than Excel allows
    rewrite_package(
        base,
        root / "超长文字.xlsx",
        lambda name, data: replace_once(data, "示例项目01", huge.encode()) if name == sheet else None,
    )
    add(Case("超长文字.xlsx", "ok", ("X03",), "32,767"))  # that sheet is refused, the other one read
    (root / "超长文字.txt").write_text(text.replace("督查效能业务", huge, 1), encoding="utf-8")
    add(Case("超长文字.txt", "ok", ("X03",), "32,767"))

    # DTDs: billion laughs in every part of a workbook and of a Word document, and XXE
    for source, label in ((base, "xlsx"), (docx, "docx")):
        with zipfile.ZipFile(source) as archive:
            parts = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        for number, part in enumerate(parts, start=1):
            name = f"实体膨胀-{label}-{number:02d}.{label}"
            rewrite_package(
                source,
                root / name,
                lambda n, data, part=part: with_dtd(data, BILLION_LAUGHS, "lol9") if n == part else None,
            )
            add(Case(name, "unreadable", ("X03",), "DTD"))
        name = f"外部实体.{label}"
        target = sheet if label == "xlsx" else "word/document.xml"
        rewrite_package(
            source, root / name, lambda n, data, target=target: with_dtd(data, XXE, "xxe") if n == target else None
        )
        add(Case(name, "unreadable", ("X03",), "DTD"))

    # locked, cut off, mislabelled
    encrypted = write_compound_file(
        {"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 60, "EncryptedPackage": os.urandom(4096)}
    )
    (root / "加密.xlsx").write_bytes(encrypted)
    add(Case("加密.xlsx", "unreadable", ("X03",), "加密"))
    (root / "加密.docx").write_bytes(encrypted)
    add(Case("加密.docx", "unreadable", ("X03",), "加密"))
    data = base.read_bytes()
    (root / "截断.xlsx").write_bytes(data[: len(data) * 2 // 3])
    add(Case("截断.xlsx", "unreadable", ("X03",), "截断"))
    data = docx.read_bytes()
    (root / "截断.docx").write_bytes(data[: len(data) // 2])
    add(Case("截断.docx", "unreadable", ("X03",), "截断"))
    shutil.copy(docx, root / "其实是Word.xlsx")
    add(Case("其实是Word.xlsx", "unreadable", ("X03",), "Word 文档"))
    shutil.copy(base, root / "其实是Excel.docx")
    add(Case("其实是Excel.docx", "unreadable", ("X03",), "Excel 工作簿"))
    shutil.copy(base, root / "其实是xlsx.xls")
    add(Case("其实是xlsx.xls", "unreadable", ("X03",), "扩展名改为 .xlsx"))
    (root / "旧版内容.xlsx").write_bytes(write_compound_file({"Workbook": b"\x09\x08" + b"\x00" * 200}))
    add(Case("旧版内容.xlsx", "unreadable", ("X03",), "旧版"))
    (root / "网页另存.xls").write_text(
        "<html><body><table><tr><td>项目名称</td></tr></table></body></html>", encoding="utf-8"
    )
    add(Case("网页另存.xls", "unreadable", ("X03",), "网页"))
    shutil.copy(base, root / "其实是xlsx.txt")
    add(Case("其实是xlsx.txt", "unreadable", ("X03",), "扩展名"))
    (root / "空文件.xlsx").write_bytes(b"")
    add(Case("空文件.xlsx", "unreadable", ("X03",), "0 字节"))

    # office types selfeval does not read (X05), and files that are no forms at all
    (root / "旧版Word.doc").write_bytes(write_compound_file({"WordDocument": b"\xec\xa5" + b"\x00" * 200}))
    add(Case("旧版Word.doc", "unreadable", ("X05",), ".docx"))
    (root / "WPS文字.wps").write_bytes(write_compound_file({"WordDocument": b"\xec\xa5" + b"\x00" * 200}))
    add(Case("WPS文字.wps", "unreadable", ("X05",), ".docx"))
    (root / "导出.csv").write_text("项目名称,得分\n=1+1,100\n", encoding="utf-8")
    add(Case("导出.csv", "unreadable", ("X05",), ".xlsx"))
    shutil.copy(base, root / "模板.xltx")
    add(Case("模板.xltx", "unreadable", ("X05",), ".xlsx"))
    (root / "说明.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    add(Case("说明.pdf", "skipped", (), "不是自评表"))
    (root / "照片.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    add(Case("照片.png", "skipped", (), "不是自评表"))

    # selfeval's own summary of the good workbook
    from selfeval.consolidate.run import consolidate, plan_consolidation

    summary = work / "汇总.xlsx"
    consolidate(plan_consolidation([base], summary, jobs=1))
    shutil.copy(summary, root / "上次的汇总.xlsx")
    add(Case("上次的汇总.xlsx", "skipped", (), "汇总表"))

    # links: a loop of file links, a dangling link, a folder linking to its parent
    os.symlink("环B.xlsx", root / "环A.xlsx")
    os.symlink("环A.xlsx", root / "环B.xlsx")
    add(Case("环A.xlsx", "unreadable", ("X03",), "循环"))
    add(Case("环B.xlsx", "unreadable", ("X03",), "循环"))
    os.symlink("不存在的文件.xlsx", root / "断开的链接.xlsx")
    add(Case("断开的链接.xlsx", "unreadable", ("X03",), "不存在"))
    (root / "子文件夹").mkdir()
    shutil.copy(base, root / "子文件夹" / "下级.xlsx")
    os.symlink("..", root / "子文件夹" / "回到上级")
    add(Case("子文件夹/下级.xlsx", "ok"))
    add(Case("子文件夹/回到上级", "skipped", (), "链接"))
    os.mkfifo(root / "命名管道.xlsx")  # opening it to read would wait for a writer forever
    add(Case("命名管道.xlsx", "skipped", (), "不是普通文件"))

    # permissions (only meaningful when not running as root)
    if os.geteuid() != 0:
        shutil.copy(base, root / "无权读取.xlsx")
        os.chmod(root / "无权读取.xlsx", 0)
        add(Case("无权读取.xlsx", "unreadable", ("X03",), "没有读取权限"))
        (root / "无权文件夹").mkdir()
        shutil.copy(base, root / "无权文件夹" / "里面.xlsx")
        os.chmod(root / "无权文件夹", 0)
        add(Case("无权文件夹", "unreadable", ("X03",), "没有读取权限"))
    return cases


def restore_permissions(root: Path) -> None:
    """Give back the permissions `build` took away, so the folder can be deleted."""
    for name in ("无权读取.xlsx", "无权文件夹"):
        path = root / name
        if path.exists() or path.is_symlink():
            os.chmod(path, 0o700)


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    print(f"{len(built)} files in {sys.argv[1]}")
