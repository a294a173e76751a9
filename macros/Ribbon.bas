Attribute VB_Name = "Ribbon"
' Ribbon callbacks of the selfeval add-in (the tab defined in customUI14.xml).
' Each button runs one function of the Python module selfeval.excel through xlwings'
' RunPython. Before the first call of a session the interpreter is checked, so a clerk
' whose PC lacks Python or selfeval gets a plain Chinese explanation, not a traceback.
Option Explicit

Private Const ADDIN_VERSION As String = "0.1.0"
Private Const APP_TITLE As String = "绩效自评"
Private Const SETUP_HINT As String = "请按以下步骤安装（只需一次）：" & vbCrLf & _
    "1. 安装 Python 3（3.10 或更高版本）；" & vbCrLf & _
    "2. 在命令提示符中运行：pip install selfeval" & vbCrLf & _
    "3. 再运行：selfeval addin install" & vbCrLf & _
    "然后重新打开 Excel。如仍有问题，请联系信息技术人员。"

Private pythonChecked As Boolean

Public Sub ValidateActive(control As IRibbonControl)
    RunSelfeval "import selfeval.excel as x; x.validate_active()"
End Sub

Public Sub ValidateAll(control As IRibbonControl)
    RunSelfeval "import selfeval.excel as x; x.validate_all()"
End Sub

Public Sub ClearMarks(control As IRibbonControl)
    RunSelfeval "import selfeval.excel as x; x.clear_marks()"
End Sub

Public Sub NewProject(control As IRibbonControl)
    RunSelfeval "import selfeval.excel as x; x.new_project()"
End Sub

Public Sub BuildSummary(control As IRibbonControl)
    RunSelfeval "import selfeval.excel as x; x.build_summary()"
End Sub

Public Sub ShowRules(control As IRibbonControl)
    RunSelfeval "import selfeval.excel as x; x.show_rules()"
End Sub

Public Sub ShowAbout(control As IRibbonControl)
    MsgBox "绩效自评加载项（selfeval）" & vbCrLf & _
        "版本：" & ADDIN_VERSION & vbCrLf & vbCrLf & _
        "用于项目支出绩效自评表的填写、校验和汇总。" & vbCrLf & _
        "按钮的功能由本机安装的 Python 程序包 selfeval 提供。", _
        vbInformation, APP_TITLE
End Sub

Private Sub RunSelfeval(pythonCode As String)
    If ActiveWorkbook Is Nothing Then
        MsgBox "请先打开要处理的工作簿。", vbExclamation, APP_TITLE
        Exit Sub
    End If
    If ServerConfigured() Then  ' server mode (ServerMode.bas): no Python on this PC
        RunOnServer pythonCode
        Exit Sub
    End If
    If Not pythonChecked Then
        If Not PythonReady() Then Exit Sub
        pythonChecked = True
    End If
    RunPython pythonCode
End Sub

' True when the configured interpreter starts and can import selfeval.excel.
Private Function PythonReady() As Boolean
    Dim interpreter As String, exitCode As Long
#If Mac Then
    PythonReady = True
    Exit Function
#Else
    On Error GoTo NoPython
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    If interpreter <> "python" And interpreter <> "pythonw" Then
        If Dir(interpreter) = "" Then
            MsgBox "找不到 Python：" & interpreter & vbCrLf & vbCrLf & SETUP_HINT, _
                vbExclamation, APP_TITLE
            Exit Function
        End If
        interpreter = Chr(34) & interpreter & Chr(34)
    End If
    exitCode = CreateObject("WScript.Shell").Run( _
        interpreter & " -c " & Chr(34) & "import selfeval.excel" & Chr(34), 0, True)
    On Error GoTo 0
    If exitCode <> 0 Then
        MsgBox "已找到 Python，但未安装 selfeval 程序包或安装不完整。" & vbCrLf & vbCrLf & _
            SETUP_HINT, vbExclamation, APP_TITLE
        Exit Function
    End If
    PythonReady = True
    Exit Function
NoPython:
    MsgBox "本机未安装 Python，或未完成加载项配置。" & vbCrLf & vbCrLf & SETUP_HINT, _
        vbExclamation, APP_TITLE
#End If
End Function
