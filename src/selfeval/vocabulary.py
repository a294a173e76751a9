"""Every label, synonym and header name the reader looks for (SPEC §1), named by direction.

Keys are normalised labels (`values.normalize_label`: no whitespace, no trailing colon, no
short parenthesised tail such as `（万元）` or `（50分）`, no leading 其中). Each mapping says
what it maps: `LABEL_TO_FIELD_KEY` takes a label to the field of the form it introduces.
"""

from __future__ import annotations

from .model import CLASSIFICATIONS, SERVICE_SATISFACTION, TIMELINESS

# --- fields of the form: label → field key ---------------------------------------------

LABEL_TO_FIELD_KEY: dict[str, str] = {
    "项目名称": "name",
    "专项资金名称": "name",
    "专项名称": "name",
    "转移支付(项目)名称": "name",
    "转移支付项目名称": "name",
    "主管部门": "department",
    "主管单位": "department",
    "主管部门及代码": "department",
    "县级主管部门": "department",
    "省级主管部门": "department",
    "地方主管部门": "department",
    "市级主管部门": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "资金使用单位": "unit",
    "年度": "year",
    "项目年度": "year",
    "评价年度": "year",
    "预算年度": "year",
    "项目类别": "category",
    "项目属性": "attribute",
    "项目类型": "kind",
    # funds blocks (their columns and lines are below)
    "项目资金": "funds",
    "资金情况": "funds",
    "项目资金情况": "funds",
    "预算执行情况": "funds",
    # goal section: the section label, the expected goal and what was achieved
    "年度总体目标": "goal",
    "预期目标": "goal.expected",
    "总体目标": "goal.expected",
    "年初设定目标": "goal.expected",
    "项目年度目标": "goal.expected",
    "年度目标": "goal.expected",
    "实际完成情况": "goal.actual",
    "全年实际完成情况": "goal.actual",
    "年度总体目标完成情况综述": "goal.actual",
    "年度总体目标完成情况": "goal.actual",
    "年度目标完成情况": "goal.actual",
    "总体目标完成情况": "goal.actual",
    # after the indicator table
    "总分": "total",
    "合计": "total",
    "得分合计": "total",
    "自评等级": "grade",
    "评价等级": "grade",
    "填报人": "filler",
    "联系电话": "phone",
    "填报日期": "date",
    "校验状态": "status",
    # the indicator section's own label
    "绩效指标": "section",
    "年度绩效目标": "section",
    "年度绩效指标": "section",
}
FIELD_KEY_TO_CLASSIFICATION_LABEL: dict[str, str] = {
    "category": "项目类别",
    "attribute": "项目属性",
    "kind": "项目类型",
}

# --- the indicator table: header → column key -------------------------------------------

LEVEL_HEADERS = frozenset({"一级指标", "二级指标", "三级指标"})
HEADER_TO_INDICATOR_KEY: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "年度指标值": "target",
    "年初目标值": "target",
    "年度目标值": "target",
    "指标值": "target",
    "目标值": "target",
    "实际完成值": "actual",
    "全年完成值": "actual",
    "全年实际值": "actual",
    "全年实际完成值": "actual",
    "实际值": "actual",
    "完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "指标分值": "weight",
    "得分": "score",
    "自评得分": "score",
    # a target split over three columns: 指标性质 | 指标值 | 度量单位 (`≥ | 95 | %` is `≥95%`)
    "指标性质": "target.comparator",
    "度量单位": "target.unit",
    "计量单位": "target.unit",
}
DEVIATION_HEADER_PREFIX = "偏差"  # 偏差原因分析及改进措施 / …改正措施
INDICATOR_KEY_TO_HEADER: dict[str, str] = {
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
}

# --- the funds block: header → column key, line label → line key ------------------------

HEADER_TO_FUNDS_KEY: dict[str, str] = {
    "年初预算数": "initial",
    "全年预算数": "budget",
    "调整后预算数": "budget",
    "预算数": "budget",
    "全年预算": "budget",
    "全年执行数": "executed",
    "预算执行数": "executed",
    "执行数": "executed",
    "全年执行": "executed",
    "实际执行数": "executed",
    "分值": "weight",
    "权重": "weight",
    "执行率": "rate",
    "预算执行率": "rate",
    "得分": "score",
}
LABEL_TO_FUNDS_LINE: dict[str, str] = {
    "年度资金总额": "total",
    "资金总额": "total",
    "总额": "total",
    "年度财政资金总额": "total",
    "当年财政拨款": "fiscal",
    "本年财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "财政资金": "fiscal",
    # further sources besides 财政拨款 and 上年结转 (Sichuan): added up as 其他资金
    "财政专户管理资金": "other",
    "单位资金": "other",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "其他资金": "other",
}

# Grades as forms write them (in a 自评等级 cell, or after the score in the 总分 row).
GRADE_WORDS = frozenset({"优", "良", "中", "差", "优秀", "良好", "中等", "合格", "较差", "不合格"})

# --- taxonomy synonyms: written name → name of SPEC §2 ----------------------------------

LEVEL2_SYNONYM_TO_NAME: dict[str, str] = {
    "满意度": SERVICE_SATISFACTION,
    "满意度指标": SERVICE_SATISFACTION,
    "服务对象满意度": SERVICE_SATISFACTION,
    "进度指标": TIMELINESS,
    "进度": TIMELINESS,
}

# --- placeholders: what templates pre-fill in the 三级 column ----------------------------

# `指标1：`, `指标2`, `指标1:/`, `三级指标3`, `……`, `…`, `（自定义）`, `...` (squashed, full-width
# digits/colons/brackets folded); with empty values, 分值 and 得分 such a row is no indicator.
PLACEHOLDER_NAME_PATTERN = r"(?:三级)?指标[0-9一二三四五六七八九十]*:?|[…\.。·]+|\(自定义\)|自定义"

LABELS = (
    frozenset(LABEL_TO_FIELD_KEY)
    | frozenset(HEADER_TO_INDICATOR_KEY)
    | frozenset(HEADER_TO_FUNDS_KEY)
    | frozenset(LABEL_TO_FUNDS_LINE)
    | frozenset(CLASSIFICATIONS)
)

# Cells the template computes with a formula (X01 looks at what they hold): field keys.
COMPUTED_KEYS: tuple[str, ...] = ("funds.rate", "funds.score", "total", "grade")

# --- reader

# The sheets of selfeval's own summary workbook: a source holding both is skipped (it is no
# form), an output holding both may be replaced.
SUMMARY_WORKBOOK_SHEETS = frozenset({"汇总", "文件清单"})
