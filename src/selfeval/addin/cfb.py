"""A minimal writer of Compound File Binary files ([MS-CFB], version 3, 512-byte sectors).

Enough for a VBA project: storages and streams, mini stream for small streams,
a valid red-black directory tree, no timestamps or CLSIDs (reproducible output).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
ENTRY_SIZE = 128

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_TYPE_STORAGE = 1
_TYPE_STREAM = 2
_TYPE_ROOT = 5
_RED = 0
_BLACK = 1

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    index: int = -1
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN


def _sort_key(name: str) -> tuple[int, str]:
    # [MS-CFB] 2.6.4: shorter names first, then a case-insensitive comparison.
    return (len(name.encode("utf-16-le")), name.upper())


def _build_tree(siblings: list[_Entry]) -> int:
    """Link siblings into a balanced red-black tree; returns the root index."""
    ordered = sorted(siblings, key=lambda e: _sort_key(e.name))
    count = len(ordered)
    black_height = (count + 1).bit_length() - 1  # levels that are completely filled

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        node.color = _RED if depth >= black_height else _BLACK
        node.left = link(lo, mid, depth + 1)
        node.right = link(mid + 1, hi, depth + 1)
        return node.index

    return link(0, count, 0)


def _encode_name(name: str) -> bytes:
    raw = name.encode("utf-16-le")
    if len(raw) > 62 or any(ch in name for ch in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")
    return raw + b"\x00\x00"


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(data: bytes, size: int) -> int:
    return (len(data) + size - 1) // size


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (-len(data) % size)


_DIRECTORY_ENTRY = "<64sHBBIII16sIQQIQ"


@dataclass
class _MiniStream:
    """Streams below the cutoff, each padded to 64-byte mini sectors, and their FAT."""

    data: bytearray = field(default_factory=bytearray)
    fat: list[int] = field(default_factory=list)
    big_streams: list[_Entry] = field(default_factory=list)  # the streams stored in sectors


@dataclass
class _Sectors:
    """Where each part of the file starts and how many sectors it takes."""

    fat: list[int]
    fat_sectors: int
    dir_start: int
    minifat_start: int
    minifat_sectors: int


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """Return a compound file holding `streams`, keyed by '/'-separated paths."""
    root = _storage_tree(streams)
    entries = _directory_order(root)
    mini = _mini_stream(entries)
    sectors = _allocate(root, entries, mini)
    body = bytearray()
    body += struct.pack(f"<{len(sectors.fat)}I", *sectors.fat)
    body += _directory(entries)
    if mini.fat:
        unused_slots = -len(mini.fat) % (SECTOR_SIZE // 4)
        body += struct.pack(f"<{len(mini.fat) + unused_slots}I", *mini.fat, *[FREESECT] * unused_slots)
    body += _pad(bytes(mini.data), SECTOR_SIZE)
    for entry in mini.big_streams:
        body += _pad(entry.data, SECTOR_SIZE)
    return _header(sectors) + bytes(body)


def _storage_tree(streams: dict[str, bytes]) -> _Entry:
    """The root entry with a storage per folder of the paths and a stream per path."""
    root = _Entry("Root Entry", _TYPE_ROOT)
    for path in sorted(streams):
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Entry(part, _TYPE_STORAGE))
            if node.kind != _TYPE_STORAGE:
                raise ValueError(f"{part!r} is both a stream and a storage")
        if parts[-1] in node.children:
            raise ValueError(f"duplicate stream {path!r}")
        node.children[parts[-1]] = _Entry(parts[-1], _TYPE_STREAM, streams[path])
    return root


def _directory_order(root: _Entry) -> list[_Entry]:
    """Every entry, breadth-first (the root is entry 0), each storage's children linked in a tree."""
    entries: list[_Entry] = []
    queue = [root]
    while queue:
        entry = queue.pop(0)
        entry.index = len(entries)
        entries.append(entry)
        queue.extend(sorted(entry.children.values(), key=lambda e: _sort_key(e.name)))
    for entry in entries:
        if entry.children:
            entry.child = _build_tree(list(entry.children.values()))
    root.color = _BLACK
    return entries


