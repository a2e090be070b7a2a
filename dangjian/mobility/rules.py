"""流动党员 rules: pure functions over plain data (no database), numbers in a versioned rule set.

Version "2006" is 中共中央组织部《关于进一步加强和改进流动党员管理工作的意见》(中组发〔2006〕4号)
with the 流动党员活动证 it introduced, read together with 中组部《关于做好失联党员查找工作的通知》
(2014) for 失去联系: docs/mobility.md gives each number and where it comes from.

- 在一地居住 6 个月以上的外出党员应转接组织关系: the reminder is due on the day the member has been
  away 6 calendar months (left 03-15 → due 09-15, not 09-14);
- 每年至少向流出地党组织报告一次: overdue when 12 months have passed since the last yearly report (or
  since leaving, when there is none) — the day after the anniversary;
- 失联: no report or contact for ``silence_months`` (6 by default, the 2014 notice's 6 months),
  counted like the transfer reminder; the platform suggests, the branch decides (it marks 失去联系);
- 活动证: expired the day after ``expires_on``; expiring when it ends within 30 days (today + 30 inclusive);
- 流入: three or more members from the same place in one local organisation → suggest a temporary or
  流动党员 branch (党章第三十条: 正式党员三人以上的成立党的基层组织).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSet:
    version: str
    source: str
    in_force_from: dt.date
    transfer_after_months: int = 6
    report_every_months: int = 12
    silence_months: int = 6
    card_warning_days: int = 30
    group_min: int = 3


RULES_2006 = RuleSet(
    version="2006",
    source="中共中央组织部《关于进一步加强和改进流动党员管理工作的意见》（中组发〔2006〕4号）；"
           "中组部《关于做好失联党员查找工作的通知》（2014）",
    in_force_from=dt.date(2006, 1, 1),
)
RULE_SETS: tuple[RuleSet, ...] = (RULES_2006,)
CURRENT = RULES_2006


def rule_set_for(day: dt.date) -> RuleSet:
    found = [r for r in RULE_SETS if r.in_force_from <= day]
    return found[-1] if found else RULE_SETS[0]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day (01-31 + 1 → 02-28)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def transfer_due_on(left_on: dt.date, rules: RuleSet = CURRENT) -> dt.date:
    return add_months(left_on, rules.transfer_after_months)


def transfer_due(left_on: dt.date, today: dt.date, rules: RuleSet = CURRENT) -> bool:
    """Away ``transfer_after_months`` or longer: remind the branch to transfer the relationship."""
    return today >= transfer_due_on(left_on, rules)


def report_due_on(left_on: dt.date, last_yearly: dt.date | None, rules: RuleSet = CURRENT) -> dt.date:
    """The day by which the next yearly report is due."""
    return add_months(max(left_on, last_yearly or left_on), rules.report_every_months)


def report_overdue(left_on: dt.date, last_yearly: dt.date | None, today: dt.date, rules: RuleSet = CURRENT) -> bool:
    return today > report_due_on(left_on, last_yearly, rules)


def silent_since(left_on: dt.date, last_contact: dt.date | None) -> dt.date:
    return max(left_on, last_contact or left_on)


def lost_contact(left_on: dt.date, last_contact: dt.date | None, today: dt.date, rules: RuleSet = CURRENT) -> bool:
    """No report or contact for ``silence_months``: the branch should look for the member (失联)."""
    return today >= add_months(silent_since(left_on, last_contact), rules.silence_months)


EXPIRED = "expired"
EXPIRING = "expiring"


def card_state(expires_on: dt.date | None, today: dt.date, rules: RuleSet = CURRENT) -> str:
    """"expired" (after its last day), "expiring" (ends within ``card_warning_days``), or ""."""
    if expires_on is None:
        return ""
    if today > expires_on:
        return EXPIRED
    if expires_on <= today + dt.timedelta(days=rules.card_warning_days):
        return EXPIRING
    return ""


def normalise_place(place: str) -> str:
    return "".join((place or "").split())


def group_suggestions(inflows: Iterable[tuple[int, str]], rules: RuleSet = CURRENT) -> dict[tuple[int, str], int]:
    """(local org id, place) → count, where ``group_min`` or more active inflow members from one place
    take part in one organisation (places compared without spaces)."""
    counts = Counter((org_id, normalise_place(place)) for org_id, place in inflows if normalise_place(place))
    return {key: n for key, n in counts.items() if n >= rules.group_min}


def outflow_errors(left_on: dt.date | None, expected_until: dt.date | None, today: dt.date) -> dict[str, str]:
    errors = {}
    if left_on is None:
        errors["left_on"] = "请填写外出日期"
    elif left_on > today:
        errors["left_on"] = "外出日期不能晚于今天"
    elif expected_until is not None and expected_until < left_on:
        errors["expected_until"] = "预计返回日期不能早于外出日期"
    return errors


def card_errors(issued_on: dt.date | None, expires_on: dt.date | None) -> dict[str, str]:
    if issued_on is None:
        return {"issued_on": "请填写发证日期"}
    if expires_on is None:
        return {"expires_on": "请填写有效期"}
    if expires_on <= issued_on:
        return {"expires_on": "有效期须晚于发证日期"}
    return {}
