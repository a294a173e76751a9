"""The self-evaluation form as data (SPEC §1, §2, §5).

Plain dataclasses, standard library only: every other room builds on these. The form's
dataclasses are frozen: a reader hands back a finished Project, and a change is a new one
(`dataclasses.replace`).
Amounts are in 万元, scores in 分, rates as fractions (0.95 = 95 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How serious a finding is; the value is what JSON carries."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """The Chinese word a clerk reads."""
        return _SEVERITY_LABELS[self]

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return _SEVERITY_RANKS[self]


_SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
_SEVERITY_RANKS = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


# --- taxonomy (SPEC §2) -------------------------------------------------------------

OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
LEVEL1_NAMES: tuple[str, ...] = (OUTPUT, BENEFIT, SATISFACTION)

QUANTITY = "数量指标"
QUALITY = "质量指标"
TIMELINESS = "时效指标"
COST = "成本指标"
SERVICE_SATISFACTION = "服务对象满意度指标"

LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    OUTPUT: (QUANTITY, QUALITY, TIMELINESS, COST),
    BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    SATISFACTION: (SERVICE_SATISFACTION,),
}
LEVEL1_OF_LEVEL2: dict[str, str] = {level2: level1 for level1, names in LEVEL2_BY_LEVEL1.items() for level2 in names}
LEVEL2_NAMES: tuple[str, ...] = tuple(LEVEL1_OF_LEVEL2)

EXECUTION_WEIGHT = 10.0
DEFAULT_LEVEL1_WEIGHTS: dict[str, float] = {OUTPUT: 50.0, BENEFIT: 30.0, SATISFACTION: 10.0}
FULL_MARK = 100.0

GRADES: tuple[str, ...] = ("优", "良", "中", "差")

# Hubei classification rows: label → options, in form order.
CLASSIFICATIONS: dict[str, tuple[str, ...]] = {
    "项目类别": ("部门预算项目", "省直专项", "省对下转移支付项目"),
    "项目属性": ("持续性项目", "新增性项目"),
    "项目类型": ("常年性项目", "延续性项目", "一次性项目"),
}


# --- the form --------------------------------------------------------------------------


@dataclass(frozen=True)
class FundsLine:
    """One row of 项目资金（万元）. None means the cell was empty."""

    initial: float | None = None  # 年初预算数
    budget: float | None = None  # 全年预算数
    executed: float | None = None  # 全年执行数


FUNDS_COLUMNS: dict[str, str] = {"initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}
FUNDS_LINES: dict[str, str] = {
    "total": "年度资金总额",
    "fiscal": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}


@dataclass(frozen=True)
class Funds:
    """项目资金（万元）; only the total row has 分值, 执行率 and 得分."""

    total: FundsLine = field(default_factory=FundsLine)
    fiscal: FundsLine = field(default_factory=FundsLine)
    carryover: FundsLine = field(default_factory=FundsLine)
    other: FundsLine = field(default_factory=FundsLine)
    weight: float | None = None  # 分值
    stated_rate: float | None = None  # 执行率 as typed, a fraction
    stated_score: float | None = None  # 得分 as typed
    bad_cells: dict[str, str] = field(default_factory=dict)  # key → raw text that is not a number

    def line(self, key: str) -> FundsLine:
        return getattr(self, key)

    @property
    def is_empty(self) -> bool:
        lines = (self.total, self.fiscal, self.carryover, self.other)
        return all(v is None for ln in lines for v in (ln.initial, ln.budget, ln.executed)) and not self.bad_cells


@dataclass(frozen=True)
class Goal:
    """年度总体目标."""

    expected: str = ""  # 预期目标
    actual: str = ""  # 实际完成情况


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator table.

    `weight`/`score` are None when the cell is empty; `raw` keeps non-numeric text of
    numeric cells (key → text) so rules can report it instead of guessing.
    """

    level1: str = ""
    level2: str = ""
    name: str = ""  # 三级指标
    target: str = ""  # 年度指标值
    actual: str = ""  # 实际完成值
    weight: float | None = None  # 分值
    score: float | None = None  # 得分
    deviation: str = ""  # 偏差原因分析及改进措施
    level1_inferred: bool = False
    weight_proposed: bool = False
    raw: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # field name → cell address
    row: int | None = None  # source row (1-based), for non-cell sources

    @property
    def judged_weight(self) -> float | None:
        """The 分值 scores are judged against: a proposed weight is no basis for an error."""
        return None if self.weight_proposed else self.weight


@dataclass(frozen=True)
class Project:
    """One filled self-evaluation form."""

    name: str = ""
    department: str = ""  # 主管部门
    unit: str = ""  # 实施单位
    year: int | None = None
    category: str = ""  # 项目类别
    attribute: str = ""  # 项目属性
    kind: str = ""  # 项目类型
    funds: Funds | None = None
    goal: Goal = field(default_factory=Goal)
    indicators: tuple[Indicator, ...] = ()
    # 一级 weights the form states in the 一级 cell (`产出指标（50分）`, `（50分）`): level-1 name → 分值
    level1_weights: dict[str, float] = field(default_factory=dict)
    # indicator columns the form's table has not at all ("weight" 分值, "score" 得分)
    absent_columns: frozenset[str] = frozenset()
    stated_total: float | None = None  # 总分 as typed
    stated_grade: str = ""  # 自评等级 as typed
    filler: str = ""
    phone: str = ""
    date: str = ""
    sheet: str | None = None  # worksheet name, None for non-workbook sources
    source: str = ""  # file path or other origin
    cells: dict[str, str] = field(default_factory=dict)  # field key → cell address
    formulas: dict[str, str] = field(default_factory=dict)  # computed-cell key → formula text or typed constant
    notes: tuple[Finding, ...] = ()  # reader findings (X03 partial reads, …)


@dataclass(frozen=True)
class Finding:
    """One result of a rule: code of SPEC §5, severity, where, and a Chinese message."""

    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None  # A1 address in `sheet`, or a description for other sources
    source: str = ""

    @property
    def location(self) -> str:
        """`项目1!H17`, `项目1`, `H17` or '' — the place a user looks at."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell or ""

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "location": self.location,
            "message": self.message,
        }
