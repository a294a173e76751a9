"""selfeval — 项目支出绩效自评表的校验、汇总与 Excel 加载项.

Validation and consolidation of project expenditure performance self-evaluation
forms (SPEC.md), with an Excel template and a ribbon add-in.
"""

__version__ = "0.1.0"
