Attribute VB_Name = "ServerActions"
' Server mode: handlers for the actions a selfeval server returns that xlwings' own VBA
' client (module Remote, RunServerPython) does not implement. RunServerPython applies each
' action with Application.Run action("func"), workbook, action; the names below are those
' functions. The complete list of actions is selfeval.server.actions.CLIENT_ACTIONS.
'
' Kept in the VBA subset that LibreOffice also runs, so the tests execute these handlers on
' real workbooks: no #If, no Declare, no default members (.Item is written out), late bound.
' An action is xlwings' Dictionary (keys func, args, sheet_position, start_row, ...); its
' args are a Collection (1-based). Positions and rows in an action are 0-based.
Option Explicit

Private Const XL_NONE As Long = -4142

' The worksheet an action addresses.
Private Function TargetSheet(wb As Object, action As Object) As Object
    Set TargetSheet = wb.Worksheets(action.Item("sheet_position") + 1)
End Function

' The range an action addresses.
Private Function TargetRange(wb As Object, action As Object) As Object
    Dim ws As Object, topRow As Long, leftColumn As Long
    Set ws = TargetSheet(wb, action)
    topRow = action.Item("start_row") + 1
    leftColumn = action.Item("start_column") + 1
    Set TargetRange = ws.Range(ws.Cells(topRow, leftColumn), _
        ws.Cells(topRow + action.Item("row_count") - 1, leftColumn + action.Item("column_count") - 1))
End Function

' "#rrggbb" as an Excel colour (BGR).
Private Function ColourOf(hexColour As String) As Long
    Dim text As String
    text = Replace(hexColour, "#", "")
    ColourOf = RGB(CLng("&H" & Mid(text, 1, 2)), CLng("&H" & Mid(text, 3, 2)), CLng("&H" & Mid(text, 5, 2)))
End Function

Private Sub Fill(cell As Object, colour As Variant)
    If IsNull(colour) Then
        cell.Interior.ColorIndex = XL_NONE
    Else
        cell.Interior.Color = ColourOf(CStr(colour))
    End If
End Sub

' args(1): rows of colours, one per cell: "#rrggbb", Null (no fill) or "keep" (unchanged).
Public Sub setRangeColors(wb As Object, action As Object)
    Dim rng As Object, matrix As Object, rowColours As Object
    Dim r As Long, c As Long, colour As Variant
    Set rng = TargetRange(wb, action)
    Set matrix = action.Item("args").Item(1)
    For r = 1 To matrix.Count
        Set rowColours = matrix.Item(r)
        For c = 1 To rowColours.Count
            colour = rowColours.Item(c)
            If IsNull(colour) Then
                Fill rng.Cells(r, c), colour
            ElseIf CStr(colour) <> "keep" Then
                Fill rng.Cells(r, c), colour
            End If
        Next c
    Next r
End Sub

' args(1): the width in characters, as Excel's ColumnWidth.
Public Sub setColumnWidth(wb As Object, action As Object)
    TargetRange(wb, action).ColumnWidth = action.Item("args").Item(1)
End Sub

' args(1): the row height in points, as Excel's RowHeight (rows that must show their whole text).
Public Sub setRowHeight(wb As Object, action As Object)
    TargetRange(wb, action).RowHeight = action.Item("args").Item(1)
End Sub

' args(1): True to wrap long texts inside the cells.
Public Sub setWrapText(wb As Object, action As Object)
    TargetRange(wb, action).WrapText = action.Item("args").Item(1)
End Sub

' args(1): True to merge each row of the range separately (Excel's Merge Across).
Public Sub rangeMerge(wb As Object, action As Object)
    TargetRange(wb, action).Merge action.Item("args").Item(1)
End Sub

