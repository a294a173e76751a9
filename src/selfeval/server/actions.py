"""What the server may tell a client to do: the one list the add-in's VBA must handle.

Every action xlwings' remote engine records while `selfeval.excel` runs is sent back to the
client as `{"func": name, "args": [...], ...}`; the VBA client applies each by
`Application.Run func, workbook, action`. The add-in handles exactly these names (xlwings'
own `Remote.bas` some, `macros/ServerActions.bas` the rest; a test checks both against this
list), and the server refuses to send any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

CLIENT_ACTIONS: frozenset[str] = frozenset(
    {
        # values
        "setValues",  # status cell, 校验结果, 目录, 汇总
        "rangeClearContents",  # status cell (清除标记), leftover rows of 校验结果 / 目录
        # formatting
        "setRangeColor",  # one colour for a range (汇总 header)
        "setRangeColors",  # a matrix of colours, "keep" leaves a cell as it is (marks)
        "setNumberFormat",  # 目录 and 汇总 score columns
        "setColumnWidth",  # 校验结果, 汇总
        "setRowHeight",  # rows that fit their text (marks, 新建项目表, 汇总)
        "setWrapText",  # 汇总's long texts
        "rangeMerge",  # 汇总's title rows
        "setFontProperty",  # bold header and total row of 汇总
        "addTable",  # 汇总 as a filterable table
        # notes (Office.js clients only: xlwings adds notes nowhere else)
        "addNote",
        "deleteNote",
        # sheets
        "addSheet",  # 校验结果, 汇总
        "copySheet",  # 新建项目表: copy of the hidden 项目模板
        "setSheetName",
        "setSheetVisibility",
        "sheetClear",  # 汇总 before it is rewritten
        "sheetDelete",  # 校验结果 (清除标记), 汇总 with an old table
        # navigation and messages
        "activateSheet",
        "rangeSelect",
        "alert",  # a message box for the clerk
    }
)


def unknown_actions(actions: Iterable[Mapping[str, object]]) -> set[str]:
    """The names among `actions` that the add-in has no handler for."""
    return {str(action.get("func")) for action in actions} - CLIENT_ACTIONS
