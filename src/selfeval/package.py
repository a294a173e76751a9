"""Zip packages (.xlsx, .xlsm, .xlsb, .docx, .ods, zip-based .et) checked before a reader opens them.

Every part is unpacked here once, as a stream, under the limits of `limits`: the number of
parts, each part's unpacked size and compression ratio, the package's total. The sizes the
zip's directory states are checked first (a zip bomb is refused before a byte is unpacked),
then the real stream is inflated with a cap, so a part that unpacks to more than it states is
refused too. XML parts must not carry a DOCTYPE: Office never writes one, and it is how
entity expansion (billion laughs) and external entities (XXE) get in — no parser of ours or of
the libraries (calamine, python-docx) ever sees such a part.

`inspect_package` returns what kind of document the package holds (by its parts, not by the
file's suffix), and hands the bytes of the parts a caller asks for to its `visit` callback.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceError
from .limits import (
    MAX_COMPRESSION_RATIO,
    MAX_PACKAGE_BYTES,
    MAX_PACKAGE_PARTS,
    MAX_PART_BYTES,
    RATIO_CHECKED_FROM,
    size_text,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CHUNK = 1 << 20
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION = re.compile(b"<\x00?!")
_DTD_MARKERS = tuple(
    marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY") for codec in ("ascii", "utf-16-le", "utf-16-be")
)

# Document kinds, recognised by the parts a package holds.
XLSX, XLSB, DOCX, ODS, OTHER_ZIP = "xlsx", "xlsb", "docx", "ods", "zip"
KIND_NAMES = {
    XLSX: "Excel 工作簿（.xlsx）",
    XLSB: "Excel 二进制工作簿（.xlsb）",
    DOCX: "Word 文档（.docx）",
    ODS: "OpenDocument 表格（.ods）",
    OTHER_ZIP: "zip 压缩包",
}


@dataclass
class Package:
    kind: str  # XLSX | XLSB | DOCX | ODS | OTHER_ZIP
    names: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # part → why it is not read (tolerated parts)


def package_kind(names: list[str]) -> str:
    present = set(names)
    if "xl/workbook.xml" in present:
        return XLSX
    if "xl/workbook.bin" in present:
        return XLSB
    if "word/document.xml" in present:
        return DOCX
    if "content.xml" in present and "mimetype" in present:
        return ODS
    return OTHER_ZIP


def inspect_package(
    path: Path,
    visit: Callable[[str, bytes], None] | None = None,
    wanted: Callable[[str], bool] | None = None,
    tolerated: Callable[[str], bool] | None = None,
    part_limit: int = MAX_PART_BYTES,
) -> Package:
    """Check every part of the zip at `path`; hand the parts `wanted` selects to `visit`.

    Raises SourceError (a Chinese reason) when the file is not a complete zip, is encrypted,
    or a part is beyond a limit or carries a DTD. A part `tolerated` selects (a worksheet:
    the other sheets can still be read) that is too large or broken is not unpacked and not
    visited; the reason goes to `Package.refused` instead. `part_limit`: the unpacked size
    allowed per part.
    """
    with open(path, "rb") as handle:
        _check_entry_count(handle)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise SourceError("压缩包结构无法识别，文件可能已损坏或被截断（如下载或复制时中断），无法打开") from None
        infos = archive.infolist()
        package = Package(package_kind([info.filename for info in infos]), [info.filename for info in infos])
        _check_declared(infos, package.refused, tolerated, part_limit)
        total = 0
        for info in infos:
            if info.is_dir() or info.filename in package.refused:
                continue
            keep = visit is not None and (wanted is None or wanted(info.filename))
            chunks: list[bytes] = []
            carry = b""
            try:
                for chunk in _inflate(handle, info):
                    total += len(chunk)
                    if total > MAX_PACKAGE_BYTES:
                        raise SourceError(
                            f"解压后的内容超过 {size_text(MAX_PACKAGE_BYTES)}（读取上限），不像自评表，未读取"
                        )
                    window = carry + chunk
                    _check_dtd(info.filename, window)
                    carry = window[-32:]
                    if keep:
                        chunks.append(chunk)
            except _PartError as error:
                if tolerated is None or not tolerated(info.filename):
                    raise SourceError(error.reason) from None
                package.refused[info.filename] = error.reason
                continue
            if keep and visit is not None:
                visit(info.filename, b"".join(chunks))
    return package


class _PartError(Exception):
    """One part is beyond a limit or broken (the caller may tolerate it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check_dtd(name: str, window: bytes) -> None:
    if not _DECLARATION.search(window):  # no "<!" (UTF-8 or UTF-16) at all: the common case, one scan
        return
    if name.lower().endswith(_XML_SUFFIXES) and any(marker in window for marker in _DTD_MARKERS):
        raise SourceError(
            f"文件中的「{name}」含有 DTD 声明（<!DOCTYPE>/<!ENTITY>），Office 文件不会含有，可能是恶意构造的文件，未读取"
        )


def _check_entry_count(handle) -> None:
    """Refuse a directory of too many parts before zipfile builds an object per part."""
    try:
        end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
    except (OSError, struct.error, ValueError):
        end = None
    if end is None:
        raise SourceError("找不到压缩包的目录，文件可能已损坏或被截断（如下载或复制时中断），无法打开")
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_PACKAGE_PARTS:  # type: ignore[attr-defined]
        raise SourceError(f"压缩包含有超过 {MAX_PACKAGE_PARTS} 个部件（读取上限），不像自评表，未读取")
    handle.seek(0)


def _check_declared(
    infos: list[zipfile.ZipInfo], refused: dict[str, str], tolerated: Callable[[str], bool] | None, part_limit: int
) -> None:
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SourceError("文件已加密（设有打开密码），无法读取；请取消密码后另存，再校验")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SourceError(f"文件中的「{info.filename}」使用了 Office 不用的压缩方式，无法读取")
        reason = _declared_problem(info, part_limit)
        if reason and tolerated is not None and tolerated(info.filename):
            refused[info.filename] = reason
            continue
        if reason:
            raise SourceError(reason)
        declared += info.file_size
    if declared > MAX_PACKAGE_BYTES:
        raise SourceError(
            f"解压后的内容共 {size_text(declared)}，超过 {size_text(MAX_PACKAGE_BYTES)} 的读取上限，未读取"
        )


def _declared_problem(info: zipfile.ZipInfo, part_limit: int) -> str | None:
    if info.file_size > part_limit:
        return (
            f"文件中的「{info.filename}」解压后有 {size_text(info.file_size)}，超过每个部件 "
            f"{size_text(part_limit)} 的读取上限，不像自评表，未读取"
        )
    if info.file_size >= RATIO_CHECKED_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        return (
            f"文件中的「{info.filename}」压缩比异常（{size_text(info.compress_size)} 解压为 "
            f"{size_text(info.file_size)}，超过 {MAX_COMPRESSION_RATIO} 倍的上限），可能是“压缩炸弹”，未读取"
        )
    return None


def _inflate(handle, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, unpacked from the raw stream with a cap at its declared size."""
    broken = _PartError(f"文件中的「{info.filename}」不完整，文件可能已损坏或被截断（如下载或复制时中断），无法读取")
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != ZIP_MAGIC:
        raise broken
    fields = _LOCAL_HEADER.unpack(header)
    handle.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    remaining = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced = 0
    crc = 0
    while remaining > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        else:
            data = handle.read(min(_CHUNK, remaining))
            if not data:
                raise broken
            remaining -= len(data)
        if inflater is None:
            out = data
        else:
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error:
                raise broken from None
        produced += len(out)
        if produced > info.file_size:
            raise _PartError(
                f"文件中的「{info.filename}」解压后比压缩包记录的 {size_text(info.file_size)} 更大，"
                "可能是恶意构造的文件，未读取"
            )
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise broken
    if produced != info.file_size or crc != info.CRC:
        raise broken
