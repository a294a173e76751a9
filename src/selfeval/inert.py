"""Texts from input files made harmless where selfeval writes them.

* terminal: control characters are shown as visible symbols (ESC → ␛), so a cell cannot move
  the cursor, clear the screen or print a fake line;
* workbooks: characters XML forbids (ESC, BEL, …) are removed; the writer notes where;
* CSV: a text that a spreadsheet would evaluate (starting with = + - @, tab or CR) gets a
  leading apostrophe (the OWASP rule for CSV injection); numbers are left as numbers.
"""

from __future__ import annotations

import re

# A CSV field starting with one of these is a formula to Excel, LibreOffice and WPS.
CSV_FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CSV_TEXT_MARK = "'"

# C0 controls except tab and line feed, DEL, C1 controls, and the bidirectional overrides
# (which can make a line read differently from what it contains).
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n]")
# What XML 1.0 (and so an .xlsx cell) cannot hold; tab, LF and CR are allowed.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` safe to print on one terminal line: controls, tabs and line breaks made visible."""
    text = _TERMINAL_UNSAFE.sub(_picture, text)
    return _LINE_BREAKS.sub(_picture, text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # json.dumps escapes C0 itself


def json_text(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL, C1 controls and bidi
    overrides written as \\uXXXX escapes, so printing it cannot drive a terminal."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable_lines(text: str) -> str:
    """Like `printable`, but keeps line feeds (for selfeval's own multi-line messages)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def without_illegal(text: str) -> tuple[str, int]:
    """`text` without the characters an .xlsx cell cannot hold, and how many were removed."""
    cleaned, count = XML_ILLEGAL.subn("", text)
    return cleaned, count


def csv_field(value: object) -> object:
    """A CSV field a spreadsheet shows as it is: formula-like text marked, illegal characters dropped."""
    if not isinstance(value, str):
        return value
    value = XML_ILLEGAL.sub("", value)
    return CSV_TEXT_MARK + value if value.startswith(CSV_FORMULA_TRIGGERS) else value


def csv_texts(series):
    """`csv_field` over a whole text column at once (vectorised, for large consolidations)."""
    cleaned = series.astype(str).str.replace(XML_ILLEGAL.pattern, "", regex=True)
    return cleaned.where(~cleaned.str.startswith(CSV_FORMULA_TRIGGERS), CSV_TEXT_MARK + cleaned)
