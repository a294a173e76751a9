"""The streams of a VBA project storage ([MS-OVBA]) written from module sources.

Source only: `_VBA_PROJECT` carries version 0xFFFF and no performance cache, and
every module stream holds just its compressed source at offset 0, so the host
application compiles the project from source when it first opens it.
"""

from __future__ import annotations

import enum
import hashlib
import struct
import uuid
from dataclasses import dataclass

from .cfb import write_compound_file

CHUNK_SIZE = 4096


# --- 2.4.1 compression ---------------------------------------------------------------


def _copy_token_help(position: int) -> tuple[int, int]:
    """Bit count of the offset field and the maximum match length at `position` in a chunk."""
    bit_count = max((position - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0
    end = len(chunk)
    while pos < end:
        flags = 0
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_off = 0, 0
            if pos + 3 <= end:
                _, max_len = _copy_token_help(pos)
                limit = min(max_len, end - pos)
                for candidate in reversed(heads.get(chunk[pos : pos + 3], ())):
                    length = 3
                    while length < limit and chunk[candidate + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - candidate
                        if length == limit:
                            break
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                bit_count, _ = _copy_token_help(pos)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
            else:
                out.append(chunk[pos])
            for i in range(pos, pos + step):
                if i + 3 <= end:
                    heads.setdefault(chunk[i : i + 3], []).append(i)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress `data` into a CompressedContainer (MS-OVBA 2.4.1)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK_SIZE):
        chunk = data[start : start + CHUNK_SIZE]
        packed = _compress_chunk(chunk)
        if len(packed) <= CHUNK_SIZE:
            out += struct.pack("<H", 0xB000 | (len(packed) + 2 - 3)) + packed
        else:  # incompressible: a raw chunk always holds 4096 bytes
            out += struct.pack("<H", 0x3000 | (CHUNK_SIZE + 2 - 3))
            out += chunk + b"\x00" * (CHUNK_SIZE - len(chunk))
    return bytes(out)


# --- 2.4.3 data encryption (the CMG, DPB and GC values of the PROJECT stream) --------


def encrypt(project_id: str, data: bytes, seed: int) -> str:
    """Obfuscate `data` as MS-OVBA 2.4.3.2 does; returns uppercase hex."""
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    proj_key_enc = seed ^ proj_key
    out = bytearray([seed, version_enc, proj_key_enc])
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    ignored = [0] * ((seed & 6) // 2)
    for byte in [*ignored, *struct.pack("<I", len(data)), *data]:
        byte_enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    return out.hex().upper()


def decrypt(project_id: str, hex_text: str) -> bytes:
    """Reverse of `encrypt` (MS-OVBA 2.4.3.3); checks version and project key."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unsupported encryption version")
    proj_key = seed ^ proj_key_enc
    if proj_key != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("project key does not match the project id")
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    skip = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, skip)[0]
    data = bytes(plain[skip + 4 :])
    if len(data) != length:
        raise ValueError("encrypted data length mismatch")
    return data


# --- the project model ---------------------------------------------------------------


class ModuleKind(enum.Enum):
    STANDARD = "Module"
    CLASS = "Class"
    DOCUMENT = "Document"


@dataclass(frozen=True)
class VbaModule:
    """One module as VBA stores it: its name, kind and full source (attributes included)."""

    name: str
    kind: ModuleKind
    source: str


@dataclass(frozen=True)
class Reference:
    """A registered type library reference (REFERENCEREGISTERED)."""

    name: str
    libid: str


# The references Excel itself writes for a workbook project. "VBA" and the host's own
# library ("Excel") are implicit: Excel never lists them in the dir stream.
STDOLE = Reference(
    "stdole",
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation",
)
OFFICE = Reference(
    "Office",
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
    r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
)

HOST_EXTENDER_INFO = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


@dataclass(frozen=True)
class VbaProject:
    name: str
    modules: tuple[VbaModule, ...]
    references: tuple[Reference, ...] = (STDOLE, OFFICE)
    code_page: int = 936

    def content_hash(self) -> bytes:
        digest = hashlib.sha256()
        for part in (self.name, str(self.code_page)):
            digest.update(part.encode("utf-8") + b"\x00")
        for module in self.modules:
            for part in (module.name, module.kind.value, module.source):
                digest.update(part.encode("utf-8") + b"\x00")
        for ref in self.references:
            digest.update(ref.libid.encode("utf-8") + b"\x00")
        return digest.digest()

    @property
    def project_id(self) -> str:
        """A GUID derived from the content, so equal sources give equal bytes."""
        return "{" + str(uuid.UUID(bytes=self.content_hash()[:16], version=4)).upper() + "}"

    @property
    def encoding(self) -> str:
        return f"cp{self.code_page}"


def _record(record_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text_records(mbcs_id: int, unicode_id: int, text: str, encoding: str) -> bytes:
    return _record(mbcs_id, text.encode(encoding)) + _record(unicode_id, text.encode("utf-16-le"))


def dir_stream(project: VbaProject) -> bytes:
    """The uncompressed `VBA/dir` stream (MS-OVBA 2.3.4.2)."""
    enc = project.encoding
    out = bytearray()
    # PROJECTINFORMATION
    out += _record(0x0001, struct.pack("<I", 1))  # SYSKIND: 32-bit Windows
    out += _record(0x0002, struct.pack("<I", 0x0409))  # LCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # LCIDINVOKE
    out += _record(0x0003, struct.pack("<H", project.code_page))  # CODEPAGE
    out += _record(0x0004, project.name.encode(enc))  # NAME
    out += _text_records(0x0005, 0x0040, "", enc)  # DOCSTRING
    out += _text_records(0x0006, 0x003D, "", enc)  # HELPFILEPATH
    out += _record(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: major 1, minor 0
    out += _text_records(0x000C, 0x003C, "", enc)  # CONSTANTS
    # PROJECTREFERENCES
    for ref in project.references:
        out += _text_records(0x0016, 0x003E, ref.name, enc)  # REFERENCENAME
        libid = ref.libid.encode(enc)
        out += _record(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    # PROJECTMODULES
    out += _record(0x000F, struct.pack("<H", len(project.modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in project.modules:
        out += _text_records(0x0019, 0x0047, module.name, enc)  # MODULENAME (+ UNICODE)
        out += _text_records(0x001A, 0x0032, module.name, enc)  # MODULESTREAMNAME
        out += _text_records(0x001C, 0x0048, "", enc)  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        # MODULETYPE: 0x21 procedural; 0x22 document, class or designer module
        out += _record(0x0021 if module.kind is ModuleKind.STANDARD else 0x0022, b"")
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


def _seed(project: VbaProject, label: str) -> int:
    return hashlib.sha256(project.content_hash() + label.encode()).digest()[0]


def project_stream(project: VbaProject) -> bytes:
    """The `PROJECT` stream: the project's properties as text (MS-OVBA 2.3.1)."""
    pid = project.project_id
    protection = encrypt(pid, struct.pack("<I", 0), _seed(project, "CMG"))  # not locked
    password = encrypt(pid, bytes([0x00]), _seed(project, "DPB"))  # no password
    visibility = encrypt(pid, bytes([0xFF]), _seed(project, "GC"))  # visible
    lines = [f'ID="{pid}"']
    for module in project.modules:
        if module.kind is ModuleKind.DOCUMENT:
            lines.append(f"Document={module.name}/&H00000000")
        else:
            lines.append(f"{module.kind.value}={module.name}")
    lines += [
        f'Name="{project.name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{protection}"',
        f'DPB="{password}"',
        f'GC="{visibility}"',
        "",
        "[Host Extender Info]",
        HOST_EXTENDER_INFO,
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in project.modules),
        "",
        "",
    ]
    return "\r\n".join(lines).encode(project.encoding)


def projectwm_stream(project: VbaProject) -> bytes:
    """The `PROJECTwm` stream: module names in MBCS and UTF-16 (MS-OVBA 2.3.3)."""
    out = bytearray()
    for module in project.modules:
        out += module.name.encode(project.encoding) + b"\x00"
        out += module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


# Reserved1 0x61CC, Version 0xFFFF (forces a recompile from source), Reserved2, Reserved3.
VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")


def vba_project_bin(project: VbaProject) -> bytes:
    """The whole `vbaProject.bin` compound file."""
    names = [m.name for m in project.modules]
    if len({n.upper() for n in names}) != len(names):
        raise ValueError(f"duplicate module names: {names}")
    streams = {
        "PROJECT": project_stream(project),
        "PROJECTwm": projectwm_stream(project),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project)),
    }
    for module in project.modules:
        source = module.source.replace("\r\n", "\n").replace("\n", "\r\n")
        streams[f"VBA/{module.name}"] = compress(source.encode(project.encoding))
    return write_compound_file(streams)
