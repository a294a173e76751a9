"""Changed copies of frozen Projects for tests: `edited(project, {"funds.total.budget": 0.0})`."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def edited(obj: T, changes: dict[str, Any]) -> T:
    """`obj` with each dotted path of `changes` set: `name`, `funds.total.budget`,
    `indicators.0.score` (a number steps into a tuple)."""
    for path, value in changes.items():
        obj = _set(obj, path.split("."), value)
    return obj


def _set(obj: Any, parts: list[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    if isinstance(obj, (tuple, list)):
        index = int(head)
        inner = _set(obj[index], rest, value) if rest else value
        return type(obj)([*obj[:index], inner, *obj[index + 1 :]])
    inner = _set(getattr(obj, head), rest, value) if rest else value
    return dataclasses.replace(obj, **{head: inner})
