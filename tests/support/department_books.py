"""Department workbooks for the consolidation tests and benchmark, written by selfeval.writer."""

from __future__ import annotations

import random
from pathlib import Path

from selfeval.model import Funds, FundsLine, Goal, Indicator, Project
from selfeval.writer import write_workbook

INDICATORS = (
    ("产出指标", "数量指标", "培训场次", "≥{n}场", "{a}场", 20),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "{q}%", 15),
    ("产出指标", "时效指标", "按时完成率", "100%", "100%", 15),
    ("效益指标", "社会效益指标", "群众知晓率", "≥90%", "{k}%", 30),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "{s}%", 10),
)


def make_project(
    name: str, department: str, *, budget: float = 100.0, executed: float = 95.0, seed: int = 0
) -> Project:
    """A complete form with five scored indicators; `seed` varies the achieved values."""
    rng = random.Random(seed)
    n = rng.randint(3, 8)
    values = {
        "n": n,
        "a": n - rng.choice((0, 0, 1)),
        "q": rng.choice((90, 96, 98)),
        "k": rng.choice((85, 92)),
        "s": rng.choice((88, 95)),
    }
    if rng.random() < 0.3:  # a weak project, so every grade occurs
        values.update(a=n // 2, q=rng.choice((40, 60)), k=rng.choice((30, 50)), s=60)
    indicators = []
    for level1, level2, label, target, actual, weight in INDICATORS:
        target, actual = target.format(**values), actual.format(**values)
        t, a = float(target.strip("≥%场")), float(actual.strip("%场"))
        score = weight if a >= t else round(weight * a / t, 2)
        reason = "" if score == weight else "受天气影响部分活动延期，下年度提前安排。"
        indicators.append(Indicator(level1, level2, label, target, actual, weight, score, reason))
    line = FundsLine(budget, budget, executed)
    return Project(
        name=name,
        department=department,
        unit=department,
        year=2024,
        category="部门预算项目",
        funds=Funds(
            total=line,
            fiscal=FundsLine(budget, budget, executed),
            carryover=FundsLine(0, 0, 0),
            other=FundsLine(0, 0, 0),
            weight=10,
            stated_rate=None,
        ),
        goal=Goal("按计划完成年度工作任务。", "已按计划完成。"),
        indicators=tuple(indicators),
    )


def department_workbook(path: Path, department: str, projects: int = 10, seed: int = 0) -> Path:
    """One department's workbook of `projects` filled project sheets."""
    rng = random.Random(seed)
    items = []
    for i in range(projects):
        budget = float(rng.randint(20, 500))
        executed = round(budget * rng.uniform(0.7, 1.0), 2)
        items.append(
            make_project(f"{department}项目{i + 1}", department, budget=budget, executed=executed, seed=seed * 1000 + i)
        )
    return write_workbook(items, path, force=True)
