"""The corpus of real published forms (tests/corpus/): what selfeval reports vs what a reviewer expects.

For every `tests/corpus/<slug>/` (form file, SOURCE.md, expected.json) it runs the same
pipeline as `selfeval validate` and prints, per rule code and overall, true positives, false
positives, misses, precision and recall; indicator rows read vs published; and stated or
method totals and grades that differ from expected.json.

Matching (BRIEF): a reported finding matches an expected one of the same project when the
codes are equal and, where the expected row is not null, the row of the reported cell equals
it; each expected finding matches at most one reported finding.

    uv run python benchmarks/corpus_report.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from selfeval.model import Finding
from selfeval.validation import FileReport, ProjectReport, validate_file
from selfeval.values import clean_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
FORM_NAMES = ("form.docx", "form.xlsx", "form.txt")
TOTAL_TOLERANCE = 0.01
_ROW = re.compile(r"(\d+)$")


@dataclass
class ProjectResult:
    slug: str
    name: str
    rows_read: int | None  # None: no project read for this expected one
    rows_expected: int
    tp: list[tuple[str, int | None]] = field(default_factory=list)  # (code, row)
    fp: list[tuple[str, int | None, str]] = field(default_factory=list)  # (code, row, message)
    missed: list[tuple[str, int | None, str]] = field(default_factory=list)  # (code, row, why)
    differences: list[str] = field(default_factory=list)  # totals and grades that differ


@dataclass
class CorpusResult:
    projects: list[ProjectResult]
    forms: int
    raised: dict[str, str]  # slug → exception text
    x03: list[str]  # slugs whose file or project got X03

    def counts(self) -> dict[str, Counter[str]]:
        """Per code: tp, fp, missed."""
        table: dict[str, Counter[str]] = {}
        for project in self.projects:
            for code, *_ in project.tp:
                table.setdefault(code, Counter())["tp"] += 1
            for code, *_ in project.fp:
                table.setdefault(code, Counter())["fp"] += 1
            for code, *_ in project.missed:
                table.setdefault(code, Counter())["missed"] += 1
        return table

    @property
    def overall(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counter in self.counts().values():
            total.update(counter)
        return total

    @property
    def precision(self) -> float:
        c = self.overall
        return c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0

    @property
    def recall(self) -> float:
        c = self.overall
        return c["tp"] / (c["tp"] + c["missed"]) if c["tp"] + c["missed"] else 1.0


def form_path(folder: Path) -> Path | None:
    for name in FORM_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def cases(root: Path = CORPUS) -> list[Path]:
    """Corpus folders holding a form and its expected.json."""
    return sorted(p for p in root.iterdir() if p.is_dir() and form_path(p) and (p / "expected.json").is_file())


def finding_row(finding: Finding) -> int | None:
    """The row number of a finding's cell (`I16` → 16), None without one."""
    match = _ROW.search(finding.cell or "")
    return int(match.group(1)) if match else None


def match_findings(expected: list[dict], reported: list[Finding], result: ProjectResult) -> None:
    """Pair expected and reported findings (rowed expectations first), filling tp/fp/missed."""
    left = list(reported)
    order = sorted(expected, key=lambda e: e.get("row") is None)
    for item in order:
        code, row = item["code"], item.get("row")
        hit = next((f for f in left if f.code == code and (row is None or finding_row(f) == row)), None)
        if hit is None:
            result.missed.append((code, row, item.get("why", "")))
        else:
            left.remove(hit)
            result.tp.append((code, row))
    result.fp.extend((f.code, finding_row(f), f.message) for f in left)


def pick_project(expected: dict, reports: list[ProjectReport], used: set[int]) -> ProjectReport | None:
    """The reported project for an expected one: same name, else the next unused in order."""
    name = clean_text(expected.get("name", ""))
    for i, report in enumerate(reports):
        if i not in used and clean_text(report.project.name) == name:
            used.add(i)
            return report
    for i, report in enumerate(reports):
        if i not in used:
            used.add(i)
            return report
    return None


def _differs(stated: float | None, found: float | None) -> bool:
    if stated is None or found is None:
        return stated is not found
    return abs(stated - found) > TOTAL_TOLERANCE


