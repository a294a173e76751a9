"""What selfeval changes in xlwings' VBA module before embedding it in the add-in.

Stock xlwings lets the *active workbook* configure RunPython: a `selfeval.conf` sheet in it,
a `selfeval.conf` file in its folder, `.py` sheets run as embedded code, and its folder on
`sys.path` (`ADD_WORKBOOK_TO_PYTHONPATH`). Our add-in sits in XLSTART and opens other
people's workbooks, so each of those would let a received file choose what code runs on
the reader's PC. The patch keeps RunPython and the COM server as they are and removes
every way in which the workbook or its folder can influence them:

- `GetConfig` reads only the user's `%USERPROFILE%\\.selfeval\\selfeval.conf`, then the
  machine-wide `%PROGRAMDATA%\\selfeval\\selfeval.conf` that IT may deploy;
- the workbook's folder is never added to `sys.path`, its full name is not passed on;
- `.py` sheets of the workbook are not treated as embedded code;
- Python runs isolated (`-I`): the current directory and PYTHON* variables are ignored.

Each edit must match exactly once: a new xlwings version that moved the code fails the
build with a Chinese message instead of shipping an unpatched module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import AddinError

_GET_CONFIG = """\
Function GetMachineConfigFilePath() As String
    ' selfeval: the machine-wide settings IT may deploy, %PROGRAMDATA%\\selfeval\\selfeval.conf
    #If Mac Then
        GetMachineConfigFilePath = ""
    #Else
        GetMachineConfigFilePath = Environ("PROGRAMDATA") & "\\" & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"
    #End If
End Function

Function GetConfig(configKey As String, Optional default As String = "", Optional source As String = "") As Variant
    ' selfeval: settings come only from files the user or IT control: first the user's
    ' config file, then the machine-wide one, then the default. Never from the active
    ' workbook (a config sheet) nor from its folder: a received workbook must not choose
    ' which program the add-in runs.
    Dim configValue As String

    If source = "" Or source = "user" Then
        If FileExists(GetConfigFilePath()) = True Then
            If GetConfigFromFile(GetConfigFilePath(), configKey, configValue) Then
                GetConfig = ExpandEnvironmentStrings(configValue)
                Exit Function
            End If
        End If
    End If

    If source = "" Or source = "machine" Then
        If GetMachineConfigFilePath() <> "" Then
            If FileExists(GetMachineConfigFilePath()) = True Then
                If GetConfigFromFile(GetMachineConfigFilePath(), configKey, configValue) Then
                    GetConfig = ExpandEnvironmentStrings(configValue)
                    Exit Function
                End If
            End If
        End If
    End If

    GetConfig = ExpandEnvironmentStrings(default)
End Function
"""

_EMBEDDED_LOOP = """\
    ' Check for embedded Python code
    uses_embedded_code = False
    For i = 1 To 2
        If i = 1 Then
            Set wb = ActiveWorkbook
        Else
            Set wb = ThisWorkbook
        End If
        For Each sht In wb.Worksheets
            If Right$(sht.Name, 3) = ".py" Then
                uses_embedded_code = True
                Exit For
            End If
        Next
    Next i
"""


@dataclass(frozen=True)
class Edit:
    why: str
    pattern: re.Pattern[str]
    replacement: str
    count: int  # how many times the pattern must occur


def _literal(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def _verbatim(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement that inserts `text` as it is (no backslash escapes, no group references)."""
    return lambda _match: text


EDITS: tuple[Edit, ...] = (
    Edit(
        "configuration only from the user's and the machine-wide file",
        # from the folder-config helper through the end of GetConfig: the sheet and
        # folder lookups and their helpers go, our GetConfig takes their place
        re.compile(
            r"^Function GetDirectoryConfigFilePath\(\) As String\n.*?"
            r"^Function GetConfig\(configKey As String.*?^End Function\n",
            re.M | re.S,
        ),
        _GET_CONFIG,
        1,
    ),
    Edit(
        "workbook sheets named *.py are not embedded code",
        _literal(_EMBEDDED_LOOP),
        "    ' selfeval: sheets of the workbook are never run as embedded Python code\n"
        "    uses_embedded_code = False\n",
        1,
    ),
    Edit(
        "the workbook's folder is never put on sys.path",
        _literal('AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")'),
        'AddExcelDir = "false" \' selfeval: ADD_WORKBOOK_TO_PYTHONPATH is always off',
        2,
    ),
    Edit(
        "the workbook's full name is not passed to prepare_sys_path",
        re.compile(
            r'PYTHONPATH = AddExcelDir & ";" & (?:ActiveFullName|ActiveWorkbook\.FullName) & ";" & '
            r'(?:ThisFullName|ThisWorkbook\.FullName) & ";" & '
        ),
        'PYTHONPATH = AddExcelDir & ";" & "" & ";" & "" & ";" & ',
        3,
    ),
    Edit(
        "Python runs isolated: no current directory, no PYTHON* variables on sys.path",
        _literal(' -B -c ""import '),
        ' -B -I -c ""import ',
        2,
    ),
)


def patch_xlwings_module(source: str, origin: str = "xlwings_custom_addin.bas") -> str:
    """`source` with every edit applied; AddinError if xlwings' code is not as expected."""
    for edit in EDITS:
        source, found = edit.pattern.subn(_verbatim(edit.replacement), source)
        if found != edit.count:
            raise AddinError(
                f"{origin} 的内容与 selfeval 预期的不同（{edit.why}：应找到 {edit.count} 处，"
                f"实际 {found} 处）。请使用 selfeval 测试过的 xlwings 版本重新生成加载项。"
            )
    return source
