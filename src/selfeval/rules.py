"""The rule catalog of SPEC §5: one small function per code, a registry, `check(project)`.

Each rule yields `(message, cell)` pairs; the registry turns them into Findings with the
rule's code and severity. Messages are Chinese and say what was found and what is expected.
One root cause, one finding: a rule that needs a value the form lacks stays silent, because
the missing value has its own finding (S07, S08, F06).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from .model import (
    DEFAULT_LEVEL1_WEIGHTS,
    EXECUTION_WEIGHT,
    FULL_MARK,
    FUNDS_COLUMNS,
    FUNDS_LINES,
    LEVEL1_NAMES,
    LEVEL1_OF_LEVEL2,
    LEVEL2_BY_LEVEL1,
    QUANTITY,
    SATISFACTION,
    Finding,
    Indicator,
    Project,
    Severity,
)
from .scoring import (
    METHOD_SCORE_TOLERANCE,
    MONEY_TOLERANCE,
    RATE_TOLERANCE,
    SCORE_TOLERANCE,
    IndicatorResult,
    ProjectScores,
    score_project,
)
from .values import Qualitative, Quantity, clean_text, format_quantity, is_empty
from .vocabulary import COMPUTED_KEY_TO_LABEL, GRADE_WORD_TO_GRADE

Hit = tuple[str, str | None]  # (message, cell address)
Check = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One entry of the catalog: the one place a rule's code, severity and words are defined."""

    code: str
    severity: Severity
    title: str  # one line of plain Chinese, for `selfeval rules`
    check: Check | None  # None for rules raised elsewhere (X03 by the readers)
    hint: str  # what the rule means, in a clerk's words: its line in 填表说明


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, title: str, *, hint: str) -> Callable[[Check], Check]:
    """Register a rule function under its catalog code."""

    def register(check: Check) -> Check:
        RULES[code] = Rule(code, severity, title, check, hint)
        return check

    return register


def finding(code: str, message: str, *, sheet: str | None = None, cell: str | None = None, source: str = "") -> Finding:
    """A Finding of a catalog rule, with the catalog's severity."""
    return Finding(code, RULES[code].severity, message, sheet, cell, source)


@dataclass
class Context:
    """One project with everything the rules compute once."""

    project: Project
    scores: ProjectScores

    @cached_property
    def results(self) -> list[tuple[Indicator, IndicatorResult]]:
        return list(zip(self.project.indicators, self.scores.indicators, strict=False))

    @cached_property
    def overridden(self) -> set[str]:
        """Computed cells where a clerk typed a constant over the template's formula."""
        return {key for key, _, _ in _typed_constants(self)}

    @cached_property
    def weights(self) -> WeightSplit:
        """The weights by part, as the form states them (W01, W02 and P08 judge them)."""
        return weight_split(self)

    def cell(self, key: str) -> str | None:
        return self.project.cells.get(key)


def at(row: Indicator, key: str) -> str | None:
    """The cell of `key` in an indicator row, or the row itself for sources without cells."""
    if key in row.cells:
        return row.cells[key]
    if row.cells:
        return next(iter(row.cells.values()))
    return f"第{row.row}行" if row.row else None


def num(value: float | None, digits: int = 2) -> str:
    """A number as a clerk writes it: 47.5, 45, 0.33."""
    if value is None:
        return "空"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(rate: float | None) -> str:
    return "空" if rate is None else f"{rate * 100:.1f}%"


def label(row: Indicator) -> str:
    """How a message names an indicator: its 三级 text, shortened."""
    name = row.name or row.level2 or "（未命名）"
    return f"「{name[:24]}…」" if len(name) > 24 else f"「{name}」"


def _weight_label(row: Indicator) -> str:
    return f"分值 {num(row.judged_weight)}"


# --- S: structure ----------------------------------------------------------------------


@rule(
    "S01", Severity.ERROR, "项目名称、主管部门、实施单位或年度未填写", hint="项目名称、主管部门、实施单位或年度未填写"
)
def missing_identity(ctx: Context) -> Iterator[Hit]:
    p = ctx.project
    for key, text in (("name", "项目名称"), ("department", "主管部门"), ("unit", "实施单位")):
        if is_empty(getattr(p, key)):
            yield f"未填写{text}，请填写{text}。", ctx.cell(key)
    if p.year is None:
        yield "未填写评价年度（标题或「年度」栏），请填写年度，如 2025。", ctx.cell("year")


@rule(
    "S02", Severity.ERROR, "年度总体目标的预期目标或实际完成情况为空", hint="年度总体目标的预期目标或实际完成情况未填写"
)
def missing_goal(ctx: Context) -> Iterator[Hit]:
    """Judged always. A form without any goal section (no 预期目标/实际完成情况 under any of
    their labels) is one finding for the form, not one per field."""
    goal, cells = ctx.project.goal, ctx.project.cells
    # a form the reader read (it always notes the indicator table) without any goal label
    no_section = "indicators" in cells and not ({"goal.expected", "goal.actual"} & cells.keys())
    if no_section and is_empty(goal.expected) and is_empty(goal.actual):
        yield (
            "未找到「年度总体目标」（预期目标和实际完成情况），请填写年度总体目标及其完成情况。",
            ctx.cell("indicators"),
        )
        return
    if is_empty(goal.expected):
        yield "年度总体目标的「预期目标」为空，请填写年初设定的总体目标。", ctx.cell("goal.expected")
    if is_empty(goal.actual):
        yield "年度总体目标的「实际完成情况」为空，请填写全年实际完成情况。", ctx.cell("goal.actual")


