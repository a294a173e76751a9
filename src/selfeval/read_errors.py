"""Why a file cannot be opened, in the words a clerk reads: operating-system errors, encryption.

Shared by every reader (workbooks in `sources`, Word and text in `importers`).
"""

from __future__ import annotations

import errno

ENCRYPTED = "文件已加密（设有打开密码），无法读取；请在 Excel/Word/WPS 中取消密码后另存，再校验"


def os_error_reason(error: OSError) -> str:
    """A Chinese reason for an operating-system error (never the English OS text)."""
    code = error.errno
    if isinstance(error, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return "没有读取权限，无法读取；请让文件所有者或管理员开放读取权限，或复制到自己的文件夹后再校验"
    if isinstance(error, FileNotFoundError):
        return "文件不存在（或是指向不存在位置的链接）"
    if code == errno.ELOOP:
        return "是一个循环的符号链接，无法读取"
    if code == errno.ENAMETOOLONG:
        return "文件名或路径过长，无法读取；请缩短文件名或移到较浅的文件夹"
    if isinstance(error, IsADirectoryError):
        return "这是文件夹，不是文件"
    if code == errno.EIO:
        return "读取时发生磁盘或网络错误，无法读取；请复制到本机后再校验"
    return f"无法打开文件（系统错误代码 {code}）" if code else "无法打开文件"
