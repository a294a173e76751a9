"""Importers: forms that are not workbooks (Word's text export, .docx) → Grids for `grid.parse`.

Each importer is a `sources.Reader`: `path → iterator of Grid | SourceError`, one Grid per
form found, a yielded SourceError for a form that cannot be read (the other forms go on),
and SourceError raised when the whole file cannot be read or holds no form. `sources`
registers them for `.docx` and `.txt`.
"""

from __future__ import annotations

from .docx import read_docx
from .seedtext import read_seed_text

IMPORTERS = {
    ".txt": read_seed_text,
    ".docx": read_docx,
}

__all__ = ["IMPORTERS", "read_docx", "read_seed_text"]
