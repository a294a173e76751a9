"""A VBA module that applies recorded server actions the way xlwings' `RunServerPython` does.

xlwings' client parses the server's JSON into its Dictionary class (objects) and Collections
(arrays), then calls `Application.Run action("func"), workbook, action` for each action.
Neither its JSON parser nor its Dictionary compile in LibreOffice, so the recorded actions
are written out as Basic statements building keyed Collections (the same `.Item(key)`
interface the handlers use), and the loop calls the handlers through `Application.Run`.
"""

from __future__ import annotations

from collections.abc import Sequence

ACTION_KEYS = ("func", "args", "sheet_position", "start_row", "start_column", "row_count", "column_count")
DRIVER = "Driver"
ENTRY = "ApplyRecorded"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def text(self, value: str) -> str:
        """A variable holding `value`, non-ASCII characters as ChrW (code page independent)."""
        var = self.name("t")
        self.lines.append(f"    Dim {var} As String")
        self.lines.append(f'    {var} = ""')
        parts = [f'"{ch}"' if 32 <= ord(ch) < 127 and ch != '"' else f"ChrW({ord(ch)})" for ch in value]
        for start in range(0, len(parts), 20):
            self.lines.append(f"    {var} = {var} & " + " & ".join(parts[start : start + 20]))
        return var

    def value(self, value: object) -> str:
        if value is None:
            return "Null"
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, str):
            return self.text(value)
        var = self.name("c")
        self.lines.append(f"    Dim {var} As New Collection")
        if isinstance(value, dict):
            for key, item in value.items():
                self.lines.append(f'    {var}.Add {self.value(item)}, "{key}"')
        else:
            for item in value:  # type: ignore[union-attr]
                self.lines.append(f"    {var}.Add {self.value(item)}")
        return var


def driver_module(actions: Sequence[dict], lift_protection: bool = False) -> str:
    """The source of module Driver; `Driver.ApplyRecorded()` returns "ok" or the first error.

    With `lift_protection` the loop runs between ServerActions' LiftProtection and
    RestoreProtection, as ServerMode.RunOnServer runs RunServerPython, and the result is
    "ok lifted=N open=M restored=K" (M: visible sheets still protected while the actions ran).
    """
    writer = _Writer()
    recorded = writer.value([{key: action.get(key) for key in ACTION_KEYS} for action in actions])
    lift = (
        [
            "    Set lifted = LiftProtection(ActiveWorkbook)",
            "    For i = 1 To ActiveWorkbook.Worksheets.Count",
            "        If ActiveWorkbook.Worksheets(i).ProtectContents And ActiveWorkbook.Worksheets(i).Visible = -1 Then stillProtected = stillProtected + 1",
            "    Next i",
        ]
        if lift_protection
        else []
    )
    done = (
        [
            f'    {ENTRY} = "ok lifted=" & lifted.Count & " open=" & stillProtected & " restored=" & RestoreProtection(ActiveWorkbook, lifted)',
        ]
        if lift_protection
        else [f'    {ENTRY} = "ok"']
    )
    return "\n".join(
        [
            f'Attribute VB_Name = "{DRIVER}"',
            "Option Explicit",
            "",
            f"Public Function {ENTRY}() As String",
            "    Dim actions As Object, action As Object, i As Long, lifted As Collection, stillProtected As Long",
            "    Set actions = Recorded()",
            "    On Error GoTo Failed",
            *lift,
            "    For i = 1 To actions.Count",
            "        Set action = actions.Item(i)",
            '        Application.Run action.Item("func"), ActiveWorkbook, action',
            "    Next i",
            *done,
            "    Exit Function",
            "Failed:",
            f'    {ENTRY} = "error " & Err.Number & " in action " & i & ": " & Err.Description',
            "End Function",
            "",
            "Private Function Recorded() As Object",
            *writer.lines,
            f"    Set Recorded = {recorded}",
            "End Function",
            "",
        ]
    )
