"""Random valid Projects for the template tests: a hypothesis strategy and a seeded generator."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from hypothesis import strategies as st

from selfeval.grid import label_of
from selfeval.model import (
    CLASSIFICATIONS,
    LEVEL1_NAMES,
    LEVEL2_BY_LEVEL1,
    Funds,
    FundsLine,
    Goal,
    Indicator,
    Project,
)
from selfeval.values import is_empty

# Chinese form words, ASCII, digits and the signs clerks type, including formula starts.
ALPHABET = (
    "项目督查效能业务绩效管理考核作风建设完成率次数份天万元满意度达成预期指标abcXYZ0123456789 %≥≤.,=+-@'\"（）()：:"
)


def _usable(text: str) -> bool:
    """A text a reader gives back unchanged: not blank, not a dash, not a form label."""
    return bool(text) and not is_empty(text) and label_of(text) is None and "自评表" not in text


texts = st.text(alphabet=ALPHABET, min_size=1, max_size=24).map(str.strip).filter(_usable)
optional_texts = st.one_of(st.just(""), texts)
scores = st.integers(min_value=0, max_value=10_000).map(lambda n: n / 100)
amounts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**8).map(lambda n: n / 100))


@st.composite
def indicators(draw) -> Indicator:
    level1 = draw(st.sampled_from(LEVEL1_NAMES))
    level2 = draw(st.sampled_from(LEVEL2_BY_LEVEL1[level1]))
    return Indicator(
        level1=draw(st.sampled_from([level1, ""])),  # blank: the writer files it under its 二级
        level2=level2,
        name=draw(texts),
        target=draw(texts),
        actual=draw(texts),
        weight=draw(scores),
        score=draw(scores),
        deviation=draw(optional_texts),
    )


@st.composite
def fund_lines(draw) -> FundsLine:
    return FundsLine(draw(amounts), draw(amounts), draw(amounts))


@st.composite
def projects(draw) -> Project:
    funds = draw(
        st.one_of(
            st.none(),
            st.builds(
                Funds,
                total=fund_lines(),
                fiscal=fund_lines(),
                carryover=fund_lines(),
                other=fund_lines(),
                weight=st.one_of(st.none(), scores),
            ),
        )
    )
    dates = st.dates(min_value=__import__("datetime").date(2000, 1, 1)).map(lambda d: d.isoformat())
    return Project(
        name=draw(texts),
        department=draw(texts),
        unit=draw(texts),
        year=draw(st.integers(min_value=2000, max_value=2100)),
        category=draw(st.sampled_from(("",) + CLASSIFICATIONS["项目类别"])),
        attribute=draw(st.sampled_from(("",) + CLASSIFICATIONS["项目属性"])),
        kind=draw(st.sampled_from(("",) + CLASSIFICATIONS["项目类型"])),
        funds=funds,
        goal=Goal(draw(texts), draw(texts)),
        indicators=tuple(draw(st.lists(indicators(), min_size=1, max_size=14))),
        filler=draw(optional_texts),
        phone=draw(st.one_of(optional_texts, st.from_regex(re.compile(r"\A0\d{3}-\d{7}\Z")))),
        date=draw(st.one_of(st.just(""), dates)),
    )


# --- a seeded generator for the LibreOffice recalculation test -------------------------

TARGETS = [
    ("≥{n}次", "{m}次"),
    ("≥{n}%", "{m}%"),
    ("≤{n}天", "{m}天"),
    ("达成预期指标", "基本达成"),
    ("有效提升", "达成"),
]


def generated_project(rng: random.Random, number: int) -> Project:
    """A filled form with the variety the formulas must handle: funds missing, zero budget,
    text in an amount, missing weights or scores, crowded groups, every grade band."""
    keys = [(l1, l2) for l1 in LEVEL1_NAMES for l2 in LEVEL2_BY_LEVEL1[l1]]
    picked = [key for key in keys for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))] or [keys[0]]
    share = 90.0 / len(picked)  # weights add up to 100 with the execution's 10, mostly
    achieved = rng.uniform(0.45, 1.0)  # how well this project did: spreads totals over all grades
    rows: list[Indicator] = []
    for level1, level2 in picked:
        target, actual = rng.choice(TARGETS)
        weight: float | None = round(share if rng.random() < 0.85 else share * rng.uniform(0.5, 1.5), 2)
        if rng.random() < 0.04:
            weight = None
        full = weight if weight is not None else share
        score = None if rng.random() < 0.05 else round(full * min(1.0, achieved * rng.uniform(0.9, 1.1)), 2)
        n = rng.randint(1, 100)
        rows.append(
            Indicator(
                level1,
                level2,
                f"指标{len(rows) + 1}",
                target.format(n=n),
                actual.format(m=rng.randint(0, 100)),
                weight,
                score,
                "" if score == weight else "原因说明",
            )
        )
    funds: Funds | None
    choice = rng.random()
    if choice < 0.12:
        funds = None
    else:
        budget = rng.choice((0.0, 12.5, 100.0, 333.33)) if choice < 0.25 else round(rng.uniform(1, 5000), 2)
        executed = round(budget * rng.uniform(achieved - 0.1, 1.1), 2)
        total = FundsLine(budget, budget, executed if rng.random() > 0.1 else None)
        funds = Funds(
            total=total, fiscal=FundsLine(budget, budget, executed), weight=rng.choice((None, 10.0, 10.0, 15.0))
        )
        if rng.random() < 0.08:
            funds = replace(funds, total=FundsLine(budget, None, executed), bad_cells={"total.budget": "待定"})
    return Project(
        name=f"生成项目{number}",
        department="测试主管部门",
        unit="测试实施单位",
        year=2024,
        funds=funds,
        goal=Goal("预期", "实际"),
        indicators=tuple(rows),
    )


def boundary_project(total: float, number: int) -> Project:
    """A form whose total lands exactly on `total` (grade thresholds, rounding to 0.01 分)."""
    funds = Funds(total=FundsLine(100.0, 100.0, 100.0), weight=10.0)
    rows = [
        Indicator("产出指标", "数量指标", "数量", "≥1次", "1次", 50.0, round(total - 10 - 40, 3)),
        Indicator("效益指标", "社会效益指标", "社会", "有效", "达成", 30.0, 30.0),
        Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", 10.0, 10.0),
    ]
    return Project(name=f"临界项目{number}", year=2024, funds=funds, goal=Goal("a", "b"), indicators=tuple(rows))