def _mini_stream(entries: list[_Entry]) -> _MiniStream:
    """Every stream below the cutoff into the mini stream (their starts set)."""
    mini = _MiniStream()
    for entry in entries:
        if entry.kind != _TYPE_STREAM:
            continue
        if len(entry.data) >= MINI_STREAM_CUTOFF:
            mini.big_streams.append(entry)
            continue
        count = _sectors(entry.data, MINI_SECTOR_SIZE)
        entry.start = len(mini.fat) if count else ENDOFCHAIN
        mini.fat.extend([0] * count)
        _chain(mini.fat, entry.start, count)
        mini.data += _pad(entry.data, MINI_SECTOR_SIZE)
    return mini


def _allocate(root: _Entry, entries: list[_Entry], mini: _MiniStream) -> _Sectors:
    """Lay out FAT, directory, mini FAT, mini stream and big streams; sets the starts."""
    n_dir = _sectors(b"\x00" * (len(entries) * ENTRY_SIZE), SECTOR_SIZE)
    n_minifat = _sectors(b"\x00" * (4 * len(mini.fat)), SECTOR_SIZE)
    n_ministream = _sectors(bytes(mini.data), SECTOR_SIZE)
    n_big = [_sectors(e.data, SECTOR_SIZE) for e in mini.big_streams]
    n_data = n_dir + n_minifat + n_ministream + sum(n_big)
    n_fat = 1
    while n_fat * (SECTOR_SIZE // 4) < n_data + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")

    fat = [FREESECT] * (n_fat * SECTOR_SIZE // 4)
    for i in range(n_fat):
        fat[i] = FATSECT
    cursor = n_fat
    dir_start = cursor
    _chain(fat, cursor, n_dir)
    cursor += n_dir
    minifat_start = cursor if n_minifat else ENDOFCHAIN
    _chain(fat, cursor, n_minifat)
    cursor += n_minifat
    root.start = cursor if n_ministream else ENDOFCHAIN
    root.data = bytes(mini.data)
    _chain(fat, cursor, n_ministream)
    cursor += n_ministream
    for entry, count in zip(mini.big_streams, n_big, strict=False):
        entry.start = cursor
        _chain(fat, cursor, count)
        cursor += count
    return _Sectors(fat, n_fat, dir_start, minifat_start, n_minifat)


def _header(sectors: _Sectors) -> bytes:
    header = bytearray(SECTOR_SIZE)
    struct.pack_into(
        "<8s16sHHHHH6sIIIIIIIII",
        header,
        0,
        _SIGNATURE,
        b"\x00" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3
        0xFFFE,  # little-endian byte order mark
        9,  # sector shift: 512
        6,  # mini sector shift: 64
        b"\x00" * 6,
        0,  # directory sectors (must be 0 in version 3)
        sectors.fat_sectors,
        sectors.dir_start,
        0,  # transaction signature
        MINI_STREAM_CUTOFF,
        sectors.minifat_start,
        sectors.minifat_sectors,
        ENDOFCHAIN,  # first DIFAT sector
        0,  # DIFAT sectors
    )
    difat = list(range(sectors.fat_sectors)) + [FREESECT] * (109 - sectors.fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header)


def _directory(entries: list[_Entry]) -> bytes:
    """The directory entries, padded to whole sectors with unused entries."""
    directory = bytearray()
    for entry in entries:
        name = _encode_name(entry.name)
        size = len(entry.data) if entry.kind != _TYPE_STORAGE else 0
        start = entry.start if entry.kind != _TYPE_STORAGE else 0
        directory += struct.pack(
            _DIRECTORY_ENTRY,
            name,
            len(name),
            entry.kind,
            entry.color,
            entry.left,
            entry.right,
            entry.child,
            b"\x00" * 16,
            0,
            0,
            0,
            start,
            size,
        )
    unused = struct.pack(_DIRECTORY_ENTRY, b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\x00" * 16, 0, 0, 0, 0, 0)
    while len(directory) % SECTOR_SIZE:
        directory += unused
    return bytes(directory)