@rule("S03", Severity.ERROR, "绩效指标表中没有任何指标", hint="没有填写任何绩效指标")
def no_indicators(ctx: Context) -> Iterator[Hit]:
    if not ctx.project.indicators:
        yield (
            "绩效指标表中没有任何指标，请至少填写一行指标（三级指标、年度指标值、实际完成值、得分）。",
            ctx.cell("indicators"),
        )


@rule(
    "S04",
    Severity.WARNING,
    "某个一级指标（产出、效益、满意度）下没有任何指标",
    hint="产出、效益或满意度指标中某一类没有指标",
)
def empty_level1(ctx: Context) -> Iterator[Hit]:
    rows = ctx.project.indicators
    if not rows:
        return  # S03 already says so
    present = {r.level1 for r in rows}
    for name in LEVEL1_NAMES:
        if name not in present:
            examples = "、".join(LEVEL2_BY_LEVEL1[name])
            yield (
                f"一级指标「{name}」下没有任何指标，一般应设置（如 {examples}）；确无此类指标请在说明中注明。",
                ctx.cell(f"level1.{name}") or ctx.cell("indicators"),
            )


@rule(
    "S05",
    Severity.ERROR,
    "二级指标不在指标体系内，或不属于所填的一级指标",
    hint="二级指标名称不规范，或不属于所在的一级指标",
)
def unknown_level2(ctx: Context) -> Iterator[Hit]:
    for row in ctx.project.indicators:
        if row.level1 and row.level1 not in LEVEL1_NAMES:
            yield (
                f"一级指标「{row.level1}」不在规定的指标体系内，应为 {'、'.join(LEVEL1_NAMES)} 之一。",
                at(row, "level1"),
            )
        elif not row.level2:
            yield f"指标{label(row)}未填写二级指标，请从下拉列表中选择。", at(row, "level2")
        elif row.level2 not in LEVEL1_OF_LEVEL2:
            yield (
                f"二级指标「{row.level2}」不在规定的指标体系内，请从下拉列表中选择（如 数量指标、社会效益指标）。",
                at(row, "level2"),
            )
        elif row.level1 and LEVEL1_OF_LEVEL2[row.level2] != row.level1:
            yield (
                f"二级指标「{row.level2}」不属于一级指标「{row.level1}」，应归入「{LEVEL1_OF_LEVEL2[row.level2]}」。",
                at(row, "level2"),
            )


@rule("S06", Severity.WARNING, "一级指标为空，已按二级指标推定", hint="一级指标未填，已按二级指标推断")
def inferred_level1(ctx: Context) -> Iterator[Hit]:
    for row in ctx.project.indicators:
        if row.level1_inferred:
            yield (
                f"一级指标为空，已按二级指标「{row.level2}」推定为「{row.level1}」，请补填一级指标。",
                at(row, "level1"),
            )


_REQUIRED_CELLS = (("name", "三级指标"), ("target", "年度指标值"), ("actual", "实际完成值"))


@rule(
    "S07",
    Severity.ERROR,
    "指标行缺少三级指标、年度指标值、实际完成值或得分",
    hint="指标行缺少三级指标名称、年度指标值、实际完成值或得分",
)
def incomplete_row(ctx: Context) -> Iterator[Hit]:
    """One finding per row naming every empty cell. 得分 is not asked for where the table has
    no 得分 column at all (S09 says so once); placeholder rows never reach the rules."""
    no_score_column = "score" in ctx.project.absent_columns
    for row in ctx.project.indicators:
        what = f"二级指标「{row.level2}」下的一行" if is_empty(row.name) else label(row)
        missing = [(key, text) for key, text in _REQUIRED_CELLS if is_empty(getattr(row, key))]
        bad_score = row.raw.get("score") if row.score is None else None
        if row.score is None and not bad_score and not no_score_column:
            missing.append(("score", "得分"))
        if missing:
            names = "、".join(f"「{text}」" for _, text in missing)
            yield f"{what}缺少{names}，请填写。", at(row, missing[0][0])
        if bad_score:
            yield f"{what}的得分「{bad_score}」不是数字，请填写数值得分。", at(row, "score")


