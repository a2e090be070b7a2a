"""党费收缴率 as a computed 考核评价 indicator (``core.registry.register_indicator``): the assessment
scores it, this app counts — member-months paid against member-months due in the year's months that
are over, each organisation counting its own subtree, with ``queries.reconcile``'s fixed six queries
read by the system (the level above computes every organisation it assesses)."""

from __future__ import annotations

import datetime as dt

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import RATE, register_indicator

from . import queries, rules

CODE = "dues_rate"


def gather(root, year: int, org_ids, today: dt.date) -> dict[int, tuple[int, int]]:
    wanted = set(org_ids)
    rows = queries.reconcile(SYSTEM, root, year, depth=99, today=today)
    return {row.org_id: (row.paid_months, row.due_months) for row in rows if row.org_id in wanted}


def evidence(org, year: int, today: dt.date) -> list[tuple]:
    """The members of the subtree with months of ``year`` that are over and unpaid."""
    current = rules.month_start(today)
    months = [m for m in rules.year_months(year) if m < current]
    if not months:
        return []
    found = []
    for line in queries.member_lines(SYSTEM, org, months, today=today, subtree=True):
        unpaid = [m for m in line.unpaid_months if m < current]
        if unpaid:
            found.append((line.member.name, f"未交 {len(unpaid)} 个月：" + "、".join(f"{m:%Y-%m}" for m in unpaid),
                          "dues:member", line.member.pk))
    return found


register_indicator(CODE, "党费收缴率", RATE, gather, evidence, wording="党费已交/应交（人·月）",
                   none_text="本年度尚无应交党费的月份，按满分计")
