"""The compound-file and VBA-stream writers, checked against independent readers.

olefile reads the compound file; oletools decompresses; Excel-made values from xlwings'
reference add-in check the PROJECT-stream encryption.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import olefile
import xlwings
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from selfeval.addin.cfb import write_compound_file
from selfeval.addin.ovba import compress, decrypt, encrypt

REFERENCE = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def reference_vba() -> olefile.OleFileIO:
    with zipfile.ZipFile(REFERENCE) as package:
        return olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))


def decompressed(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


text_like = st.text(alphabet='ab c\r\nDim x As String ="绩效"', max_size=12000).map(lambda s: s.encode("gbk"))


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=9000), text_like))
def test_compression_round_trips_through_oletools(data):
    packed = compress(data)
    unpacked = decompressed(packed)
    # A raw (incompressible) final chunk is padded to 4096 bytes, as the spec requires.
    assert unpacked[: len(data)] == data
    assert set(unpacked[len(data) :]) <= {0}


def test_compression_of_source_text_shrinks_it_and_round_trips():
    source = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_bytes()
    packed = compress(source)
    assert len(packed) < len(source) // 2
    assert decompressed(packed) == source


def test_chunk_boundaries():
    for size in (4095, 4096, 4097, 8192, 8193):
        data = bytes(range(256)) * (size // 256) + bytes(size % 256)
        assert decompressed(compress(data)) == data


def test_decrypts_the_protection_values_excel_wrote():
    ole = reference_vba()
    props = dict(
        line.split("=", 1)
        for line in ole.openstream("PROJECT").read().decode("cp1252").splitlines()
        if "=" in line and not line.startswith("&H")
    )
    pid = props["ID"].strip('"')
    assert decrypt(pid, props["CMG"].strip('"')) == b"\x00\x00\x00\x00"  # not locked
    assert decrypt(pid, props["DPB"].strip('"')) == b"\x00"  # no password
    assert decrypt(pid, props["GC"].strip('"')) == b"\xff"  # visible


@given(st.binary(min_size=1, max_size=40), st.integers(0, 255), st.uuids())
def test_encryption_round_trips(data, seed, guid):
    pid = "{" + str(guid).upper() + "}"
    assert decrypt(pid, encrypt(pid, data, seed)) == data


def _rb_black_height(entries, sid) -> int:
    if sid == olefile.NOSTREAM:
        return 1
    node = entries[sid]
    for child in (node.sid_left, node.sid_right):
        if node.color == 0 and child != olefile.NOSTREAM:
            assert entries[child].color == 1, "red node with a red child"
    left = _rb_black_height(entries, node.sid_left)
    right = _rb_black_height(entries, node.sid_right)
    assert left == right, "unequal black heights"
    return left + (1 if node.color == 1 else 0)


def _in_order(entries, sid):
    if sid == olefile.NOSTREAM:
        return []
    node = entries[sid]
    return [*_in_order(entries, node.sid_left), node.name, *_in_order(entries, node.sid_right)]


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="ABCabc_xyz0123", min_size=1, max_size=12),
        st.binary(max_size=6000),
        min_size=1,
        max_size=40,
    )
)
def test_compound_file_reads_back_strictly_with_a_valid_red_black_tree(streams):
    paths = {f"VBA/{name}": data for name, data in streams.items()}
    assume(len({p.upper() for p in paths}) == len(paths))  # CFB names are case-insensitive
    paths["PROJECT"] = b"ID=x"
    blob = write_compound_file(paths)
    assert len(blob) % 512 == 0
    ole = olefile.OleFileIO(io.BytesIO(blob), raise_defects=olefile.DEFECT_INCORRECT)
    for path, data in paths.items():
        assert ole.openstream(path).read() == data
    entries = ole.direntries
    storages = [e for e in entries if e is not None and e.sid_child != olefile.NOSTREAM]
    for storage in storages:
        assert entries[storage.sid_child].color == 1, "tree root must be black"
        _rb_black_height(entries, storage.sid_child)
        names = _in_order(entries, storage.sid_child)
        keys = [(len(n), n.upper()) for n in names]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