@rule(
    "S08",
    Severity.WARNING,
    "指标行缺少分值（权重未知或只是推定）",
    hint="指标行未填分值（整张表没有分值列时只提示一次）",
)
def missing_weight(ctx: Context) -> Iterator[Hit]:
    """Per row with a blank or proposed 分值; once for the form where the table has no 分值
    column at all (then the weight rules judge only what known weights decide)."""
    if "weight" in ctx.project.absent_columns:
        if ctx.project.indicators:
            yield (
                "指标表没有「分值」列，无法核对各指标的权重和得分上限；请按模板增加「分值」列并填写各指标分值。",
                ctx.cell("indicators"),
            )
        return
    for row in ctx.project.indicators:
        if row.weight is None and "weight" not in row.raw:
            yield (
                f"指标{label(row)}未填写分值，无法核对权重和得分上限；请填写该指标的分值。",
                at(row, "weight"),
            )
        elif row.weight_proposed:
            yield (
                f"指标{label(row)}的分值 {num(row.weight)} 是导入时推定的建议值，请核实后确认。",
                at(row, "weight"),
            )


@rule("S09", Severity.ERROR, "指标表没有得分列", hint="指标表没有得分列，无法核对得分、总分和等级")
def missing_score_column(ctx: Context) -> Iterator[Hit]:
    """Once per form whose table has no 得分 column; rules needing 得分 are then not judged."""
    if "score" in ctx.project.absent_columns and ctx.project.indicators:
        yield (
            "指标表没有「得分」列，无法核对得分、总分和等级；请按模板增加「得分」列并按评分办法填写各指标得分。",
            ctx.cell("indicators"),
        )


# --- F: funds --------------------------------------------------------------------------


def _funds_present(ctx: Context) -> bool:
    funds = ctx.project.funds
    return funds is not None and not funds.is_empty


@rule(
    "F01",
    Severity.ERROR,
    "年度资金总额不等于财政拨款、上年结转与其他资金之和",
    hint="年度资金总额不等于当年财政拨款、上年结转资金与其他资金之和",
)
def funds_sum(ctx: Context) -> Iterator[Hit]:
    if not _funds_present(ctx):
        return
    funds = ctx.project.funds
    assert funds is not None
    for col, col_label in FUNDS_COLUMNS.items():
        total = getattr(funds.total, col)
        parts = [getattr(funds.line(key), col) for key in ("fiscal", "carryover", "other")]
        if total is None and all(v is None for v in parts):
            continue
        if any(f"{key}.{col}" in funds.bad_cells for key in FUNDS_LINES):
            continue  # F05 reports the cell that is not a number
        if not any(f"funds.{key}.{col}" in ctx.project.cells for key in ("fiscal", "carryover", "other")):
            continue  # a block that lists no parts (Hubei: only 年度财政资金总额) has nothing to add up
        found = sum(v or 0.0 for v in parts)
        if abs((total or 0.0) - found) > MONEY_TOLERANCE:
            terms = " + ".join(num(v or 0.0) for v in parts)
            yield (
                f"「{col_label}」列：年度资金总额为 {num(total or 0.0)} 万元，而财政拨款 + 上年结转资金 + "
                f"其他资金 = {terms} = {num(found)} 万元，两者应相等。",
                ctx.cell(f"funds.total.{col}"),
            )


@rule("F02", Severity.ERROR, "全年执行数大于全年预算数", hint="全年执行数大于全年预算数")
def overspent(ctx: Context) -> Iterator[Hit]:
    if not _funds_present(ctx):
        return
    funds = ctx.project.funds
    assert funds is not None
    for key, line_label in FUNDS_LINES.items():
        line = funds.line(key)
        if line.budget is None or line.executed is None:
            continue
        if line.executed > line.budget + MONEY_TOLERANCE:
            yield (
                f"「{line_label}」的全年执行数 {num(line.executed)} 万元大于全年预算数 "
                f"{num(line.budget)} 万元，请核对。",
                ctx.cell(f"funds.{key}.executed"),
            )


@rule(
    "F03",
    Severity.ERROR,
    "填写的执行率不等于全年执行数 ÷ 全年预算数",
    hint="填写的执行率与“全年执行数 ÷ 全年预算数”不符",
)
def stated_rate(ctx: Context) -> Iterator[Hit]:
    funds, computed = ctx.project.funds, ctx.scores.execution.rate
    if funds is None or funds.stated_rate is None or computed is None or "funds.rate" in ctx.overridden:
        return
    if abs(funds.stated_rate - computed) > RATE_TOLERANCE:
        yield (
            f"执行率填写为 {pct(funds.stated_rate)}，按全年执行数 {num(funds.total.executed or 0.0)} ÷ "
            f"全年预算数 {num(funds.total.budget)} 应为 {pct(computed)}。",
            ctx.cell("funds.rate"),
        )


@rule("F04", Severity.ERROR, "预算执行率得分不等于分值 × 执行率（最高 100%）", hint="预算执行得分与“分值 × 执行率”不符")
def stated_execution_score(ctx: Context) -> Iterator[Hit]:
    funds, result = ctx.project.funds, ctx.scores.execution
    if funds is None or funds.stated_score is None or result.score is None:
        return
    if "funds.score" in ctx.overridden:
        return
    if abs(funds.stated_score - result.score) > SCORE_TOLERANCE:
        yield (
            f"预算执行率得分填写为 {num(funds.stated_score)}，按分值 {num(result.weight)} × "
            f"执行率 {pct(min(result.rate or 0.0, 1.0))} 应为 {num(result.score)}。",
            ctx.cell("funds.score"),
        )


