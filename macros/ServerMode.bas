Attribute VB_Name = "ServerMode"
' Server mode: instead of running Python on this PC, the ribbon's buttons send the workbook
' to the unit's selfeval server (`selfeval serve`) with xlwings' VBA client RunServerPython
' (module Remote) and apply the actions it returns. Chosen in the user's config file
' %USERPROFILE%\.selfeval\selfeval.conf or the machine-wide %PROGRAMDATA%\selfeval\selfeval.conf
' IT deploys (the patched GetConfig reads only those two): a workbook's selfeval.conf sheet or
' a selfeval.conf beside it must not be able to send the unit's token elsewhere.
'   "SERVER_URL","https://selfeval.example.gov.cn"
'   "SERVER_TOKEN","<the unit's token>"
' TLS certificates are always checked and redirects not followed, whatever other config says.
Option Explicit

Private Const APP_TITLE As String = "绩效自评"

' True when a server is configured: the buttons then never start Python.
Public Function ServerConfigured() As Boolean
    ServerConfigured = (ServerUrl() <> "")
End Function

Private Function ServerUrl() As String
    ServerUrl = Trim(GetConfig("SERVER_URL", ""))
    If Right(ServerUrl, 1) = "/" Then ServerUrl = Left(ServerUrl, Len(ServerUrl) - 1)
End Function

' The selfeval.excel function a RunPython string calls: "...; x.validate_all()" -> "validate_all".
' The server's endpoint for it is <SERVER_URL>/run/<function>.
Public Function EntryName(pythonCode As String) As String
    Dim first As Long, last As Long
    first = InStrRev(pythonCode, "x.") + 2
    last = InStr(first, pythonCode, "(")
    EntryName = Mid(pythonCode, first, last - first)
End Function

' Run the function of pythonCode on the server; the server's refusals arrive as message boxes.
Public Sub RunOnServer(pythonCode As String)
    Dim token As String, url As String
    url = ServerUrl()
    token = Trim(GetConfig("SERVER_TOKEN", ""))
    If token = "" Then
        MsgBox "已设置校验服务器（" & url & "），但没有填写本单位的访问令牌 SERVER_TOKEN。" & vbCrLf & _
            "请联系信息技术人员。", vbExclamation, APP_TITLE
        Exit Sub
    End If
    Dim wb As Workbook, lifted As Collection, message As String
    Set wb = ActiveWorkbook
    On Error GoTo Failed
    Application.StatusBar = "绩效自评：正在连接校验服务器…"
    Set lifted = LiftProtection(wb)  ' ServerActions: the actions write the status cell, 目录
    RunServerPython url & "/run/" & EntryName(pythonCode), "Bearer " & token, _
        insecure:="False", followRedirects:="False"
    RestoreProtection wb, lifted
    Application.StatusBar = False
    Exit Sub
Failed:
    message = Err.Description
    On Error Resume Next
    Application.StatusBar = False
    If Not lifted Is Nothing Then RestoreProtection wb, lifted
    MsgBox "无法完成与校验服务器（" & url & "）的通信：" & message & vbCrLf & _
        "请检查网络后重试；如仍出错，请联系信息技术人员。", vbExclamation, APP_TITLE
End Sub
