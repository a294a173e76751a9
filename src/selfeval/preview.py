"""Render workbooks to PNG through LibreOffice, for the README and for review.

`python -m selfeval.preview docs` writes the README's pictures from what ships: the first
project sheet and 目录 of the example workbook (workbook/examples), and the first page of
the summary `selfeval consolidate` makes of it. `render_png` draws any one Project.
Needs `soffice` (Debian: libreoffice-calc) and `pdftoppm` (poppler-utils).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from .model import Funds, FundsLine, Goal, Indicator, Project
from .writer import write_workbook

DPI = 80


def example_project() -> Project:
    """A plausible filled form (the seed's first project, with funds and weights added)."""
    office = "鄂州市督查考评办公室"
    rows = [
        ("产出指标", "数量指标", "开展专项督查次数", "≥12次", "14次", 10, 10, ""),
        ("产出指标", "数量指标", "督查报告及通报份数", "≥24份", "22份", 10, 9, "两次督查合并通报，下年按月通报"),
        ("产出指标", "质量指标", "督办事项办结率", "≥95%", "97%", 10, 10, ""),
        ("产出指标", "时效指标", "督办件按期反馈率", "100%", "100%", 10, 10, ""),
        ("产出指标", "成本指标", "督查经费控制数", "≤30万元", "28.6万元", 10, 10, ""),
        (
            "效益指标",
            "社会效益指标",
            "重大决策部署落实情况",
            "有效落实",
            "达成预期指标",
            15,
            14,
            "个别事项整改进度偏慢，已纳入下年跟踪督办",
        ),
        (
            "效益指标",
            "可持续影响指标",
            "督查工作机制",
            "长效运行",
            "基本实现",
            15,
            11,
            "考评办法修订滞后，下年完成修订",
        ),
        ("满意度指标", "服务对象满意度指标", "被督查单位满意度", "≥90%", "93%", 10, 10, ""),
    ]
    return Project(
        name="督查效能业务",
        department=office,
        unit=office,
        year=2021,
        category="部门预算项目",
        attribute="持续性项目",
        kind="常年性项目",
        funds=Funds(
            total=FundsLine(30.0, 30.0, 28.6),
            fiscal=FundsLine(30.0, 30.0, 28.6),
            carryover=FundsLine(None, None, None),
            other=FundsLine(None, None, None),
            weight=10.0,
        ),
        goal=Goal(
            expected="围绕市委市政府重大决策部署开展督查，全年完成专项督查12次以上，督办事项按期办结，推动各项工作落地见效。",
            actual="全年开展专项督查14次，印发督查通报22期，督办事项办结率97%，重点工作按期推进，达成年度目标。",
        ),
        indicators=tuple(Indicator(*row) for row in rows),
        filler="张敏",
        phone="0711-3200000",
        date="2022-03-15",
    )


def render_png(project: Project, target: Path, *, dpi: int = DPI) -> Path:
    """Write `project` to a workbook, print only its sheet to PDF, and rasterise page 1."""
    _, pdftoppm = _tools()
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="selfeval-preview-") as tmp:
        work = Path(tmp)
        book = work / "preview.xlsx"
        write_workbook([project], book)
        _keep_only_project_sheet(book)
        pdf = _pdf(book, work)
        stem = work / "page"
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), target)
    return target


def _keep_only_project_sheet(book: Path) -> None:
    """Drop every sheet but the first project sheet (LibreOffice prints hidden sheets too)."""
    wb = load_workbook(book)
    project = wb.worksheets[2]
    for ws in list(wb.worksheets):
        if ws is not project:
            wb.remove(ws)
    project.sheet_view.tabSelected = True
    wb.active = 0
    wb.save(book)


def _tools() -> tuple[str, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise RuntimeError("需要 LibreOffice（soffice）和 pdftoppm 才能生成图片")
    return soffice, pdftoppm


def _pdf(book: Path, work: Path) -> Path:
    """The workbook printed to PDF as LibreOffice prints it (cached formula values as saved)."""
    soffice, _ = _tools()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return work / f"{book.stem}.pdf"


def _page_with(pdf: Path, text: str) -> int:
    """1-based number of the first page whose text contains `text` (spaces ignored)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(out.split("\f"), start=1):
        if text in "".join(page.split()):
            return number
    raise ValueError(f"no page of {pdf.name} shows {text}")


def _content_bottom(pdf: Path, page: int) -> float | None:
    """Points from the top of `page` to the end of its content (the page-number footer left out)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page_size = re.search(r'<page width="[\d.]+" height="([\d.]+)"', out)
    if page_size is None:
        raise RuntimeError(f"pdftotext found no page {page} in {pdf}")
    height = float(page_size.group(1))
    bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', out) if float(y) < height - 60]
    return min(height, max(bottoms) + 24) if bottoms else None


def _png(pdf: Path, page: int, target: Path, dpi: int = DPI, *, crop: bool = False) -> Path:
    """Page `page` as a PNG; `crop`: only down to the end of its content (no empty half page)."""
    _, pdftoppm = _tools()
    stem = target.with_suffix("")
    region: list[str] = []
    bottom = _content_bottom(pdf, page) if crop else None
    if bottom is not None:
        region = ["-x", "0", "-y", "0", "-W", "10000", "-H", str(int(bottom * dpi / 72))]
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            *region,
            str(pdf),
            str(stem),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return target


def render_readme_images(docs: Path, example: Path | None = None) -> list[Path]:
    """docs/template.png, docs/index.png and docs/summary.png from the shipped example workbook."""
    from .consolidate import summary_from_reports, write_summary
    from .importing import EXAMPLE_WORKBOOK
    from .validation import validate_file

    root = Path(__file__).resolve().parents[2]
    example = Path(example or root / "workbook" / "examples" / EXAMPLE_WORKBOOK)
    docs = Path(docs)
    docs.mkdir(parents=True, exist_ok=True)
    report = validate_file(example)
    first = report.projects[0].project
    with tempfile.TemporaryDirectory(prefix="selfeval-preview-") as tmp:
        work = Path(tmp)
        book_pdf = _pdf(example, work)
        summary = write_summary(summary_from_reports([report]), work / "汇总表.xlsx")
        summary_pdf = _pdf(summary, work)
        return [
            _png(book_pdf, _page_with(book_pdf, f"项目名称{first.name}"), docs / "template.png"),
            _png(book_pdf, _page_with(book_pdf, "项目目录"), docs / "index.png", crop=True),
            _png(summary_pdf, 1, docs / "summary.png", crop=True),
        ]


if __name__ == "__main__":
    for path in render_readme_images(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
