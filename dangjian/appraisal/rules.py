"""Pure rules of 述职评议, 民主评议党员 and 党员积分: plain data in, a result and its reason out.
No database. The numbers are defaults kept as data on the records (a round's thresholds, an
organisation's points rules), so a county changes them without touching code.

Points rules — what may and may not be scored
----------------------------------------------
Since 2026 the national rules on government mobile apps forbid using study time, page views,
likes, shares, check-ins (打卡/签到) or photo uploads as assessment criteria. The platform never
scores them: a rule's category is one of ``PointsCategory`` (conduct and work done, such as
attending a meeting or a recorded service), and ``points_rule_errors`` refuses a rule whose name or
description scores any of ``FORBIDDEN_BASES`` — the check every points rule passes before it is
saved, whoever writes it (page, API, demo).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .choices import AppealOutcome, Grade, PointsCategory, Rating

# -- 述职评议 ------------------------------------------------------------------------------------------

DEFAULT_GOOD_SHARE = 60  # 好 votes ≥ 60% of the votes cast → 好
DEFAULT_FAIR_SHARE = 70  # 好 + 较好 ≥ 70% → 较好
DEFAULT_POOR_SHARE = 30  # 差 votes ≥ 30% → 差 (checked first)
RATINGS = [Rating.GOOD, Rating.FAIRLY_GOOD, Rating.AVERAGE, Rating.POOR]


@dataclass(frozen=True)
class ReportResult:
    rating: str | None
    reason: str


def report_result(tallies: Mapping[str, int], *, good_share: int = DEFAULT_GOOD_SHARE,
                  fair_share: int = DEFAULT_FAIR_SHARE, poor_share: int = DEFAULT_POOR_SHARE) -> ReportResult:
    """The result of one secretary's 述职评议 from the tallies of 好/较好/一般/差. Shares are whole
    percentages of the votes cast; a share exactly at a threshold meets it."""
    counts = {r: int(tallies.get(r, 0) or 0) for r in RATINGS}
    total = sum(counts.values())
    if total == 0:
        return ReportResult(None, "尚未录入评议票数")

    def share(*keys) -> Fraction:
        return Fraction(sum(counts[k] for k in keys) * 100, total)

    def pct(value: Fraction) -> str:
        return f"{float(value):.1f}%"

    poor, good, fair = share(Rating.POOR), share(Rating.GOOD), share(Rating.GOOD, Rating.FAIRLY_GOOD)
    if poor >= poor_share:
        return ReportResult(Rating.POOR, f"“差”票占 {pct(poor)}，达到 {poor_share}%")
    if good >= good_share:
        return ReportResult(Rating.GOOD, f"“好”票占 {pct(good)}，达到 {good_share}%")
    if fair >= fair_share:
        return ReportResult(Rating.FAIRLY_GOOD, f"“好”和“较好”票合计占 {pct(fair)}，达到 {fair_share}%")
    return ReportResult(Rating.AVERAGE, f"“好”票占 {pct(good)}、“好”和“较好”合计占 {pct(fair)}，均未达到标准")


def threshold_errors(good_share: int, fair_share: int, poor_share: int) -> dict[str, str]:
    errors = {}
    for name, value in (("good_share", good_share), ("fair_share", fair_share), ("poor_share", poor_share)):
        if not 1 <= int(value) <= 100:
            errors[name] = "比例应在 1% 至 100% 之间"
    if not errors and fair_share < good_share:
        errors["fair_share"] = "“较好”的比例（好与较好合计）不应低于“好”的比例"
    return errors


def tally_errors(tallies: Mapping[str, int | None], *, voters: int | None = None, labels=None) -> dict[str, str]:
    """Tallies are whole numbers ≥ 0; when the number of voters is known their sum may not exceed it."""
    errors = {}
    for key, value in tallies.items():
        if value is None or int(value) < 0:
            errors[key] = "票数应为不小于 0 的整数"
    if not errors and voters is not None:
        total = sum(int(v) for v in tallies.values())
        if total > voters:
            errors["__all__"] = f"各项票数合计 {total} 超过参加测评人数 {voters}"
    return errors


# -- 民主评议党员 -------------------------------------------------------------------------------------

def appeal_errors(outcome: str, response: str, current: str, new_grade: str = "") -> dict[str, str]:
    """The level above's answer to an appeal: a conclusion with its reasons; changing the result names
    a grade other than the one appealed against."""
    errors = {}
    if outcome not in AppealOutcome.values:
        errors["outcome"] = "复查结论应为维持或改变评定等次"
    if not (response or "").strip():
        errors["response"] = "请填写复查意见"
    if outcome == AppealOutcome.CHANGED and (new_grade not in Grade.values or new_grade == current):
        errors["grade"] = "改变评定等次时请选择与原等次不同的等次"
    return errors


def _sheet_errors(choices: Mapping[int, str], due: set[int], allowed: Iterable[str], *, stranger: str,
                 missing: str, wrong: str) -> dict[str, str]:
    """A ballot sheet: a choice among ``allowed`` for every one of ``due``, nobody else."""
    if set(choices) - due:
        return {"choices": stranger}
    if due - set(choices):
        return {"choices": missing.format(n=len(due - set(choices)))}
    if any(c not in allowed for c in choices.values()):
        return {"choices": wrong}
    return {}


def ballot_errors(choices: Mapping[int, str], eligible: Iterable[int], voter: int) -> dict[str, str]:
    """A member's own 民主测评 ballot: one of the four grades for every other member appraised (not
    those excluded, not oneself), nobody else."""
    if voter in choices:
        return {"choices": "不对本人测评"}
    return _sheet_errors(choices, set(eligible) - {voter}, Grade.values, stranger="测评对象不是本次参加评议的党员",
                         missing="还有 {n} 名党员未测评，请逐一选择", wrong="测评意见应为优秀、合格、基本合格或不合格")


def round_ballot_errors(choices: Mapping[int, str], rateable: Iterable[int]) -> dict[str, str]:
    """An account's 述职评议 ballot: 好/较好/一般/差 for every secretary it may rate (not a vacant post,
    not the secretary of an organisation where the account holds a position, not the voter), nobody else."""
    return _sheet_errors(choices, set(rateable), Rating.values,
                         stranger="评议对象不在本次述职评议中，或是您本人或您所在党组织的书记",
                         missing="还有 {n} 名书记未评议，请逐一选择", wrong="评议意见应为好、较好、一般或差")


EXCELLENT_SHARE = Fraction(1, 3)  # 优秀 normally no more than one third of those appraised


def excellent_warning(excellent: int, appraised: int) -> str | None:
    """A warning (never a refusal) when 优秀 exceeds one third of the members appraised."""
    if appraised and Fraction(excellent, appraised) > EXCELLENT_SHARE:
        return (f"评为优秀的 {excellent} 人超过参加评议党员 {appraised} 人的三分之一"
                f"（最多 {appraised // 3} 人），请核实")
    return None


def grade_errors(grade: str | None, *, excluded: bool) -> str | None:
    if excluded:
        return "该党员不参加本年度评议，不能评定等次" if grade else None
    if grade and grade not in Grade.values:
        return "等次应为优秀、合格、基本合格或不合格"
    return None


def finish_errors(rows: Iterable[tuple[str, bool, str]]) -> list[str]:
    """``rows`` (name, excluded, grade) of everyone in the appraisal: all appraised members graded."""
    missing = [name for name, excluded, grade in rows if not excluded and not grade]
    if missing:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        return [f"还有 {len(missing)} 名党员未评定等次：{shown}"]
    return []


def vote_suggestion(tallies: Mapping[str, int]) -> str | None:
    """The grade with most votes in the 民主测评 (ties go to the lower grade): a hint for 组织评定,
    which the branch decides."""
    order = [Grade.UNQUALIFIED, Grade.BASIC, Grade.QUALIFIED, Grade.EXCELLENT]
    counts = [(int(tallies.get(g, 0) or 0), -i, g) for i, g in enumerate(order)]
    best = max(counts)
    return best[2] if best[0] > 0 else None


def meeting_window(year: int) -> tuple[dt.date, dt.date]:
    """When the 民主评议党员 meeting of ``year`` may be held: in the year itself, or early in the next
    (many branches hold it with the 组织生活会 in January–March)."""
    return dt.date(year, 1, 1), dt.date(year + 1, 3, 31)


MAX_DISPOSAL_DAYS = 366
# When a 不合格 result stands, the branch is asked to register its 组织处置 within this many days (a
# prompt in its 待办 with this due date, not a limit the platform enforces).
DISPOSAL_DECIDE_DAYS = 30


def disposal_errors(grade: str, due_on: dt.date | None, today: dt.date) -> dict[str, str]:
    errors = {}
    if grade != Grade.UNQUALIFIED:
        errors["kind"] = "只有评为不合格的党员需要组织处置"
    if due_on is None:
        errors["due_on"] = "请填写处置期限"
    elif due_on < today:
        errors["due_on"] = "处置期限不能早于今天"
    elif (due_on - today).days > MAX_DISPOSAL_DAYS:
        errors["due_on"] = "处置期限一般不超过一年"
    return errors


# -- 党员积分 ------------------------------------------------------------------------------------------

# Never scored (2026 national rules on government mobile apps); see the module docstring.
FORBIDDEN_BASES = {
    "学习时长": "学习时长", "学时": "学习时长", "浏览": "浏览量", "阅读量": "浏览量", "点赞": "点赞",
    "转发": "转发", "分享": "分享", "打卡": "打卡", "签到": "签到打卡", "拍照": "上传照片",
    "上传照片": "上传照片", "晒图": "上传照片", "在线时长": "学习时长", "登录": "登录平台",
}
MAX_RULE_POINTS = 100
MAX_CAP = 10_000


def points_rule_errors(*, category: str, name: str, description: str = "", points: int,
                       cap_month: int | None, cap_year: int | None) -> dict[str, str]:
    errors = {}
    if category not in PointsCategory.values:
        errors["category"] = "积分类别不是可选值"
    text = f"{name}{description}"
    found = sorted({label for word, label in FORBIDDEN_BASES.items() if word in text})
    if found:
        errors["name"] = (f"不能对{'、'.join(found)}计分：2026 年起政务移动应用的全国性规定不允许以学习时长、"
                          "浏览、点赞、转发、分享、打卡或上传照片作为考核依据")
    if not (name or "").strip():
        errors["name"] = "请填写积分项目名称"
    if category != PointsCategory.VETO:
        if points == 0 or abs(points) > MAX_RULE_POINTS:
            errors["points"] = f"分值应在 -{MAX_RULE_POINTS} 至 {MAX_RULE_POINTS} 之间且不为 0"
        if category == PointsCategory.DEDUCTION and points > 0:
            errors["points"] = "扣分项目的分值应为负数"
        if category != PointsCategory.DEDUCTION and points < 0:
            errors["points"] = "加分项目的分值应为正数；扣分请选“违规扣分”类别"
    for key, cap in (("cap_month", cap_month), ("cap_year", cap_year)):
        if cap is not None and not 0 < cap <= MAX_CAP:
            errors[key] = f"上限应在 1 至 {MAX_CAP} 之间，不设上限请留空"
    if cap_month and cap_year and cap_month > cap_year:
        errors["cap_year"] = "每年上限不能小于每月上限"
    return errors


# Points from a quantity the platform measures (confirmed 双报到 service hours): points for every
# full ``per`` units, at most ``cap`` a year. 党员积分 schemes are local (no national standard); the
# default is a starting point each organisation changes per year: 12 hours is the yearly service the
# 双报到 rules expect (DANGJIAN_COMMUNITY_YEARLY_HOURS), so meeting it earns 3 points.
DEFAULT_SOURCE_PER = Decimal(4)
DEFAULT_SOURCE_POINTS = 1
DEFAULT_SOURCE_CAP = 10


def source_rule_errors(per, points, cap) -> dict[str, str]:
    errors = {}
    if per is None or not Decimal("0.5") <= Decimal(per) <= 1000:
        errors["per"] = "“每满”应在 0.5 至 1000 之间"
    if points is None or not 1 <= int(points) <= MAX_RULE_POINTS:
        errors["points"] = f"计分应在 1 至 {MAX_RULE_POINTS} 之间"
    if cap is None or not 1 <= int(cap) <= MAX_CAP:
        errors["cap"] = f"每年上限应在 1 至 {MAX_CAP} 之间"
    elif points is not None and not errors.get("points") and int(cap) < int(points):
        errors["cap"] = "每年上限不能小于一次的计分"
    return errors


def source_points(amount, *, per, points: int, cap: int, unit: str, label: str) -> tuple[int, str]:
    """Points for ``amount`` of a measured quantity, and why: ``points`` per full ``per`` units,
    capped at ``cap`` a year. Exactly ``per`` units count as one full step."""
    amount, per = Decimal(amount or 0), Decimal(per)
    steps = int(amount // per) if per > 0 else 0
    earned = min(steps * points, cap)
    reason = f"{label} {amount.normalize():f} {unit}，每满 {per.normalize():f} {unit}计 {points} 分"
    if steps * points > cap:
        reason += f"，已达每年上限 {cap} 分"
    return earned, f"{reason}，计 {earned} 分"


@dataclass(frozen=True)
class RuleFacts:
    id: int
    name: str
    cap_month: int | None = None
    cap_year: int | None = None
    veto: bool = False


@dataclass(frozen=True)
class EntryFacts:
    id: int
    rule_id: int | None
    on: dt.date
    points: int


@dataclass(frozen=True)
class Counted:
    entry_id: int
    counted: int
    note: str


@dataclass(frozen=True)
class Ledger:
    """A member's year: each approved entry with the points it counts for and why, and the total."""

    lines: list[Counted]
    total: int
    vetoed_by: str | None


