"""The rules of 发展党员 as pure functions over plain data (no database).

Every number lives in a ``RuleSet`` — one per edition of the 细则, chosen by the day the case began
(its 入党申请) — and a county may switch on local layers (``LAYERS``) that change the data, never the
code. ``check`` returns every breach as a ``Flag`` with its reason and source; a breach only blocks
the recording when the rule set lists its code in ``blocking``.

Periods in months end on the same day of the month (``add_months``: 31 January + 1 month is the last
day of February). An age counts whole years (born 29 February: 18 on 1 March of a common year).
公示 counts working days (``core.workdays``) with the holiday calendar passed in."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import NamedTuple

from dangjian.core.workdays import WEEKDAYS_ONLY, WorkCalendar, working_days_between

from .choices import REPEATABLE, STEP_NAMES, STEP_STAGE, CaseStatus, LocalLayer, Outcome

ENTITLED_KINDS = frozenset({"committee", "working_committee"})  # 党委、党工委; not 党总支 or 临时党组织
FULL = "full"
NORMAL = "normal"


@lru_cache(maxsize=8192)  # a subtree's check asks it some 140,000 times, mostly of the same days
def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Person(NamedTuple):
    name: str
    membership_type: str = FULL
    status: str = NORMAL


class StepFacts(NamedTuple):
    """One recorded step. A named tuple rather than a dataclass: a city's check builds some 300,000
    of them, and a tuple is made ten times faster (``StepFacts._make(row)`` from a database row)."""

    step: int
    done_on: dt.date
    persons: tuple[Person, ...] = ()
    voting_expected: int | None = None
    voting_present: int | None = None
    votes_for: int | None = None
    individually: bool = True
    training_days: float = 0
    training_hours: float = 0
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None
    approver_kind: str = ""
    outcome: str = ""
    extension_months: int = 0
    reason: str = ""


@dataclass(frozen=True)
class CaseFacts:
    birth_date: dt.date
    steps: tuple[StepFacts, ...] = ()

    @cached_property
    def _index(self) -> tuple[dict[int, StepFacts], dict[int, list[StepFacts]]]:
        """Each step's first record in the order given, and its records in date order (ties in the
        order given): the rules ask for them some thirty times per case."""
        found: dict[int, list[StepFacts]] = {}
        for s in self.steps:
            found.setdefault(s.step, []).append(s)
        firsts = {step: rows[0] for step, rows in found.items()}
        for rows in found.values():
            if len(rows) > 1:
                rows.sort(key=lambda s: s.done_on)
        return firsts, found

    def first(self, step: int) -> StepFacts | None:
        return self._index[0].get(step)

    def all(self, step: int) -> list[StepFacts]:
        return list(self._index[1].get(step, ()))

    def last(self, step: int) -> StepFacts | None:
        rows = self._index[1].get(step)
        return rows[-1] if rows else None


@dataclass(frozen=True)
class Flag:
    code: str
    step: int
    reason: str
    source: str
    blocking: bool = False

    def as_dict(self) -> dict:
        return {"code": self.code, "step": self.step, "reason": self.reason, "source": self.source,
                "blocking": self.blocking}


_CH = "《中国共产党发展党员工作细则》"


def _sources(edition: str) -> dict[str, str]:
    book = f"{_CH}（{edition}年{'修订' if edition != '2014' else ''}）"
    return {
        "order": f"{book}各章规定的步骤顺序",
        "age": f"{book}第二章：年满十八岁可以申请入党",
        "talk": f"{book}第二章：收到入党申请书后一个月内派人谈话",
        "activist_period": f"{book}第四章：经过一年以上培养教育和考察",
        "review": f"{book}第三章：每半年对入党积极分子进行一次考察",
        "contacts": f"{book}第三章：指定一至两名正式党员作培养联系人",
        "introducers": f"{book}第四章：两名正式党员作入党介绍人（受留党察看以上处分的不能作介绍人）",
        "political_review": f"{book}第四章：政治审查在填写入党志愿书之前，结论一年内有效",
        "training": f"{book}第四章：集中培训时间一般不少于三天或不少于二十四个学时",
        "publicity": f"{book}第四章：公示（期限按工作日计算）",
        "prereview": f"{book}第四章：经上级党委预审合格后发放入党志愿书",
        "meeting": f"{book}第五章：有表决权的到会人数超过应到会有表决权人数的半数，"
                   f"赞成人数超过应到会有表决权人数的半数；逐个讨论表决",
        "approval": f"{book}第五章：上级党委三个月内审批，特殊情况不超过六个月；党总支和临时党组织无审批权",
        "probation": f"{book}第六章：预备期一年，从支部大会通过之日算起",
        "confirmation": f"{book}第六章：预备期满及时讨论转正；可延长一次，时间不少于半年、最长不超过一年",
        "confirm_approval": f"{book}第六章：上级党委在三个月内审批转正",
    }


@dataclass(frozen=True)
class RuleSet:
    code: str
    title: str
    effective_from: dt.date
    min_age: int = 18
    talk_months: int = 1
    activist_months: int = 12
    review_months: int = 6
    contacts: tuple[int, int] = (1, 2)
    introducers: int = 2
    review_valid_months: int = 12
    training_days: float = 3
    training_hours: float = 24
    publicity: dict[int, int] = field(default_factory=lambda: {12: 5})  # step -> working days
    approval_months: int = 3
    approval_max_months: int = 6
    probation_months: int = 12
    extension_months: tuple[int, int] = (6, 12)
    max_extensions: int = 1
    confirm_approval_months: int = 3
    blocking: frozenset[str] = frozenset({"age"})
    layers: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


# The editions. The 2026 revision's differences are kept as data here; its text must be checked
# against the published original before a county relies on them (docs/recruitment.md).
EDITIONS: tuple[RuleSet, ...] = (
    RuleSet(code="2014", title=f"{_CH}（2014年）", effective_from=dt.date(2014, 6, 10), sources=_sources("2014")),
    RuleSet(code="2026", title=f"{_CH}（2026年修订）", effective_from=dt.date(2026, 1, 1),
            publicity={7: 5, 12: 5}, blocking=frozenset({"age", "approver"}), sources=_sources("2026")),
)


def _publicity_7(rs: RuleSet) -> RuleSet:
    return replace(rs, publicity={k: max(v, 7) for k, v in rs.publicity.items()})


def _candidate_publicity(rs: RuleSet) -> RuleSet:
    return replace(rs, publicity={7: 5, **rs.publicity})


LAYERS = {LocalLayer.PUBLICITY_7: _publicity_7, LocalLayer.CANDIDATE_PUBLICITY: _candidate_publicity}


def edition_for(started_on: dt.date) -> RuleSet:
    """The edition in force on the day the case began (the earliest one for older cases)."""
    chosen = EDITIONS[0]
    for edition in EDITIONS:
        if edition.effective_from <= started_on:
            chosen = edition
    return chosen


def rule_set_for(started_on: dt.date, layers=()) -> RuleSet:
    """The edition in force on the day the case began, with the switched-on local layers applied."""
    chosen = edition_for(started_on)
    for code in sorted(set(layers)):
        chosen = LAYERS[code](chosen)
    return replace(chosen, layers=tuple(sorted(set(layers))))


# -- the checks ---------------------------------------------------------------------------------------

def _fmt(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def _predecessor(step: int) -> int | None:
    for before in range(step - 1, 0, -1):
        if before not in REPEATABLE:
            return before
    return None


# The step each step must follow (22 follows 20: the 考察 between may be recorded any number of times).
_ORDERED = {step: _predecessor(step) for step in STEP_NAMES if step not in REPEATABLE or step == 22}


def _order(case: CaseFacts, out):
    for s in case.steps:
        before = _ORDERED.get(s.step)
        if before is None:
            continue
        prev = case.first(before)
        if prev is None:
            out("order", s.step,
                f"第{s.step}步“{STEP_NAMES[s.step]}”登记时，第{before}步“{STEP_NAMES[before]}”尚未登记")
        elif prev.done_on > s.done_on:
            out("order", s.step, f"第{s.step}步“{STEP_NAMES[s.step]}”（{_fmt(s.done_on)}）早于第{before}步"
                                 f"“{STEP_NAMES[before]}”（{_fmt(prev.done_on)}）")


def _age(case, rs, out):
    applied = case.first(1)
    if applied and age_on(case.birth_date, applied.done_on) < rs.min_age:
        out("age", 1, f"递交入党申请书时（{_fmt(applied.done_on)}）未满{rs.min_age}周岁"
                      f"（{rs.min_age}周岁生日在{_fmt(_birthday(case.birth_date, rs.min_age))}）")


def _birthday(birth: dt.date, years: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(birth.year + years, 3, 1)


def _talk(case, rs, today, out):
    applied, talk = case.first(1), case.first(2)
    if applied is None:
        return
    limit = add_months(applied.done_on, rs.talk_months)
    when = talk.done_on if talk else today
    if when > limit:
        said = f"谈话日期 {_fmt(talk.done_on)}" if talk else "至今未谈话"
        out("talk", 2, f"{said}，超过收到申请书后{rs.talk_months}个月的期限（{_fmt(limit)}）")


def _activist(case, rs, today, out):
    named, chosen = case.first(3), case.first(7)
    if named is None:
        return
    if chosen is not None:
        earliest = add_months(named.done_on, rs.activist_months)
        if chosen.done_on < earliest:
            short = (earliest - chosen.done_on).days
            out("activist_period", 7, f"确定为入党积极分子（{_fmt(named.done_on)}）至确定为发展对象"
                                      f"（{_fmt(chosen.done_on)}）不满{rs.activist_months // 12}年，"
                                      f"差{short}天（最早 {_fmt(earliest)}）")
    end = chosen.done_on if chosen else today
    last = named.done_on
    for review in case.all(6) + [None]:
        day = review.done_on if review else end
        if review is None and chosen is None and day <= add_months(last, rs.review_months):
            break
        if day > add_months(last, rs.review_months):
            out("review", 6, f"{_fmt(last)} 之后至 {_fmt(day)} 超过{rs.review_months}个月没有考察记录")
            break
        last = day


def _people(case, rs, out):
    low, high = rs.contacts
    contacts = case.first(5)
    if contacts is not None:
        if not low <= len(contacts.persons) <= high:
            out("contacts", 5, f"培养联系人应为{low}至{high}名正式党员，登记了{len(contacts.persons)}名")
        _full_members(contacts, "培养联系人", out, "contacts")
    introducers = case.first(9)
    if introducers is not None:
        if len(introducers.persons) != rs.introducers:
            out("introducers", 9, f"入党介绍人应为{rs.introducers}名正式党员，登记了{len(introducers.persons)}名")
        _full_members(introducers, "入党介绍人", out, "introducers")


def _full_members(step: StepFacts, role: str, out, code: str):
    for p in step.persons:
        if p.membership_type != FULL:
            out(code, step.step, f"{role}{p.name}不是正式党员")
        elif p.status != NORMAL:
            out(code, step.step, f"{role}{p.name}党籍状态不正常（受处分或停止党籍），不能担任{role}")


def _before(case, first: int, then: int, code: str, what: str, out):
    a, b = case.first(first), case.first(then)
    if b is not None and (a is None or a.done_on > b.done_on):
        said = "尚未完成" if a is None else f"在 {_fmt(a.done_on)}"
        out(code, then, f"{what}{said}，而入党志愿书已于 {_fmt(b.done_on)} 填写")


def _political_review(case, rs, out):
    _before(case, 10, 14, "political_review", "政治审查", out)
    review, meeting = case.first(10), case.first(15)
    if review and meeting and meeting.done_on > add_months(review.done_on, rs.review_valid_months):
        out("political_review", 15, f"政治审查结论（{_fmt(review.done_on)}）至支部大会（{_fmt(meeting.done_on)}）"
                                    f"已超过{rs.review_valid_months}个月有效期")


def _training(case, rs, out):
    t = case.first(11)
    if t and t.training_days < rs.training_days and t.training_hours < rs.training_hours:
        out("training", 11, f"集中培训{t.training_days:g}天、{t.training_hours:g}学时，"
                            f"不足{rs.training_days:g}天或{rs.training_hours:g}学时")


def _publicity(case, rs, calendar, out):
    for step, days in sorted(rs.publicity.items()):
        s = case.first(step)
        if s is None:
            continue
        if s.publicity_start is None or s.publicity_end is None:
            out("publicity", step, f"第{step}步须公示不少于{days}个工作日，未登记公示起止日期")
            continue
        counted = working_days_between(s.publicity_start, s.publicity_end, calendar)
        if counted < days:
            out("publicity", step, f"公示 {_fmt(s.publicity_start)} 至 {_fmt(s.publicity_end)} 只有{counted}个工作日"
                                   f"（节假日不计），应不少于{days}个工作日")


def _meetings(case, out):
    for s in case.steps:
        if s.step not in (15, 23):
            continue
        expected, present, yes = s.voting_expected, s.voting_present, s.votes_for
        if expected is None or present is None or yes is None:
            out("meeting", s.step, "支部党员大会未登记应到、实到有表决权党员人数和赞成票数")
            continue
        if present * 2 <= expected:
            out("meeting", s.step, f"到会有表决权党员{present}人，未超过应到{expected}人的半数")
        if yes * 2 <= expected:
            out("meeting", s.step, f"赞成{yes}票，未超过应到会有表决权党员{expected}人的半数")
        if not s.individually:
            out("meeting", s.step, "多名发展对象未逐个讨论表决")


def _approval(case, rs, today, out):
    meeting, approval = case.first(15), case.first(17)
    if meeting is None:
        return
    limit, hard = add_months(meeting.done_on, rs.approval_months), add_months(meeting.done_on, rs.approval_max_months)
    when = approval.done_on if approval else today
    said = f"审批于 {_fmt(approval.done_on)}" if approval else "至今未审批"
    if when > hard:
        out("approval", 17,
            f"{said}，超过支部大会（{_fmt(meeting.done_on)}）后{rs.approval_max_months}个月的最长期限（{_fmt(hard)}）")
    elif when > limit and not (approval and approval.reason.strip()):
        out("approval", 17, f"{said}，超过支部大会后{rs.approval_months}个月（{_fmt(limit)}），未登记延长审批的理由")
    if approval and approval.approver_kind and approval.approver_kind not in ENTITLED_KINDS:
        out("approver", 17, "审批单位不是党委或党工委（党总支和临时党组织没有审批权）")


def probation_end(case: CaseFacts, rs: RuleSet) -> dt.date | None:
    meeting = case.first(15)
    if meeting is None:
        return None
    extra = sum(s.extension_months for s in case.all(23) if s.outcome == Outcome.EXTEND)
    return add_months(meeting.done_on, rs.probation_months + extra)


def _confirmation(case, rs, today, out):
    end = probation_end(case, rs)
    if end is None or case.first(17) is None:
        return
    decisions = case.all(23)
    low, high = rs.extension_months
    extensions = [s for s in decisions if s.outcome == Outcome.EXTEND]
    for s in extensions:
        if not low <= s.extension_months <= high:
            out("confirmation", 23, f"延长预备期{s.extension_months}个月，应为{low}至{high}个月")
    if len(extensions) > rs.max_extensions:
        out("confirmation", 23, f"预备期延长了{len(extensions)}次，只能延长{rs.max_extensions}次")
    final = decisions[-1] if decisions else None
    if final is None and today > add_months(end, 1):
        out("confirmation", 23, f"预备期已于 {_fmt(end)} 期满，至今未讨论转正")
    if final is not None and final.outcome != Outcome.EXTEND and final.done_on < end:
        out("confirmation", 23, f"支部大会在预备期满（{_fmt(end)}）之前讨论转正（{_fmt(final.done_on)}）")
    if final is not None and final.outcome != Outcome.EXTEND:
        approval = next((s for s in case.all(24) if s.done_on >= final.done_on), None)
        limit = add_months(final.done_on, rs.confirm_approval_months)
        when = approval.done_on if approval else today
        if when > limit:
            said = f"审批于 {_fmt(approval.done_on)}" if approval else "至今未审批"
            out("confirm_approval", 24,
                f"{said}，超过支部大会讨论转正后{rs.confirm_approval_months}个月（{_fmt(limit)}）")


def check(case: CaseFacts, rs: RuleSet, *, calendar: WorkCalendar = WEEKDAYS_ONLY,
          today: dt.date | None = None) -> list[Flag]:
    """Every breach of ``rs`` in ``case``, in the order of the steps. ``today`` judges periods still
    running (a 谈话 not yet held after a month is already late)."""
    today = today or dt.date.today()
    flags: list[Flag] = []

    def out(code: str, step: int, reason: str) -> None:
        flags.append(Flag(code, step, reason, rs.sources.get(code, rs.title), code in rs.blocking))

    _order(case, out)
    _age(case, rs, out)
    _talk(case, rs, today, out)
    _activist(case, rs, today, out)
    _people(case, rs, out)
    _political_review(case, rs, out)
    _training(case, rs, out)
    _publicity(case, rs, calendar, out)
    _before(case, 13, 14, "prereview", "上级党委预审", out)
    _meetings(case, out)
    _approval(case, rs, today, out)
    _confirmation(case, rs, today, out)
    return sorted(flags, key=lambda f: f.step)


# -- where a case stands ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Position:
    step: int
    stage: int
    status: str
    due_on: dt.date | None
    due_label: str


def position(case: CaseFacts, rs: RuleSet) -> Position:
    """The furthest step recorded, the stage and status it means, and the next date the procedure
    sets (谈话, the next 考察, 审批, the end of the probation, 转正审批)."""
    done = {s.step for s in case.steps}
    step = max(done, default=0)
    stage = STEP_STAGE.get(step, 1)
    status = CaseStatus.ACTIVE
    approval = case.last(17)
    if approval and approval.outcome == Outcome.REJECTED:
        return Position(step, 7, CaseStatus.CLOSED, None, "")
    if approval:
        status = CaseStatus.PROBATIONARY
    decision = case.last(23)
    final = case.last(24)
    if decision and decision.outcome == Outcome.CANCEL and final:
        return Position(step, 7, CaseStatus.CLOSED, None, "")
    if decision and decision.outcome == Outcome.CONFIRM and final and final.done_on >= decision.done_on:
        return Position(step, 6, CaseStatus.FULL, None if 25 in done else add_months(final.done_on, 1),
                        "" if 25 in done else "材料归档")
    due, label = _next_due(case, rs, done)
    return Position(step, stage, status, due, label)


def _next_due(case, rs, done):
    if 1 in done and 2 not in done:
        return add_months(case.first(1).done_on, rs.talk_months), "党组织派人谈话"
    if 3 in done and 7 not in done:
        last = max([case.first(3).done_on] + [s.done_on for s in case.all(6)])
        return add_months(last, rs.review_months), "培养教育考察（每半年）"
    if 15 in done and 17 not in done:
        return add_months(case.first(15).done_on, rs.approval_months), "上级党委审批"
    if 17 in done:
        decision = case.last(23)
        if decision is None or decision.outcome == Outcome.EXTEND:
            return probation_end(case, rs), "预备期满，讨论转正"
        return add_months(decision.done_on, rs.confirm_approval_months), "上级党委审批转正"
    return None, ""


def party_age_from(confirmed_on: dt.date | None) -> dt.date | None:
    """党龄 counts from 转正."""
    return confirmed_on
