"""The workbook payload an xlwings client posts: parsed and checked before xlwings sees it.

Clients (xlwings' VBA `RunServerPython`, the Office.js add-in) send the workbook as JSON:
`client`, `version`, `book` (name, active sheet, selection), `names` and `sheets` (name and
cell values, plus optional metadata). Everything a hostile or broken client can send wrong
is caught here and becomes a `PayloadError` with an HTTP status and a Chinese message;
what passes has the shape xlwings' remote engine reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import PayloadError
from ..layout import SHEET_NAME_MAX
from .config import Limits

EXCEL_TEXT_MAX = 32_767  # characters in one cell
_SCALARS = (str, int, float, bool, type(None))
_LIST_KEYS = ("pictures", "tables", "shapes", "charts", "notes", "pivot_tables")
_VISIBILITY = {"Visible", "Hidden", "VeryHidden"}


@dataclass(frozen=True)
class Payload:
    """A checked payload and what the access log may say about it (no cell contents)."""

    data: dict[str, Any]
    sheets: int
    cells: int


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def parse_payload(body: bytes, limits: Limits, server_version: str) -> Payload:
    """Parse and check a request body.

    Args:
        body: the raw request body.
        limits: the server's limits on sheets and cells.
        server_version: the server's xlwings version (VBA clients must send the same).

    Returns:
        The checked payload, ready for `xw.Book(json=...)`.

    Raises:
        PayloadError: 400 not JSON, 409 other xlwings version, 413 too large, 422 wrong shape.
    """
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise PayloadError(400, "请求内容不是 UTF-8 编码的 JSON。") from None
    except (ValueError, RecursionError):
        raise PayloadError(
            400, "请求内容不是完整的 JSON（可能在传输中被截断）。请重试；如仍出错，请联系信息技术人员。"
        ) from None
    return check_payload(data, limits, server_version)


def _fail(message: str) -> PayloadError:
    return PayloadError(422, f"工作簿数据格式不正确：{message}。请使用与服务器配套的加载项。")


def _need(value: object, kind: type | tuple[type, ...], where: str) -> Any:
    if isinstance(value, bool) and kind in (int, (int, float)):
        raise _fail(f"{where} 类型错误")
    if not isinstance(value, kind):
        raise _fail(f"{where} 类型错误")
    return value


def check_payload(data: object, limits: Limits, server_version: str) -> Payload:
    """Check the structure and size of a parsed payload. Raises PayloadError."""
    root: dict[str, Any] = _need(data, dict, "请求")
    _check_client(root, server_version)
    book = _need(root.get("book"), dict, "book")
    sheets = _need(root.get("sheets"), list, "sheets")
    if not sheets:
        raise _fail("没有工作表")
    if len(sheets) > limits.max_sheets:
        raise PayloadError(
            413, f"工作簿有 {len(sheets)} 张工作表，超过服务器允许的 {limits.max_sheets} 张。请拆分工作簿后再校验。"
        )
    _check_book(book, len(sheets))
    cells = 0
    for index, sheet in enumerate(sheets):
        cells = _check_sheet_data(sheet, f"第 {index + 1} 张工作表", cells, limits)
    _check_names(_need(root.get("names", []), list, "names"), len(sheets))
    return Payload(root, len(sheets), cells)


def _check_client(root: dict[str, Any], server_version: str) -> None:
    client = _need(root.get("client"), str, "client")
    version = _need(root.get("version"), str, "version")
    if client != "Office.js" and version != server_version:
        raise PayloadError(
            409,
            f"加载项中的 xlwings 版本（{version[:20]}）与服务器（{server_version}）不一致。"
            "请信息技术人员安装与服务器配套的加载项。",
        )


def _check_book(book: dict[str, Any], sheets: int) -> None:
    _need(book.get("name"), str, "book.name")
    active = _need(book.get("active_sheet_index"), int, "book.active_sheet_index")
    if not 0 <= active < sheets:
        raise _fail("book.active_sheet_index 超出范围")
    if book.get("selection") is not None:
        _need(book["selection"], str, "book.selection")


def _check_sheet_data(data: object, where: str, cells: int, limits: Limits) -> int:
    """Check one sheet; the count of cells so far, this sheet's included."""
    sheet = _need(data, dict, where)
    name = _need(sheet.get("name"), str, f"{where}的名称")
    if not 0 < len(name) <= SHEET_NAME_MAX:
        raise _fail(f"{where}的名称长度不对")
    values = _need(sheet.get("values"), list, f"{where}的单元格")
    for row in values:
        row = _need(row, list, f"{where}的单元格")
        cells += len(row)
        if cells > limits.max_cells:
            raise PayloadError(
                413, f"工作簿的单元格超过服务器允许的 {limits.max_cells} 个。请删除多余的行列或拆分工作簿后再校验。"
            )
        _check_values(row, where)
    if values and any(len(row) != len(values[0]) for row in values):
        raise _fail(f"{where}的单元格不是矩形区域")
    _check_sheet_parts(sheet, where)
    return cells


def _check_values(row: list[object], where: str) -> None:
    for value in row:
        if not isinstance(value, _SCALARS):
            raise _fail(f"{where}的单元格内容类型错误")
        if isinstance(value, str) and len(value) > EXCEL_TEXT_MAX:
            raise _fail(f"{where}有超过 {EXCEL_TEXT_MAX} 个字符的单元格")


def _check_sheet_parts(sheet: dict[str, Any], where: str) -> None:
    """The sheet's optional lists (pictures, tables, …) and its visibility."""
    for key in _LIST_KEYS:
        if key in sheet:
            for item in _need(sheet[key], list, f"{where}的 {key}"):
                _need(item, dict, f"{where}的 {key}")
    for item in sheet.get("tables", []):
        _need(item.get("name"), str, f"{where}的表格名称")
        _need(item.get("range_address"), str, f"{where}的表格区域")
    if "visibility" in sheet and sheet["visibility"] not in _VISIBILITY:
        raise _fail(f"{where}的 visibility 不正确")


def _check_names(names: list[object], sheets: int) -> None:
    for data in names:
        item = _need(data, dict, "names")
        _need(item.get("name"), str, "names.name")
        _need(item.get("address"), str, "names.address")
        index = _need(item.get("sheet_index"), int, "names.sheet_index")
        if not 0 <= index < sheets:
            raise _fail("names.sheet_index 超出范围")
        if not item.get("book_scope", True):
            scope = _need(item.get("scope_sheet_index"), int, "names.scope_sheet_index")
            if not 0 <= scope < sheets:
                raise _fail("names.scope_sheet_index 超出范围")