def compare_case(folder: Path, report: FileReport) -> list[ProjectResult]:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    used: set[int] = set()
    results: list[ProjectResult] = []
    file_findings = list(report.findings)
    for item in expected["projects"]:
        found = pick_project(item, report.projects, used)
        result = ProjectResult(folder.name, item.get("name", ""), None, item["indicator_rows"])
        reported = file_findings + (found.findings if found else [])
        file_findings = []  # file-level findings count once, with the first project
        match_findings(item.get("findings", []), reported, result)
        if found is not None:
            project, scores = found.project, found.scores
            result.rows_read = len(project.indicators)
            checks = (
                ("stated_total", item.get("stated_total"), project.stated_total),
                ("method_total", item.get("method_total"), scores.total),
            )
            for what, want, got in checks:
                if _differs(want, got):
                    result.differences.append(f"{what}: expected {want}, read {got}")
            for what, want, got in (
                ("stated_grade", item.get("stated_grade"), clean_text(project.stated_grade) or None),
                ("method_grade", item.get("method_grade"), scores.grade),
            ):
                if want != got:
                    result.differences.append(f"{what}: expected {want}, read {got}")
        results.append(result)
    for i, extra in enumerate(report.projects):
        if i not in used:  # a project nobody expected: every finding of it is a false alarm
            result = ProjectResult(folder.name, extra.project.name, len(extra.project.indicators), 0)
            match_findings([], extra.findings, result)
            results.append(result)
    return results


def run(root: Path = CORPUS) -> CorpusResult:
    """selfeval over every corpus form, compared with its expected.json."""
    projects: list[ProjectResult] = []
    raised: dict[str, str] = {}
    x03: list[str] = []
    folders = cases(root)
    for folder in folders:
        path = form_path(folder)
        assert path is not None
        try:
            report = validate_file(path)
        except Exception as exc:  # the test fails on it; the report names it
            raised[folder.name] = f"{type(exc).__name__}: {exc}"
            continue
        if any(f.code == "X03" for f in report.all_findings()) or not report.projects:
            x03.append(folder.name)
        projects.extend(compare_case(folder, report))
    return CorpusResult(projects, len(folders), raised, x03)


def render(result: CorpusResult, verbose: bool = False) -> str:
    lines = [f"corpus: {result.forms} forms, {len(result.projects)} projects"]
    lines.append(f"{'code':<6}{'TP':>5}{'FP':>5}{'miss':>6}{'precision':>11}{'recall':>8}")
    for code, c in sorted(result.counts().items()):
        tp, fp, missed = c["tp"], c["fp"], c["missed"]
        precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
        recall = f"{tp / (tp + missed):.2f}" if tp + missed else "-"
        lines.append(f"{code:<6}{tp:>5}{fp:>5}{missed:>6}{precision:>11}{recall:>8}")
    o = result.overall
    lines.append(f"{'all':<6}{o['tp']:>5}{o['fp']:>5}{o['missed']:>6}{result.precision:>11.3f}{result.recall:>8.3f}")
    read = sum(p.rows_read or 0 for p in result.projects)
    published = sum(p.rows_expected for p in result.projects)
    lines.append(f"indicator rows read {read} / published {published}")
    for p in result.projects:
        if p.rows_read != p.rows_expected:
            lines.append(f"  rows differ: {p.slug}: read {p.rows_read}, published {p.rows_expected}")
    differing = [(p.slug, d) for p in result.projects for d in p.differences]
    lines.append(f"totals and grades that differ from expected: {len(differing)}")
    lines.extend(f"  {slug}: {d}" for slug, d in differing)
    for slug, text in result.raised.items():
        lines.append(f"RAISED {slug}: {text}")
    for slug in result.x03:
        lines.append(f"X03 {slug}")
    if verbose:
        for p in result.projects:
            for code, row, message in p.fp:
                lines.append(f"  FP {p.slug} {code} row {row}: {message}")
            for code, row, why in p.missed:
                lines.append(f"  MISS {p.slug} {code} row {row}: {why}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every false alarm and miss")
    args = parser.parse_args()
    print(render(run(), args.verbose))


if __name__ == "__main__":
    main()
