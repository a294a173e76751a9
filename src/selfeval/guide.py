"""The text of the 填表说明 sheet: how to fill the form, the grade bands, the rule codes.

Plain Chinese for clerks; the rule table comes from the rule catalog (`rules.catalog`), whose
`hint`s summarise SPEC §5 in words a clerk uses.
"""

from __future__ import annotations

from .rules import catalog
from .vocabulary import BUTTON_NEW_PROJECT, BUTTON_VALIDATE_ACTIVE, BUTTON_VALIDATE_ALL

GUIDE_TITLE = "填表说明"
HOW_TO_FILL_HEADING = "一、填写方法"
SCORING_HEADING = "二、评分方法与等级"
RULES_HEADING_WORD = "校验规则代码"  # the 填表说明 button opens the sheet at the heading holding it
RULES_HEADING = f"三、{RULES_HEADING_WORD}（加载项或 selfeval 校验时给出）"
RULES_COLUMNS: tuple[str, str, str] = ("代码", "严重程度", "含义")

HOW_TO_FILL: tuple[str, ...] = (
    "1. 每个项目填写一张工作表（“项目1”“项目2”……），工作表名可改为项目简称。",
    "2. 白色单元格由填报人填写；灰色为表头和说明，浅蓝色为自动计算的单元格（执行率、得分、总分、自评等级），请勿改写。",
    "3. 顶部“年度”单元格填写评价年度（如 2024），标题随之变化。",
    "4. 项目类别、项目属性、项目类型以及一级指标、二级指标可从下拉列表选择。",
    "5. 项目资金以万元为单位：年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金；执行率 = 全年执行数 ÷ 全年预算数，得分 = 分值 × 执行率（最高为分值）。",
    "6. 绩效指标按一级、二级指标分类预留了空行；某类指标行数不够时，选中该类中间的一行，右键“插入”整行（公式会自动包含新行）；多余的行可以选中整行后右键“删除”，或保持空白。",
    "7. 年度指标值和实际完成值写明比较符、数值和单位，如“≥95%”“不少于4场”“≤30天”；定性指标写“达成预期指标”等。",
    "8. 各项分值（预算执行分值 + 全部指标分值）合计应为 100；得分不得超过分值；得分低于分值时必须填写偏差原因分析及改进措施。",
    "9. 工作表已保护（无密码），只为防止误改公式：可以插入、删除指标行和调整格式。如确需修改表头，可在“审阅 → 撤销工作表保护”后修改。",
    f"10. 新增项目：安装加载项后点“{BUTTON_NEW_PROJECT}”；未安装时，右键任一项目工作表 →“移动或复制” → 勾选“建立副本”。",
    f"11. 顶部“校验状态”由加载项的“{BUTTON_VALIDATE_ACTIVE}”“{BUTTON_VALIDATE_ALL}”填写；未安装加载项时，表中的红色、黄色底纹提示可能的问题（得分超过分值、分值合计不等于100、缺少偏差原因）。",
)

GRADE_BANDS: tuple[tuple[str, str], ...] = (
    ("优", "总分 ≥ 90 分"),
    ("良", "80 分 ≤ 总分 < 90 分"),
    ("中", "60 分 ≤ 总分 < 80 分"),
    ("差", "总分 < 60 分"),
)

SCORING_NOTES: tuple[str, ...] = (
    "定量指标：完成目标得满分；未完成按比例得分（越高越好：分值 × 实际值 ÷ 目标值；越低越好：分值 × 目标值 ÷ 实际值）。",
    "定性指标：达成目标得分值的 80%–100%；部分达成 60%–80%；未达成 0–60%。",
    "默认权重：预算执行 10 分，产出指标 50 分，效益指标 30 分，满意度指标 10 分；特殊情况可调整，但合计须为 100 分。",
)


def rule_lines() -> list[tuple[str, str, str]]:
    """(code, severity word, meaning for a clerk) of every rule in catalog order: the rule table
    of 填表说明, generated from the one catalog (`rules`), so code and severity cannot disagree."""
    return [(item.code, item.severity.label, item.hint) for item in catalog()]