' args: property ("bold", "italic", "size", "color", "name") and value.
Public Sub setFontProperty(wb As Object, action As Object)
    Dim target As Object, value As Variant
    Set target = TargetRange(wb, action).Font
    value = action.Item("args").Item(2)
    Select Case action.Item("args").Item(1)
    Case "bold"
        target.Bold = value
    Case "italic"
        target.Italic = value
    Case "size"
        target.Size = value
    Case "color"
        target.Color = ColourOf(CStr(value))
    Case "name"
        target.Name = value
    End Select
End Sub

' args: "Before" or "After", the 0-based position of the sheet to place it at, the copy's name.
' The copy is found by position: a copy of a hidden sheet is hidden and not activated.
Public Sub copySheet(wb As Object, action As Object)
    Dim original As Object, anchor As Object, copied As Object, position As Long
    Set original = TargetSheet(wb, action)
    position = action.Item("args").Item(2) + 1
    Set anchor = wb.Worksheets(position)
    If action.Item("args").Item(1) = "Before" Then
        original.Copy Before:=anchor
        Set copied = wb.Worksheets(position)
    Else
        original.Copy After:=anchor
        Set copied = wb.Worksheets(position + 1)
    End If
    If copied.Name <> action.Item("args").Item(3) Then copied.Name = action.Item("args").Item(3)
End Sub

' args(1): "Visible", "Hidden" or "VeryHidden".
Public Sub setSheetVisibility(wb As Object, action As Object)
    Dim ws As Object
    Set ws = TargetSheet(wb, action)
    Select Case action.Item("args").Item(1)
    Case "Visible"
        ws.Visible = -1
    Case "Hidden"
        ws.Visible = 0
    Case "VeryHidden"
        ws.Visible = 2
    End Select
End Sub

' args: the cell's address and the note's text (a note is Excel's classic comment).
Public Sub addNote(wb As Object, action As Object)
    Dim cell As Object
    Set cell = TargetSheet(wb, action).Range(action.Item("args").Item(1))
    If Not cell.Comment Is Nothing Then cell.Comment.Delete
    cell.AddComment CStr(action.Item("args").Item(2))
End Sub

' args(1): the cell's address.
Public Sub deleteNote(wb As Object, action As Object)
    Dim cell As Object
    Set cell = TargetSheet(wb, action).Range(action.Item("args").Item(1))
    If Not cell.Comment Is Nothing Then cell.Comment.Delete
End Sub

' The template protects its sheets without a password, against overwriting formulas; the
' server's actions write the status cell and 目录 like the desktop path, which lifts the
' protection while it writes. LiftProtection unprotects every such visible sheet and returns
' their names; RestoreProtection protects them again with the template's permissions (as the
' desktop path does: selfeval.layout.PROTECTION_ALLOWS). Hidden sheets (项目模板) stay
' protected, so a copy of the master is protected like the original.
Public Function LiftProtection(wb As Object) As Collection
    Dim lifted As New Collection, ws As Object, i As Long
    For i = 1 To wb.Worksheets.Count
        Set ws = wb.Worksheets(i)
        If ws.ProtectContents And ws.Visible = -1 Then
            lifted.Add ws.Name
            ws.Unprotect
        End If
    Next i
    Set LiftProtection = lifted
End Function

' Returns how many sheets were protected again (a sheet the actions deleted is skipped).
Public Function RestoreProtection(wb As Object, lifted As Collection) As Long
    Dim ws As Object, i As Long, j As Long
    For i = 1 To lifted.Count
        For j = 1 To wb.Worksheets.Count
            Set ws = wb.Worksheets(j)
            If ws.Name = lifted.Item(i) Then
                ' Positional, as LibreOffice knows no names past UserInterfaceOnly: Password,
                ' DrawingObjects, Contents, Scenarios, UserInterfaceOnly, AllowFormattingCells,
                ' AllowFormattingColumns, AllowFormattingRows, AllowInsertingColumns,
                ' AllowInsertingRows, AllowInsertingHyperlinks, AllowDeletingColumns, AllowDeletingRows
                ws.Protect "", False, True, False, False, True, True, True, False, True, False, False, True
                RestoreProtection = RestoreProtection + 1
            End If
        Next j
    Next i
End Function
