"""docs/architecture.md says how the package is built; these tests keep it true.

The page's room table names every module once and says which rooms each room may import;
the imports are read from the source (`tests/test_structure.py`), lazy ones included.
"""

from __future__ import annotations

import re
from pathlib import Path

from test_structure import IMPORTS, MODULES

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
PACKAGE = "selfeval"


def _table(text: str) -> list[list[str]]:
    """The rows of the room table (the one whose header starts with `| room |`)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| room |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _rooms(text: str) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Room → module patterns it names, and room → rooms it may import."""
    patterns: dict[str, list[str]] = {}
    allowed: dict[str, set[str]] = {}
    for room, _what, modules, may in _table(text):
        patterns[room] = re.findall(r"`([\w.*]+)`", modules)
        allowed[room] = {r.strip() for r in may.split(",") if r.strip() not in ("", "—")}
    return patterns, allowed


def _full(pattern: str) -> str:
    return PACKAGE if pattern == PACKAGE else f"{PACKAGE}.{pattern}"


def _members(pattern: str) -> set[str]:
    if pattern.endswith(".*"):
        package = _full(pattern[:-2])
        return {m for m in MODULES if m == package or m.startswith(package + ".")}
    return {_full(pattern)} & set(MODULES)


def _room_of() -> dict[str, str]:
    patterns, _ = _rooms(DOC.read_text(encoding="utf-8"))
    return {module: room for room, names in patterns.items() for name in names for module in _members(name)}


def test_every_module_named_on_the_page_exists() -> None:
    patterns, allowed = _rooms(DOC.read_text(encoding="utf-8"))
    missing = [name for names in patterns.values() for name in names if not _members(name)]
    assert not missing, f"named in docs/architecture.md but not in src/selfeval: {missing}"
    unknown = {room for rooms in allowed.values() for room in rooms} - set(patterns)
    assert not unknown, f"rooms allowed but not defined: {unknown}"


def test_every_module_stands_in_exactly_one_room() -> None:
    patterns, _ = _rooms(DOC.read_text(encoding="utf-8"))
    rooms_of: dict[str, list[str]] = {m: [] for m in MODULES}
    for room, names in patterns.items():
        for name in names:
            for module in _members(name):
                rooms_of[module].append(room)
    wrong = {m: rooms for m, rooms in rooms_of.items() if len(rooms) != 1}
    assert not wrong, f"each module in one room of docs/architecture.md: {wrong}"


def test_imports_run_only_where_the_page_allows() -> None:
    _, allowed = _rooms(DOC.read_text(encoding="utf-8"))
    room_of = _room_of()
    against = sorted(
        f"{module} ({room_of[module]}) imports {target} ({room_of[target]})"
        for module, targets in IMPORTS.items()
        for target in targets
        if room_of[target] != room_of[module] and room_of[target] not in allowed[room_of[module]]
    )
    assert not against, "\n".join(against)


def test_the_room_check_sees_a_forbidden_import() -> None:
    IMPORTS["selfeval.model"].add("selfeval.rules")
    try:
        room_of = _room_of()
        _, allowed = _rooms(DOC.read_text(encoding="utf-8"))
        assert room_of["selfeval.rules"] not in allowed[room_of["selfeval.model"]]
    finally:
        IMPORTS["selfeval.model"].discard("selfeval.rules")
