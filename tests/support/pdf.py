"""Read a PDF rendered by LibreOffice with poppler: words with boxes per page, page count, sizes.

The printed size of Chinese text is read from the words' boxes: a CJK ideograph is one em
wide in every CJK font, so a run of n ideographs `w` points wide is set at w / n points.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

PDFTOTEXT = shutil.which("pdftotext")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')

needs_poppler = pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext, pdfinfo) is not installed")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def ideographs(self) -> bool:
        return bool(self.text) and all("\u4e00" <= ch <= "\u9fff" for ch in self.text)

    @property
    def size(self) -> float:
        """Printed font size in points (only meaningful for a run of ideographs)."""
        return (self.x1 - self.x0) / len(self.text)


def pages(pdf: Path) -> list[list[Word]]:
    """The words of every page, in reading order."""
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    result = []
    for page in out.split("<page ")[1:]:
        result.append(
            [Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in _WORD.findall(page)]
        )
    return result


def page_text(words: list[Word]) -> str:
    """A page's text with no spaces or line breaks (texts wrapped over lines read as one)."""
    return "".join(w.text for w in words)


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def smallest_text(words: list[Word]) -> float:
    """The smallest printed size of horizontal Chinese text on a page (rotated labels excluded)."""
    sizes = [w.size for w in words if w.ideographs and (w.y1 - w.y0) < 2 * w.size]
    return min(sizes)


def header_cells(words: list[Word], first: str) -> list[str]:
    """The texts of a header row that starts with the word `first`, one per column, wrapped
    header texts joined: words in the row's band are grouped by overlapping x ranges."""
    anchor = next(w for w in words if w.text == first)
    band = [w for w in words if anchor.y0 - 9 <= w.y0 <= anchor.y1 + 3]
    columns: list[list[Word]] = []
    for word in sorted(band, key=lambda w: w.x0):
        if columns and word.x0 < max(w.x1 for w in columns[-1]) - 0.5:
            columns[-1].append(word)
        else:
            columns.append([word])
    return ["".join(w.text for w in sorted(column, key=lambda w: (w.y0, w.x0))) for column in columns]
