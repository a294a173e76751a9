"""The sample forms of the Excel-layer tests and benchmark: complete, with chosen defects."""

from __future__ import annotations

from dataclasses import replace

from selfeval.model import (
    BENEFIT,
    COST,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SERVICE_SATISFACTION,
    TIMELINESS,
    Funds,
    FundsLine,
    Goal,
    Indicator,
    Project,
)


def make_project(number: int, defect: str = "") -> Project:
    """A complete form with weights and funds; `defect` breaks one thing on purpose."""
    rows = [
        Indicator(OUTPUT, QUANTITY, "培训人次", "≥100人次", "120人次", 20, 20),
        Indicator(OUTPUT, QUALITY, "验收合格率", "≥95%", "96%", 10, 10),
        Indicator(OUTPUT, TIMELINESS, "完成时间", "≤12个月", "12个月", 10, 10),
        Indicator(OUTPUT, COST, "成本控制", "≤100万元", "95万元", 10, 10),
        Indicator(BENEFIT, "社会效益指标", "受益人数", "≥1000人", "1050人", 30, 30),
        Indicator(SATISFACTION, SERVICE_SATISFACTION, "服务对象满意度", "≥90%", "95%", 10, 10),
    ]
    if defect == "score_above_weight":  # P01 error on the 数量指标 得分
        rows[0] = replace(rows[0], score=25)
    elif defect == "no_reason":  # D01 error: 得分 < 分值 without 偏差原因 (the 实际值 misses)
        rows[4] = replace(rows[4], actual="900人", score=27)
    elif defect == "bare_percent":  # Q01 warning on the 数量指标 target
        rows[0] = replace(rows[0], target="100%", actual="100%")
    funds = Funds(FundsLine(100, 100, 95), FundsLine(100, 100, 95), FundsLine(0, 0, 0), FundsLine(0, 0, 0), weight=10)
    return Project(
        name=f"示例项目{number:02d}",
        department="某市民政局",
        unit="某市养老服务中心",
        year=2025,
        funds=funds,
        goal=Goal("完成年度目标", "已完成"),
        indicators=tuple(rows),
    )


DEFECTS = ("", "score_above_weight", "no_reason", "bare_percent")


def sample_projects(count: int) -> list[Project]:
    """`count` forms cycling through DEFECTS (a clean one, then one of each defect)."""
    return [make_project(i, DEFECTS[i % len(DEFECTS)]) for i in range(1, count + 1)]
