"""The built .xlam, read back by independent readers: zipfile, olefile, olevba, LibreOffice.

Also compared with xlwings' own Excel-made `quickstart_addin_ribbon.xlam`.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream

from selfeval.addin import ADDIN_FILENAME, addin_bytes, build_addin
from selfeval.addin.xlwings_patch import patch_xlwings_module
from support.libreoffice import convert, needs_libreoffice

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"
XLWINGS = Path(xlwings.__file__).parent
REFERENCE = XLWINGS / "quickstart_addin_ribbon.xlam"
COMMITTED = ROOT / "workbook" / ADDIN_FILENAME


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"))


def lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").rstrip("\n").split("\n")


def without_attributes(text: str) -> list[str]:
    return [line for line in lines(text) if not line.lstrip().startswith("Attribute ")]


# What VBE adds to a class when it imports a .cls export (besides dropping its header).
CLASS_ADDED = {
    'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
    "Attribute VB_TemplateDerived = False",
    "Attribute VB_Customizable = False",
}


def vba_ole(xlam: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(xlam) as package:
        return olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))


XLWINGS_STANDARD = ("Remote", "WebHelpers")
XLWINGS_CLASSES = ("Dictionary", "IWebAuthenticator", "WebClient", "WebRequest", "WebResponse")


def expected_sources() -> dict[str, list[str]]:
    """Module name -> source lines, from macros/ and the xlwings package (as patched)."""
    expected = {}
    for path in MACROS.glob("*.bas"):
        text = path.read_text(encoding="utf-8")
        expected[re.match(r'Attribute VB_Name = "(\w+)"', text).group(1)] = lines(text)
    xlwings_bas = lines((XLWINGS / "xlwings_custom_addin.bas").read_text())
    expected["xlwings"] = lines(
        patch_xlwings_module(
            "\n".join(
                'Public Const PROJECT_NAME As String = "selfeval"'
                if line.startswith("Public Const PROJECT_NAME As String")
                else line
                for line in xlwings_bas
            )
            + "\n"
        )
    )
    for name in XLWINGS_STANDARD:  # xlwings' VBA client for server mode
        expected[name] = lines((XLWINGS / "addin" / f"{name}.bas").read_text())
    for name in XLWINGS_CLASSES:  # the classes that client uses (Dictionary among them)
        text = lines((XLWINGS / "addin" / f"{name}.cls").read_text())
        expected[name] = text[text.index(f'Attribute VB_Name = "{name}"') :]
    return expected


# --- reproducibility ------------------------------------------------------------------


def test_two_builds_are_byte_identical(built, tmp_path):
    again = build_addin(tmp_path)
    assert again.name == ADDIN_FILENAME
    assert again.read_bytes() == built.read_bytes()


def test_committed_addin_equals_a_fresh_build(built):
    assert COMMITTED.exists(), f"{COMMITTED} missing: run `selfeval build addin`"
    assert COMMITTED.read_bytes() == built.read_bytes(), f"{COMMITTED} is stale: rebuild it with `selfeval build addin`"


def test_zip_entries_have_fixed_timestamps(built):
    with zipfile.ZipFile(built) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- the OPC package ------------------------------------------------------------------


def test_package_is_an_addin_with_ribbon_and_vba(built):
    with zipfile.ZipFile(built) as package:
        assert package.testzip() is None
        types = etree.fromstring(package.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType") for o in types}
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
        for part in overrides:
            if part:
                assert part.lstrip("/") in package.namelist(), part
        rels = {r.get("Type"): r.get("Target") for r in etree.fromstring(package.read("_rels/.rels"))}
        # Office 2010+ ribbon (customUI14, 2009/07 namespace) uses the 2007 relationship type
        assert rels["http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"] == (
            "customUI/customUI14.xml"
        )
        assert (
            rels["http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"]
            == "xl/workbook.xml"
        )
        assert package.read("customUI/customUI14.xml") == (MACROS / "customUI14.xml").read_bytes()
        wb_rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Type").rsplit("/", 1)[-1]: r.get("Target") for r in wb_rels}
        assert targets["vbaProject"] == "vbaProject.bin"
        for target in targets.values():
            assert f"xl/{target}" in package.namelist()


def test_document_modules_match_the_workbook_code_names(built):
    with zipfile.ZipFile(built) as package:
        workbook = package.read("xl/workbook.xml").decode()
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    project = vba_ole(built).openstream("PROJECT").read().decode("gbk")
    documents = set(re.findall(r"^Document=(\w+)/", project, re.M))
    code_names = set(re.findall(r'codeName="(\w+)"', workbook + sheet))
    assert documents == code_names == {"ThisWorkbook", "Sheet1"}


# --- reader 1: olevba -----------------------------------------------------------------


def test_olevba_extracts_every_module_equal_to_its_source(built):
    parser = VBA_Parser(str(built))
    try:
        extracted = {Path(vba_filename).stem: code for _, _, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()
    expected = expected_sources()
    assert set(expected) <= set(extracted)
    assert set(extracted) - set(expected) == {"ThisWorkbook", "Sheet1"}
    for name in set(expected) - set(XLWINGS_CLASSES):
        assert lines(extracted[name]) == expected[name], name
    for name in XLWINGS_CLASSES:
        extracted_class = lines(extracted[name])
        assert set(extracted_class) >= CLASS_ADDED
        assert [line for line in extracted_class if line not in CLASS_ADDED] == expected[name], name


def test_chinese_literals_survive_in_code_page_936(built):
    ole = vba_ole(built)
    dir_stream = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    assert dir_stream[:6] == struct.pack("<HI", 0x0001, 4)
    code_page = struct.unpack_from("<H", dir_stream, dir_stream.index(struct.pack("<HI", 3, 2)) + 6)[0]
    assert code_page == 936
    raw = bytes(decompress_stream(bytearray(ole.openstream("VBA/Ribbon").read())))
    assert '"绩效自评"'.encode("gbk") in raw  # message text is stored as GBK
    assert raw.decode("gbk").replace("\r\n", "\n") == (MACROS / "Ribbon.bas").read_text(encoding="utf-8")


# --- reader 2: LibreOffice --------------------------------------------------------------


@needs_libreoffice
def test_libreoffice_imports_the_same_module_sources(built, tmp_path):
    # LibreOffice's type detection does not claim the add-in content type by itself.
    ods = convert(built, "ods", tmp_path, infilter="Calc MS Excel 2007 VBA XML")
    basic = {}
    with zipfile.ZipFile(ods) as package:
        for name in package.namelist():
            match = re.fullmatch(r"Basic/selfeval/(\w+)\.xml", name)
            if match and match.group(1) != "script-lb":
                module = etree.fromstring(package.read(name))
                basic[match.group(1)] = module.text or ""
    expected = expected_sources()
    assert set(basic) == set(expected) | {"ThisWorkbook", "Sheet1"}
    for name, source in expected.items():
        imported = lines(basic[name])
        # LibreOffice prefixes its own markers and drops the Attribute lines.
        assert imported[0].startswith("Rem Attribute VBA_ModuleType=")
        body = [line for line in imported[1:] if line not in ("Option VBASupport 1", "Option ClassModule")]
        assert body == without_attributes("\n".join(source)), name


# --- the Excel-made reference ---------------------------------------------------------


def dir_records(ole: olefile.OleFileIO) -> list[tuple[int, bytes]]:
    data = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    records, pos = [], 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        if record_id == 0x0009:  # PROJECTVERSION: Reserved=4, then 4 + 2 bytes
            size = 6
        records.append((record_id, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return records


def dir_shape(records):
    """Split the dir stream into project info ids, reference shapes and module shapes."""
    ids = [r for r, _ in records]
    first_ref = next(i for i, r in enumerate(ids) if r == 0x0016)
    modules_at = ids.index(0x000F)
    info = ids[:first_ref]
    refs, current = [], []
    for record_id in ids[first_ref:modules_at]:
        current.append(record_id)
        if record_id in (0x000D, 0x000E, 0x0030):  # REGISTERED, PROJECT, CONTROL's last part
            refs.append(tuple(current))
            current = []
    modules, current = [], []
    for record_id in ids[modules_at + 2 : -1]:
        current.append(record_id)
        if record_id == 0x002B:
            modules.append(tuple(current))
            current = []
    return info, refs, ids[modules_at : modules_at + 2], modules, ids[-1]


def module_offsets(records) -> list[int]:
    return [struct.unpack("<I", payload)[0] for rid, payload in records if rid == 0x0031]


def test_stream_layout_matches_the_excel_made_reference(built):
    ours, ref = vba_ole(built), vba_ole(REFERENCE)

    def layout(ole):
        module_names = {payload.decode("ascii") for rid, payload in dir_records(ole) if rid == 0x001A}
        streams = {"/".join(p) for p in ole.listdir()}
        return streams - {f"VBA/{m}" for m in module_names}, module_names

    our_fixed, our_modules = layout(ours)
    ref_fixed, _ref_modules = layout(ref)
    assert our_fixed == ref_fixed == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"}
    assert {f"VBA/{m}" for m in our_modules} <= {"/".join(p) for p in ours.listdir()}
    assert ours.openstream("VBA/_VBA_PROJECT").read() == ref.openstream("VBA/_VBA_PROJECT").read()


def test_project_stream_keys_match_the_reference(built):
    def keys(ole, encoding):
        text = ole.openstream("PROJECT").read().decode(encoding)
        out = []
        for line in text.split("\r\n"):
            key = line.split("=", 1)[0] if "=" in line else line
            if re.fullmatch(r"Document|Module|Class", key):
                key = "<module>"
            out.append(key)
        # collapse the per-module lines, whose number differs
        collapsed = [k for i, k in enumerate(out) if not (k == "<module>" and out[i - 1] == "<module>")]
        workspace = collapsed.index("[Workspace]")
        return collapsed[: workspace + 1]

    assert keys(vba_ole(built), "gbk") == keys(vba_ole(REFERENCE), "cp1252")


def test_dir_record_sequence_matches_the_reference(built):
    ours, ref = dir_records(vba_ole(built)), dir_records(vba_ole(REFERENCE))
    our_info, our_refs, our_count, our_modules, our_end = dir_shape(ours)
    ref_info, ref_refs, ref_count, ref_modules, ref_end = dir_shape(ref)
    assert our_info == ref_info
    assert our_count == ref_count and our_end == ref_end == 0x0010
    assert set(our_refs) <= set(ref_refs)  # each of our reference kinds occurs in Excel's
    ref_module_shapes = set(ref_modules)
    for shape in our_modules:
        assert shape in ref_module_shapes
    assert {s[-2] for s in our_modules} == {0x0021, 0x0022}
    # source-only modules, like xlwings' own injected module in the reference
    assert set(module_offsets(ours)) == {0}
    assert 0 in module_offsets(ref)


def test_references_are_stdole_and_office(built):
    records = dir_records(vba_ole(built))
    names = [p.decode() for rid, p in records if rid == 0x0016]
    libids = [p[4 : 4 + struct.unpack_from("<I", p)[0]].decode() for rid, p in records if rid == 0x000D]
    assert names == ["stdole", "Office"]
    assert libids[0].startswith(r"*\G{00020430-0000-0000-C000-000000000046}#2.0#")
    office_ref = next(p for rid, p in dir_records(vba_ole(REFERENCE)) if rid == 0x000D)
    assert libids[1][:50] == office_ref[4:54].decode()  # same GUID and version as Excel's


def test_unbuildable_source_gives_a_chinese_error(tmp_path):
    from selfeval.addin.sources import load_sources
    from selfeval.errors import AddinError

    macros = tmp_path / "macros"
    shutil.copytree(MACROS, macros)
    (macros / "Bad.bas").write_text('Attribute VB_Name = "Bad"\nConst S = "€ 🙂"\n', encoding="utf-8")
    with pytest.raises(AddinError, match="GBK"):
        addin_bytes(load_sources(macros))
    (macros / "Bad.bas").write_text("Sub X()\nEnd Sub\n", encoding="utf-8")
    with pytest.raises(AddinError, match=r"Bad\.bas"):
        load_sources(macros)