@rule("F05", Severity.ERROR, "资金单元格为负数或不是数字", hint="项目资金填写了负数或非数字")
def bad_amount(ctx: Context) -> Iterator[Hit]:
    funds = ctx.project.funds
    if funds is None:
        return
    for key, raw in funds.bad_cells.items():
        line, _, col = key.partition(".")
        where = f"「{FUNDS_LINES.get(line, line)}」的「{FUNDS_COLUMNS.get(col, col)}」"
        yield f"{where}填写为「{raw}」，不是数字；金额请填写以万元为单位的数字。", ctx.cell(f"funds.{key}")
    for line_key, line_label in FUNDS_LINES.items():
        for col, col_label in FUNDS_COLUMNS.items():
            value = getattr(funds.line(line_key), col)
            if value is not None and value < 0:
                yield (
                    f"「{line_label}」的「{col_label}」为 {num(value)} 万元，金额不能为负数。",
                    ctx.cell(f"funds.{line_key}.{col}"),
                )


@rule("F06", Severity.WARNING, "未填写项目资金，无法计算预算执行率得分", hint="未填写项目资金，无法计算预算执行得分")
def no_funds(ctx: Context) -> Iterator[Hit]:
    result = ctx.scores.execution
    funds = ctx.project.funds
    if result.rate is not None:
        return
    if funds is not None and funds.bad_cells:
        return  # F05 names the cell
    where = ctx.cell("funds.total.budget") or ctx.cell("funds")
    yield f"{result.reason}（预算执行率 {num(result.weight)} 分暂不计分）；请填写项目资金。", where


# --- W: weights ------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightSplit:
    """The form's weights as far as they are known: execution 分值, and per level-1 category
    the sum of its rows' 分值, or the weight its 一级 cell states where some row has none."""

    execution: float
    by_level1: dict[str, float | None]  # None: unknown (a row without 分值, no stated weight)
    other: float | None  # rows under an unknown 一级 (S05): their 分值, None if one is unknown

    @property
    def known_total(self) -> float:
        parts = [w for w in self.by_level1.values() if w is not None]
        return self.execution + sum(parts) + (self.other or 0.0)

    @property
    def complete(self) -> bool:
        return self.other is not None and all(w is not None for w in self.by_level1.values())


def weight_split(ctx: Context) -> WeightSplit:
    project = ctx.project
    by_level1: dict[str, float | None] = {}
    for name in LEVEL1_NAMES:
        rows = [r for r in project.indicators if r.level1 == name]
        if rows and all(r.judged_weight is not None for r in rows):
            by_level1[name] = sum(r.judged_weight or 0.0 for r in rows)
        elif name in project.level1_weights:
            by_level1[name] = project.level1_weights[name]
        else:
            by_level1[name] = None if rows else 0.0
    others = [r for r in project.indicators if r.level1 not in LEVEL1_NAMES]
    other = None if any(r.judged_weight is None for r in others) else sum(r.judged_weight or 0.0 for r in others)
    split = WeightSplit(ctx.scores.execution.weight, by_level1, other)
    stated = project.funds is not None and project.funds.weight is not None
    if not stated and split.complete and abs(split.known_total - split.execution - FULL_MARK) <= SCORE_TOLERANCE:
        # no execution 分值 anywhere and the indicators alone weigh 100: the form does not
        # score budget execution (专项资金 forms), so its weight is 0, not the default 10
        return WeightSplit(0.0, by_level1, other)
    return split


@rule(
    "W01",
    Severity.ERROR,
    "全部分值（预算执行率分值 + 指标分值）合计不等于 100",
    hint="预算执行分值与全部指标分值合计不等于 100",
)
def weights_total(ctx: Context) -> Iterator[Hit]:
    """Judged when the known weights decide it: all known (rows' 分值, or stated category
    weights where rows have none) and not 100; or some unknown but the known ones alone
    already above 100 (every 分值 is positive, W03). Not judged without indicators (S03)."""
    if not ctx.project.indicators:
        return
    split = ctx.weights
    total = split.known_total
    if split.complete and abs(total - FULL_MARK) <= SCORE_TOLERANCE:
        return
    if not split.complete and total <= FULL_MARK + SCORE_TOLERANCE:
        return  # the unknown weights could still make 100
    if not split.complete and not any(w for w in split.by_level1.values()):
        return  # nothing but the execution weight is known
    known = "" if split.complete else "已知的"
    yield (
        f"{known}分值合计为 {num(total)} 分（预算执行率 {num(split.execution)} 分 + 指标分值 "
        f"{num(total - split.execution)} 分），应为 100 分。",
        ctx.cell("weight_total") or ctx.cell("indicators"),
    )


