Attribute VB_Name = "Ribbon"
' Ribbon callbacks of the selfeval add-in (the tab defined in customUI14.xml).
' Each button runs one function of the Python module selfeval.excel through xlwings'
' RunPython. Before the first call of a session the pre-check (PythonReady) starts the
' configured interpreter as RunPython will, so a clerk whose PC lacks Python, selfeval,
' xlwings or pywin32 gets a plain Chinese explanation of which install step to redo, not a
' traceback. With "USE UDF SERVER" in the config, RunPython keeps one Python process
' alive between clicks (xlwings' COM server). One click runs at a time.
Option Explicit

Private Const ADDIN_VERSION As String = "0.1.0"
Private Const APP_TITLE As String = "绩效自评"
Private Const SETUP_HINT As String = "请按以下步骤安装（只需一次）：" & vbCrLf & _
    "1. 安装 64 位 Python（3.10 至 3.13 版，python.org 的安装程序）；" & vbCrLf & _
    "2. 运行信息技术人员提供的离线安装包中的 install.cmd（安装 selfeval、加载项和配置）；" & vbCrLf & _
    "然后重新打开 Excel。如仍有问题，请联系信息技术人员。"
' Shown where no Python code can run; selfeval.addin.precheck has the same texts.
Private Const MSG_NO_INTERPRETER As String = "找不到加载项要使用的 Python。请重做第 1 步和第 2 步。"
Private Const MSG_STORE_STUB As String = "加载项要使用的 python.exe 是 Windows 应用商店的占位程序，不是真正的 Python。请重做第 1 步（从 python.org 安装），再重做第 2 步。"
Private Const MSG_NO_SELFEVAL As String = "Python 可以启动，但其中没有安装 selfeval 程序包。请重做第 2 步。"
Private Const MSG_BUSY As String = "绩效自评：上一个操作还在进行，请稍候。"
Private Const STATUS_RUNNING As String = "绩效自评：正在处理，请稍候…"
' The pre-check: put the PYTHONPATH setting on sys.path, then selfeval.addin.precheck.run_precheck
Private Const PROBE_CODE As String = "import sys,os;sys.path[0:0]=[p for p in os.path.expandvars(sys.argv[2]).split(';') if p];import selfeval.addin.precheck as c;c.run_precheck(sys.argv[1],sys.argv[3])"
Private Const EXIT_NOT_FOUND As Long = 9009

Private Const QUEUED_CLICK_SECONDS As Double = 0.3

Private pythonChecked As Boolean
Private busy As Boolean
Private finishedAt As Double

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

' Runs one Python command: one click at a time, with the wait cursor and status text.
Private Sub RunSelfeval(pythonCode As String)
    If busy Then
        Application.StatusBar = MSG_BUSY
        Exit Sub
    End If
    ' a click made while Excel was blocked arrives just after the run ends: drop it
    If Timer - finishedAt >= 0 And Timer - finishedAt < QUEUED_CLICK_SECONDS Then Exit Sub
    If ActiveWorkbook Is Nothing Then
        MsgBox "请先打开要处理的工作簿。", vbExclamation, APP_TITLE
        Exit Sub
    End If
    busy = True
    On Error GoTo Failed
    Application.Cursor = xlWait
    Application.StatusBar = STATUS_RUNNING
    If ServerConfigured() Then  ' server mode (ServerMode.bas): no Python on this PC
        RunOnServer pythonCode
    Else
        If Not pythonChecked Then pythonChecked = PythonReady()
        If pythonChecked Then RunPython pythonCode
    End If
    GoTo Finish
Failed:
    MsgBox "操作未完成：" & Err.Description & vbCrLf & _
        "请保存工作簿后重试；如仍出错，请把本提示截图发给技术人员。", vbExclamation, APP_TITLE
Finish:
    On Error Resume Next
    Application.Cursor = xlDefault
    Application.StatusBar = False
    finishedAt = Timer
    busy = False
