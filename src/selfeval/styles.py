"""The look selfeval's workbooks share: fill colours, fonts, number formats, the page footer.

Colours are RGB hex without `#` (openpyxl's form); the xlwings layer prefixes `#`.
"""

from __future__ import annotations

# --- fills of a project sheet (the template), its marks and its hints --------------------

LABEL_FILL = "F2F2F2"  # label cells (grey)
COMPUTED_FILL = "E8F0FA"  # cells holding a template formula (light blue)
UNUSED_FILL = "D9D9D9"  # cells of the funds block that take no value
ERROR_FILL = "F8CBAD"  # an error: the add-in's mark and the template's conditional hint
WARNING_FILL = "FFE699"  # a warning: likewise
INFO_FILL = "DDEBF7"  # a hint (提示): listed, never marked on the form

# --- tables: 校验结果 and the summary workbook --------------------------------------------

HEADER_FILL = "D9E1F2"  # header rows
SUMMARY_ERROR_FILL = "FFC7CE"  # 严重程度 错误 in the summary's 问题清单 (and 无法读取 in 文件清单)
SUMMARY_WARNING_FILL = "FFEB9C"  # 警告 (and 重复文件)

# --- fonts, number formats, print -------------------------------------------------------

FONT_NAME = "宋体"  # body text
TITLE_FONT_NAME = "黑体"  # sheet titles
SCORE_FORMAT = "0.00"  # 分值, 得分, 总分
AMOUNT_FORMAT = "#,##0.00"  # 万元, two decimals
LINK_COLOUR = "0563C1"  # a hyperlink's text
PAGE_FOOTER = "第 &P 页，共 &N 页"  # centred footer of every printed sheet
