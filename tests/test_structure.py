"""The package's structure holds: one meaning per name, no import cycles, short functions.

Read from the source with `ast`, so what is checked is the code as written, not as imported.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "selfeval"
MAX_LINES = 60  # a function reads top to bottom on one screen
WHY_LONGER = "# long:"  # a comment in the function's first lines that says why it may be longer


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, ast.Module] = {
    _module_name(path): ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))
}


def _defined_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not (n.startswith("__") and n.endswith("__"))}


def test_no_module_level_name_is_defined_in_two_modules() -> None:
    """A name means one thing: defined once, imported everywhere else."""
    where: dict[str, list[str]] = defaultdict(list)
    for module, tree in MODULES.items():
        for name in _defined_names(tree):
            where[name].append(module)
    twice = {name: modules for name, modules in where.items() if len(modules) > 1}
    assert not twice, "\n".join(f"{name}: {', '.join(sorted(m))}" for name, m in sorted(twice.items()))


def _imported_modules(module: str, tree: ast.Module) -> set[str]:
    """The package's modules `module` imports, at any depth of its code (lazy imports count)."""
    package = module if module in _PACKAGES else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return {m for m in found if m in MODULES and m != module}


_PACKAGES = {_module_name(p) for p in PACKAGE.rglob("__init__.py")}
IMPORTS = {module: _imported_modules(module, tree) for module, tree in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in IMPORTS[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    """Every import, lazy ones included, runs one way: a package's face may import its rooms,
    a room never imports its package's face back."""
    assert _cycles() == []


def test_the_cycle_check_sees_a_cycle() -> None:
    IMPORTS["selfeval.model"].add("selfeval.grid")
    try:
        assert any("selfeval.model" in cycle for cycle in _cycles())
    finally:
        IMPORTS["selfeval.model"].discard("selfeval.grid")


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, list[str]]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((f"{_module_name(path)}.{node.name}", node, lines))
    return found


@pytest.mark.parametrize("limit", [MAX_LINES])
def test_no_function_is_longer_than_a_screen(limit: int) -> None:
    """Longer than `limit` lines only with a `# long:` comment near the top saying why."""
    too_long = []
    for name, node, lines in _functions():
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        head = lines[node.lineno - 1 : node.lineno + 5]
        if length > limit and not any(WHY_LONGER in line for line in head):
            too_long.append(f"{name}: {length} lines")
    assert not too_long, "\n".join(too_long)