def ledger(entries: Iterable[EntryFacts], rules: Mapping[int, RuleFacts]) -> Ledger:
    """Apply the caps and vetoes to one member's approved entries of one year, in date order.

    An entry counts in full while its rule's month and year caps allow, in part when it reaches a
    cap, and not at all past it; deductions are never capped. An entry of a 一票否决 rule zeroes the
    whole year: the total is 0 and each line says why."""
    lines: list[Counted] = []
    month_sum: dict[tuple[int, int], int] = defaultdict(int)
    year_sum: dict[int, int] = defaultdict(int)
    vetoed_by = None
    ordered = sorted(entries, key=lambda e: (e.on, e.id))
    for e in ordered:
        rule = rules.get(e.rule_id) if e.rule_id is not None else None
        if rule is not None and rule.veto:
            vetoed_by = vetoed_by or f"{rule.name}（{e.on:%Y-%m-%d}）"
    for e in ordered:
        rule = rules.get(e.rule_id) if e.rule_id is not None else None
        counted, notes = e.points, []
        if rule is not None and e.points > 0:
            room = [counted]
            if rule.cap_month:
                room.append(rule.cap_month - month_sum[(rule.id, e.on.month)])
            if rule.cap_year:
                room.append(rule.cap_year - year_sum[rule.id])
            counted = max(0, min(room))
            if counted < e.points:
                which = "每月" if rule.cap_month and counted == rule.cap_month - month_sum[(rule.id, e.on.month)] \
                    else "每年"
                notes.append(f"已达“{rule.name}”{which}上限，计 {counted} 分")
            month_sum[(rule.id, e.on.month)] += counted
            year_sum[rule.id] += counted
        if vetoed_by:
            notes.append(f"一票否决：{vetoed_by}，本年度积分计为 0")
        lines.append(Counted(e.id, counted, "；".join(notes)))
    total = 0 if vetoed_by else sum(line.counted for line in lines)
    return Ledger(lines, total, vetoed_by)