@rule(
    "W02", Severity.WARNING, "一级指标权重与默认的 10 / 50 / 30 / 10 不同", hint="一级指标权重与默认的 10/50/30/10 不同"
)
def level1_weights(ctx: Context) -> Iterator[Hit]:
    """Judged when a known weight (a stated execution 分值, or a category's) already differs
    from the default; categories whose weights are unknown are shown as 未知. Not judged when
    nothing but empty categories is known (the seed: no 分值 column, no funds block)."""
    if not ctx.project.indicators:
        return
    split = ctx.weights
    known = {name: w for name, w in split.by_level1.items() if w is not None}
    funds = ctx.project.funds
    execution_stated = funds is not None and funds.weight is not None
    if not any(known.values()) and not execution_stated:
        return
    same = abs(split.execution - EXECUTION_WEIGHT) <= SCORE_TOLERANCE and all(
        abs(w - DEFAULT_LEVEL1_WEIGHTS[name]) <= SCORE_TOLERANCE for name, w in known.items()
    )
    if not same:
        found = " / ".join("未知" if split.by_level1[n] is None else num(split.by_level1[n]) for n in LEVEL1_NAMES)
        yield (
            f"权重为 预算执行 / 产出 / 效益 / 满意度 = {num(split.execution)} / {found}，"
            "与默认的 10 / 50 / 30 / 10 不同；特殊情况可以调整，请确认。",
            _first_differing_weight_cell(ctx, split) or ctx.cell("indicators"),
        )


def _first_differing_weight_cell(ctx: Context, split: WeightSplit) -> str | None:
    """Where W02 points: the execution 分值, else the first category whose weight differs."""
    if abs(split.execution - EXECUTION_WEIGHT) > SCORE_TOLERANCE and ctx.cell("funds.weight"):
        return ctx.cell("funds.weight")
    for name in LEVEL1_NAMES:
        weight = split.by_level1[name]
        if weight is None or abs(weight - DEFAULT_LEVEL1_WEIGHTS[name]) <= SCORE_TOLERANCE:
            continue
        first = next((row for row in ctx.project.indicators if row.level1 == name), None)
        return ctx.cell(f"level1.{name}") or (at(first, "level1") if first else None)
    return None


@rule("W03", Severity.ERROR, "指标分值为零、负数或不是数字", hint="指标分值为零、负数或非数字")
def bad_weight(ctx: Context) -> Iterator[Hit]:
    for row in ctx.project.indicators:
        raw = row.raw.get("weight")
        if raw:
            yield f"指标{label(row)}的分值「{raw}」不是数字，请填写正数分值。", at(row, "weight")
        elif row.weight is not None and row.weight <= 0:
            yield f"指标{label(row)}的分值为 {num(row.weight)}，分值必须大于 0。", at(row, "weight")


# --- P: points -------------------------------------------------------------------------


@rule("P01", Severity.ERROR, "得分为负数或大于分值", hint="得分为负数或超过分值")
def score_range(ctx: Context) -> Iterator[Hit]:
    for row in ctx.project.indicators:
        if row.score is None:
            continue
        if row.score < 0:
            yield f"指标{label(row)}的得分为 {num(row.score)}，得分不能为负数。", at(row, "score")
        elif (
            row.judged_weight is not None and row.judged_weight > 0 and row.score > row.judged_weight + SCORE_TOLERANCE
        ):
            yield (
                f"指标{label(row)}的得分 {num(row.score)} 大于{_weight_label(row)}，得分最高为分值。",
                at(row, "score"),
            )
    funds = ctx.project.funds
    if funds is not None and funds.stated_score is not None:
        weight = ctx.scores.execution.weight
        if funds.stated_score < 0 or funds.stated_score > weight + SCORE_TOLERANCE:
            yield (
                f"预算执行率得分为 {num(funds.stated_score)}，应在 0 到分值 {num(weight)} 之间。",
                ctx.cell("funds.score"),
            )


@rule("P02", Severity.ERROR, "填写的总分不等于各项得分之和", hint="总分不等于各项得分之和")
def stated_total(ctx: Context) -> Iterator[Hit]:
    stated, total = ctx.project.stated_total, ctx.scores.total
    if stated is None or "total" in ctx.overridden:
        return
    if any(row.score is None for row in ctx.project.indicators):
        return  # S07 names the missing 得分; the sum cannot be checked without it
    if total is None or abs(stated - total) > SCORE_TOLERANCE:
        exec_score = ctx.scores.execution.score or 0.0
        yield (
            f"总分填写为 {num(stated)}，按预算执行率得分 {num(exec_score)} + 指标得分 "
            f"{num((total or 0.0) - exec_score)} 合计应为 {num(total or 0.0)}。",
            ctx.cell("total"),
        )


@rule("P03", Severity.ERROR, "填写的自评等级与总分对应的等级不符", hint="自评等级与总分不符")
def stated_grade(ctx: Context) -> Iterator[Hit]:
    stated = clean_text(ctx.project.stated_grade)
    if not stated or "grade" in ctx.overridden:
        return
    expected = ctx.scores.grade
    if expected is None:
        return
    if GRADE_WORD_TO_GRADE.get(stated, stated) != expected:
        yield (
            f"自评等级填写为「{stated}」，按总分 {num(ctx.scores.total)} 应为「{expected}」"
            "（优 ≥ 90，良 80–90，中 60–80，差 < 60）。",
            ctx.cell("grade"),
        )