End Sub

' True when the configured interpreter, started as RunPython starts it (same interpreter,
' conda activation, folder, -B -I and PYTHONPATH setting), can import everything a click
' needs. selfeval.addin.precheck decides and writes the message; where no Python runs,
' the exit code decides here.
Private Function PythonReady() As Boolean
#If Mac Then
    PythonReady = True
#Else
    Dim interpreter As String, shellCommand As String, condaPath As String, condaEnv As String
    Dim verdictFile As String, logFile As String, verdict As String, logText As String
    Dim bits As String, server As Boolean, exitCode As Long, cut As Long

    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    If interpreter <> "python" And interpreter <> "pythonw" Then
        If Not FileExists(interpreter) Then
            ' app execution aliases in WindowsApps may not be visible to Dir: the Store stub
            If InStr(1, interpreter, "\WindowsApps\", vbTextCompare) > 0 Then
                Explain MSG_STORE_STUB, interpreter
            Else
                Explain MSG_NO_INTERPRETER, interpreter
            End If
            Exit Function
        End If
        ' as xlwings' ExecuteWindows: change to Python's folder, then conda, then Python
        If Left$(interpreter, 2) Like "[A-Za-z]:" Then
            shellCommand = Left$(interpreter, 2) & " & cd """ & ParentFolder(interpreter) & """ & "
        ElseIf Left$(interpreter, 2) = "\\" Then
            shellCommand = "pushd """ & ParentFolder(interpreter) & """ & "
        End If
    End If
    condaPath = Replace(GetConfig("CONDA PATH"), " ", "^ ")
    condaEnv = GetConfig("CONDA ENV")
    If condaPath <> "" And condaEnv <> "" Then
        shellCommand = shellCommand & condaPath & "\condabin\conda activate " & condaEnv & " && "
    End If
    If interpreter <> "python" And interpreter <> "pythonw" Then
        shellCommand = shellCommand & Chr(34) & interpreter & Chr(34)
    Else
        shellCommand = shellCommand & interpreter
    End If
    server = GetConfig("USE UDF SERVER", False)
    If server Then
#If Win64 Then
        bits = "64"
#Else
        bits = "32"
#End If
    End If

    verdictFile = Environ("TEMP") & "\selfeval-precheck-" & CreateGUID() & ".txt"
    logFile = verdictFile & ".log"
    exitCode = CreateObject("WScript.Shell").Run("cmd.exe /C " & shellCommand & " -B -I -c """ & PROBE_CODE & _
        """ """ & verdictFile & """ """ & GetConfig("PYTHONPATH") & """ """ & bits & _
        """ > """ & logFile & """ 2>&1", 0, True)
    If FileExists(verdictFile) Then verdict = ReadFile(verdictFile)
    If FileExists(logFile) Then logText = ReadFile(logFile)
    On Error Resume Next
    Kill verdictFile
    Kill logFile
    On Error GoTo 0

    cut = InStr(verdict, vbCrLf)
    If cut > 1 Then
        If Left$(verdict, cut - 1) = "ok" Then
            PythonReady = True
        Else
            MsgBox Mid$(verdict, cut + 2), vbExclamation, APP_TITLE
        End If
    ElseIf exitCode = EXIT_NOT_FOUND Then
        If InStr(1, logText, "Microsoft Store", vbTextCompare) > 0 Or _
            InStr(1, interpreter, "\WindowsApps\", vbTextCompare) > 0 Then
            Explain MSG_STORE_STUB, interpreter
        Else
            Explain MSG_NO_INTERPRETER, interpreter
        End If
    Else
        Explain MSG_NO_SELFEVAL, interpreter
    End If
#End If
End Function

Private Sub Explain(message As String, interpreter As String)
    MsgBox message & vbCrLf & "（Python：" & interpreter & "）" & vbCrLf & vbCrLf & SETUP_HINT, _
        vbExclamation, APP_TITLE
End Sub
