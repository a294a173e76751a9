"""`selfeval import` and `selfeval build examples`: forms → a filled template workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from selfeval.cli import main
from selfeval.importing import EXAMPLE_WORKBOOK, build_examples
from selfeval.layout import DEFAULT_LAYOUT, INDEX_COLUMNS, INDEX_FIRST_ROW, SHEET_NAME_FORBIDDEN, SHEET_NAME_MAX
from selfeval.sources import read_source
from selfeval.validation import validate_file
from selfeval.vocabulary import SHEET_INDEX
from support.docx_forms import add_form, new_document, save, word_text
from support.form_layouts import NATIONAL_MERGES, national_rows

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "seed_2021_ezhou.txt"
COMMITTED_EXAMPLE = ROOT / "workbook" / "examples" / EXAMPLE_WORKBOOK
SEED_NAMES = ["督查效能业务", "绩效目标管理和考核业务", "作风建设"]


def national_docx(path: Path) -> Path:
    rows = national_rows()
    merges = [m for m in NATIONAL_MERGES if not m.startswith(("A1:", "A2:"))]
    merges = [":".join(f"{p[0]}{int(p[1:]) - 2}" for p in m.split(":")) for m in merges]
    document = new_document()
    add_form(document, rows[2:], merges, paragraphs_above=[word_text(rows[0][0]), word_text(rows[1][0])])
    return save(document, path)


def indicator_rows(project) -> list[tuple]:
    """An order-free view of a project's indicators (the template groups them by 二级指标)."""
    return sorted(
        (r.level1, r.level2, r.name, r.target, r.actual, r.weight, r.score, r.deviation) for r in project.indicators
    )


def index_entries(path: Path) -> list[tuple[str, str]]:
    """(sheet, project name) of each 目录 row; the name is a formula showing the sheet's 项目名称."""
    wb = load_workbook(path)
    ws = wb[SHEET_INDEX]
    sheet_col, name_col = INDEX_COLUMNS["sheet"][0], INDEX_COLUMNS["name"][0]
    entries = []
    row = INDEX_FIRST_ROW
    while ws[f"{sheet_col}{row}"].value:
        sheet = ws[f"{sheet_col}{row}"].value
        formula = ws[f"{name_col}{row}"].value
        target = f"'{sheet}'!{DEFAULT_LAYOUT.cells['name']}"
        assert isinstance(formula, str) and formula.startswith("=") and target in formula, formula
        entries.append((sheet, wb[sheet][DEFAULT_LAYOUT.cells["name"]].value))
        row += 1
    return entries


def test_import_writes_one_project_sheet_per_form(tmp_path, capsys):
    docx_path = national_docx(tmp_path / "national.docx")
    before = {p: p.read_bytes() for p in (SEED, docx_path)}
    out = tmp_path / "imported.xlsx"
    assert main(["import", str(SEED), str(docx_path), "-o", str(out)]) == 0
    assert {p: p.read_bytes() for p in before} == before  # inputs untouched
    text = capsys.readouterr().out
    assert "已生成工作簿" in text and "4 张项目表" in text

    expected = [*SEED_NAMES, "社区居家养老服务补助"]
    assert index_entries(out) == [(name, name) for name in expected]
    report = validate_file(out)
    assert [item.project.sheet for item in report.projects] == expected
    sources = read_source(SEED).projects + read_source(docx_path).projects
    for item, source in zip(report.projects, sources, strict=False):
        project = item.project
        assert (project.name, project.year, project.department, project.unit) == (
            source.name,
            source.year,
            source.department,
            source.unit,
        )
        assert (project.category, project.attribute, project.kind) == (source.category, source.attribute, source.kind)
        assert (project.goal.expected, project.goal.actual) == (source.goal.expected, source.goal.actual)
        assert indicator_rows(project) == indicator_rows(source)
    # no 分值 column in the seed: the sheet's 分值 stays empty and S08 says so
    for item in report.projects[:3]:
        assert all(r.weight is None for r in item.project.indicators)
        assert "S08" in {f.code for f in item.findings}
    national = report.projects[3].project
    assert national.funds.total.budget == 180 and national.funds.weight == 10


def test_existing_output_is_kept_unless_forced(tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the clerk's own file")
    assert main(["import", str(SEED), "-o", str(out)]) == 2
    assert out.read_bytes() == b"the clerk's own file"
    assert "已存在" in capsys.readouterr().err
    assert main(["import", str(SEED), "-o", str(out), "--force"]) == 0
    assert [item.project.name for item in validate_file(out).projects] == SEED_NAMES


def test_output_that_is_an_input_is_refused(tmp_path, capsys):
    source = tmp_path / "forms.txt"
    source.write_bytes(SEED.read_bytes())
    assert main(["import", str(source), "-o", str(source), "--force"]) == 2
    assert source.read_bytes() == SEED.read_bytes()
    assert "也是输入文件" in capsys.readouterr().err


def test_missing_source_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    assert main(["import", str(SEED), str(tmp_path / "nope.docx"), "-o", str(out)]) == 2
    assert not out.exists()
    assert "nope.docx" in capsys.readouterr().err


def test_unreadable_sources_are_reported_and_the_rest_is_written(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_seed.txt").write_bytes(SEED.read_bytes())
    (folder / "b_broken.docx").write_bytes(b"PK\x03\x04 truncated")
    (folder / "c_notes.txt").write_text("会议纪要，没有表格。\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["import", str(folder), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert text.count("X03") == 2 and "b_broken.docx" in text and "c_notes.txt" in text
    assert [item.project.name for item in validate_file(out).projects] == SEED_NAMES


def test_nothing_readable_writes_nothing(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("没有自评表。\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["import", str(notes), "-o", str(out)]) == 1
    assert not out.exists()
    assert "未生成文件" in capsys.readouterr().err


def test_sheet_names_are_legal_and_unique(tmp_path):
    long_name = "市级/区级[督查]:考评*专项?工作经费保障项目（含二〇二一年度结转资金）"
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("\t督查效能业务\n", f"\t{long_name}\n", 1).replace("\t作风建设\n", f"\t{long_name}\n", 1)
    source = tmp_path / "names.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["import", str(source), "-o", str(out)]) == 0
    entries = index_entries(out)
    sheets = [sheet for sheet, _ in entries]
    assert [name for _, name in entries] == [long_name, "绩效目标管理和考核业务", long_name]
    assert len(set(sheets)) == 3
    for sheet in sheets:
        assert len(sheet) <= SHEET_NAME_MAX and not set(sheet) & SHEET_NAME_FORBIDDEN
    assert [item.project.name for item in validate_file(out).projects] == [
        long_name,
        "绩效目标管理和考核业务",
        long_name,
    ]


def workbook_content(path: Path) -> list[tuple]:
    """Each sheet's name, visibility, cell values/formulas and merged ranges."""
    wb = load_workbook(path)
    return [
        (
            ws.title,
            ws.sheet_state,
            {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            sorted(str(m) for m in ws.merged_cells.ranges),
        )
        for ws in wb.worksheets
    ]


def test_committed_example_equals_a_fresh_import(tmp_path):
    [fresh] = build_examples(tmp_path)
    assert fresh.name == COMMITTED_EXAMPLE.name
    assert workbook_content(COMMITTED_EXAMPLE) == workbook_content(fresh), (
        "workbook/examples is stale: run `selfeval build examples`"
    )
    fresh_import = tmp_path / "seed.xlsx"
    assert main(["import", str(SEED), "-o", str(fresh_import)]) == 0
    assert workbook_content(fresh_import) == workbook_content(fresh)