@rule(
    "P04",
    Severity.WARNING,
    f"定量指标得分与评分办法的计算结果相差超过 {METHOD_SCORE_TOLERANCE} 分",
    hint="定量指标得分与按比例计算的得分差距较大",
)
def method_score(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if result.method_score is None or row.score is None or result.met:
            continue
        if row.judged_weight is not None and row.score >= row.judged_weight - SCORE_TOLERANCE:
            continue  # P06 says it: full marks for a missed target
        if abs(row.score - result.method_score) > METHOD_SCORE_TOLERANCE:
            assert isinstance(result.target, Quantity) and isinstance(result.actual, Quantity)
            yield (
                f"指标{label(row)}未达到目标（目标 {format_quantity(result.target)}，实际 "
                f"{format_quantity(result.actual)}），按评分办法应得 {_weight_label(row)} × "
                f"{pct(result.ratio)} = {num(result.method_score)} 分，填写为 {num(row.score)} 分。",
                at(row, "score"),
            )


@rule("P05", Severity.WARNING, "实际完成值达到目标，但得分低于分值", hint="实际完成值已达到目标，但得分低于分值")
def met_but_reduced(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if not result.met or result.kind != "quantitative" or row.judged_weight is None or row.score is None:
            continue
        if row.score < row.judged_weight - SCORE_TOLERANCE:
            yield (
                f"指标{label(row)}的实际完成值 {row.actual} 已达到目标 {row.target}，但得分 "
                f"{num(row.score)} 低于{_weight_label(row)}；如确需扣分请在偏差原因中说明。",
                at(row, "score"),
            )


@rule("P06", Severity.ERROR, "实际完成值未达到目标，但得分等于分值", hint="实际完成值未达到目标，但得了满分")
def missed_but_full(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if result.kind != "quantitative" or result.met is not False:
            continue  # qualitative rows are judged by their band (P07)
        if row.judged_weight is None or row.score is None:
            continue
        if row.score >= row.judged_weight - SCORE_TOLERANCE:
            yield (
                f"指标{label(row)}的实际完成值 {row.actual} 未达到目标 {row.target}，却得满分 "
                f"{num(row.score)}；请按评分办法扣分。",
                at(row, "score"),
            )


@rule("P07", Severity.WARNING, "定性指标得分不在其完成程度对应的区间内", hint="定性指标得分不在其完成程度对应的区间内")
def qualitative_band(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if result.band is None or row.score is None or result.completion is None:
            continue
        low, high = result.band
        if not (low - SCORE_TOLERANCE <= row.score <= high + SCORE_TOLERANCE):
            share = (
                f"{num(low / row.judged_weight * 100)}%–{num(high / row.judged_weight * 100)}%"
                if row.judged_weight
                else ""
            )
            yield (
                f"指标{label(row)}完成情况为「{result.completion.value}」，得分应为分值的 {share}"
                f"（{num(low)}–{num(high)} 分，建议 {num(high)} 分），填写为 {num(row.score)} 分。",
                at(row, "score"),
            )


def _full_mark_of(ctx: Context, row: Indicator) -> tuple[float, str]:
    """The most an indicator without a known 分值 may score: its category's weight where the
    form states one (「满意度指标（10分）」), else 100. Never the default weight: departments
    may move weights (SPEC §2, W02 is a warning), so only a stated weight decides."""
    level1 = row.level1 if row.level1 in DEFAULT_LEVEL1_WEIGHTS else LEVEL1_OF_LEVEL2.get(row.level2, "")
    stated = ctx.project.level1_weights.get(level1)
    if stated:
        return stated, f"{level1}的权重 {num(stated)} 分"
    return FULL_MARK, f"满分 {num(FULL_MARK)} 分"


def _excess(ctx: Context) -> float:
    """Points above 100 that other findings already explain: 得分 above 分值 (P01) or above the
    stated level-1 weight or 100 (P08 on the row), and 分值 adding to more than 100 (W01)."""
    excess = 0.0
    for row in ctx.project.indicators:
        if row.score is None:
            continue
        bound = row.judged_weight if row.judged_weight is not None else _full_mark_of(ctx, row)[0]
        if bound > 0 and row.score > bound + SCORE_TOLERANCE:
            excess += row.score - bound
    split = ctx.weights  # W01 reports known weights above 100
    if split.known_total > FULL_MARK + SCORE_TOLERANCE and any(split.by_level1.values()):
        excess += split.known_total - FULL_MARK
    return excess


@rule(
    "P08",
    Severity.ERROR,
    "总分超过 100 分，或未填分值的指标得分超过其一级指标的权重",
    hint="总分超过 100 分，或未填分值的指标得分超过其一级指标的权重",
)
def impossible_score(ctx: Context) -> Iterator[Hit]:
    stated, total, cell = ctx.project.stated_total, ctx.scores.total, ctx.cell("total")
    over = FULL_MARK + SCORE_TOLERANCE
    if stated is not None and stated > over and (total is None or abs(total - stated) > SCORE_TOLERANCE):
        computed = "" if total is None else f"（按各项得分合计为 {num(total)} 分）"
        yield (f"总分填写为 {num(stated)} 分{computed}，超过满分 100 分；请核对各项得分。", cell)
    elif total is not None and total - _excess(ctx) > over:
        # One root cause, one finding: a total above 100 only because a 得分 exceeds its 分值
        # (P01) or the 分值 add up to more than 100 (W01) is not reported again here.
        written = "总分填写为" if stated is not None and stated > over else "各项得分合计为"
        yield (f"{written} {num(total)} 分，超过满分 100 分；请核对各项得分。", cell)
    for row in ctx.project.indicators:
        if row.score is None or row.judged_weight is not None:
            continue  # with a 分值, P01 judges the score
        limit, what = _full_mark_of(ctx, row)
        if row.score > limit + SCORE_TOLERANCE:
            where = at(row, "score")
            yield (
                f"指标{label(row)}的得分为 {num(row.score)} 分，未填分值，但已超过{what}；请填写分值并核对得分。",
                where,
            )


# --- D: deviation ----------------------------------------------------------------------

_NO_REASON = {"", "无", "没有", "暂无"}


def _has_reason(row: Indicator) -> bool:
    return not is_empty(row.deviation) and clean_text(row.deviation) not in _NO_REASON


def _short_of_full(row: Indicator) -> bool:
    return row.judged_weight is not None and row.score is not None and row.score < row.judged_weight - SCORE_TOLERANCE


@rule(
    "D01",
    Severity.ERROR,
    "得分低于分值或未达到目标，但未填写偏差原因分析及改进措施",
    hint="得分低于分值或未完成目标，但未填写偏差原因分析及改进措施",
)
def missing_reason(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if _has_reason(row):
            continue
        if result.met is False:
            yield (
                f"指标{label(row)}未达到目标（目标 {row.target}，实际 {row.actual}），请填写"
                "「偏差原因分析及改进措施」。",
                at(row, "deviation"),
            )
        elif _short_of_full(row):
            yield (
                f"指标{label(row)}得分 {num(row.score)} 低于{_weight_label(row)}，请填写「偏差原因分析及改进措施」。",
                at(row, "deviation"),
            )


@rule("D02", Severity.INFO, "目标已达成且得满分，却填写了偏差原因", hint="已完成目标且得满分，却填写了偏差原因")
def needless_reason(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        full = row.judged_weight is not None and row.score is not None and not _short_of_full(row)
        if _has_reason(row) and result.met and full:
            yield f"指标{label(row)}已达成目标并得满分，「偏差原因分析及改进措施」可以不填。", at(row, "deviation")


# --- Q: quality of indicators -----------------------------------------------------------

_MEASURABLE = {"数量指标", "时效指标", "成本指标"}


@rule(
    "Q01",
    Severity.WARNING,
    "数量指标的目标值只写了百分比，应为带单位的数量",
    hint="数量指标的目标值只写了百分比（如 100%），应写具体数量和单位",
)
def bare_percent(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if row.level2 == QUANTITY and isinstance(result.target, Quantity) and result.target.is_percent:
            yield (
                f"数量指标{label(row)}的目标值为「{row.target}」，只是百分比；数量指标应写明具体数量和单位"
                "（如 召开会议 4 次、培训 200 人次）。",
                at(row, "target"),
            )


@rule(
    "Q02",
    Severity.INFO,
    "数量、时效或成本指标的目标值是定性描述，应可衡量",
    hint="数量、时效、成本指标的目标值是定性描述，应可衡量",
)
def qualitative_measurable(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if row.level2 in _MEASURABLE and isinstance(result.target, Qualitative):
            yield (
                f"{row.level2}{label(row)}的目标值「{row.target}」是定性描述，建议改为可衡量的数值"
                "（如 ≥95%、≤30天、≤90万元）。",
                at(row, "target"),
            )


@rule("Q03", Severity.WARNING, "目标值与实际完成值的单位无法比较", hint="目标值与实际值的单位不一致，无法比较")
def unit_mismatch(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if result.kind == "quantitative" and not result.comparable:
            assert isinstance(result.target, Quantity) and isinstance(result.actual, Quantity)
            yield (
                f"指标{label(row)}的目标值单位「{result.target.unit or '无'}」与实际完成值单位"
                f"「{result.actual.unit or '无'}」不一致，无法判断是否达成；请统一单位。",
                at(row, "actual"),
            )


@rule("Q04", Severity.INFO, "满意度指标的目标值不是百分比", hint="满意度指标的目标值不是百分比")
def satisfaction_percent(ctx: Context) -> Iterator[Hit]:
    for row, result in ctx.results:
        if row.level1 != SATISFACTION or result.target is None:
            continue
        if not (isinstance(result.target, Quantity) and result.target.is_percent):
            yield (
                f"满意度指标{label(row)}的目标值「{row.target}」不是百分比，一般写作 ≥90% 等。",
                at(row, "target"),
            )


# --- X: cross-cutting ------------------------------------------------------------------


def computed_values(scores: ProjectScores) -> dict[str, object]:
    """What each computed cell of the template (vocabulary.COMPUTED_KEYS) must show."""
    return {
        "funds.rate": scores.execution.rate,
        "funds.score": scores.execution.score,
        "total": scores.total,
        "grade": scores.grade,
    }


def _typed_constants(ctx: Context) -> Iterator[tuple[str, object, object]]:
    """(key, typed, computed) for template formula cells overwritten by a disagreeing constant."""
    computed = computed_values(ctx.scores)
    for key, content in ctx.project.formulas.items():
        if key not in computed or content is None or content == "":
            continue
        if isinstance(content, str) and content.startswith("="):
            continue
        if not agrees(content, computed[key], key):
            yield key, content, computed[key]


def agrees(typed: object, computed: object, key: str) -> bool:
    """Whether a computed cell's content (typed, or a formula's cached value) shows `computed`."""
    if key == "grade":
        stated = clean_text(typed)
        return GRADE_WORD_TO_GRADE.get(stated, stated) == (computed or "")
    try:
        value = float(str(typed).rstrip("%")) / (100 if str(typed).endswith("%") else 1)
    except ValueError:
        return False
    if computed is None:
        return False
    tolerance = RATE_TOLERANCE if key == "funds.rate" else SCORE_TOLERANCE
    return abs(value - float(computed)) <= tolerance  # type: ignore[arg-type]


def _show(key: str, value: object) -> str:
    if value is None:
        return "无法计算"
    if key == "funds.rate" and isinstance(value, float):
        return pct(value)
    return num(value) if isinstance(value, (int, float)) else str(value)


@rule(
    "X01",
    Severity.ERROR,
    "模板的计算单元格被改填了常量，且与计算结果不符",
    hint="自动计算的单元格（执行率、得分、总分、等级）被改成了手填数值，且与计算结果不符",
)
def typed_over_formula(ctx: Context) -> Iterator[Hit]:
    for key, typed, computed in _typed_constants(ctx):
        yield (
            f"「{COMPUTED_KEY_TO_LABEL[key]}」单元格原为公式，现被填入常量「{typed}」，与计算结果 "
            f"{_show(key, computed)} 不一致；请删除该值以恢复公式（可从空白项目表复制此单元格）。",
            ctx.cell(key),
        )


RULES["X02"] = Rule(
    "X02", Severity.WARNING, "同一工作簿中两个项目表的项目名称相同", None, "同一工作簿中两个项目表的项目名称相同"
)
RULES["X03"] = Rule(
    "X03", Severity.ERROR, "看起来是自评表的工作表或文件无法读取", None, "某个工作表或文件看起来是自评表，但无法读取"
)
RULES["X04"] = Rule(
    "X04",
    Severity.WARNING,
    "同一批文件中两个文件含有同一项目（项目名称、主管部门、年度均相同）",
    None,
    "同一批文件中，两个文件含有同一项目（项目名称、主管部门、年度均相同），汇总时只计一次",
)
RULES["X05"] = Rule(
    "X05",
    Severity.ERROR,
    "Office 文件的类型不受支持，未读取（请另存为 .xlsx/.docx）",
    None,
    "selfeval 不读取这种类型的 Office 文件（如 .doc、.wps、.csv），请另存为 .xlsx 或 .docx",
)


# --- running the catalog ---------------------------------------------------------------


def check(project: Project, scores: ProjectScores | None = None) -> list[Finding]:
    """Every finding of one project, errors first, in catalog order within a severity.

    Args:
        project: one form, as `parse` returns it.
        scores: the project's `score_project` result, when the caller has it already.

    Returns:
        The findings (SPEC §5), errors first.
    """
    ctx = Context(project, scores or score_project(project))
    found = list(project.notes)
    for item in RULES.values():
        if item.check is None:
            continue
        for message, cell in item.check(ctx):
            found.append(Finding(item.code, item.severity, message, project.sheet, cell, project.source))
    return sorted(found, key=lambda f: f.severity.rank)


def check_book(projects: Sequence[Project], scores: Sequence[ProjectScores] | None = None) -> list[list[Finding]]:
    """Findings per project of one workbook (or document), including X02 across its sheets."""
    given = scores if scores is not None else [None] * len(projects)
    results = [check(project, known) for project, known in zip(projects, given, strict=False)]
    first_sheet: dict[str, Project] = {}
    for project, found in zip(projects, results, strict=False):
        name = clean_text(project.name)
        if not name:
            continue
        if name in first_sheet:
            other = first_sheet[name]
            found.append(
                finding(
                    "X02",
                    f"项目名称「{name}」与工作表「{other.sheet or '前一张表'}」重复；同一项目只应填写一张自评表，"
                    "如为不同项目请修改名称。",
                    sheet=project.sheet,
                    cell=project.cells.get("name"),
                    source=project.source,
                )
            )
            found.sort(key=lambda f: f.severity.rank)
        else:
            first_sheet[name] = project
    return results


def catalog() -> list[Rule]:
    """The rules in catalog order (for 填表说明 and `selfeval rules`)."""
    order = "SFWPDQX"
    return sorted(RULES.values(), key=lambda r: (order.index(r.code[0]), r.code))


def summarize(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for item in findings:
        counts[item.severity] += 1
    return counts
