"""Structure rules (docs/architecture.md「业务规则」), as pure functions over plain facts about one organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .choices import BRANCH_KINDS, COMMITTEE_KINDS, SUB_BRANCH_KINDS, OrgKind, UnitCategory

MIN_BRANCH_FULL_MEMBERS = 3
BRANCH_SOFT_LIMIT = 50  # above: a 党总支 may be set up
BRANCH_HARD_LIMIT = 100  # above: a 基层党委, with approval
COMMITTEE_THRESHOLD = 7  # full members from which a 支委会 is formed
COMMITTEE_MIN, COMMITTEE_MAX, COMMITTEE_CEILING = 3, 5, 7
TERM_REMINDER_MONTHS = 6


@dataclass(frozen=True)
class OrgFacts:
    kind: str
    unit_category: str
    full_members: int
    all_members: int
    committee_size: int
    has_secretary: bool
    has_current_term: bool
    term_ends_on: dt.date | None


@dataclass(frozen=True)
class Warning:
    code: str
    level: str  # "danger" or "warning"
    message: str


WARNING_LABELS = {
    "too_few_members": "正式党员不足3名",
    "over_50": "党员超过50名",
    "over_100": "党员超过100名",
    "committee_size": "委员会人数不符合规定",
    "term_expired": "任期已届满",
    "term_expiring": "任期即将届满",
    "no_secretary": "书记空缺",
}


def default_term_years(kind: str, unit_category: str) -> int:
    """村/社区 branches and 基层党委 serve 5 years; other branches and 总支 3."""
    if kind in COMMITTEE_KINDS:
        return 5
    if unit_category in (UnitCategory.VILLAGE, UnitCategory.COMMUNITY):
        return 5
    return 3


def has_committee(kind: str) -> bool:
    return kind not in SUB_BRANCH_KINDS


def structure_warnings(facts: OrgFacts, today: dt.date) -> list[Warning]:
    """Every structure warning for one organisation, each saying what is wrong and the rule."""
    out: list[Warning] = []
    if not has_committee(facts.kind):
        return out
    if facts.kind in BRANCH_KINDS:
        out += _branch_size_warnings(facts)
        out += _committee_size_warnings(facts)
    if not facts.has_secretary:
        out.append(_no_secretary(facts))
    out += _term_warnings(facts, today)
    return out


def _no_secretary(f: OrgFacts) -> Warning:
    if f.has_current_term:
        return Warning("no_secretary", "danger", "书记空缺：本届委员会没有书记")
    return Warning("no_secretary", "danger", "书记空缺：未录入本届委员会及书记")


def _branch_size_warnings(f: OrgFacts) -> list[Warning]:
    out = []
    if f.full_members < MIN_BRANCH_FULL_MEMBERS:
        out.append(Warning("too_few_members", "danger",
                           f"正式党员{f.full_members}名，不足{MIN_BRANCH_FULL_MEMBERS}名，不符合设立党支部的条件"))
    if f.all_members > BRANCH_HARD_LIMIT:
        out.append(Warning("over_100", "warning",
                           f"党员{f.all_members}名，超过{BRANCH_HARD_LIMIT}名，可申请设立基层党委"))
    elif f.all_members > BRANCH_SOFT_LIMIT:
        out.append(Warning("over_50", "warning",
                           f"党员{f.all_members}名，超过{BRANCH_SOFT_LIMIT}名，可考虑设立党总支"))
    return out


def _committee_size_warnings(f: OrgFacts) -> list[Warning]:
    if not f.has_current_term:
        return []
    if f.full_members < COMMITTEE_THRESHOLD:
        if f.committee_size > 2:
            return [Warning("committee_size", "warning",
                            f"正式党员不足{COMMITTEE_THRESHOLD}名，只设书记（可设副书记），现有委员{f.committee_size}名")]
        return []
    if f.committee_size > COMMITTEE_CEILING:
        return [Warning("committee_size", "danger",
                        f"支委会{f.committee_size}人，超过{COMMITTEE_CEILING}人的上限")]
    if not COMMITTEE_MIN <= f.committee_size <= COMMITTEE_MAX:
        return [Warning("committee_size", "warning",
                        f"正式党员{f.full_members}名，应设{COMMITTEE_MIN}至{COMMITTEE_MAX}人的支委会，现有{f.committee_size}人")]
    return []


def _term_warnings(f: OrgFacts, today: dt.date) -> list[Warning]:
    if f.term_ends_on is None:
        return []
    if f.term_ends_on < today:
        days = (today - f.term_ends_on).days
        message = f"任期已于{f.term_ends_on:%Y年%m月%d日}届满（逾期{days}天），应及时换届"
        return [Warning("term_expired", "danger", message)]
    if f.term_ends_on <= _months_later(today, TERM_REMINDER_MONTHS):
        return [Warning("term_expiring", "warning",
                        f"任期将于{f.term_ends_on:%Y年%m月%d日}届满，应提前做好换届准备")]
    return []


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


__all__ = ["OrgFacts", "Warning", "structure_warnings", "default_term_years", "OrgKind"]
